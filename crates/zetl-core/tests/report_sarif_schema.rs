//! `--format sarif` output validates against the SARIF 2.1.0 JSON schema (vendored from a
//! registry package, see tests/schemas/README.md), with format checks (uri, date-time) on.

#[path = "support/report_sample.rs"]
mod report_sample;

use report_sample::{catalog, report, report_for, PAIR, PAIR_2};
use serde_json::Value;
use zetl_core::report::{render, Format, RenderOptions, Report};

fn validator() -> jsonschema::Validator {
    let text = include_str!("schemas/sarif-2.1.0.json");
    let schema: Value = serde_json::from_str(text).expect("vendored schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("vendored schema compiles")
}

fn sarif(report: &Report) -> Value {
    let out = render(report, &catalog(), Format::Sarif, &RenderOptions::default());
    serde_json::from_str(&out).expect("SARIF is JSON")
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let validator = validator();
    for r in [
        report(),
        report_for(&[PAIR], None),
        report_for(&[PAIR, PAIR_2], Some("configs/zetl prod.toml")),
    ] {
        let v = sarif(&r);
        assert_eq!(errors(&validator, &v), Vec::<String>::new());
    }
}

#[test]
fn sarif_without_findings_is_valid() {
    let mut r = report();
    r.findings.clear();
    r.notes.clear();
    let v = sarif(&r);
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(errors(&validator(), &v), Vec::<String>::new());
}

#[test]
fn the_schema_rejects_what_sarif_forbids() {
    // Proves the validation above has teeth: a wrong version and an unknown level fail.
    let validator = validator();
    let mut v = sarif(&report());
    v["version"] = Value::from("2.0.0");
    v["runs"][0]["results"][0]["level"] = Value::from("fatal");
    let found = errors(&validator, &v);
    assert_eq!(found.len(), 2, "{found:?}");
}

//! Docs as tests: the examples in README.md must keep working.

use std::path::Path;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

fn fenced_blocks<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    let open = format!("```{lang}\n");
    text.split(open.as_str())
        .skip(1)
        .map(|rest| rest.split_once("```").map_or(rest, |(block, _)| block))
        .collect()
}

#[test]
fn the_ci_gate_zetl_toml_loads_with_its_suppression_and_override() {
    let text = readme();
    let blocks = fenced_blocks(&text, "toml");
    assert_eq!(
        blocks.len(),
        2,
        "README should show the CI gate's zetl.toml and the many-pairs one"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zetl.toml");
    std::fs::write(&path, blocks[0]).unwrap();
    let (_, config) = zetl::config::load(Some(path.as_path())).unwrap().unwrap();
    assert_eq!(
        config.fields.target_database.as_deref(),
        Some("arn:aws:glue:us-east-1:222222222222:database/lake")
    );
    assert_eq!(config.suppress.len(), 1);
    assert_eq!(config.suppress[0].rule, "ZT012");
    assert_eq!(
        config.severity.get("ZS010"),
        Some(&zetl::report::Severity::Error)
    );
}

#[test]
fn the_many_pairs_zetl_toml_gives_one_pair_per_table_with_the_shared_defaults() {
    let text = readme();
    let block = fenced_blocks(&text, "toml")[1];
    let config = zetl::config::parse(block).unwrap();
    let setup = zetl::commands::doctor::merge_setup(&Default::default(), &config);
    let pairs = setup.pair_list();
    assert_eq!(pairs.len(), 2);
    for p in &pairs {
        assert_eq!(
            p.target_database.as_deref(),
            Some("arn:aws:glue:us-east-1:222222222222:database/lake")
        );
        assert!(p.target_role.is_some());
    }
    // The scenario the README runs exists.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(text.contains("--config fixtures/scenarios/twelve-tables.toml"));
    assert!(root.join("fixtures/scenarios/twelve-tables.toml").is_file());
    assert!(root.join("fixtures/scenarios/twelve-tables.json").is_file());
}

#[test]
fn the_readme_names_the_demo_and_test_commands_that_exist() {
    let text = readme();
    let commands = fenced_blocks(&text, "sh")[0];
    assert!(commands.contains("doctor --from fixtures/demo/cross-account.json"));
    assert!(commands.contains("./scripts/test.sh"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(root.join("fixtures/demo/cross-account.json").is_file());
    assert!(root.join("scripts/test.sh").is_file());
}

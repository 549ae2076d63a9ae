//! `--format json`: the report as the `zetl.report/v1` contract of cli.md, pretty-printed.

use super::Report;

/// The report's JSON (field names and order as the model), with a trailing newline.
pub fn render(report: &Report) -> String {
    let mut out = super::to_pretty_json(report);
    out.push('\n');
    out
}

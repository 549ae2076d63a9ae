//! `zetl rules`: the rule catalog, as a table or as JSON
//! (`[{"id","slug","severity","side","title","summary"}]`, the CLI contract).

use std::io::Write;

use serde::Serialize;

use super::{CliError, Exit};
use crate::cli::{ListFormat, RulesArgs};
use crate::report::{Severity, Side};
use crate::rules::catalog::Rule;

/// One entry of `zetl rules --format json`: exactly the contract's fields.
#[derive(Debug, Serialize)]
struct Entry<'a> {
    id: &'a str,
    slug: &'a str,
    severity: Severity,
    side: Side,
    title: &'a str,
    summary: &'a str,
}

pub fn run(args: RulesArgs) -> Result<Exit, CliError> {
    let catalog = crate::rules::catalog()?;
    let text = match args.format {
        ListFormat::Json => json(catalog.rules())?,
        ListFormat::Human => table(catalog.rules()),
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe (`zetl rules | head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
    Ok(Exit::Ok)
}

pub fn json(rules: &[Rule]) -> Result<String, CliError> {
    let entries: Vec<Entry<'_>> = rules
        .iter()
        .map(|r| Entry {
            id: &r.id,
            slug: &r.slug,
            severity: r.severity,
            side: r.side,
            title: &r.title,
            summary: &r.summary,
        })
        .collect();
    serde_json::to_string_pretty(&entries)
        .map(|s| s + "\n")
        .map_err(|e| CliError::usage(format!("cannot render the catalog as JSON: {e}")))
}

/// `ID  SEVERITY  SIDE  SLUG  TITLE`, one rule per line, columns aligned.
pub fn table(rules: &[Rule]) -> String {
    let rows: Vec<[String; 5]> = rules
        .iter()
        .map(|r| {
            [
                r.id.clone(),
                r.severity.name().to_string(),
                r.side.name().to_string(),
                r.slug.clone(),
                r.title.clone(),
            ]
        })
        .collect();
    let header = ["ID", "SEVERITY", "SIDE", "SLUG", "TITLE"].map(String::from);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(rows.iter()) {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows.iter()) {
        for (w, cell) in widths.iter().zip(row.iter()) {
            out.push_str(&format!("{cell:<w$}  "));
        }
        out.push_str(&row[4]);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&crate::rules::messages::sentence(
        "rules.footer",
        &[("n", &rules.len().to_string())],
    ));
    out.push('\n');
    out
}

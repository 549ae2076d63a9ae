//! `zetl explain ID|SLUG`: a rule's documentation (what it checks, why it matters, how to fix,
//! AWS links, the fix it carries), straight from its `rules/<ID>.toml`.

use std::io::Write;

use super::{CliError, Exit};
use crate::cli::ExplainArgs;
use crate::rules::catalog::{Catalog, FixTemplate, Rule};
use crate::rules::messages::{message, sentence};

pub fn run(args: ExplainArgs) -> Result<Exit, CliError> {
    let catalog = crate::rules::catalog()?;
    let query = args.id.trim();
    let Some(rule) = catalog.get(query) else {
        return Err(CliError::usage(unknown_rule_message(catalog, query)));
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe (`zetl explain ZS002 | head`) is not an error worth a panic.
    let _ = out.write_all(explain(catalog, rule).as_bytes());
    Ok(Exit::Ok)
}

/// The text `zetl explain` prints for a rule.
pub fn explain(catalog: &Catalog, rule: &Rule) -> String {
    let mut out = format!("{} {}: {}\n", rule.id, rule.slug, rule.title);
    out.push_str(&sentence(
        "explain.severity_side",
        &[
            ("severity", rule.severity.name()),
            ("side", rule.side.name()),
        ],
    ));
    out.push('\n');
    if rule.inference {
        out.push_str(message("explain.inference").as_str());
        out.push('\n');
    }
    if !rule.depends_on.is_empty() {
        out.push_str(&sentence(
            "explain.depends_on",
            &[("rules", &rule.depends_on.join(", "))],
        ));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(rule.explanation.trim());
    out.push_str("\n\n");
    if let Some(fix) = &rule.fix {
        out.push_str(message("explain.fix_intro").as_str());
        out.push_str("\n\n");
        let templates = fix
            .default
            .iter()
            .map(|t| (None, t))
            .chain(fix.variants.iter().map(|(k, t)| (Some(k.as_str()), t)));
        for (variant, t) in templates {
            out.push_str(&fix_section(variant, t));
        }
    }
    if !catalog.requirements_of(rule).is_empty() {
        out.push_str(message("explain.fix_policy").as_str());
        out.push_str("\n\n");
    }
    if !rule.docs.is_empty() {
        out.push_str(message("explain.docs").as_str());
        out.push('\n');
        for d in &rule.docs {
            out.push_str(&format!("  {d}\n"));
        }
    }
    out
}

fn fix_section(variant: Option<&str>, t: &FixTemplate) -> String {
    let mut out = match variant {
        None => message("explain.fix").as_str().to_string(),
        Some(v) => sentence("explain.fix_variant", &[("variant", v)]),
    };
    out.push_str(&format!(": {}\n", t.summary));
    for c in &t.commands {
        out.push_str(&format!("  $ {c}\n"));
    }
    out.push('\n');
    out
}

/// "unknown rule X" with the closest IDs and slugs, so a typo costs one more try.
pub fn unknown_rule_message(catalog: &Catalog, query: &str) -> String {
    let close = suggestions(catalog, query);
    let query = format!("{query:?}");
    if close.is_empty() {
        sentence("explain.unknown_rule", &[("query", &query)])
    } else {
        sentence(
            "explain.unknown_rule_suggest",
            &[("query", &query), ("suggestions", &close.join(", "))],
        )
    }
}

/// Up to three rules whose ID or slug is within a small edit distance of the query, or whose
/// slug contains it; best first.
pub fn suggestions(catalog: &Catalog, query: &str) -> Vec<String> {
    let q = query.to_ascii_lowercase();
    let mut scored: Vec<(usize, &Rule)> = catalog
        .rules()
        .iter()
        .filter_map(|r| {
            let by_id = distance(&q, &r.id.to_ascii_lowercase());
            let by_slug = distance(&q, &r.slug);
            let contains = q.len() >= 3 && r.slug.contains(q.as_str());
            let best = by_id
                .min(by_slug)
                .min(if contains { 1 } else { usize::MAX });
            (best <= 2).then_some((best, r))
        })
        .collect();
    // Ties: the query's own family first (`ZS02` -> ZS001 before ZT002).
    let family = |r: &Rule| {
        !r.id
            .to_ascii_lowercase()
            .starts_with(q.get(..2).unwrap_or(""))
    };
    scored.sort_by(|a, b| (a.0, family(a.1), &a.1.id).cmp(&(b.0, family(b.1), &b.1.id)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, r)| format!("{} ({})", r.id, r.slug))
        .collect()
}

/// Levenshtein distance over chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("zs002", "zs002"), 0);
        assert_eq!(distance("zs02", "zs002"), 1);
        assert_eq!(distance("zs099", "zs009"), 1);
        assert_eq!(distance("", "abc"), 3);
    }
}

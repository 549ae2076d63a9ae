//! Links an integration's errors to the rules that explain them. AWS publishes no error-code
//! list, so rules declare what they explain in their TOML (`[[explains]]`: message fragments
//! or error codes, and a root-cause rank); a new rule that explains a message touches only its
//! own file.

use crate::rules::catalog::Catalog;

/// The rules that may explain an error, root cause first (lowest rank, then catalog order),
/// without duplicates. `fallback` entries count only when nothing else matched.
pub fn candidate_rules<'c>(
    catalog: &'c Catalog,
    message: &str,
    code: Option<&str>,
) -> Vec<&'c str> {
    let text = message.to_lowercase();
    let matching = |fallback: bool| {
        let mut found: Vec<(u32, usize, &'c str)> = Vec::new();
        for (position, rule) in catalog.rules().iter().enumerate() {
            let rank = rule
                .explains
                .iter()
                .filter(|e| e.fallback == fallback && e.matches(&text, code))
                .map(|e| e.rank)
                .min();
            if let Some(rank) = rank {
                found.push((rank, position, rule.id.as_str()));
            }
        }
        found.sort();
        found.into_iter().map(|(_, _, id)| id).collect::<Vec<_>>()
    };
    let direct = matching(false);
    if direct.is_empty() {
        matching(true)
    } else {
        direct
    }
}

/// Candidates that failed in this run first (keeping root-cause order), then the others.
pub fn link<'c>(
    catalog: &'c Catalog,
    message: &str,
    code: Option<&str>,
    failed: &dyn Fn(&str) -> bool,
) -> (Vec<&'c str>, Vec<&'c str>) {
    candidate_rules(catalog, message, code)
        .into_iter()
        .partition(|r| failed(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates(message: &str) -> Vec<&'static str> {
        candidate_rules(crate::rules::catalog().unwrap(), message, None)
    }

    #[test]
    fn dynamodb_access_denied_links_the_table_policy_rules() {
        let m = "User: arn:aws:sts::111111111111:assumed-role/... is not authorized to perform: dynamodb:ExportTableToPointInTime on resource: arn:aws:dynamodb:us-east-1:111111111111:table/orders because no resource-based policy allows the dynamodb:ExportTableToPointInTime action (Service: DynamoDb, Status Code: 400, Error Code: AccessDeniedException)";
        assert_eq!(candidates(m), ["ZS003", "ZS005", "ZS007", "ZS004"]);
    }

    #[test]
    fn other_messages() {
        assert_eq!(
            candidates("Point in time recovery is not enabled for table 'orders'"),
            ["ZS002"]
        );
        assert_eq!(
            candidates("Failed to ingest data with error: Target Glue database not found."),
            ["ZT001", "ZI004"]
        );
        assert_eq!(
            candidates("Insufficient lake formation permissions on Target Glue database."),
            ["ZT014"]
        );
        assert!(candidates("Something else entirely").is_empty());
    }

    #[test]
    fn a_bare_access_denied_falls_back_to_the_table_policy_rules() {
        assert_eq!(
            candidates("AccessDenied"),
            ["ZS003", "ZS005", "ZS007", "ZS004"]
        );
    }

    #[test]
    fn failed_rules_come_first() {
        let catalog = crate::rules::catalog().unwrap();
        let (failed, other) = link(catalog, "dynamodb:DescribeExport denied", None, &|r| {
            r == "ZS005"
        });
        assert_eq!(failed, ["ZS005"]);
        assert_eq!(other, ["ZS003", "ZS007", "ZS004"]);
    }
}

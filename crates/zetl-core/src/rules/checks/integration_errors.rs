//! Links an integration's error messages to the rules that explain them. AWS publishes no
//! error-code list, so this matches message text; each pattern lists its rules root cause
//! first (no policy before a wrong policy, a missing role before its permissions).

/// One message pattern: every `all` fragment present (case-insensitive), then the rules.
struct Pattern {
    all: &'static [&'static str],
    rules: &'static [&'static str],
}

const PATTERNS: &[Pattern] = &[
    Pattern {
        all: &["point in time recovery"],
        rules: &["ZS002"],
    },
    Pattern {
        all: &["pointintimerecovery"],
        rules: &["ZS002"],
    },
    Pattern {
        all: &["pitr"],
        rules: &["ZS002"],
    },
    Pattern {
        all: &["target glue database not found"],
        rules: &["ZT001", "ZI004"],
    },
    Pattern {
        all: &["database", "not found"],
        rules: &["ZT001", "ZI004"],
    },
    Pattern {
        all: &["lake formation"],
        rules: &["ZT014"],
    },
    Pattern {
        all: &["lakeformation"],
        rules: &["ZT014"],
    },
    Pattern {
        all: &["dynamodb:"],
        rules: &["ZS003", "ZS005", "ZS007", "ZS004"],
    },
    Pattern {
        all: &["resource-based policy", "table"],
        rules: &["ZS003", "ZS005", "ZS007", "ZS004"],
    },
    Pattern {
        all: &["resource policy", "dynamodb"],
        rules: &["ZS003", "ZS005", "ZS007", "ZS004"],
    },
    Pattern {
        all: &["kms", "dynamodb"],
        rules: &["ZS008", "ZS009", "ZS011"],
    },
    Pattern {
        all: &["kms", "table"],
        rules: &["ZS008", "ZS009", "ZS011"],
    },
    Pattern {
        all: &["kms"],
        rules: &["ZT015", "ZT017", "ZS009"],
    },
    Pattern {
        all: &["sts:assumerole"],
        rules: &["ZT008", "ZT009"],
    },
    // "assumed-role/..." appears in every session ARN, so only explicit assume failures count.
    Pattern {
        all: &["unable to assume"],
        rules: &["ZT008", "ZT009"],
    },
    Pattern {
        all: &["cannot assume"],
        rules: &["ZT008", "ZT009"],
    },
    Pattern {
        all: &["s3:"],
        rules: &["ZT010"],
    },
    Pattern {
        all: &["s3", "access denied"],
        rules: &["ZT010"],
    },
    Pattern {
        all: &["bucket"],
        rules: &["ZT003", "ZT010"],
    },
    Pattern {
        all: &["glue:createtable"],
        rules: &["ZT011"],
    },
    Pattern {
        all: &["glue:updatetable"],
        rules: &["ZT011"],
    },
    Pattern {
        all: &["glue:gettable"],
        rules: &["ZT011"],
    },
    Pattern {
        all: &["glue:getdatabase"],
        rules: &["ZT011"],
    },
    Pattern {
        all: &["glue:deletetable"],
        rules: &["ZT011"],
    },
    Pattern {
        all: &["authorizeinboundintegration"],
        rules: &["ZT004", "ZT006"],
    },
    Pattern {
        all: &["createinboundintegration"],
        rules: &["ZT004", "ZT005", "ZP002", "ZP003"],
    },
    Pattern {
        all: &["catalog", "policy"],
        rules: &["ZT004", "ZT006"],
    },
    Pattern {
        all: &["logs:"],
        rules: &["ZT012"],
    },
    Pattern {
        all: &["cloudwatch"],
        rules: &["ZT012"],
    },
    Pattern {
        all: &["resource property"],
        rules: &["ZT013", "ZI005"],
    },
    Pattern {
        all: &["target role"],
        rules: &["ZT008", "ZT013", "ZT010", "ZT011"],
    },
];

/// The rules that may explain `message`, in root-cause order, without duplicates.
pub fn candidate_rules(message: &str) -> Vec<&'static str> {
    let text = message.to_lowercase();
    let mut out: Vec<&'static str> = Vec::new();
    for p in PATTERNS {
        if p.all.iter().all(|f| text.contains(f)) {
            for r in p.rules {
                if !out.contains(r) {
                    out.push(r);
                }
            }
        }
    }
    // A bare AccessDenied naming no action at all: the table policy is the documented cause.
    if out.is_empty()
        && (text.contains("accessdenied")
            || text.contains("access denied")
            || text.contains("not authorized"))
    {
        out.extend(["ZS003", "ZS005", "ZS007", "ZS004"]);
    }
    out
}

/// Candidates that failed in this run first (keeping root-cause order), then the others.
pub fn link(
    message: &str,
    failed: &dyn Fn(&str) -> bool,
) -> (Vec<&'static str>, Vec<&'static str>) {
    candidate_rules(message)
        .into_iter()
        .partition(|r| failed(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamodb_access_denied_links_the_table_policy_rules() {
        let m = "User: arn:aws:sts::111111111111:assumed-role/... is not authorized to perform: dynamodb:ExportTableToPointInTime on resource: arn:aws:dynamodb:us-east-1:111111111111:table/orders because no resource-based policy allows the dynamodb:ExportTableToPointInTime action (Service: DynamoDb, Status Code: 400, Error Code: AccessDeniedException)";
        assert_eq!(candidate_rules(m), ["ZS003", "ZS005", "ZS007", "ZS004"]);
    }

    #[test]
    fn other_messages() {
        assert_eq!(
            candidate_rules("Point in time recovery is not enabled for table 'orders'"),
            ["ZS002"]
        );
        assert_eq!(
            candidate_rules("Failed to ingest data with error: Target Glue database not found."),
            ["ZT001", "ZI004"]
        );
        assert_eq!(
            candidate_rules("Insufficient lake formation permissions on Target Glue database."),
            ["ZT014"]
        );
        assert!(candidate_rules("Something else entirely").is_empty());
    }

    #[test]
    fn failed_rules_come_first() {
        let (failed, other) = link("dynamodb:DescribeExport denied", &|r| r == "ZS005");
        assert_eq!(failed, ["ZS005"]);
        assert_eq!(other, ["ZS003", "ZS007", "ZS004"]);
    }
}

//! Checks a parsed snapshot beyond its JSON shape: keys are the ARNs they claim to be, and
//! the pairs point at facts that exist. Returns the JSON path and message of the first problem.

use super::model::Snapshot;

pub fn validate(snapshot: &Snapshot) -> Result<(), (String, String)> {
    for (side, account) in [
        ("source", &snapshot.accounts.source),
        ("target", &snapshot.accounts.target),
    ] {
        if account.id.len() != 12 || !account.id.bytes().all(|b| b.is_ascii_digit()) {
            return Err((
                format!("accounts.{side}.id"),
                format!("{:?} is not a 12-digit AWS account id", account.id),
            ));
        }
    }
    if snapshot.setup.pairs.is_empty() {
        return Err((
            "setup.pairs".into(),
            "no source -> target pair to check".into(),
        ));
    }
    for (i, pair) in snapshot.setup.pairs.iter().enumerate() {
        if !pair.source_table.starts_with("arn:") || !pair.source_table.contains(":dynamodb:") {
            return Err((
                format!("setup.pairs[{i}].source_table"),
                format!("{:?} is not a DynamoDB table ARN", pair.source_table),
            ));
        }
        if !pair.target_database.starts_with("arn:") || !pair.target_database.contains(":glue:") {
            return Err((
                format!("setup.pairs[{i}].target_database"),
                format!("{:?} is not a Glue database ARN", pair.target_database),
            ));
        }
    }
    for (arn, table) in &snapshot.tables {
        if let Some(super::Fact::Known(Some(days))) = &table.pitr_recovery_period_days {
            if !(1..=35).contains(days) {
                return Err((
                    format!("tables[{arn:?}].pitr_recovery_period_days"),
                    format!("{days} is not a PITR recovery period (DynamoDB allows 1 to 35 days)"),
                ));
            }
        }
    }
    Ok(())
}

//! What a zero-ETL integration logs per table, parsed from one CloudWatch Logs event.
//!
//! AWS's Glue monitoring guide
//! (<https://docs.aws.amazon.com/glue/latest/dg/zero-etl-monitoring.html>, "Log messages")
//! documents the format only by example: "zero-ETL integrations emit four types of log
//! messages", JSON objects with `"messageType"` `IngestionStarted`,
//! `IngestionProcessingStats`, `IngestionFailed` and `IngestionCompleted`, and a `"details"`
//! object holding `"tableName"` and, for a failure, `"errorMessage"` ("Failed to ingest data
//! with error: Target Glue database not found.") and `"error_code"` (`"client_error"`); the
//! others carry `"message"` ("Ingestion Job started"), counts, or `"lastSyncedTimestamp"`.
//! The example elides fields with `...` and is not valid JSON itself (a comma is missing), and
//! AWS publishes no schema, so the parser is tolerant: a JSON object is read for those fields
//! (`details` first, then the top level, a few spellings each); text that is not JSON is
//! searched for `"key": "value"` pairs of the same names; an event with none of them keeps its
//! text as the message. Nothing is dropped for its shape.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::model::IngestionEvent;

/// The longest message kept (characters): AWS's messages are one sentence; a stack trace
/// would bloat every saved snapshot.
const MAX_MESSAGE_CHARS: usize = 2000;

const TYPE_KEYS: &[&str] = &["messageType", "eventType", "message_type", "event_type"];
const TABLE_KEYS: &[&str] = &["tableName", "table_name", "table"];
const ERROR_KEYS: &[&str] = &["errorMessage", "error_message", "error"];
const MESSAGE_KEYS: &[&str] = &["message", "reason"];
const CODE_KEYS: &[&str] = &["error_code", "errorCode"];

impl IngestionEvent {
    /// The event logged at `time` with text `text`.
    pub fn parse(time: DateTime<Utc>, text: &str) -> IngestionEvent {
        let text = text.trim();
        let object = serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            });
        // The same fields either way; only where a key's value is looked up differs.
        let event = |field: &dyn Fn(&[&str]) -> Option<String>| IngestionEvent {
            time,
            event_type: field(TYPE_KEYS),
            table: field(TABLE_KEYS),
            message: field(ERROR_KEYS).or_else(|| field(MESSAGE_KEYS)),
            error_code: field(CODE_KEYS),
        };
        let event = match &object {
            Some(top) => {
                let details = top.get("details").and_then(Value::as_object);
                event(&|keys| {
                    details
                        .and_then(|d| first_string(d, keys))
                        .or_else(|| first_string(top, keys))
                })
            }
            None => event(&|keys| keys.iter().find_map(|k| quoted_field(text, k))),
        };
        let untyped = event.event_type.is_none() && event.message.is_none();
        IngestionEvent {
            message: if untyped && !text.is_empty() {
                Some(text.to_string())
            } else {
                event.message
            }
            .map(|m| truncate(&m)),
            ..event
        }
    }

    /// `IngestionFailed`: AWS's "ingestion failure logs for failed table-processing".
    pub fn is_failure(&self) -> bool {
        self.is_type(&["IngestionFailed"])
    }

    /// A later event that says the table's ingestion succeeded: `IngestionCompleted`, or
    /// `IngestionProcessingStats` ("data processing stats on successful table ingestion");
    /// `IngestionSucceeded` is the metric's name for the same outcome.
    pub fn is_success(&self) -> bool {
        self.is_type(&[
            "IngestionCompleted",
            "IngestionProcessingStats",
            "IngestionSucceeded",
        ])
    }

    fn is_type(&self, names: &[&str]) -> bool {
        self.event_type
            .as_deref()
            .is_some_and(|t| names.iter().any(|n| t.trim().eq_ignore_ascii_case(n)))
    }
}

/// The first of `keys` in `map` holding a non-empty string (or a number, as text).
fn first_string(map: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match map.get(*k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// `"key" : "value"` in text that is not valid JSON: the value's JSON string literal, decoded.
fn quoted_field(text: &str, key: &str) -> Option<String> {
    let needle = format!("\"{key}\"");
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        let Some(after_colon) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let Some(literal) = after_colon.trim_start().strip_prefix('"') else {
            continue;
        };
        let mut end = None;
        let mut escaped = false;
        for (i, c) in literal.char_indices() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let raw = &literal[..end?];
        let value = serde_json::from_str::<String>(&format!("\"{raw}\""))
            .unwrap_or_else(|_| raw.to_string());
        if !value.trim().is_empty() {
            return Some(value.trim().to_string());
        }
    }
    None
}

fn truncate(s: &str) -> String {
    match s.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_000, 0).unwrap()
    }

    #[test]
    fn the_documented_failure_is_read() {
        let text = r#"{"integrationArn": "arn:aws:glue:us-east-2:123456789012:integration/1a012bba-123a-1bba-ab1c-173de3b12345",
            "messageType": "IngestionFailed",
            "details": {"tableName": "testDDBTable",
                        "errorMessage": "Failed to ingest data with error: Target Glue database not found.",
                        "error_code" : "client_error"}}"#;
        let e = IngestionEvent::parse(t(), text);
        assert_eq!(
            e,
            IngestionEvent {
                time: t(),
                event_type: Some("IngestionFailed".into()),
                table: Some("testDDBTable".into()),
                message: Some(
                    "Failed to ingest data with error: Target Glue database not found.".into()
                ),
                error_code: Some("client_error".into()),
            }
        );
        assert!(e.is_failure() && !e.is_success());
    }

    /// AWS's own example of a completion misses a comma: still read.
    #[test]
    fn the_documented_completion_is_read_although_it_is_not_json() {
        let text = r#"{ "messageType": "IngestionCompleted",
            "details": { "tableName": "testDDBTable", "message": "Ingestion Job completed"
                "lastSyncedTimestamp": "1132344255745" } }"#;
        let e = IngestionEvent::parse(t(), text);
        assert_eq!(e.event_type.as_deref(), Some("IngestionCompleted"));
        assert_eq!(e.table.as_deref(), Some("testDDBTable"));
        assert_eq!(e.message.as_deref(), Some("Ingestion Job completed"));
        assert!(e.is_success());
    }

    #[test]
    fn stats_count_as_success_and_started_as_neither() {
        let stats = IngestionEvent::parse(
            t(),
            r#"{"messageType":"IngestionProcessingStats","details":{"tableName":"t","insert_count":100}}"#,
        );
        assert!(stats.is_success());
        assert_eq!(stats.message, None);
        let started = IngestionEvent::parse(
            t(),
            r#"{"messageType":"IngestionStarted","details":{"tableName":"t","message":"Ingestion Job started"}}"#,
        );
        assert!(!started.is_success() && !started.is_failure());
    }

    #[test]
    fn other_shapes_are_kept() {
        // Flat, another key spelling, escapes.
        let flat = IngestionEvent::parse(
            t(),
            r#"{"eventType":"ingestionfailed","tableName":"orders","errorMessage":"say \"no\""}"#,
        );
        assert!(flat.is_failure());
        assert_eq!(flat.table.as_deref(), Some("orders"));
        assert_eq!(flat.message.as_deref(), Some("say \"no\""));
        // Plain text: kept as the message, no type.
        let plain = IngestionEvent::parse(t(), "  something happened  ");
        assert_eq!(plain.event_type, None);
        assert_eq!(plain.message.as_deref(), Some("something happened"));
        // JSON that is no object.
        let list = IngestionEvent::parse(t(), "[1, 2]");
        assert_eq!(list.message.as_deref(), Some("[1, 2]"));
        // Long messages are cut.
        let long = IngestionEvent::parse(t(), &"x".repeat(5000));
        assert_eq!(long.message.unwrap().chars().count(), MAX_MESSAGE_CHARS + 1);
    }
}

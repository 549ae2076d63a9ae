//! Reading a snapshot file: JSON, optionally layered on another snapshot.
//!
//! A file may be `{"$extends": "other.json", "$patch": {...}}`: the other file (path relative
//! to this one) patched with an RFC 7396 JSON merge patch. Fixtures use it to say "the healthy
//! setup with one thing broken" in a few lines; users can use it the same way.
//!
//! In a merge patch `null` deletes a key, so it cannot *set* one to null, yet a null fact is
//! meaningful ("read, and there is none": no table, no policy). The string `"$null"`
//! ([`NULL_MARKER`]) anywhere in a `$patch` stands for JSON `null`:
//!
//! ```json
//! {"$extends": "../../healthy/cross-account.json",
//!  "$patch": {"tables": {"arn:aws:dynamodb:us-east-1:111111111111:table/orders": {"resource_policy": "$null"}}}}
//! ```
//!
//! The marker is read only in a `$patch` (never in the base file or a collected snapshot), so
//! collected values are never changed by it; the one thing a patch cannot write is the literal
//! text `$null`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::fact::NESTED_PATH_MARK;
use super::model::{Snapshot, SNAPSHOT_SCHEMA};

/// A snapshot that could not be read: which file, where in it, and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotError {
    pub file: PathBuf,
    /// JSON path such as `tables["arn:..."].continuous_backups`; empty for the whole file.
    pub path: String,
    pub message: String,
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}: at {}: {}",
                self.file.display(),
                self.path,
                self.message
            )
        }
    }
}

impl std::error::Error for SnapshotError {}

const MAX_EXTENDS_DEPTH: usize = 8;

/// Read and validate a snapshot file.
pub fn load(file: &Path) -> Result<Snapshot, SnapshotError> {
    let value = load_value(file, 0)?;
    from_value(value, file)
}

/// Parse a snapshot from text; `origin` names it in errors.
pub fn from_str(text: &str, origin: &Path) -> Result<Snapshot, SnapshotError> {
    let value = parse_json(text, origin)?;
    if value.get("$extends").is_some() {
        return Err(error(
            origin,
            "$extends",
            "a snapshot read from text cannot extend another file",
        ));
    }
    from_value(value, origin)
}

fn load_value(file: &Path, depth: usize) -> Result<Value, SnapshotError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| error(file, "", &format!("cannot read the file: {e}")))?;
    let value = parse_json(&text, file)?;
    let Some(obj) = value.as_object() else {
        return Err(error(file, "", "a snapshot must be a JSON object"));
    };
    let Some(base) = obj.get("$extends") else {
        return Ok(value);
    };
    if depth >= MAX_EXTENDS_DEPTH {
        return Err(error(
            file,
            "$extends",
            "too many nested $extends (a cycle?)",
        ));
    }
    let Some(base) = base.as_str() else {
        return Err(error(
            file,
            "$extends",
            "must be a relative file path string",
        ));
    };
    if let Some(key) = obj.keys().find(|k| *k != "$extends" && *k != "$patch") {
        return Err(error(
            file,
            key,
            "a file with $extends may only hold $extends and $patch",
        ));
    }
    let base_path = file.parent().unwrap_or(Path::new(".")).join(base);
    let mut merged = load_value(&base_path, depth + 1)?;
    if let Some(patch) = obj.get("$patch") {
        if !patch.is_object() {
            return Err(error(file, "$patch", "must be a JSON merge patch object"));
        }
        merge_patch(&mut merged, patch);
    }
    Ok(merged)
}

fn parse_json(text: &str, file: &Path) -> Result<Value, SnapshotError> {
    serde_json::from_str(text).map_err(|e| {
        error(
            file,
            "",
            &format!(
                "not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })
}

/// In a `$patch`, this string sets JSON `null` (a plain `null` deletes the key).
pub const NULL_MARKER: &str = "$null";

/// RFC 7396: objects merge key by key, `null` deletes, anything else replaces; plus
/// [`NULL_MARKER`], which sets `null` (at any depth, also inside replacing arrays).
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = resolve_null_markers(patch);
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    let Value::Object(target) = target else {
        return;
    };
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// A patch value as it is written into the document: every [`NULL_MARKER`] becomes `null`.
fn resolve_null_markers(value: &Value) -> Value {
    match value {
        Value::String(s) if s == NULL_MARKER => Value::Null,
        Value::Array(items) => Value::Array(items.iter().map(resolve_null_markers).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), resolve_null_markers(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn from_value(value: Value, file: &Path) -> Result<Snapshot, SnapshotError> {
    match value.get("schema").and_then(Value::as_str) {
        Some(SNAPSHOT_SCHEMA) => {}
        Some(other) => {
            return Err(error(
                file,
                "schema",
                &format!(
                    "unsupported snapshot schema {other:?} (this zetl reads {SNAPSHOT_SCHEMA:?})"
                ),
            ))
        }
        None => {
            return Err(error(
                file,
                "schema",
                &format!("missing: not a zetl snapshot (expected \"schema\": {SNAPSHOT_SCHEMA:?})"),
            ))
        }
    }
    let snapshot: Snapshot = serde_path_to_error::deserialize(value).map_err(|e| {
        let outer = e.path().to_string();
        let (path, message) = split_nested(&outer, &e.into_inner().to_string());
        error(file, &path, &message)
    })?;
    super::validate::validate(&snapshot).map_err(|(path, message)| error(file, &path, &message))?;
    Ok(snapshot)
}

/// Joins the outer path with an inner one carried in the message by `Fact`'s deserializer.
fn split_nested(outer: &str, message: &str) -> (String, String) {
    let outer = if outer == "." { "" } else { outer };
    let message = message.split(" at line ").next().unwrap_or(message);
    if let Some(rest) = message.strip_prefix(NESTED_PATH_MARK) {
        if let Some((inner, msg)) = rest.split_once('\u{1}') {
            let path = match (outer.is_empty(), inner.starts_with('[')) {
                (true, _) => inner.to_string(),
                (false, true) => format!("{outer}{inner}"),
                (false, false) => format!("{outer}.{inner}"),
            };
            return (path, msg.to_string());
        }
    }
    (outer.to_string(), message.to_string())
}

fn error(file: &Path, path: &str, message: &str) -> SnapshotError {
    SnapshotError {
        file: file.to_path_buf(),
        path: path.to_string(),
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc7396() {
        let mut doc = json!({"a": {"b": 1, "c": 2}, "d": [1, 2]});
        merge_patch(&mut doc, &json!({"a": {"b": null, "e": 3}, "d": [9]}));
        assert_eq!(doc, json!({"a": {"c": 2, "e": 3}, "d": [9]}));
    }

    #[test]
    fn null_marker_sets_null_where_a_plain_null_deletes() {
        let mut doc = json!({"a": {"b": {"deep": 1}, "c": 2}, "d": 1});
        merge_patch(&mut doc, &json!({"a": {"b": "$null"}, "d": null}));
        assert_eq!(doc, json!({"a": {"b": null, "c": 2}}));
        // A key the target does not have yet, and a whole new object holding the marker.
        merge_patch(
            &mut doc,
            &json!({"e": "$null", "f": {"g": "$null", "h": null}}),
        );
        assert_eq!(
            doc,
            json!({"a": {"b": null, "c": 2}, "e": null, "f": {"g": null}})
        );
        // Inside a replacing array, and as the whole patch of a value.
        merge_patch(&mut doc, &json!({"d": [1, "$null", {"x": "$null"}]}));
        assert_eq!(doc["d"], json!([1, null, {"x": null}]));
        let mut scalar = json!(5);
        merge_patch(&mut scalar, &json!("$null"));
        assert_eq!(scalar, Value::Null);
        // Other strings are untouched, including ones that only contain the marker.
        merge_patch(&mut doc, &json!({"c": "$nullable", "e": "x $null"}));
        assert_eq!(doc["c"], "$nullable");
        assert_eq!(doc["e"], "x $null");
    }

    #[test]
    fn a_patch_file_sets_a_fact_to_null() {
        let dir = std::env::temp_dir().join(format!("zetl-null-marker-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let healthy = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
            .join("fixtures/healthy/cross-account.json");
        let table = "arn:aws:dynamodb:us-east-1:111111111111:table/orders";
        let patched = dir.join("no-policy.json");
        std::fs::write(
            &patched,
            json!({
                "$extends": healthy.display().to_string(),
                "$patch": {"tables": {table: {"resource_policy": "$null"}}}
            })
            .to_string(),
        )
        .unwrap();
        let value = load_value(&patched, 0).unwrap();
        assert_eq!(value["tables"][table]["resource_policy"], Value::Null);
        assert!(load_value(&healthy, 0).unwrap()["tables"][table]["resource_policy"].is_object());
        // The result is still a valid snapshot.
        load(&patched).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn nested_paths_are_joined() {
        let msg = format!("{NESTED_PATH_MARK}table_status\u{1}missing field");
        assert_eq!(
            split_nested("tables.x.description", &msg),
            (
                "tables.x.description.table_status".to_string(),
                "missing field".to_string()
            )
        );
    }
}

//! The one template engine: `{name}` placeholders in rule texts, fix commands and
//! requirements, parsed once when the catalog loads.
//!
//! A `{` that does not open a placeholder (`{"Version": ...}` in a command's JSON, `${aws:...}`
//! policy variables) is literal text. Placeholder names are lower-case `a-z`, `0-9` and `_`,
//! starting with a letter.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer};

/// The values a template is filled with, by placeholder name (one meaning per name, see
/// `pair::PairValues`).
pub type Params = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Name(String),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    segments: Vec<Segment>,
}

impl Template {
    pub fn parse(source: &str) -> Template {
        let mut segments = Vec::new();
        let mut text = String::new();
        let mut rest = source;
        while let Some(i) = rest.find('{') {
            text.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            match placeholder_at(after) {
                Some(name) => {
                    if !text.is_empty() {
                        segments.push(Segment::Text(std::mem::take(&mut text)));
                    }
                    segments.push(Segment::Name(name.to_string()));
                    rest = &after[name.len() + 1..];
                }
                None => {
                    text.push('{');
                    rest = after;
                }
            }
        }
        text.push_str(rest);
        if !text.is_empty() {
            segments.push(Segment::Text(text));
        }
        Template {
            source: source.to_string(),
            segments,
        }
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The placeholder names it uses, in order of appearance (repeats included).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Name(n) => Some(n.as_str()),
            Segment::Text(_) => None,
        })
    }

    /// Fills every placeholder; one without a value stays visible as `{name}` (so a gap shows
    /// in the report instead of vanishing, and the placeholder test catches it).
    pub fn fill(&self, params: &Params) -> String {
        self.render(params, |name, out| {
            out.push('{');
            out.push_str(name);
            out.push('}');
            Ok(())
        })
        .unwrap_or_default()
    }

    /// Fills every placeholder; the first one without a value is the error.
    pub fn expand(&self, params: &Params) -> Result<String, MissingValue> {
        self.render(params, |name, _| Err(MissingValue(name.to_string())))
    }

    /// The text with every placeholder's value; `missing` decides what a gap becomes.
    fn render(
        &self,
        params: &Params,
        missing: impl Fn(&str, &mut String) -> Result<(), MissingValue>,
    ) -> Result<String, MissingValue> {
        let mut out = String::with_capacity(self.source.len());
        for s in &self.segments {
            match s {
                Segment::Text(t) => out.push_str(t),
                Segment::Name(n) => match params.get(n) {
                    Some(v) => out.push_str(v),
                    None => missing(n, &mut out)?,
                },
            }
        }
        Ok(out)
    }
}

/// A placeholder that has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingValue(pub String);

impl fmt::Display for MissingValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}} is not known for this setup", self.0)
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Template::parse(&String::deserialize(deserializer)?))
    }
}

/// The placeholder name at the start of `after` (the text after a `{`), when it is one.
fn placeholder_at(after: &str) -> Option<&str> {
    let end = after.find('}')?;
    let name = &after[..end];
    let first = name.bytes().next()?;
    (first.is_ascii_lowercase()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'))
    .then_some(name)
}

/// Fills a one-off text (a sentence built at run time) the way a catalog template would.
pub fn fill(text: &str, params: &Params) -> String {
    Template::parse(text).fill(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn fills_names_and_keeps_json_and_policy_variables() {
        let t = Template::parse(r#"t={table} x={other} {"a":1} ${aws:username} {Bad}"#);
        assert_eq!(t.names().collect::<Vec<_>>(), ["table", "other"]);
        assert_eq!(
            t.fill(&params(&[("table", "orders")])),
            r#"t=orders x={other} {"a":1} ${aws:username} {Bad}"#
        );
    }

    #[test]
    fn expand_names_the_missing_value() {
        let t = Template::parse("{table_arn}/export/{id}");
        assert_eq!(
            t.expand(&params(&[("table_arn", "arn:t")])),
            Err(MissingValue("id".into()))
        );
        assert_eq!(
            t.expand(&params(&[("table_arn", "arn:t"), ("id", "1")]))
                .unwrap(),
            "arn:t/export/1"
        );
    }

    #[test]
    fn text_without_placeholders_round_trips() {
        for s in ["", "plain", "{", "}", "{}", "a {b", "{{table}}"] {
            assert_eq!(Template::parse(s).fill(&Params::new()), s, "{s:?}");
        }
    }
}

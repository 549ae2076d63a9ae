//! Wildcard and ARN matching, compiled once at parse time.
//!
//! A pattern is a list of pieces (literal runs, `*`, `?`, policy variables). Matching walks the
//! pieces against the text with the classic single-backtrack-point algorithm: no regex, no
//! allocation unless the pattern holds a policy variable.

use std::borrow::Cow;

/// Resolves policy variables such as `${aws:username}` (key given as written in the policy).
pub trait VarLookup {
    fn lookup(&self, key: &str) -> Option<Cow<'_, str>>;
}

/// A lookup that knows no variables (used where variables cannot occur).
pub struct NoVars;

impl VarLookup for NoVars {
    fn lookup(&self, _key: &str) -> Option<Cow<'_, str>> {
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Lit(String),
    /// `*`: any run of characters, possibly empty.
    Star,
    /// `?`: exactly one character.
    One,
    /// `${key}` or `${key, 'default'}`.
    Var {
        key: String,
        default: Option<String>,
    },
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    pieces: Vec<Piece>,
    has_vars: bool,
    /// True when the pattern is a bare `*` (fast path).
    any: bool,
}

impl Pattern {
    /// `glob`: `*` and `?` are wildcards. `vars`: `${...}` are policy variables
    /// (policy version 2012-10-17 only).
    pub(crate) fn compile(text: &str, glob: bool, vars: bool) -> Pattern {
        let mut pieces: Vec<Piece> = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if vars && rest.starts_with("${") {
                if let Some(end) = rest.find('}') {
                    let inner = &rest[2..end];
                    match inner {
                        "*" | "?" | "$" => lit.push_str(inner),
                        _ => {
                            flush(&mut lit, &mut pieces);
                            pieces.push(parse_var(inner));
                        }
                    }
                    rest = &rest[end + 1..];
                    continue;
                }
            }
            if glob && c == '*' {
                flush(&mut lit, &mut pieces);
                if pieces.last() != Some(&Piece::Star) {
                    pieces.push(Piece::Star);
                }
            } else if glob && c == '?' {
                flush(&mut lit, &mut pieces);
                pieces.push(Piece::One);
            } else {
                lit.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
        flush(&mut lit, &mut pieces);
        let has_vars = pieces.iter().any(|p| matches!(p, Piece::Var { .. }));
        let any = pieces.len() == 1 && pieces[0] == Piece::Star;
        Pattern {
            pieces,
            has_vars,
            any,
        }
    }

    pub(crate) fn has_wildcard(&self) -> bool {
        self.pieces
            .iter()
            .any(|p| matches!(p, Piece::Star | Piece::One))
    }

    /// Matches `text`. `None` when a policy variable could not be resolved (AWS then treats
    /// the element as not matching).
    pub(crate) fn matches(&self, text: &str, ci: bool, vars: &dyn VarLookup) -> Option<bool> {
        if self.any {
            return Some(true);
        }
        if !self.has_vars {
            return Some(match_pieces(&self.pieces, text, ci));
        }
        let mut resolved: Vec<Piece> = Vec::with_capacity(self.pieces.len());
        for p in &self.pieces {
            match p {
                Piece::Var { key, default } => {
                    let value = match vars.lookup(key) {
                        Some(v) => v.into_owned(),
                        None => default.clone()?,
                    };
                    if !value.is_empty() {
                        resolved.push(Piece::Lit(value));
                    }
                }
                other => resolved.push(other.clone()),
            }
        }
        Some(match_pieces(&resolved, text, ci))
    }
}

fn flush(lit: &mut String, pieces: &mut Vec<Piece>) {
    if !lit.is_empty() {
        pieces.push(Piece::Lit(std::mem::take(lit)));
    }
}

fn parse_var(inner: &str) -> Piece {
    // `${aws:username, 'nobody'}`: a default used when the key is absent.
    if let Some((key, default)) = inner.split_once(',') {
        let d = default.trim();
        let d = d
            .strip_prefix('\'')
            .and_then(|d| d.strip_suffix('\''))
            .unwrap_or(d);
        return Piece::Var {
            key: key.trim().to_string(),
            default: Some(d.to_string()),
        };
    }
    Piece::Var {
        key: inner.trim().to_string(),
        default: None,
    }
}

fn starts_with_at(text: &[u8], at: usize, lit: &[u8], ci: bool) -> bool {
    let Some(slice) = text.get(at..at + lit.len()) else {
        return false;
    };
    if ci {
        slice.eq_ignore_ascii_case(lit)
    } else {
        slice == lit
    }
}

/// Length in bytes of the UTF-8 character starting at `at`.
fn char_len(text: &[u8], at: usize) -> usize {
    let b = text[at];
    if b < 0x80 {
        1
    } else if b >= 0xF0 {
        4
    } else if b >= 0xE0 {
        3
    } else if b >= 0xC0 {
        2
    } else {
        1
    }
}

fn match_pieces(pieces: &[Piece], text: &str, ci: bool) -> bool {
    let t = text.as_bytes();
    let (mut p, mut i) = (0usize, 0usize);
    // Position after the last `*` and the text position it currently absorbs up to.
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pieces.len() {
            match &pieces[p] {
                Piece::Star => {
                    star = Some((p + 1, i));
                    p += 1;
                    continue;
                }
                Piece::One => {
                    if i < t.len() {
                        i += char_len(t, i).min(t.len() - i);
                        p += 1;
                        continue;
                    }
                }
                Piece::Lit(s) => {
                    if starts_with_at(t, i, s.as_bytes(), ci) {
                        i += s.len();
                        p += 1;
                        continue;
                    }
                }
                Piece::Var { .. } => {}
            }
        } else if i == t.len() {
            return true;
        }
        match star {
            Some((sp, si)) if si < t.len() => {
                let mut ni = si + char_len(t, si).min(t.len() - si);
                // Skip to the next place the literal after the star could start (its first
                // byte is a UTF-8 start byte, so this lands on a character boundary).
                if let (false, Some(Piece::Lit(lit))) = (ci, pieces.get(sp)) {
                    let Some(&first) = lit.as_bytes().first() else {
                        return false;
                    };
                    match t[ni..].iter().position(|&b| b == first) {
                        Some(off) => ni += off,
                        None => return false,
                    }
                }
                star = Some((sp, ni));
                p = sp;
                i = ni;
            }
            _ => return false,
        }
    }
}

/// Splits an ARN into its six parts (the resource part keeps its colons). `None` when the
/// text is not an ARN.
pub(crate) fn split_arn(text: &str) -> Option<[&str; 6]> {
    let mut parts = text.splitn(6, ':');
    let out = [
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    ];
    Some(out)
}

/// Splits like `split_arn`, but colons inside `${...}` do not separate parts.
fn split_arn_pattern(text: &str) -> Option<Vec<&str>> {
    let b = text.as_bytes();
    let mut parts = Vec::with_capacity(6);
    let (mut start, mut depth, mut i) = (0usize, 0usize, 0usize);
    while i < b.len() && parts.len() < 5 {
        if b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
            depth += 1;
            i += 2;
            continue;
        }
        if b[i] == b'}' && depth > 0 {
            depth -= 1;
        } else if b[i] == b':' && depth == 0 {
            parts.push(&text[start..i]);
            start = i + 1;
        }
        i += 1;
    }
    if parts.len() < 5 {
        return None;
    }
    parts.push(&text[start..]);
    Some(parts)
}

/// A Resource / ArnLike pattern: `*`, an ARN matched part by part, or (for values that are not
/// ARNs) a whole-string wildcard. `compile` is for condition values (ArnLike, ArnEquals), where
/// a policy variable may stand anywhere; `compile_resource` for the Resource element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArnPattern {
    Any,
    /// partition, service, region, account (case-insensitive), resource (case-sensitive).
    Arn(Box<[Pattern; 6]>),
    Whole(Pattern),
}

impl ArnPattern {
    pub(crate) fn compile(text: &str, vars: bool) -> ArnPattern {
        if text == "*" {
            return ArnPattern::Any;
        }
        match split_arn_pattern(text) {
            Some(parts) => {
                let [a, b, c, d, e, f] =
                    [0, 1, 2, 3, 4, 5].map(|i| Pattern::compile(parts[i], true, vars));
                ArnPattern::Arn(Box::new([a, b, c, d, e, f]))
            }
            None => ArnPattern::Whole(Pattern::compile(text, true, vars)),
        }
    }

    /// A `Resource` / `NotResource` entry. AWS substitutes policy variables there only in the
    /// resource part: "You can use a policy variable in the `Resource` element, but only in
    /// the resource portion of the ARN. This portion of the ARN appears after the fifth colon
    /// (:). You can't use a variable to replace parts of the ARN before the fifth colon, such
    /// as the service or account."
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-wheretouse>)
    /// So `${...}` before the fifth colon is literal text, colon included, and never matches
    /// a real ARN; an entry that is not an ARN has no resource part and is literal throughout.
    pub(crate) fn compile_resource(text: &str, vars: bool) -> ArnPattern {
        if text == "*" {
            return ArnPattern::Any;
        }
        match split_arn(text) {
            Some(parts) => {
                let [a, b, c, d, e, f] =
                    [0, 1, 2, 3, 4, 5].map(|i| Pattern::compile(parts[i], true, vars && i == 5));
                ArnPattern::Arn(Box::new([a, b, c, d, e, f]))
            }
            None => ArnPattern::Whole(Pattern::compile(text, true, false)),
        }
    }

    pub(crate) fn has_wildcard(&self) -> bool {
        match self {
            ArnPattern::Any => true,
            ArnPattern::Arn(parts) => parts.iter().any(Pattern::has_wildcard),
            ArnPattern::Whole(p) => p.has_wildcard(),
        }
    }

    pub(crate) fn matches(&self, text: &str, vars: &dyn VarLookup) -> Option<bool> {
        self.matches_split(&ArnText::new(text), vars)
    }

    /// Like `matches`, with the text split once by the caller (one request's resource is
    /// matched against every statement).
    pub(crate) fn matches_split(&self, text: &ArnText, vars: &dyn VarLookup) -> Option<bool> {
        match self {
            ArnPattern::Any => Some(true),
            ArnPattern::Whole(p) => p.matches(text.text, false, vars),
            ArnPattern::Arn(parts) => {
                let Some(segs) = &text.parts else {
                    return Some(false);
                };
                let mut unresolved = false;
                for (i, (pat, seg)) in parts.iter().zip(segs.iter()).enumerate() {
                    match pat.matches(seg, i < 5, vars) {
                        Some(true) => {}
                        Some(false) => return Some(false),
                        None => unresolved = true,
                    }
                }
                if unresolved {
                    None
                } else {
                    Some(true)
                }
            }
        }
    }
}

/// A text to match ARN patterns against, split into its parts once.
pub(crate) struct ArnText<'a> {
    pub(crate) text: &'a str,
    parts: Option<[&'a str; 6]>,
}

impl<'a> ArnText<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        ArnText {
            text,
            parts: split_arn(text),
        }
    }
}

/// The account id in an ARN (5th part), if any.
pub(crate) fn arn_account(text: &str) -> Option<&str> {
    split_arn(text).map(|p| p[4]).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Map(Vec<(&'static str, &'static str)>);
    impl VarLookup for Map {
        fn lookup(&self, key: &str) -> Option<Cow<'_, str>> {
            self.0
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| Cow::Borrowed(*v))
        }
    }

    fn glob(p: &str, t: &str) -> bool {
        Pattern::compile(p, true, false)
            .matches(t, false, &NoVars)
            .unwrap()
    }

    #[test]
    fn wildcards() {
        assert!(glob("*", ""));
        assert!(glob("*", "anything"));
        assert!(glob("a*c", "abc"));
        assert!(glob("a*c", "ac"));
        assert!(glob("a*c", "abcbc"));
        assert!(!glob("a*c", "abcb"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("*b*", "abc"));
        assert!(glob("**", "x"));
        assert!(glob("a*b*c", "aXXbYYc"));
        assert!(!glob("a*b*c", "aXXcYYb"));
        assert!(glob("?", "é"));
        assert!(!glob("??", "é"));
        assert!(!glob("abc", "abcd"));
        assert!(!glob("", "a"));
        assert!(glob("", ""));
    }

    #[test]
    fn case_insensitive_literal() {
        let p = Pattern::compile("dynamodb:Describe*", true, false);
        assert_eq!(
            p.matches("DynamoDB:describeexport", true, &NoVars),
            Some(true)
        );
        assert_eq!(
            p.matches("DynamoDB:describeexport", false, &NoVars),
            Some(false)
        );
    }

    #[test]
    fn no_glob_is_literal() {
        let p = Pattern::compile("arn:*", false, false);
        assert_eq!(p.matches("arn:*", false, &NoVars), Some(true));
        assert_eq!(p.matches("arn:x", false, &NoVars), Some(false));
        assert!(!p.has_wildcard());
    }

    #[test]
    fn variables_and_escapes() {
        let vars = Map(vec![("aws:username", "bob*")]);
        let p = Pattern::compile("home/${aws:username}/*", true, true);
        assert_eq!(p.matches("home/bob*/x", false, &vars), Some(true));
        // The substituted value is literal: its `*` is no wildcard.
        assert_eq!(p.matches("home/bobby/x", false, &vars), Some(false));
        assert_eq!(p.matches("home/x/y", false, &NoVars), None);
        let empty = Map(vec![("aws:username", "")]);
        let p2 = Pattern::compile("a*${aws:username}b", true, true);
        assert_eq!(p2.matches("axxb", false, &empty), Some(true));
        let d = Pattern::compile("${aws:username, 'anon'}", true, true);
        assert_eq!(d.matches("anon", false, &NoVars), Some(true));
        let e = Pattern::compile("a${*}b${?}${$}", true, true);
        assert_eq!(e.matches("a*b?$", false, &NoVars), Some(true));
        assert_eq!(e.matches("aXb?$", false, &NoVars), Some(false));
        // Version 2008-10-17: no substitution at all.
        let old = Pattern::compile("${aws:username}", true, false);
        assert_eq!(old.matches("${aws:username}", false, &vars), Some(true));
    }

    #[test]
    fn arn_parts() {
        let m = |p: &str, t: &str| ArnPattern::compile(p, true).matches(t, &NoVars);
        assert_eq!(m("*", "whatever"), Some(true));
        assert_eq!(
            m("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c"),
            Some(true)
        );
        assert_eq!(
            m("arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/a"),
            Some(false)
        );
        assert_eq!(
            m(
                "arn:aws:DynamoDB:*:*:table/t",
                "arn:aws:dynamodb:us-east-1:1:table/t"
            ),
            Some(true)
        );
        // `*` in one part does not run into the next.
        assert_eq!(
            m("arn:aws:glue:*:111:*", "arn:aws:glue:us-east-1:222:catalog"),
            Some(false)
        );
        assert_eq!(
            m("arn:aws:glue:*:111:*", "arn:aws:glue:us-east-1:111:catalog"),
            Some(true)
        );
        assert_eq!(
            m(
                "arn:aws:logs:r:1:log-group:/aws-glue/*",
                "arn:aws:logs:r:1:log-group:/aws-glue/zeroETL-integrations/logs/:log-stream:x"
            ),
            Some(true)
        );
        assert_eq!(m("arn:aws:glue:r:1:table/*", "*"), Some(false));
        let vars = Map(vec![("aws:PrincipalAccount", "111")]);
        let p = ArnPattern::compile("arn:aws:iam::${aws:PrincipalAccount}:role/*", true);
        assert_eq!(p.matches("arn:aws:iam::111:role/x", &vars), Some(true));
        assert_eq!(p.matches("arn:aws:iam::222:role/x", &vars), Some(false));
        // In a Resource element the same text is literal: it matches no real ARN.
        let r = ArnPattern::compile_resource("arn:aws:iam::${aws:PrincipalAccount}:role/*", true);
        assert_eq!(r.matches("arn:aws:iam::111:role/x", &vars), Some(false));
        assert_eq!(
            r.matches("arn:aws:iam::${aws:PrincipalAccount}:role/x", &vars),
            Some(true)
        );
        let region = ArnPattern::compile_resource("arn:aws:sns:${aws:RequestedRegion}:1:t", true);
        let vars_region = Map(vec![("aws:RequestedRegion", "us-east-1")]);
        assert_eq!(
            region.matches("arn:aws:sns:us-east-1:1:t", &vars_region),
            Some(false)
        );
        // After the fifth colon it is a variable (an unresolved one: no answer).
        let tail = ArnPattern::compile_resource("arn:aws:s3:::b/${aws:PrincipalAccount}/*", true);
        assert_eq!(tail.matches("arn:aws:s3:::b/111/k", &vars), Some(true));
        assert_eq!(tail.matches("arn:aws:s3:::b/222/k", &vars), Some(false));
        assert_eq!(tail.matches("arn:aws:s3:::b/111/k", &NoVars), None);
        // Not an ARN: no resource part, so nothing is substituted.
        let whole = ArnPattern::compile_resource("${aws:username}*", true);
        assert_eq!(
            whole.matches("alice-x", &Map(vec![("aws:username", "alice")])),
            Some(false)
        );
        assert_eq!(arn_account("arn:aws:glue:r:123:catalog"), Some("123"));
        assert_eq!(arn_account("arn:aws:s3:::b"), None);
    }
}

//! Whether to colour, and colouring that depends only on that answer.
//!
//! `colored`'s own `Display` consults process-wide state (its override, `CLICOLOR`, whether
//! stdout is a terminal), which would make rendering depend on where it runs. The decision is
//! made once by [`color_enabled`]; [`Paint`] then writes `colored`'s escape codes if and only if
//! it was told to, so the same report renders the same way in tests and in a terminal.

use std::ffi::OsString;
use std::io::IsTerminal;

pub use colored::Color;

/// Colour is on unless `--no-color` was given, `NO_COLOR` is set to a non-empty value, or
/// stdout is not a terminal.
pub fn color_enabled(no_color_flag: bool) -> bool {
    decide(
        no_color_flag,
        std::env::var_os("NO_COLOR"),
        std::io::stdout().is_terminal(),
    )
}

/// The decision behind [`color_enabled`], with its inputs passed in (testable).
fn decide(no_color_flag: bool, no_color_env: Option<OsString>, stdout_is_terminal: bool) -> bool {
    // no-color.org: set and not empty means no colour.
    let env_says_no = no_color_env.is_some_and(|v| !v.is_empty());
    !no_color_flag && !env_says_no && stdout_is_terminal
}

/// Applies colours and bold when enabled; plain text otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    enabled: bool,
}

impl Paint {
    pub fn new(enabled: bool) -> Self {
        Paint { enabled }
    }

    pub fn fg(&self, text: &str, color: Color) -> String {
        self.sgr(text, &color.to_fg_str())
    }

    pub fn bold(&self, text: &str) -> String {
        self.sgr(text, "1")
    }

    pub fn dim(&self, text: &str) -> String {
        self.sgr(text, "2")
    }

    fn sgr(&self, text: &str, code: &str) -> String {
        if self.enabled && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Text from the facts (ARNs, policy Sids, AWS messages) with control characters shown as
/// `\u{1b}` escapes, so nothing read from an account can move the cursor or colour a terminal.
/// Newlines and tabs are kept.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_env_and_terminal_each_turn_colour_off() {
        assert!(decide(false, None, true));
        assert!(!decide(true, None, true));
        assert!(!decide(false, Some("1".into()), true));
        assert!(!decide(false, None, false));
        // An empty NO_COLOR does not count (no-color.org).
        assert!(decide(false, Some("".into()), true));
    }

    #[test]
    fn paint_writes_escapes_only_when_enabled() {
        assert_eq!(Paint::new(false).fg("ok", Color::Green), "ok");
        assert_eq!(Paint::new(true).fg("ok", Color::Green), "\x1b[32mok\x1b[0m");
        assert_eq!(Paint::new(true).bold("h"), "\x1b[1mh\x1b[0m");
        assert_eq!(Paint::new(false).dim("d"), "d");
    }

    #[test]
    fn control_characters_from_facts_are_escaped() {
        assert_eq!(terminal_safe("a\x1b[31mb\n\tc"), "a\\u{1b}[31mb\n\tc");
        assert_eq!(terminal_safe("ok"), "ok");
    }
}

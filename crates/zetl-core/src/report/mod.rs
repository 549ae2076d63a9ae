//! Rendering findings: human (flutter-doctor style), json (the contract), sarif, markdown.
//!
//! Renderers only format what the [`Report`] already says; every decision (status, severity,
//! which fix) was made by the rule runner. The one entry point is [`render`]:
//!
//! ```
//! use zetl_core::report::{render, Format, RenderOptions};
//! # fn show(report: &zetl_core::report::Report, rules: &[zetl_core::report::RuleSummary]) {
//! let options = RenderOptions { color: zetl_core::report::color_enabled(false), ..RenderOptions::default() };
//! print!("{}", render(report, rules, Format::Human, &options));
//! # }
//! ```

pub mod color;
pub mod diff;
pub mod human;
pub mod json;
pub mod markdown;
pub mod model;
pub mod sarif;
pub mod summary_line;

pub use color::color_enabled;
pub use model::*;

/// Output format of `zetl doctor --format` and `format` in zetl.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Human,
    Json,
    Sarif,
    Markdown,
}

/// The lowest severity that makes `zetl doctor` exit 1 (`--fail-on`, `fail_on` in zetl.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Never,
}

/// How the human format is drawn; the other formats ignore these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// ANSI colours; compute it with [`color_enabled`] (`--no-color`, `NO_COLOR`, terminal).
    pub color: bool,
    /// `-v`: also show what passing checks saw.
    pub verbose: bool,
    /// `-q`: only checks that did not pass, and the summary line.
    pub quiet: bool,
    /// Wrap prose to this many columns (the terminal's width); `None` off a terminal.
    pub width: Option<usize>,
    /// `--fix-dir` wrote the documents the commands read: no hint about them.
    pub fix_dir: bool,
}

/// Renders `report` in `format`. `rules` is the catalog (titles, sides, severities, docs);
/// SARIF lists every rule of it. The result ends with a newline.
pub fn render(
    report: &Report,
    rules: &[RuleSummary],
    format: Format,
    options: &RenderOptions,
) -> String {
    match format {
        Format::Human => human::render(report, rules, options),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report, rules),
        Format::Markdown => markdown::render(report, rules),
    }
}

/// Pretty JSON of a value that cannot fail to serialise (only string map keys); should it
/// ever fail, the output says so as JSON rather than panicking.
fn to_pretty_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| {
        serde_json::json!({ "error": format!("could not serialise the report: {e}") }).to_string()
    })
}

//! Live collection's progress on stderr: an indicatif spinner showing what the collector last
//! started reading, only when stderr is a terminal. A pipe, a file or a CI log gets nothing,
//! so scripts see only the report and the errors.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::collect::progress::{Progress, Reporter};

/// The spinner, or nothing; cleared when dropped, before any result or error is printed.
pub struct Spinner(Option<ProgressBar>);

impl Spinner {
    /// A spinner on stderr when stderr is a terminal.
    pub fn start() -> Spinner {
        Spinner::start_if(std::io::stderr().is_terminal())
    }

    pub fn start_if(terminal: bool) -> Spinner {
        if !terminal {
            return Spinner(None);
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(Some(bar))
    }

    /// What the collector reports to: the spinner's message, or nowhere.
    pub fn reporter(&self) -> Reporter {
        match &self.0 {
            Some(bar) => Reporter::new(Arc::new(Line(bar.clone()))),
            None => Reporter::silent(),
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// The collector's line becomes the spinner's message.
struct Line(ProgressBar);

impl Progress for Line {
    fn step(&self, line: &str) {
        self.0.set_message(line.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_terminal_no_spinner() {
        let spinner = Spinner::start_if(false);
        assert!(spinner.0.is_none());
        assert!(spinner.reporter().is_silent());
    }

    #[test]
    fn the_spinner_shows_the_last_line() {
        let spinner = Spinner::start_if(true);
        let bar = spinner.0.clone().expect("a spinner");
        spinner.reporter().reading(
            crate::permissions::Side::Source,
            "111111111111",
            crate::permissions::DDB_GET_RESOURCE_POLICY,
        );
        assert_eq!(
            bar.message(),
            "source account 111111111111: reading the table policy"
        );
        drop(spinner);
        assert!(bar.is_finished());
    }
}

//! Exit codes shared by every subcommand (see the CLI contract).

use std::fmt;

/// How a command that ran to completion ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Ran; nothing at or above the threshold.
    Ok,
    /// Ran; at least one finding at or above the threshold (or a fix that could not be applied).
    Findings,
    /// `zetl fix`: a policy changed between reading and writing; nothing overwritten.
    Conflict,
    /// `zetl fix`: declined at the prompt.
    Declined,
    /// `zetl watch`: `--timeout` passed before every integration was done.
    TimedOut,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Findings => 1,
            Exit::Conflict => 4,
            Exit::Declined => 5,
            Exit::TimedOut => 6,
        }
    }
}

/// A command that could not run.
#[derive(Debug)]
pub enum CliError {
    /// Usage error, invalid input file, invalid config: exit 2.
    Usage(String),
    /// Could not collect any facts at all: exit 3.
    Collection(String),
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::Usage(message.into())
    }

    pub fn code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Collection(_) => 3,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Collection(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CliError {}

/// A rule catalog that does not load is a build bug, reported like bad input (exit 2).
impl From<&crate::rules::CatalogError> for CliError {
    fn from(e: &crate::rules::CatalogError) -> Self {
        CliError::usage(e.to_string())
    }
}

#[cfg(feature = "live")]
impl From<crate::collect::CollectError> for CliError {
    fn from(e: crate::collect::CollectError) -> Self {
        match e {
            crate::collect::CollectError::Setup(m) => CliError::Usage(m),
            crate::collect::CollectError::NoAccess(m) => CliError::Collection(m),
        }
    }
}

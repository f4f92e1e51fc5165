//! Exit codes, like grep's: 0 success or hits, 1 no hits (or a check that
//! failed), 2 an error.

use std::process::ExitCode;

/// What a command ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The command did its job (and a search found something).
    Success,
    /// A search found nothing, or saved expectations were not met.
    NoMatch,
    /// Something went wrong; a message has been printed.
    Error,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::NoMatch => 1,
            Outcome::Error => 2,
        }
    }
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> ExitCode {
        ExitCode::from(o.code())
    }
}

//! The process exit codes rootsweep documents, and how per-run results combine into one.

/// Exit codes, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Completed; every planned change made and verified, or nothing to do.
    Success,
    /// Fatal: preflight failed, no credentials, endpoint unreachable, enumeration failed.
    Fatal,
    /// Usage or configuration error, or a delete refused for want of confirmation.
    Usage,
    /// Delete refused because blocked or unknown accounts exist.
    Refused,
    /// Completed, but some accounts are `unknown`, failed, or could not be verified.
    Partial,
    /// Interrupted by SIGINT.
    Interrupted,
    /// Terminated by SIGTERM.
    Terminated,
}

impl Exit {
    /// The numeric process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Fatal => 1,
            Exit::Usage => 2,
            Exit::Refused => 3,
            Exit::Partial => 4,
            Exit::Interrupted => 130,
            Exit::Terminated => 143,
        }
    }
}

/// An error that is the operator's input, not AWS's: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct UsageError(#[from] pub anyhow::Error);

impl Exit {
    /// How much an exit code says: when a run has several reasons to end, the strongest wins.
    /// Fatal > a signal > unconfirmed > refused > partial > success.
    fn weight(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Partial => 1,
            Exit::Refused => 2,
            Exit::Usage => 3,
            Exit::Interrupted => 4,
            Exit::Terminated => 5,
            Exit::Fatal => 6,
        }
    }

    /// The one exit code for a run: the strongest of every reason given (per-account outcomes,
    /// a signal, a refusal, a fatal error); `Success` when none is.
    pub fn merge(exits: impl IntoIterator<Item = Exit>) -> Exit {
        exits
            .into_iter()
            .max_by_key(|e| e.weight())
            .unwrap_or(Exit::Success)
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_match_the_documented_table() {
        let table = [
            (Exit::Success, 0),
            (Exit::Fatal, 1),
            (Exit::Usage, 2),
            (Exit::Refused, 3),
            (Exit::Partial, 4),
            (Exit::Interrupted, 130),
            (Exit::Terminated, 143),
        ];
        for (exit, code) in table {
            assert_eq!(exit.code(), code, "{exit:?}");
        }
    }

    #[test]
    fn the_strongest_reason_decides_the_exit_code() {
        use Exit::*;
        assert_eq!(Exit::merge([]), Success);
        assert_eq!(Exit::merge([Success, Success]), Success);
        // An unknown account among successes: 4, never 0.
        assert_eq!(Exit::merge([Success, Partial, Success]), Partial);
        assert_eq!(Exit::merge([Partial, Refused]), Refused);
        assert_eq!(Exit::merge([Refused, Usage]), Usage);
        assert_eq!(Exit::merge([Usage, Partial, Interrupted]), Interrupted);
        assert_eq!(Exit::merge([Interrupted, Terminated]), Terminated);
        assert_eq!(Exit::merge([Terminated, Fatal, Partial]), Fatal);
    }
}

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
}

//! Plain data every job shares: the accounts of the organization and why one was not read.
//! Nothing here performs I/O.

/// A member account as listed by Organizations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// 12-digit account id.
    pub id: String,
    /// Account name.
    pub name: String,
    /// Root user email address.
    pub email: String,
    /// `State` (or the legacy `Status` when `State` is absent), as AWS spells it.
    pub state: String,
    /// OU ancestry from the root by name, `/`-joined (e.g. `Root/Prod/Dev`); a part whose name
    /// could not be read shows its id; empty when the ancestry is unknown.
    pub ou_path: String,
    /// The same ancestry by id (e.g. `r-ab12/ou-ab12-11111111/ou-ab12-22222222`); empty when unknown.
    pub ou_ids: String,
}

impl Account {
    /// Whether the account is `ACTIVE` (the only state AssumeRoot accepts).
    pub fn is_active(&self) -> bool {
        self.state == "ACTIVE"
    }
}

/// Why an account was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The organization's management account is never targeted.
    ManagementAccount,
    /// Not ACTIVE (AssumeRoot refuses it).
    NotActive(String),
    /// Left out by the target filters.
    NotSelected,
    /// The run was interrupted before this account was read.
    Interrupted,
    /// The run stopped starting accounts for another reason (e.g. its report could not be written).
    Stopped(String),
    /// Refused up front, before any session: why (e.g. the guardrail that certainly denies it).
    Refused(String),
}

impl SkipReason {
    /// The verdict a row of an account skipped for this reason carries: `blocked` when it was
    /// refused up front (the plan lists it with its fix), else `skipped`.
    pub fn verdict(&self) -> &'static str {
        match self {
            SkipReason::Refused(_) => "blocked",
            _ => "skipped",
        }
    }

    /// The error cell of such a row: the verdict, then why.
    pub fn error(&self) -> String {
        format!("{}: {self}", self.verdict())
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::ManagementAccount => f.write_str("management account is never targeted"),
            SkipReason::NotActive(state) => write!(f, "account state is {state}, not ACTIVE"),
            SkipReason::NotSelected => f.write_str("not selected by the target filters"),
            SkipReason::Interrupted => f.write_str("not audited: the run was interrupted"),
            SkipReason::Stopped(why) => write!(f, "not audited: {why}"),
            SkipReason::Refused(why) => write!(f, "refused up front, no session opened: {why}"),
        }
    }
}

/// The root user's console password, when one exists (read by the root and recover jobs).
#[derive(Debug, Clone, PartialEq)]
pub struct LoginProfile {
    /// When the password was created.
    pub created: Option<aws_smithy_types::DateTime>,
}

#[cfg(test)]
mod tests {
    use super::SkipReason;

    #[test]
    fn an_account_refused_up_front_is_blocked_every_other_skip_is_skipped() {
        let refused = SkipReason::Refused("iam:X is denied by p-1; fix: y".into());
        assert_eq!(refused.verdict(), "blocked");
        assert_eq!(
            refused.error(),
            "blocked: refused up front, no session opened: iam:X is denied by p-1; fix: y"
        );
        for other in [
            SkipReason::ManagementAccount,
            SkipReason::NotActive("SUSPENDED".into()),
            SkipReason::NotSelected,
            SkipReason::Interrupted,
            SkipReason::Stopped("why".into()),
        ] {
            assert_eq!(other.verdict(), "skipped");
            assert_eq!(other.error(), format!("skipped: {other}"));
        }
    }
}

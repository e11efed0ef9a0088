//! The commands that write a findings file, and what each one's findings are made of: the
//! report of its read stage, and for a change command its change report.

/// The commands that write a findings file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `rootsweep audit`.
    Audit,
    /// `rootsweep delete`: the audit's findings with what the run changed.
    Delete,
    /// `rootsweep users audit`.
    UsersAudit,
    /// `rootsweep users tidy`.
    UsersTidy,
    /// `rootsweep users delete`.
    UsersDelete,
    /// `rootsweep users deactivate`.
    UsersDeactivate,
    /// `rootsweep guardrails`.
    Guardrails,
}

/// Every command that writes a findings file.
const ALL: [Command; 7] = [
    Command::Audit,
    Command::Delete,
    Command::UsersAudit,
    Command::UsersTidy,
    Command::UsersDelete,
    Command::UsersDeactivate,
    Command::Guardrails,
];

impl Command {
    /// The command as typed.
    pub fn name(self) -> &'static str {
        match self {
            Command::Audit => "audit",
            Command::Delete => "delete",
            Command::UsersAudit => "users audit",
            Command::UsersTidy => "users tidy",
            Command::UsersDelete => "users delete",
            Command::UsersDeactivate => "users deactivate",
            Command::Guardrails => "guardrails",
        }
    }

    /// The command whose findings (and uids) this one's are: its read stage's.
    pub(super) fn audit(self) -> Command {
        match self {
            Command::Audit | Command::Delete => Command::Audit,
            Command::Guardrails => Command::Guardrails,
            _ => Command::UsersAudit,
        }
    }

    /// The names of the commands whose findings files this one compares with by default. A
    /// read-only command compares with its own last run (the last whole picture); a change
    /// command with the last of any command with the same uids, typically the audit it follows
    /// (`audit` then `delete`; `users audit` then `users deactivate`).
    pub fn family(self) -> Vec<&'static str> {
        if self.change().is_none() {
            return vec![self.name()];
        }
        ALL.iter()
            .filter(|c| c.audit() == self.audit())
            .map(|c| c.name())
            .collect()
    }

    /// The name of the read stage's JSON report before its timestamp, and the key of its rows.
    pub(super) fn report(self) -> (&'static str, &'static str) {
        match self.audit() {
            Command::Audit => ("audit", "accounts"),
            Command::Guardrails => ("guardrails", "tasks"),
            _ => ("users-audit", "users"),
        }
    }

    /// The change report's name and rows key (none for a read-only command).
    pub(super) fn change(self) -> Option<(&'static str, &'static str)> {
        match self {
            Command::Delete => Some(("delete", "accounts")),
            Command::UsersTidy => Some(("users-tidy", "detaches")),
            Command::UsersDelete => Some(("users-delete", "users")),
            Command::UsersDeactivate => Some(("users-deactivate", "credentials")),
            _ => None,
        }
    }
}

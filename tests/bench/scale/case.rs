//! The benchmark cases: each one's generated scenario, its rootsweep command, and its target.
//!
//! Pure data and text; nothing here starts a process or reads a file.

use crate::ideal::Latency;

/// The management account every generated organization has.
pub const MANAGEMENT_ACCOUNT: &str = "111111111111";
/// The management caller's access key id (the simulator does not verify signatures).
pub const ACCESS_KEY_ID: &str = "AKIABENCHMANAGEMENT1";
/// The management caller's secret.
pub const SECRET_ACCESS_KEY: &str = "bench-management-secret-not-verified";

/// The latency every case's simulator adds, as written into `[latency]`. The OU-tree walk's
/// Organizations calls (ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent) cost
/// what a ListAccounts page does.
pub const LATENCY: Latency = Latency {
    list_accounts_ms: 150,
    assume_root_ms: 100,
    iam_ms: 40,
    assume_role_ms: 100,
};

/// The role `users audit` assumes in each member account (rootsweep's default `--role-name`).
pub const MEMBER_ROLE: &str = "OrganizationAccountAccessRole";

/// Which rootsweep command a case runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `rootsweep audit`.
    Audit,
    /// `rootsweep delete --yes` (audit, delete, verify).
    Delete,
    /// `rootsweep users audit`.
    UsersAudit,
    /// `rootsweep users deactivate --yes` (the users audit, the plan's reads, the changes).
    UsersDeactivate,
}

impl Command {
    /// The subcommand's name, as in the rootsweep timing line (`rootsweep: audit: ...`).
    pub fn name(self) -> &'static str {
        match self {
            Command::Audit => "audit",
            Command::Delete => "delete",
            Command::UsersAudit => "users audit",
            Command::UsersDeactivate => "users deactivate",
        }
    }
}

/// Share of generated accounts with each kind of credential (`[generate]` ratios).
#[derive(Debug, Clone, Copy)]
pub struct Ratios {
    login_profile: f64,
    mfa_virtual: f64,
    mfa_hardware: f64,
    mfa_fido: f64,
    access_keys: f64,
    signing_certificates: f64,
    suspended: f64,
}

/// A mix resembling a real organization: most roots have a password, some MFA, a few keys.
const REALISTIC: Ratios = Ratios {
    login_profile: 0.7,
    mfa_virtual: 0.3,
    mfa_hardware: 0.05,
    mfa_fido: 0.05,
    access_keys: 0.05,
    signing_certificates: 0.01,
    suspended: 0.01,
};

/// Every account eligible for deletion: a password and one virtual MFA device, nothing blocking.
const ALL_ELIGIBLE: Ratios = Ratios {
    login_profile: 1.0,
    mfa_virtual: 1.0,
    mfa_hardware: 0.0,
    mfa_fido: 0.0,
    access_keys: 0.0,
    signing_certificates: 0.0,
    suspended: 0.0,
};

/// IAM users in every generated account (`[generate]` users keys), for `users audit` cases.
#[derive(Debug, Clone, Copy)]
pub struct UsersMix {
    per_account: usize,
    stale: f64,
    new: f64,
    redundant_policy: f64,
    password_without_mfa: f64,
    /// Share of member accounts without the member role (they are read as `unknown`).
    without_role: f64,
    /// GenerateCredentialReport calls after the first before a report is complete: 0 is AWS
    /// holding a report younger than four hours (answered COMPLETE at once), 1 a fresh one.
    report_polls: u32,
}

/// The users of the `users-*` cases: 20 per account, a quarter stale (unused for 100+ days or
/// never), 5% new, the rest used within 60 days (so about a quarter of them 45+ days ago); half
/// sign in with a password, half hold one access key. 2% of the members lack the role.
const USERS_20: UsersMix = UsersMix {
    per_account: 20,
    stale: 0.25,
    new: 0.05,
    redundant_policy: 0.1,
    password_without_mfa: 0.2,
    without_role: 0.02,
    report_polls: 0,
};

/// An OU tree for `[generate]` (cases without one get 5 OUs directly under the root).
#[derive(Debug, Clone, Copy)]
pub struct Tree {
    ous: usize,
    top_ous: usize,
    depth: usize,
    under_root: f64,
}

/// What a case must achieve.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// `efficiency >= min` and no failed account.
    Efficiency { min: f64 },
    /// `efficiency >= min`, peak RSS and CPU per account bounded.
    Scale {
        min: f64,
        max_rss_mb: f64,
        max_cpu_ms_per_account: f64,
    },
    /// Sustained AssumeRoot rate and no failed account.
    Rate { min_rps: f64 },
    /// `efficiency >= min`, wall time bounded, no failed account.
    Wall { min: f64, max_wall: f64 },
    /// `efficiency >= min`, API calls per read account beyond paging bounded, and exactly the
    /// accounts without the member role unknown.
    Calls {
        min: f64,
        max_calls_per_account: f64,
    },
    /// `efficiency >= min`, exactly the credentials the scenario makes eligible deactivated and
    /// verified, and exactly the accounts without the member role unknown.
    Deactivated { min: f64 },
}

/// One benchmark case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Name used on the command line and in the table.
    pub name: &'static str,
    /// What it measures, in words.
    pub title: &'static str,
    /// The rootsweep command.
    pub command: Command,
    /// Generated member accounts.
    pub accounts: usize,
    /// `--concurrency`.
    pub concurrency: usize,
    /// A `[[throttle]]` on AssumeRoot, requests per second.
    pub assume_root_rps: Option<f64>,
    ratios: Ratios,
    /// IAM users per account (users cases only).
    users: Option<UsersMix>,
    /// The OU tree (5 OUs under the root when `None`).
    tree: Option<Tree>,
    /// The goal.
    pub target: Target,
}

/// The cases, in the order they run.
pub fn all() -> Vec<Case> {
    vec![
        Case {
            name: "audit-1k",
            title: "audit, 1,000 accounts, concurrency 32",
            command: Command::Audit,
            accounts: 1_000,
            concurrency: 32,
            assume_root_rps: None,
            ratios: REALISTIC,
            users: None,
            tree: None,
            target: Target::Efficiency { min: 0.85 },
        },
        Case {
            name: "audit-10k",
            title: "audit, 10,000 accounts, concurrency 64",
            command: Command::Audit,
            accounts: 10_000,
            concurrency: 64,
            assume_root_rps: None,
            ratios: REALISTIC,
            users: None,
            tree: None,
            target: Target::Scale {
                min: 0.80,
                max_rss_mb: 100.0,
                max_cpu_ms_per_account: 1.0,
            },
        },
        Case {
            name: "audit-1k-throttled",
            title: "audit, 1,000 accounts, AssumeRoot limited to 25 requests/s, concurrency 32",
            command: Command::Audit,
            accounts: 1_000,
            concurrency: 32,
            assume_root_rps: Some(25.0),
            ratios: REALISTIC,
            users: None,
            tree: None,
            target: Target::Rate { min_rps: 22.0 },
        },
        Case {
            name: "delete-1k",
            title: "delete with verification, 1,000 eligible accounts, concurrency 32",
            command: Command::Delete,
            accounts: 1_000,
            concurrency: 32,
            assume_root_rps: None,
            ratios: ALL_ELIGIBLE,
            users: None,
            tree: None,
            target: Target::Efficiency { min: 0.80 },
        },
        Case {
            name: "audit-10k-ous",
            title: "audit, 10,000 accounts in 100 OUs up to 4 levels deep, concurrency 64",
            command: Command::Audit,
            accounts: 10_000,
            concurrency: 64,
            assume_root_rps: None,
            ratios: REALISTIC,
            users: None,
            tree: Some(Tree {
                ous: 100,
                top_ous: 8,
                depth: 4,
                under_root: 0.02,
            }),
            // The full ListAccounts pass that reconciles the walk (501 pages x 150 ms = 75.2 s)
            // bounds the run since 2026-12-02; before it, 25 s.
            target: Target::Wall {
                min: 0.85,
                max_wall: 80.0,
            },
        },
        Case {
            name: "users-audit-1k",
            title: "users audit, 1,000 accounts x 20 IAM users, concurrency 32",
            command: Command::UsersAudit,
            accounts: 1_000,
            concurrency: 32,
            assume_root_rps: None,
            ratios: REALISTIC,
            users: Some(USERS_20),
            tree: None,
            target: Target::Calls {
                min: 0.85,
                max_calls_per_account: 4.0,
            },
        },
        Case {
            name: "users-deactivate-1k",
            title: "users deactivate --yes (access keys unused 45+ days), 1,000 accounts x 20 IAM users, concurrency 32",
            command: Command::UsersDeactivate,
            accounts: 1_000,
            concurrency: 32,
            assume_root_rps: None,
            ratios: REALISTIC,
            users: Some(USERS_20),
            tree: None,
            target: Target::Deactivated { min: 0.85 },
        },
    ]
}

impl Target {
    /// The target in words.
    pub fn describe(&self) -> String {
        match self {
            Target::Efficiency { min } => format!("efficiency >= {min:.2}; 0 failed"),
            Target::Scale {
                min,
                max_rss_mb,
                max_cpu_ms_per_account,
            } => format!(
                "efficiency >= {min:.2}; peak RSS <= {max_rss_mb:.0} MB; <= {max_cpu_ms_per_account} ms CPU per account"
            ),
            Target::Rate { min_rps } => {
                format!("sustained AssumeRoot rate >= {min_rps:.0}/s; 0 failed")
            }
            Target::Wall { min, max_wall } => {
                format!("efficiency >= {min:.2}; wall <= {max_wall:.0} s; 0 failed")
            }
            Target::Calls {
                min,
                max_calls_per_account,
            } => format!(
                "efficiency >= {min:.2}; <= {max_calls_per_account} API calls per read account beyond paging and 2 per stale-looking user; unknown = the accounts without the role"
            ),
            Target::Deactivated { min } => format!(
                "efficiency >= {min:.2}; deactivated and verified = the access keys unused {}+ days; unknown = the accounts without the role",
                crate::ideal::UNUSED_DAYS
            ),
        }
    }
}

impl Case {
    /// The scenario file the simulator serves for this case.
    pub fn scenario_toml(&self) -> String {
        let r = &self.ratios;
        let mut toml = format!(
            r#"# Generated by tests/bench/scale.rs for the case `{name}`.

[organization]
id = "o-b3nch5ca1e"
management_account = "{MANAGEMENT_ACCOUNT}"
trusted_access = ["iam.amazonaws.com"]
iam_features = ["RootCredentialsManagement", "RootSessions"]

[[callers]]
access_key_id = "{ACCESS_KEY_ID}"
secret_access_key = "{SECRET_ACCESS_KEY}"
account = "{MANAGEMENT_ACCOUNT}"

[generate]
count = {count}
seed = 7
ous = {ous}
login_profile = {lp:?}
mfa_virtual = {mv:?}
mfa_hardware = {mh:?}
mfa_fido = {mf:?}
access_keys = {ak:?}
signing_certificates = {sc:?}
suspended = {su:?}

[latency]
ListAccounts = {list}
ListRoots = {list}
ListOrganizationalUnitsForParent = {list}
ListAccountsForParent = {list}
AssumeRoot = {assume}
AssumeRole = {assume_role}
iam = {iam}
"#,
            name = self.name,
            count = self.accounts,
            ous = self.tree.map_or(5, |t| t.ous),
            lp = r.login_profile,
            mv = r.mfa_virtual,
            mh = r.mfa_hardware,
            mf = r.mfa_fido,
            ak = r.access_keys,
            sc = r.signing_certificates,
            su = r.suspended,
            list = LATENCY.list_accounts_ms,
            assume = LATENCY.assume_root_ms,
            iam = LATENCY.iam_ms,
            assume_role = LATENCY.assume_role_ms,
        );
        if let Some(t) = &self.tree {
            let generate = format!(
                "top_ous = {}\nou_depth = {}\nunder_root = {:?}\n",
                t.top_ous, t.depth, t.under_root
            );
            toml = toml.replacen("\n[latency]", &format!("{generate}\n[latency]"), 1);
        }
        if let Some(u) = &self.users {
            let generate = format!(
                "users_per_account = {}\nusers_stale = {:?}\nusers_new = {:?}\nusers_redundant_policy = {:?}\nusers_password_without_mfa = {:?}\nwithout_role = {:?}\n",
                u.per_account, u.stale, u.new, u.redundant_policy, u.password_without_mfa, u.without_role
            );
            toml = toml.replacen("\n[latency]", &format!("{generate}\n[latency]"), 1);
            toml = toml.replacen(
                "iam_features = [\"RootCredentialsManagement\", \"RootSessions\"]\n",
                &format!(
                    "iam_features = [\"RootCredentialsManagement\", \"RootSessions\"]\nreport_generation_polls = {}\n",
                    u.report_polls
                ),
                1,
            );
        }
        if let Some(rps) = self.assume_root_rps {
            toml.push_str(&format!(
                "\n[[throttle]]\noperation = \"AssumeRoot\"\nrps = {rps:?}\n"
            ));
        }
        toml
    }

    /// rootsweep's arguments, before `--report-dir`.
    pub fn args(&self) -> Vec<String> {
        let mut args: Vec<String> = self.command.name().split(' ').map(str::to_string).collect();
        if matches!(self.command, Command::Delete | Command::UsersDeactivate) {
            args.push("--yes".into());
        }
        // `users deactivate` with its defaults: access keys unused for 45 days, which `users
        // reactivate` can set back; no `--console` (a deleted password cannot come back) and no
        // `--include-unmonitored` (it would switch off SSH keys whatever their use). The accounts
        // without the role are unknown, and a run with an unknown account changes nothing
        // unless told to change the others: `--skip-blocked`, as an organization-wide cleanup
        // that cannot reach every account would.
        if self.command == Command::UsersDeactivate {
            args.push("--skip-blocked".into());
        }
        args.push("--concurrency".into());
        args.push(self.concurrency.to_string());
        args
    }
}

impl Target {
    /// Why `m` misses the target; empty when it meets it.
    pub fn misses(&self, m: &crate::Measurement) -> Vec<String> {
        let mut misses = Vec::new();
        let mut efficiency = |min: f64| {
            if m.efficiency < min {
                misses.push(format!("efficiency {:.2} < {min:.2}", m.efficiency));
            }
        };
        match *self {
            Target::Efficiency { min } => efficiency(min),
            Target::Scale {
                min,
                max_rss_mb,
                max_cpu_ms_per_account,
            } => {
                efficiency(min);
                if m.rss_mb > max_rss_mb {
                    misses.push(format!("peak RSS {:.1} MB > {max_rss_mb:.0} MB", m.rss_mb));
                }
                if m.cpu_ms_per_account > max_cpu_ms_per_account {
                    misses.push(format!(
                        "{:.2} ms CPU per account > {max_cpu_ms_per_account}",
                        m.cpu_ms_per_account
                    ));
                }
            }
            Target::Rate { min_rps } => match m.assume_root_rps {
                Some(rps) if rps >= min_rps => {}
                Some(rps) => misses.push(format!("AssumeRoot {rps:.1}/s < {min_rps:.0}/s")),
                None => misses.push("no AssumeRoot rate measured".into()),
            },
            Target::Wall { min, max_wall } => {
                efficiency(min);
                if m.wall > max_wall {
                    misses.push(format!("wall {:.2} s > {max_wall:.0} s", m.wall));
                }
            }
            Target::Calls {
                min,
                max_calls_per_account,
            } => {
                efficiency(min);
                if m.calls_per_read_account > max_calls_per_account {
                    misses.push(format!(
                        "{:.2} API calls per read account beyond paging and the {} stale-looking users' listings > {max_calls_per_account}",
                        m.calls_per_read_account, m.ideal.credential_listings
                    ));
                }
                if m.failed != m.ideal.unreadable {
                    misses.push(format!(
                        "{} unknown account(s), expected the {} without the role",
                        m.failed, m.ideal.unreadable
                    ));
                }
            }
            Target::Deactivated { min } => {
                efficiency(min);
                match m.deactivated {
                    Some(n) if n == m.ideal.credentials => {}
                    Some(n) => misses.push(format!(
                        "{n} credential(s) deactivated and verified, expected the {} the scenario makes eligible",
                        m.ideal.credentials
                    )),
                    None => misses.push("no deactivation count read".into()),
                }
                if m.failed != m.ideal.unreadable {
                    misses.push(format!(
                        "{} unknown account(s), expected the {} without the role",
                        m.failed, m.ideal.unreadable
                    ));
                }
            }
        }
        if matches!(
            self,
            Target::Efficiency { .. } | Target::Rate { .. } | Target::Wall { .. }
        ) && m.failed > 0
        {
            misses.push(format!("{} failed account(s)", m.failed));
        }
        misses
    }
}

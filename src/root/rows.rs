//! The root job's report rows: one struct each, whose serde fields are the CSV columns (in
//! order) and the JSON object. Pure: rows from findings and outcomes.

use super::model::{Credentials, Finding};
use super::plan::{join_errors, Step};
use crate::controls::Proven;
use crate::report::csv::JsonOnly;
use crate::report::rfc3339;
use crate::run::job::{self, Applied, Entry, Read};
use serde::Serialize;

/// One audit report row. Counts are integers or `unknown`; lists are `;`-joined; times are
/// RFC 3339 UTC; fields of accounts that were not audited are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Audit {
    pub account_id: String,
    pub account_name: String,
    pub account_email: String,
    pub ou_path: String,
    pub ou_ids: String,
    pub state: String,
    pub verdict: String,
    pub login_profile: String,
    pub login_profile_created: String,
    pub password_last_used: String,
    pub mfa_devices: String,
    pub mfa_serials: String,
    pub access_keys: String,
    pub access_keys_active: String,
    pub access_key_last_used: String,
    pub signing_certificates: String,
    pub error: String,
    /// JSON only: the controls the row's findings prove (`crate::controls::Proven`).
    pub compliance: JsonOnly<Vec<Proven>>,
}

const UNKNOWN: &str = "unknown";

impl job::Row for Audit {
    fn verdict(&self) -> &str {
        &self.verdict
    }

    fn attention(&self) -> Option<Vec<String>> {
        matches!(self.verdict.as_str(), "eligible" | "blocked" | "unknown").then(|| {
            vec![
                self.account_id.clone(),
                self.account_name.clone(),
                self.verdict.clone(),
                self.login_profile.clone(),
                self.mfa_devices.clone(),
                self.access_keys.clone(),
                self.signing_certificates.clone(),
                self.error.clone(),
            ]
        })
    }
}

impl From<&Read<Finding>> for Audit {
    fn from(read: &Read<Finding>) -> Audit {
        let a = &read.account;
        let mut row = Audit {
            account_id: a.id.clone(),
            account_name: a.name.clone(),
            account_email: a.email.clone(),
            ou_path: a.ou_path.clone(),
            ou_ids: a.ou_ids.clone(),
            state: a.state.clone(),
            ..Audit::default()
        };
        match &read.finding {
            Err(reason) => {
                row.verdict = reason.verdict().into();
                row.error = reason.error();
            }
            Ok(finding) => {
                row.verdict = finding.verdict().to_string();
                match finding {
                    Finding::NoSession(err) => {
                        for field in [
                            &mut row.login_profile,
                            &mut row.login_profile_created,
                            &mut row.password_last_used,
                            &mut row.mfa_devices,
                            &mut row.access_keys,
                            &mut row.access_keys_active,
                            &mut row.access_key_last_used,
                            &mut row.signing_certificates,
                        ] {
                            *field = UNKNOWN.into();
                        }
                        row.error = err.to_string();
                    }
                    Finding::Audited(root) => fill(&mut row, root),
                }
            }
        }
        row.compliance = JsonOnly(crate::findings::proof::audit(&row));
        row
    }
}

fn fill(row: &mut Audit, root: &Credentials) {
    (row.login_profile, row.login_profile_created) = match &root.login_profile {
        Ok(Some(p)) => (
            "present".into(),
            p.created.as_ref().map(rfc3339).unwrap_or_default(),
        ),
        Ok(None) => ("absent".into(), String::new()),
        Err(_) => (UNKNOWN.into(), UNKNOWN.into()),
    };
    row.password_last_used = match &root.password_last_used {
        Ok(t) => t.as_ref().map(rfc3339).unwrap_or_default(),
        Err(_) => UNKNOWN.into(),
    };
    (row.mfa_devices, row.mfa_serials) = match &root.mfa_devices {
        Ok(devices) => (
            devices.len().to_string(),
            devices
                .iter()
                .map(|d| d.serial.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        ),
        Err(_) => (UNKNOWN.into(), UNKNOWN.into()),
    };
    match &root.access_keys {
        Ok(keys) => {
            row.access_keys = keys.len().to_string();
            row.access_keys_active = keys
                .iter()
                .filter(|k| k.status == "Active")
                .count()
                .to_string();
            // The most recent use of any root key; unknown if any lookup failed.
            row.access_key_last_used = if keys.iter().any(|k| k.last_used.is_err()) {
                UNKNOWN.into()
            } else {
                keys.iter()
                    .filter_map(|k| k.last_used.as_ref().ok().copied().flatten())
                    .max_by(|a, b| a.cmp(b))
                    .as_ref()
                    .map(rfc3339)
                    .unwrap_or_default()
            };
        }
        Err(_) => {
            row.access_keys = UNKNOWN.into();
            row.access_keys_active = UNKNOWN.into();
            row.access_key_last_used = UNKNOWN.into();
        }
    }
    row.signing_certificates = match &root.signing_certificates {
        Ok(certs) => certs.len().to_string(),
        Err(_) => UNKNOWN.into(),
    };
    row.error = join_errors(&root.errors());
}

/// One delete report row: what happened to one account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Delete {
    pub account_id: String,
    pub account_name: String,
    /// An [`Outcome`] spelling (`deleted` for [`Outcome::Done`]).
    pub outcome: String,
    /// `yes` (deleted by this run), `no` (planned, not deleted: see `outcome`), `n/a` (not planned).
    pub login_profile_deleted: String,
    /// MFA devices deactivated by this run.
    pub mfa_deactivated: String,
    /// `yes` when a fresh read proved the result, `no` when a change was not proven, `n/a` when
    /// nothing was changed.
    pub verified: String,
    /// `Step: Operation: Code: message`, or why the account was not changed.
    pub error: String,
    /// JSON only: the controls this row's change acts on (how each stands after the run is in
    /// the findings file).
    pub controls: JsonOnly<Vec<crate::controls::Ids>>,
}

/// The report word for a completed delete.
pub const DELETED: &str = "deleted";

impl Delete {
    /// The row for one plan entry and what was done to it.
    pub fn new(entry: &Entry<Step>, applied: &Applied<Step>) -> Delete {
        let planned = entry.steps.contains(&Step::DeleteLoginProfile);
        let deleted = applied.done.contains(&Step::DeleteLoginProfile);
        let login_profile_deleted = job::made_word(planned, deleted);
        let mfa = applied
            .done
            .iter()
            .filter(|s| matches!(s, Step::DeactivateMfaDevice(_)))
            .count();
        Delete {
            account_id: entry.account_id.clone(),
            account_name: entry.account_name.clone(),
            outcome: applied.outcome.label(DELETED).into(),
            login_profile_deleted: login_profile_deleted.into(),
            mfa_deactivated: mfa.to_string(),
            verified: applied.verified.as_str().into(),
            error: applied.error.clone(),
            controls: JsonOnly(crate::controls::ids(&crate::controls::ROOT_DELETE)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{Error, ErrorKind};
    use crate::model::LoginProfile;
    use crate::model::{Account, SkipReason};
    use crate::root::model::MfaDevice;
    use crate::root::verdict::tests::{empty_root, service_failure};
    use crate::run::job::Outcome;
    use crate::run::job::{Disposition, Verified};

    fn account() -> Account {
        Account {
            id: "222222222222".into(),
            name: "prod".into(),
            email: "prod@example.com".into(),
            state: "ACTIVE".into(),
            ou_path: "Root/Prod".into(),
            ou_ids: "r-ab12/ou-ab12-11111111".into(),
        }
    }

    fn read(finding: Result<Finding, SkipReason>) -> Read<Finding> {
        Read {
            account: account(),
            finding,
        }
    }

    #[test]
    fn header_is_exactly_the_documented_columns() {
        assert_eq!(
            crate::report::csv::header::<Audit>().join(","),
            "account_id,account_name,account_email,ou_path,ou_ids,state,verdict,login_profile,login_profile_created,password_last_used,mfa_devices,mfa_serials,access_keys,access_keys_active,access_key_last_used,signing_certificates,error"
        );
        assert_eq!(
            crate::report::csv::header::<Delete>().join(","),
            "account_id,account_name,outcome,login_profile_deleted,mfa_deactivated,verified,error"
        );
    }

    #[test]
    fn eligible_row_lists_serials_and_rfc3339_times() {
        let mut root = empty_root();
        root.login_profile = Ok(Some(LoginProfile {
            created: Some(aws_smithy_types::DateTime::from_secs(1_600_000_000)),
        }));
        root.mfa_devices = Ok(vec![
            MfaDevice {
                serial: "arn:aws:iam::222222222222:mfa/root".into(),
                enabled: None,
            },
            MfaDevice {
                serial: "GAHT12345678".into(),
                enabled: None,
            },
        ]);
        let row = Audit::from(&read(Ok(Finding::Audited(Box::new(root)))));
        assert_eq!(
            crate::report::csv::cells(&row).join(","),
            "222222222222,prod,prod@example.com,Root/Prod,r-ab12/ou-ab12-11111111,ACTIVE,eligible,present,2020-09-13T12:26:40Z,,2,arn:aws:iam::222222222222:mfa/root;GAHT12345678,0,0,,0,"
        );
    }

    #[test]
    fn only_active_keys_count_as_active_and_accounts_to_act_on_need_attention() {
        use crate::root::model::AccessKey;
        use crate::run::job::Row as _;
        let mut root = empty_root();
        root.access_keys = Ok(vec![
            AccessKey {
                id: "AKIAON".into(),
                status: "Active".into(),
                last_used: Ok(None),
            },
            AccessKey {
                id: "AKIAOFF".into(),
                status: "Inactive".into(),
                last_used: Ok(Some(aws_smithy_types::DateTime::from_secs(1_700_000_000))),
            },
            AccessKey {
                id: "AKIAON2".into(),
                status: "Active".into(),
                last_used: Ok(Some(aws_smithy_types::DateTime::from_secs(1_600_000_000))),
            },
        ]);
        let blocked = Audit::from(&read(Ok(Finding::Audited(Box::new(root)))));
        assert_eq!(
            (
                blocked.access_keys.as_str(),
                blocked.access_keys_active.as_str(),
                // The latest use of any key, the inactive one's included.
                blocked.access_key_last_used.as_str(),
            ),
            ("3", "2", "2023-11-14T22:13:20Z")
        );
        let cells = blocked.attention().expect("blocked needs attention");
        assert_eq!(cells.len(), 8);
        assert_eq!(cells[..3], ["222222222222", "prod", "blocked"]);
        assert_eq!(cells[5], "3");
        let clean = Audit::from(&read(Ok(Finding::Audited(Box::new(empty_root())))));
        assert_eq!(clean.attention(), None);
    }

    #[test]
    fn failed_check_shows_unknown_and_the_error() {
        let mut root = empty_root();
        root.mfa_devices = Err(service_failure("ListMFADevices"));
        let row = Audit::from(&read(Ok(Finding::Audited(Box::new(root)))));
        assert_eq!(row.verdict, "unknown");
        assert_eq!(row.mfa_devices, "unknown");
        assert_eq!(row.login_profile, "absent");
        assert_eq!(row.error, "ListMFADevices: ServiceFailure: boom");
    }

    #[test]
    fn refused_session_makes_every_check_unknown() {
        let err = Error::new(
            "AssumeRoot",
            "AccessDenied",
            "denied",
            ErrorKind::AccessDenied,
        );
        let row = Audit::from(&read(Ok(Finding::NoSession(err))));
        assert_eq!(row.login_profile, "unknown");
        assert_eq!(row.access_keys, "unknown");
        assert_eq!(row.error, "AssumeRoot: AccessDenied: denied");
    }

    #[test]
    fn skipped_row_says_why() {
        let row = Audit::from(&read(Err(SkipReason::ManagementAccount)));
        assert_eq!(row.verdict, "skipped");
        assert_eq!(row.error, "skipped: management account is never targeted");
        assert_eq!(row.login_profile, "");
    }

    fn entry(steps: Vec<Step>) -> Entry<Step> {
        Entry {
            account_id: "222222222222".into(),
            account_name: "prod".into(),
            verdict: "eligible",
            disposition: Disposition::Change,
            steps,
            reason: None,
        }
    }

    #[test]
    fn delete_rows_spell_outcomes_as_documented() {
        let steps = vec![
            Step::DeleteLoginProfile,
            Step::DeactivateMfaDevice("a".into()),
            Step::DeactivateMfaDevice("b".into()),
        ];
        let applied = Applied {
            outcome: Outcome::Done,
            done: steps.clone(),
            verified: Verified::Yes,
            error: String::new(),
            detail: (),
        };
        let row = Delete::new(&entry(steps.clone()), &applied);
        assert_eq!(
            crate::report::csv::cells(&row),
            ["222222222222", "prod", "deleted", "yes", "2", "yes", ""]
        );
        let failed = Applied {
            outcome: Outcome::Failed,
            done: vec![],
            verified: Verified::NotApplicable,
            error: "x".into(),
            detail: (),
        };
        let row = Delete::new(&entry(steps), &failed);
        assert_eq!(row.login_profile_deleted, "no");
        let untouched = Applied::<Step>::untouched(Outcome::SkippedBlocked, "why");
        let row = Delete::new(&entry(vec![]), &untouched);
        assert_eq!(row.login_profile_deleted, "n/a");
        assert_eq!(row.verified, "n/a");
        assert_eq!(row.outcome, "skipped-blocked");
    }
}

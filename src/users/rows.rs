//! The users audit's report row: one per IAM user, plus one with an empty `user_name` for each
//! account that was skipped or could not be read. The serde fields are the CSV columns, in
//! order, and the JSON object. Pure.

use super::model::{Control, Finding, LastUse, User};
use crate::controls::Proven;
use crate::report::csv::JsonOnly;
use crate::report::rfc3339;
use crate::run::job::{self, Read};
use serde::Serialize;

/// One row of `users-audit-<UTC>.csv`. Times are RFC 3339 UTC; lists are `;`-joined in the CSV
/// and arrays in the JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub account_id: String,
    pub account_name: String,
    pub user_name: String,
    pub user_arn: String,
    pub created: String,
    /// `yes` / `no`.
    pub password_enabled: String,
    /// A time; `never` (a password never used); empty without a password.
    pub password_last_used: String,
    /// A time; `never` (a key never used); empty without a key in that slot.
    pub access_key_1_last_used: String,
    /// As `access_key_1_last_used`, for the second key.
    pub access_key_2_last_used: String,
    /// `yes` / `no`.
    pub mfa_active: String,
    /// The most recent of the three uses above; empty when none.
    pub last_activity: String,
    /// The most recent credential issuance seen (a password set; a key, certificate, SSH key or
    /// service-specific credential created); empty when none.
    pub last_issued: String,
    /// Whole days since the latest of `created`, `last_activity` and `last_issued`.
    pub days_inactive: String,
    /// `active`, `stale`, `new`, `unverifiable`, `unknown` or `skipped`.
    pub verdict: String,
    pub groups: Vec<String>,
    /// Directly attached managed policy ARNs, then `inline:<name>` for each inline policy.
    pub direct_policies: Vec<String>,
    pub redundant_direct_policies: Vec<String>,
    /// Active credentials whose use IAM never records, `kind:id` (listed only for users the
    /// report alone would make stale).
    pub unrecorded_credentials: Vec<String>,
    pub findings: Vec<String>,
    pub error: String,
    /// The CIS / FSBP controls failing or unknown: full objects in the JSON, `id[:credential]`
    /// in the CSV (`IAM.22:access_key_1;IAM.2`; `?` after an id that cannot be judged).
    pub controls: Vec<Control>,
    /// JSON only: the account's OU names from the root (as in the root audit's report).
    pub ou_path: JsonOnly<String>,
    /// JSON only: the same ancestry by id.
    pub ou_ids: JsonOnly<String>,
    /// JSON only: every control the row's findings prove, passed ones too
    /// (`crate::controls::Proven`).
    pub compliance: JsonOnly<Vec<Proven>>,
}

const UNKNOWN: &str = "unknown";

impl job::Row for Row {
    fn verdict(&self) -> &str {
        &self.verdict
    }

    /// An account that could not be read, or a user whose activity is not known: why.
    fn attention(&self) -> Option<Vec<String>> {
        (self.verdict == UNKNOWN).then(|| {
            let error = if self.user_name.is_empty() {
                self.error.clone()
            } else {
                format!("user {}: {}", self.user_name, self.error)
            };
            vec![
                self.account_id.clone(),
                self.account_name.clone(),
                UNKNOWN.to_string(),
                error,
            ]
        })
    }
}

/// The rows of one account, each with what its findings prove.
pub fn rows(read: &Read<Finding>) -> Vec<Row> {
    let mut rows = unproven(read);
    for row in &mut rows {
        row.compliance = JsonOnly(crate::findings::proof::users(&*row));
    }
    rows
}

fn unproven(read: &Read<Finding>) -> Vec<Row> {
    let account = Row {
        account_id: read.account.id.clone(),
        account_name: read.account.name.clone(),
        ou_path: JsonOnly(read.account.ou_path.clone()),
        ou_ids: JsonOnly(read.account.ou_ids.clone()),
        ..Row::default()
    };
    match &read.finding {
        Err(reason) => vec![Row {
            verdict: "skipped".into(),
            error: format!("skipped: {reason}"),
            ..account
        }],
        Ok(Finding::Unreadable(e)) => vec![Row {
            verdict: UNKNOWN.into(),
            error: e.to_string(),
            ..account
        }],
        Ok(Finding::Read(users)) => users.iter().map(|u| user_row(account.clone(), u)).collect(),
    }
}

fn user_row(account: Row, user: &User) -> Row {
    let d = &user.detail;
    let mut row = Row {
        user_name: d.name.clone(),
        user_arn: d.arn.clone(),
        created: d.created.as_ref().map(rfc3339).unwrap_or_default(),
        last_activity: user.last_activity.as_ref().map(rfc3339).unwrap_or_default(),
        last_issued: user.last_issued.as_ref().map(rfc3339).unwrap_or_default(),
        days_inactive: user
            .days_inactive
            .map(|d| d.to_string())
            .unwrap_or_default(),
        verdict: user.verdict.as_str().into(),
        groups: d.groups.clone(),
        direct_policies: d
            .attached_policies
            .iter()
            .cloned()
            .chain(d.inline_policies.iter().map(|p| format!("inline:{p}")))
            .collect(),
        redundant_direct_policies: user.redundant_direct_policies.clone(),
        unrecorded_credentials: user.unrecorded.iter().map(|c| c.to_string()).collect(),
        findings: user.findings.iter().map(|f| f.to_string()).collect(),
        error: user.error.clone(),
        controls: user.controls.clone(),
        ..account
    };
    match &user.report {
        Some(r) => {
            row.created = rfc3339(&r.created);
            row.user_arn = r.arn.clone();
            row.password_enabled = yes_no(r.password_enabled);
            row.password_last_used = last_use(r.password_last_used);
            row.access_key_1_last_used = last_use(r.access_keys[0].last_used);
            row.access_key_2_last_used = last_use(r.access_keys[1].last_used);
            row.mfa_active = yes_no(r.mfa_active);
        }
        None => {
            for field in [
                &mut row.password_enabled,
                &mut row.password_last_used,
                &mut row.access_key_1_last_used,
                &mut row.access_key_2_last_used,
                &mut row.mfa_active,
                &mut row.last_activity,
            ] {
                *field = UNKNOWN.into();
            }
        }
    }
    row
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

fn last_use(u: LastUse) -> String {
    match u {
        LastUse::NotApplicable => String::new(),
        LastUse::Never => "never".into(),
        LastUse::At(t) => rfc3339(&t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{Error, ErrorKind};
    use crate::model::{Account, SkipReason};
    use crate::users::model::KeyColumns;
    use crate::users::verdict::judge;
    use crate::users::verdict::tests::{days_ago, detail, row, rules};

    fn read(finding: Result<Finding, SkipReason>) -> Read<Finding> {
        Read {
            account: Account {
                id: "222222222222".into(),
                name: "prod".into(),
                email: "prod@example.com".into(),
                state: "ACTIVE".into(),
                ou_path: String::new(),
                ou_ids: String::new(),
            },
            finding,
        }
    }

    #[test]
    fn header_is_exactly_the_documented_columns() {
        assert_eq!(
            crate::report::csv::header::<Row>().join(","),
            "account_id,account_name,user_name,user_arn,created,password_enabled,password_last_used,access_key_1_last_used,access_key_2_last_used,mfa_active,last_activity,last_issued,days_inactive,verdict,groups,direct_policies,redundant_direct_policies,unrecorded_credentials,findings,error,controls"
        );
    }

    #[test]
    fn a_user_row_spells_times_lists_and_never_used_keys() {
        let mut r = row("ci", 200);
        r.access_keys[0] = KeyColumns {
            active: true,
            last_rotated: Some(days_ago(200)),
            last_used: LastUse::At(days_ago(100)),
        };
        r.access_keys[1] = KeyColumns {
            active: false,
            last_rotated: Some(days_ago(150)),
            last_used: LastUse::Never,
        };
        let mut d = detail("ci");
        d.groups = vec!["deploy".into(), "readers".into()];
        d.attached_policies = vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()];
        d.inline_policies = vec!["s3-put".into()];
        let user = judge(
            d,
            Some(r),
            vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
            &rules(),
        );
        let rows = rows(&read(Ok(Finding::Read(vec![user]))));
        assert_eq!(
            crate::report::csv::cells(&rows[0]).join(","),
            "222222222222,prod,ci,arn:aws:iam::111111111111:user/ci,2026-06-29T08:00:00Z,no,,2026-10-07T08:00:00Z,never,no,2026-10-07T08:00:00Z,2026-08-18T08:00:00Z,100,stale,deploy;readers,arn:aws:iam::aws:policy/ReadOnlyAccess;inline:s3-put,arn:aws:iam::aws:policy/ReadOnlyAccess,,access_key_1_older_than_90_days;access_key_2_older_than_90_days;redundant_direct_policies,,IAM.22:access_key_1;IAM.8:access_key_1;IAM.3:access_key_1;IAM.2"
        );
    }

    #[test]
    fn an_unreadable_account_is_one_unknown_row_with_the_error_never_no_users() {
        let err = Error::new(
            "AssumeRole",
            "AccessDenied",
            "no role",
            ErrorKind::AccessDenied,
        );
        let rows = rows(&read(Ok(Finding::Unreadable(err))));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].user_name, "");
        assert_eq!(rows[0].verdict, "unknown");
        assert_eq!(rows[0].error, "AssumeRole: AccessDenied: no role");
    }

    #[test]
    fn a_skipped_account_is_one_row_saying_why() {
        let rows = rows(&read(Err(SkipReason::NotActive("SUSPENDED".into()))));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].verdict, "skipped");
        assert_eq!(
            rows[0].error,
            "skipped: account state is SUSPENDED, not ACTIVE"
        );
    }

    #[test]
    fn an_account_without_users_has_no_rows() {
        assert!(rows(&read(Ok(Finding::Read(vec![])))).is_empty());
    }
}

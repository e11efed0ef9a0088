//! The findings of `rootsweep users audit`, from the rows of `users-audit-*.json`: per IAM user,
//! each control of `users::controls` that applies, per credential where the control is about one
//! (IAM.22, IAM.8, IAM.3), else for the user. The report lists only the failing and unknown
//! controls; every other control that applies passed. An account that could not be read is
//! unknown for every control, never passed. Pure.

use super::event::{finding, Account, Check, Evidences, Run};
use super::{Finding, Outcome};
use crate::controls::{self, Def};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// One listed control of a row (its JSON object), the fields the findings read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Listed {
    /// rootsweep's control id.
    pub id: String,
    /// `password`, `access_key_1`, `access_key_2`, or empty for the user.
    pub credential: String,
    /// `failed` or `unknown`.
    pub status: String,
    /// The evidence.
    pub detail: String,
}

/// One row of `users-audit-*.json` (`users`), the fields the findings read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Row {
    /// The account id.
    pub account_id: String,
    /// Its name.
    pub account_name: String,
    /// The IAM user (empty: the account's own row).
    pub user_name: String,
    /// The user's ARN.
    pub user_arn: String,
    /// `yes`, `no` or `unknown`.
    pub password_enabled: String,
    /// RFC 3339, `never` or empty (no password).
    pub password_last_used: String,
    /// RFC 3339, `never` or empty (no key in the slot).
    pub access_key_1_last_used: String,
    /// The same for the second slot.
    pub access_key_2_last_used: String,
    /// `yes`, `no` or `unknown`.
    pub mfa_active: String,
    /// Whole days.
    pub days_inactive: String,
    /// The row's verdict.
    pub verdict: String,
    /// Why an account or user could not be read.
    pub error: String,
    /// The failing and unknown controls.
    pub controls: Vec<Listed>,
    /// The managed policies attached to the user, then `inline:<name>`.
    pub direct_policies: Vec<String>,
    /// OU names from the root (JSON report only).
    pub ou_path: String,
    /// The same ancestry by id (JSON report only).
    pub ou_ids: String,
    /// What a change run proved about the user, applied over its audited checks in order.
    #[serde(skip)]
    pub overrides: Vec<Override>,
    /// Credential → its id, where a change report names it (`access_key_1` → `AKIA…`).
    #[serde(skip)]
    pub credential_ids: Vec<(String, String)>,
}

/// A change run's word on some of a user's checks: those of `control` (every control when
/// `None`) on `credential` (every credential when `None`) now stand as `outcome`, for `desc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    control: Option<&'static str>,
    credential: Option<String>,
    outcome: Outcome,
    desc: String,
}

impl Override {
    /// Every check of the user.
    pub fn all(outcome: Outcome, desc: String) -> Override {
        Override {
            control: None,
            credential: None,
            outcome,
            desc,
        }
    }

    /// Every check of one control.
    pub fn control(control: &'static str, outcome: Outcome, desc: String) -> Override {
        Override {
            control: Some(control),
            ..Override::all(outcome, desc)
        }
    }

    /// Every check on one credential.
    pub fn credential(credential: &str, outcome: Outcome, desc: String) -> Override {
        Override {
            credential: Some(credential.to_string()),
            ..Override::all(outcome, desc)
        }
    }

    fn apply(&self, check: &mut Check) {
        let control = self.control.is_none_or(|c| c == check.control.id);
        let credential = self
            .credential
            .as_ref()
            .is_none_or(|c| *c == check.credential);
        if control && credential {
            check.outcome = self.outcome;
            check.desc = self.desc.clone();
        }
    }
}

/// The credentials a control is judged on for `row`: one per credential for the unused and
/// rotation controls, the user (`""`) for the rest; none where the control does not apply.
fn subjects(def: &Def, row: &Row) -> Vec<&'static str> {
    let password = row.password_enabled == "yes";
    let mut keys = Vec::new();
    if !row.access_key_1_last_used.is_empty() {
        keys.push("access_key_1");
    }
    if !row.access_key_2_last_used.is_empty() {
        keys.push("access_key_2");
    }
    if *def == controls::UNUSED_45 || *def == controls::UNUSED_90 {
        let mut all = if password { vec!["password"] } else { vec![] };
        all.extend(keys);
        all
    } else if *def == controls::KEY_ROTATED_90 {
        keys
    } else if *def == controls::ONE_ACTIVE_KEY {
        if keys.is_empty() {
            vec![]
        } else {
            vec![""]
        }
    } else if *def == controls::CONSOLE_MFA {
        if password {
            vec!["password"]
        } else {
            vec![]
        }
    } else {
        vec![""]
    }
}

/// The findings of every row; skipped accounts have none.
pub fn findings(run: &Run, rows: &[Row]) -> Vec<Finding> {
    let mut out = Vec::new();
    for row in rows.iter().filter(|r| r.verdict != "skipped") {
        let account = Account {
            id: row.account_id.clone(),
            name: row.account_name.clone(),
            ou_path: row.ou_path.clone(),
            ou_id: row
                .ou_ids
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string(),
        };
        for check in checks(row) {
            out.push(finding(run, &account, check));
        }
    }
    out
}

/// The checks of one row: per control, its listed entries, then a passed check for each
/// subject the report lists nothing for.
pub(super) fn checks(row: &Row) -> Vec<Check> {
    let ev: Evidences = evidence(row).into();
    let check = |def: &Def, outcome, credential: &str, desc: String| Check {
        control: *def,
        outcome,
        principal: row.user_name.clone(),
        principal_arn: row.user_arn.clone(),
        credential: credential.into(),
        credential_id: row
            .credential_ids
            .iter()
            .find(|(c, _)| c == credential)
            .map(|(_, id)| id.clone())
            .unwrap_or_default(),
        desc,
        evidence: ev.clone(),
    };
    let mut out = Vec::new();
    for def in &controls::USERS {
        if row.user_name.is_empty() {
            let why = format!("the account could not be read: {}", row.error);
            out.push(check(def, Outcome::Unknown, "", why));
            continue;
        }
        let listed: Vec<&Listed> = row.controls.iter().filter(|c| c.id == def.id).collect();
        for l in &listed {
            let outcome = if l.status == "unknown" {
                Outcome::Unknown
            } else {
                Outcome::Failed
            };
            out.push(check(def, outcome, &l.credential, l.detail.clone()));
        }
        // An entry for the whole user that is unknown leaves nothing of it to pass.
        let whole_unknown = listed
            .iter()
            .any(|l| l.credential.is_empty() && l.status == "unknown");
        for subject in subjects(def, row) {
            if !whole_unknown && listed.iter().all(|l| l.credential != subject) {
                let desc = format!("{} holds", def.title);
                out.push(check(def, Outcome::Passed, subject, desc));
            }
        }
    }
    for o in &row.overrides {
        out.iter_mut().for_each(|c| o.apply(c));
    }
    out
}

/// The evidence values of a row, as the report gives them.
fn evidence(row: &Row) -> Map<String, Value> {
    let v = json!({
        "verdict": row.verdict,
        "password_enabled": row.password_enabled,
        "password_last_used": row.password_last_used,
        "access_key_1_last_used": row.access_key_1_last_used,
        "access_key_2_last_used": row.access_key_2_last_used,
        "mfa_active": row.mfa_active,
        "days_inactive": row.days_inactive,
    });
    match v {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> Run {
        Run::of_test("")
    }

    fn user() -> Row {
        Row {
            account_id: "222222222202".into(),
            user_name: "alice".into(),
            user_arn: "arn:aws:iam::222222222202:user/alice".into(),
            password_enabled: "yes".into(),
            password_last_used: "2026-01-01T00:00:00Z".into(),
            access_key_1_last_used: "never".into(),
            verdict: "stale".into(),
            ..Row::default()
        }
    }

    fn statuses(row: Row) -> Vec<(String, &'static str)> {
        findings(&run(), &[row])
            .iter()
            .map(|f| (f.uid().to_string(), f.status_code()))
            .collect()
    }

    #[test]
    fn a_listed_control_fails_on_its_credential_and_the_others_that_apply_pass() {
        let mut row = user();
        row.controls.push(Listed {
            id: "IAM.22".into(),
            credential: "password".into(),
            status: "failed".into(),
            detail: "last used 2026-01-01T00:00:00Z (300 days ago)".into(),
        });
        let got = statuses(row);
        let of = |uid: &str| got.iter().find(|(u, _)| u == uid).map(|(_, c)| *c);
        assert_eq!(
            of("rootsweep:IAM.22:222222222202:alice:password"),
            Some("FAIL")
        );
        assert_eq!(
            of("rootsweep:IAM.22:222222222202:alice:access_key_1"),
            Some("PASS")
        );
        assert_eq!(
            of("rootsweep:IAM.3:222222222202:alice:access_key_1"),
            Some("PASS")
        );
        assert_eq!(
            of("rootsweep:IAM.5:222222222202:alice:password"),
            Some("PASS")
        );
        assert_eq!(of("rootsweep:IAM.2:222222222202:alice"), Some("PASS"));
        // No second key: IAM.3 has nothing to judge there.
        assert_eq!(of("rootsweep:IAM.3:222222222202:alice:access_key_2"), None);
    }

    #[test]
    fn an_account_that_could_not_be_read_is_unknown_for_every_control() {
        let row = Row {
            account_id: "222222222203".into(),
            verdict: "unknown".into(),
            error: "AssumeRole: AccessDenied: no".into(),
            ..Row::default()
        };
        let got = statuses(row);
        assert_eq!(got.len(), controls::USERS.len());
        assert!(got.iter().all(|(_, c)| *c == "UNKNOWN"), "{got:?}");
        assert_eq!(got[0].0, "rootsweep:IAM.22:222222222203:account");
    }
}

//! The findings of `rootsweep audit`: per audited member account, the root user's controls
//! (IAM.4 access keys, IAM.9 MFA, IAM.6 hardware MFA, CIS 2.1.1 credentials absent under
//! centralized root access), from the rows of `audit-*.json`. Pure.
//!
//! An audit runs only where centralized root access is on (its preflight refuses otherwise), so a
//! root user with no password cannot sign in at all: its MFA controls pass, it is not "no data".

use super::event::{finding, Account, Check, Evidences, Run};
use super::{Control, Finding, Outcome};
use super::{CENTRAL_ROOT, ROOT_ACCESS_KEY, ROOT_HARDWARE_MFA, ROOT_MFA};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// One row of `audit-*.json` (`accounts`), the fields the findings read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Row {
    /// The account id.
    pub account_id: String,
    /// Its name.
    pub account_name: String,
    /// OU names from the root.
    pub ou_path: String,
    /// The same ancestry by id.
    pub ou_ids: String,
    /// `clean`, `eligible`, `blocked`, `unknown` or `skipped`.
    pub verdict: String,
    /// `present`, `absent` or `unknown`.
    pub login_profile: String,
    /// RFC 3339, empty or `unknown`.
    pub password_last_used: String,
    /// A count or `unknown`.
    pub mfa_devices: String,
    /// `;`-joined serials, or `unknown`.
    pub mfa_serials: String,
    /// A count or `unknown`.
    pub access_keys: String,
    /// A count or `unknown`.
    pub access_keys_active: String,
    /// RFC 3339 or empty.
    pub access_key_last_used: String,
    /// A count or `unknown`.
    pub signing_certificates: String,
    /// Why a check failed.
    pub error: String,
}

impl Row {
    /// The account as the findings name it.
    pub fn account(&self) -> Account {
        Account {
            id: self.account_id.clone(),
            name: self.account_name.clone(),
            ou_path: self.ou_path.clone(),
            ou_id: self
                .ou_ids
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string(),
        }
    }
}

/// A count cell: `Some(n)`, or `None` when the check failed (`unknown`, empty).
fn count(cell: &str) -> Option<u64> {
    cell.parse().ok()
}

/// The findings of every audited row; skipped accounts (never read: the management account, a
/// suspended one) have none.
pub fn findings(run: &Run, rows: &[Row]) -> Vec<Finding> {
    let mut out = Vec::new();
    for row in rows.iter().filter(|r| r.verdict != "skipped") {
        let account = row.account();
        for check in checks(row, &run.partition) {
            out.push(finding(run, &account, check));
        }
    }
    out
}

/// The four root controls of one audited account.
pub(super) fn checks(row: &Row, partition: &str) -> Vec<Check> {
    let arn = format!("arn:{partition}:iam::{}:root", row.account_id);
    let ev: Evidences = evidence(row).into();
    let check = |control: Control, outcome, credential: &str, desc: String| Check {
        control,
        outcome,
        principal: "root".into(),
        principal_arn: arn.clone(),
        credential: credential.into(),
        credential_id: String::new(),
        desc: with_error(desc, outcome, &row.error),
        evidence: ev.clone(),
    };
    let keys = count(&row.access_keys);
    let (outcome, desc) = match keys {
        Some(0) => (
            Outcome::Passed,
            "the root user has no access key".to_string(),
        ),
        Some(n) => (
            Outcome::Failed,
            format!("the root user has {n} access key(s)"),
        ),
        None => (
            Outcome::Unknown,
            "the root access keys could not be listed".into(),
        ),
    };
    let mut out = vec![check(ROOT_ACCESS_KEY, outcome, "access_keys", desc)];
    let (mfa, hardware) = mfa(row);
    out.push(check(ROOT_MFA, mfa.0, "mfa", mfa.1));
    out.push(check(ROOT_HARDWARE_MFA, hardware.0, "mfa", hardware.1));
    let (outcome, desc) = match row.verdict.as_str() {
        "clean" => (
            Outcome::Passed,
            "no root user credential remains".to_string(),
        ),
        "unknown" => (
            Outcome::Unknown,
            "the root credentials could not all be read".into(),
        ),
        _ => (
            Outcome::Failed,
            "root user credentials remain in the account".into(),
        ),
    };
    out.push(check(CENTRAL_ROOT, outcome, "", desc));
    out
}

/// The MFA controls: (IAM.9, IAM.6), each an outcome and why.
fn mfa(row: &Row) -> ((Outcome, String), (Outcome, String)) {
    let no_password = || "the root user has no password: it cannot sign in".to_string();
    match (row.login_profile.as_str(), count(&row.mfa_devices)) {
        ("absent", _) => (
            (Outcome::Passed, no_password()),
            (Outcome::Passed, no_password()),
        ),
        ("present", Some(0)) => {
            let why = || "the root user has a password and no MFA device".to_string();
            ((Outcome::Failed, why()), (Outcome::Failed, why()))
        }
        ("present", Some(n)) => {
            // A virtual device's serial is an ARN with `:mfa/`; FIDO (`:u2f/`) and hardware
            // TOTP devices are hardware.
            let virtual_ = row.mfa_serials.split(';').any(|s| s.contains(":mfa/"));
            let hardware = if virtual_ {
                (
                    Outcome::Failed,
                    "a virtual MFA device can sign in as root".into(),
                )
            } else {
                (Outcome::Passed, format!("{n} hardware MFA device(s)"))
            };
            ((Outcome::Passed, format!("{n} MFA device(s)")), hardware)
        }
        _ => {
            let why = || "the root password or MFA devices could not be read".to_string();
            ((Outcome::Unknown, why()), (Outcome::Unknown, why()))
        }
    }
}

/// An unknown finding says what failed.
fn with_error(desc: String, outcome: Outcome, error: &str) -> String {
    if outcome == Outcome::Unknown && !error.is_empty() {
        format!("{desc}: {error}")
    } else {
        desc
    }
}

/// The evidence values of a row, as the report gives them.
fn evidence(row: &Row) -> Map<String, Value> {
    let v = json!({
        "verdict": row.verdict,
        "login_profile": row.login_profile,
        "password_last_used": row.password_last_used,
        "mfa_devices": row.mfa_devices,
        "mfa_serials": row.mfa_serials,
        "access_keys": row.access_keys,
        "access_keys_active": row.access_keys_active,
        "access_key_last_used": row.access_key_last_used,
        "signing_certificates": row.signing_certificates,
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

    fn row(verdict: &str, login: &str, mfa: &str, serials: &str, keys: &str) -> Row {
        Row {
            account_id: "222222222201".into(),
            verdict: verdict.into(),
            login_profile: login.into(),
            mfa_devices: mfa.into(),
            mfa_serials: serials.into(),
            access_keys: keys.into(),
            ou_ids: "r-1/ou-1".into(),
            ..Row::default()
        }
    }

    fn codes(r: Row) -> Vec<(String, &'static str)> {
        findings(&run(), &[r])
            .iter()
            .map(|f| (f.uid().to_string(), f.status_code()))
            .collect()
    }

    #[test]
    fn credentials_absent_under_centralized_root_access_pass_every_control() {
        let got = codes(row("clean", "absent", "0", "", "0"));
        assert_eq!(got.len(), 4);
        assert!(got.iter().all(|(_, c)| *c == "PASS"), "{got:?}");
        assert_eq!(got[3].0, "rootsweep:CIS-2.1.1:222222222201:root");
    }

    #[test]
    fn a_password_with_a_virtual_device_and_a_key_fails_iam4_iam6_and_2_1_1() {
        let serial = "arn:aws:iam::222222222201:mfa/root";
        let got: Vec<_> = codes(row("eligible", "present", "1", serial, "1"))
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        assert_eq!(got, ["FAIL", "PASS", "FAIL", "FAIL"]);
    }

    #[test]
    fn a_failed_listing_is_unknown_never_passed_and_skipped_accounts_have_no_finding() {
        let mut failed = row("unknown", "present", "unknown", "unknown", "0");
        failed.error = "ListMFADevices: ServiceFailure: boom".into();
        let got: Vec<_> = codes(failed).into_iter().map(|(_, c)| c).collect();
        assert_eq!(got, ["PASS", "UNKNOWN", "UNKNOWN", "UNKNOWN"]);
        assert!(codes(row("skipped", "", "", "", "")).is_empty());
    }
}

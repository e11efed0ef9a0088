//! The audit CSV row: one per account, in the documented column order.

use super::rfc3339;
use crate::aws::CallError;
use crate::model::{Audited, Finding, RootCredentials};
use serde::Serialize;

/// The audit CSV columns, in order.
pub const HEADER: [&str; 16] = [
    "account_id",
    "account_name",
    "account_email",
    "ou_path",
    "state",
    "verdict",
    "login_profile",
    "login_profile_created",
    "password_last_used",
    "mfa_devices",
    "mfa_serials",
    "access_keys",
    "access_keys_active",
    "access_key_last_used",
    "signing_certificates",
    "error",
];

/// One audit report row. Counts are integers or `unknown`; lists are `;`-joined; times are
/// RFC 3339 UTC; fields of accounts that were not audited are empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub account_id: String,
    pub account_name: String,
    pub account_email: String,
    pub ou_path: String,
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
}

const UNKNOWN: &str = "unknown";

impl Row {
    /// The fields in [`HEADER`] order.
    pub fn fields(&self) -> [&str; 16] {
        [
            &self.account_id,
            &self.account_name,
            &self.account_email,
            &self.ou_path,
            &self.state,
            &self.verdict,
            &self.login_profile,
            &self.login_profile_created,
            &self.password_last_used,
            &self.mfa_devices,
            &self.mfa_serials,
            &self.access_keys,
            &self.access_keys_active,
            &self.access_key_last_used,
            &self.signing_certificates,
            &self.error,
        ]
    }
}

impl From<&Audited> for Row {
    fn from(audited: &Audited) -> Row {
        let a = &audited.account;
        let mut row = Row {
            account_id: a.id.clone(),
            account_name: a.name.clone(),
            account_email: a.email.clone(),
            ou_path: a.ou_path.clone(),
            state: a.state.clone(),
            verdict: audited.verdict().to_string(),
            login_profile: String::new(),
            login_profile_created: String::new(),
            password_last_used: String::new(),
            mfa_devices: String::new(),
            mfa_serials: String::new(),
            access_keys: String::new(),
            access_keys_active: String::new(),
            access_key_last_used: String::new(),
            signing_certificates: String::new(),
            error: String::new(),
        };
        match &audited.finding {
            Finding::Skipped(reason) => row.error = format!("skipped: {reason}"),
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
        row
    }
}

fn fill(row: &mut Row, root: &RootCredentials) {
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
            join(devices.iter().map(|d| d.serial.as_str())),
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

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(";")
}

/// `Operation: Code: message` for each error, `; `-joined.
pub fn join_errors(errors: &[&CallError]) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Writes the header (once) and rows to CSV, flushing after each row so an interrupted run
/// keeps every finished account.
pub struct CsvWriter<W: std::io::Write> {
    inner: csv::Writer<W>,
}

impl<W: std::io::Write> CsvWriter<W> {
    /// Starts a CSV with the given header.
    pub fn new(out: W, header: &[&str]) -> std::io::Result<Self> {
        let mut inner = csv::Writer::from_writer(out);
        inner.write_record(header).map_err(std::io::Error::other)?;
        inner.flush()?;
        Ok(CsvWriter { inner })
    }

    /// Writes one record, each cell through [`neutralise`](super::csv::neutralise) so a
    /// spreadsheet never runs it as a formula, and flushes it.
    pub fn write<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) -> std::io::Result<()> {
        let safe: Vec<_> = fields.into_iter().map(super::csv::neutralise).collect();
        self.inner
            .write_record(safe.iter().map(|c| c.as_bytes()))
            .map_err(std::io::Error::other)?;
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::{CallError, ErrorKind};
    use crate::model::{Account, MfaDevice, SkipReason};
    use crate::verdict::tests::{empty_root, service_failure};

    fn account() -> Account {
        Account {
            id: "222222222222".into(),
            name: "prod".into(),
            email: "prod@example.com".into(),
            state: "ACTIVE".into(),
            ou_path: "r-ab12/ou-ab12-11111111".into(),
        }
    }

    fn csv_of(rows: &[Row]) -> String {
        let mut out = Vec::new();
        let mut w = CsvWriter::new(&mut out, &HEADER).expect("header");
        for row in rows {
            w.write(row.fields()).expect("row");
        }
        drop(w);
        String::from_utf8(out).expect("utf8")
    }

    #[test]
    fn header_is_exactly_the_documented_columns() {
        assert_eq!(
            csv_of(&[]),
            "account_id,account_name,account_email,ou_path,state,verdict,login_profile,login_profile_created,password_last_used,mfa_devices,mfa_serials,access_keys,access_keys_active,access_key_last_used,signing_certificates,error\n"
        );
    }

    #[test]
    fn eligible_row_lists_serials_and_rfc3339_times() {
        let mut root = empty_root();
        root.login_profile = Ok(Some(crate::model::LoginProfile {
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
        let row = Row::from(&Audited {
            account: account(),
            finding: Finding::Audited(Box::new(root)),
        });
        assert_eq!(
            csv_of(&[row]).lines().nth(1).expect("row"),
            "222222222222,prod,prod@example.com,r-ab12/ou-ab12-11111111,ACTIVE,eligible,present,2020-09-13T12:26:40Z,,2,arn:aws:iam::222222222222:mfa/root;GAHT12345678,0,0,,0,"
        );
    }

    #[test]
    fn failed_check_shows_unknown_and_the_error() {
        let mut root = empty_root();
        root.mfa_devices = Err(service_failure("ListMFADevices"));
        let row = Row::from(&Audited {
            account: account(),
            finding: Finding::Audited(Box::new(root)),
        });
        assert_eq!(row.verdict, "unknown");
        assert_eq!(row.mfa_devices, "unknown");
        assert_eq!(row.login_profile, "absent");
        assert_eq!(row.error, "ListMFADevices: ServiceFailure: boom");
    }

    #[test]
    fn refused_session_makes_every_check_unknown() {
        let err = CallError::new(
            "AssumeRoot",
            "AccessDenied",
            "denied",
            ErrorKind::AccessDenied,
        );
        let row = Row::from(&Audited {
            account: account(),
            finding: Finding::NoSession(err),
        });
        assert_eq!(row.login_profile, "unknown");
        assert_eq!(row.access_keys, "unknown");
        assert_eq!(row.error, "AssumeRoot: AccessDenied: denied");
    }

    #[test]
    fn csv_writer_neutralises_cells_a_spreadsheet_would_run() {
        let mut out = Vec::new();
        let mut w = CsvWriter::new(&mut out, &["a", "b", "c"]).expect("header");
        w.write(["=HYPERLINK(\"x\")", "-2", "prod"]).expect("row");
        drop(w);
        let text = String::from_utf8(out).expect("utf8");
        assert_eq!(
            text.lines().nth(1),
            Some("\"'=HYPERLINK(\"\"x\"\")\",'-2,prod")
        );
    }

    #[test]
    fn skipped_row_says_why() {
        let finding = Finding::Skipped(SkipReason::ManagementAccount);
        let row = Row::from(&Audited {
            account: account(),
            finding,
        });
        assert_eq!(row.verdict, "skipped");
        assert_eq!(row.error, "skipped: management account is never targeted");
        assert_eq!(row.login_profile, "");
    }
}

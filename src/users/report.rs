//! Parses IAM's credential report (the CSV `GetCredentialReport` returns) into typed rows. Pure.
//! Columns are found by name, so AWS adding a column breaks nothing; a missing column or a value
//! AWS never writes is an error, never a guess. The `<root_account>` row is the root user, not
//! an IAM user: it is dropped here.

use super::model::{CertColumns, KeyColumns, LastUse, ReportUser};
use crate::call::{self, ErrorKind};
use crate::report::parse_time;
use aws_smithy_types::DateTime;
use std::collections::HashMap;

/// The credential report's name for the root user's row.
pub const ROOT_ROW: &str = "<root_account>";

/// Why a credential report could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The text is not CSV.
    #[error("the credential report is not valid CSV: {0}")]
    Csv(String),
    /// A column the audit needs is absent.
    #[error("the credential report has no `{0}` column")]
    MissingColumn(&'static str),
    /// A cell holds a value AWS does not write there.
    #[error("the credential report's `{column}` for `{user}` is `{value}`")]
    BadValue {
        /// The user of the row.
        user: String,
        /// The column.
        column: &'static str,
        /// The cell.
        value: String,
    },
}

impl Error {
    /// As a failed `GetCredentialReport`: the account is unknown, not empty.
    pub fn into_call_error(self) -> call::Error {
        call::Error::new(
            "GetCredentialReport",
            "MalformedResponse",
            &self.to_string(),
            ErrorKind::Transient,
        )
    }
}

const COLUMNS: [&str; 17] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    // Issuing a certificate is activity, and an active one may be in use unrecorded.
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

/// The IAM users of a credential report, in report order, without the `<root_account>` row.
pub fn parse(text: &str) -> Result<Vec<ReportUser>, Error> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: HashMap<String, usize> = reader
        .headers()
        .map_err(|e| Error::Csv(e.to_string()))?
        .iter()
        .enumerate()
        .map(|(i, name)| (name.to_string(), i))
        .collect();
    for column in COLUMNS {
        if !header.contains_key(column) {
            return Err(Error::MissingColumn(column));
        }
    }
    let mut users = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Csv(e.to_string()))?;
        let cell = |column: &'static str| -> &str {
            header
                .get(column)
                .and_then(|&i| record.get(i))
                .unwrap_or("")
        };
        let name = cell("user").to_string();
        if name == ROOT_ROW {
            continue;
        }
        let row = Row { name: &name, cell };
        let key = |n: u8| -> Result<KeyColumns, Error> {
            let (active, rotated, used) = match n {
                1 => (
                    "access_key_1_active",
                    "access_key_1_last_rotated",
                    "access_key_1_last_used_date",
                ),
                _ => (
                    "access_key_2_active",
                    "access_key_2_last_rotated",
                    "access_key_2_last_used_date",
                ),
            };
            let last_rotated = row.last_use(rotated)?.time();
            // AWS writes `N/A` for a key that exists but was never used, as for no key at all.
            let last_used = match (last_rotated, row.last_use(used)?) {
                (Some(_), LastUse::NotApplicable) => LastUse::Never,
                (_, last_used) => last_used,
            };
            Ok(KeyColumns {
                active: row.flag(active)?,
                last_rotated,
                last_used,
            })
        };
        let cert = |active: &'static str, rotated: &'static str| -> Result<_, Error> {
            Ok(CertColumns {
                active: row.flag(active)?,
                last_rotated: row.last_use(rotated)?.time(),
            })
        };
        users.push(ReportUser {
            arn: cell("arn").to_string(),
            created: row.time("user_creation_time")?,
            password_enabled: row.flag("password_enabled")?,
            password_last_used: row.last_use("password_last_used")?,
            password_last_changed: row.last_use("password_last_changed")?.time(),
            mfa_active: row.flag("mfa_active")?,
            access_keys: [key(1)?, key(2)?],
            certificates: [
                cert("cert_1_active", "cert_1_last_rotated")?,
                cert("cert_2_active", "cert_2_last_rotated")?,
            ],
            name,
        });
    }
    Ok(users)
}

/// One record with its user's name, for error messages.
struct Row<'a, F: Fn(&'static str) -> &'a str> {
    name: &'a str,
    cell: F,
}

impl<'a, F: Fn(&'static str) -> &'a str> Row<'a, F> {
    fn bad(&self, column: &'static str) -> Error {
        Error::BadValue {
            user: self.name.to_string(),
            column,
            value: (self.cell)(column).to_string(),
        }
    }

    /// `true` / `false`.
    fn flag(&self, column: &'static str) -> Result<bool, Error> {
        match (self.cell)(column) {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(self.bad(column)),
        }
    }

    /// An ISO 8601 time.
    fn time(&self, column: &'static str) -> Result<DateTime, Error> {
        parse_time((self.cell)(column)).ok_or_else(|| self.bad(column))
    }

    /// A time, `N/A` or `no_information`.
    fn last_use(&self, column: &'static str) -> Result<LastUse, Error> {
        match (self.cell)(column) {
            "N/A" => Ok(LastUse::NotApplicable),
            "no_information" => Ok(LastUse::Never),
            _ => self.time(column).map(LastUse::At),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    const ROOT: &str = "<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00+00:00,not_supported,2024-05-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

    const ALICE: &str = "alice,arn:aws:iam::111111111111:user/staff/alice,2021-02-03T04:05:06+00:00,true,2024-06-01T00:00:00+00:00,2021-02-03T04:05:06+00:00,N/A,false,true,2021-02-03T04:05:06+00:00,2024-07-01T00:00:00+00:00,us-east-1,s3,false,2022-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A";

    const BOB: &str = "bob,arn:aws:iam::111111111111:user/bob,2024-01-01T00:00:00Z,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

    fn at(text: &str) -> DateTime {
        parse_time(text).expect("valid time")
    }

    #[test]
    fn the_root_account_row_is_never_an_iam_user() {
        let users = parse(&format!("{HEADER}\n{ROOT}\n{ALICE}\n")).expect("parses");
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].name, "alice");
    }

    #[test]
    fn every_column_the_audit_uses_is_read_with_aws_spellings() {
        let users = parse(&format!("{HEADER}\n{ALICE}\n{BOB}\n")).expect("parses");
        let alice = &users[0];
        assert_eq!(alice.arn, "arn:aws:iam::111111111111:user/staff/alice");
        assert_eq!(alice.created, at("2021-02-03T04:05:06Z"));
        assert!(alice.password_enabled);
        assert_eq!(
            alice.password_last_used,
            LastUse::At(at("2024-06-01T00:00:00Z"))
        );
        assert!(!alice.mfa_active);
        assert!(alice.access_keys[0].active);
        assert_eq!(
            alice.access_keys[0].last_used,
            LastUse::At(at("2024-07-01T00:00:00Z"))
        );
        assert!(!alice.access_keys[1].active);
        assert_eq!(
            alice.access_keys[1].last_rotated,
            Some(at("2022-01-01T00:00:00Z"))
        );
        // A key that exists but was never used: `N/A` in AWS's report.
        assert_eq!(alice.access_keys[1].last_used, LastUse::Never);

        let bob = &users[1];
        assert!(!bob.password_enabled);
        assert_eq!(bob.password_last_used, LastUse::NotApplicable);
        assert_eq!(bob.access_keys[0].last_rotated, None);
        assert_eq!(bob.access_keys[0].last_used, LastUse::NotApplicable);
        assert_eq!(bob.password_last_changed, None);
        assert_eq!(bob.certificates, [CertColumns::default(); 2]);
        assert_eq!(
            alice.password_last_changed,
            Some(at("2021-02-03T04:05:06Z"))
        );
    }

    #[test]
    fn certificate_slots_and_their_upload_dates_are_read() {
        let carol = BOB.replace("bob", "carol").replace(
            "false,N/A,false,N/A",
            "true,2024-03-04T05:06:07+00:00,false,2023-01-01T00:00:00+00:00",
        );
        let users = parse(&format!("{HEADER}\n{carol}\n")).expect("parses");
        assert_eq!(
            users[0].certificates,
            [
                CertColumns {
                    active: true,
                    last_rotated: Some(at("2024-03-04T05:06:07Z")),
                },
                CertColumns {
                    active: false,
                    last_rotated: Some(at("2023-01-01T00:00:00Z")),
                },
            ]
        );
    }

    #[test]
    fn an_empty_report_has_no_users_but_a_headerless_one_is_an_error() {
        assert_eq!(parse(&format!("{HEADER}\n{ROOT}\n")), Ok(vec![]));
        assert_eq!(parse(""), Err(Error::MissingColumn("user")));
    }

    #[test]
    fn a_missing_column_is_named() {
        let header = HEADER.replace("mfa_active,", "");
        assert_eq!(
            parse(&format!("{header}\n")),
            Err(Error::MissingColumn("mfa_active"))
        );
    }

    #[test]
    fn a_value_aws_never_writes_is_an_error_naming_user_and_column() {
        let bad = BOB.replace("2024-01-01T00:00:00Z", "yesterday");
        let err = parse(&format!("{HEADER}\n{bad}\n")).expect_err("bad time");
        assert_eq!(
            err.to_string(),
            "the credential report's `user_creation_time` for `bob` is `yesterday`"
        );
        assert_eq!(err.into_call_error().code, "MalformedResponse");
    }
}

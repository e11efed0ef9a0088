//! The IAM credential report of one account as data: how far its generation got, its snapshot,
//! and the CSV in AWS's format (the calls that answer it are in `services::iam::report`).
//!
//! The report is a snapshot taken by the call that completes it; later generate calls answer
//! COMPLETE and the same snapshot is served, as AWS serves a report for four hours. A user with
//! an `earlier` predecessor (deleted and recreated under the same name within those hours) has
//! the predecessor's row: its creation time, ARN, password and key columns.

use crate::sim::world::credentials::{AccessKey, Certificate, RootUser};
use crate::sim::world::directory::Directory;
use crate::sim::world::model::{iso8601, DEFAULT_DATE};
use crate::sim::world::user::User;
use time::OffsetDateTime;

/// The report's columns, in AWS's order.
pub const COLUMNS: [&str; 22] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

/// Not applicable: no password, no key, a key never used.
const NA: &str = "N/A";
/// A password that was never used.
const NO_INFORMATION: &str = "no_information";
/// What the root row says of its password settings.
const NOT_SUPPORTED: &str = "not_supported";

/// Credential report generation of one account.
#[derive(Debug, Default, Clone)]
pub(crate) struct Report {
    /// GenerateCredentialReport calls so far.
    pub calls: u32,
    /// When the report was completed and its CSV.
    pub snapshot: Option<(OffsetDateTime, String)>,
}

/// `2024-01-01T00:00:00+00:00`, the report's timestamp format.
fn stamp(t: OffsetDateTime) -> String {
    let iso = iso8601(t);
    format!("{}+00:00", iso.trim_end_matches('Z'))
}

fn flag(b: bool) -> String {
    b.to_string()
}

/// The five access-key columns for the `n`-th key (or `false` and `N/A`s).
fn key_cells(key: Option<&AccessKey>) -> [String; 5] {
    match key {
        None => [flag(false), NA.into(), NA.into(), NA.into(), NA.into()],
        Some(k) => match &k.last_used {
            Some((date, service, region)) => [
                flag(k.active),
                stamp(k.created),
                stamp(*date),
                region.clone(),
                service.clone(),
            ],
            None => [
                flag(k.active),
                stamp(k.created),
                NA.into(),
                NA.into(),
                NA.into(),
            ],
        },
    }
}

fn cert_cells(cert: Option<&Certificate>) -> [String; 2] {
    match cert {
        None => [flag(false), NA.into()],
        Some(c) => [flag(c.active), stamp(c.uploaded)],
    }
}

fn credentials(keys: &[AccessKey], certs: &[Certificate]) -> Vec<String> {
    let mut cells = Vec::with_capacity(14);
    cells.extend(key_cells(keys.first()));
    cells.extend(key_cells(keys.get(1)));
    cells.extend(cert_cells(certs.first()));
    cells.extend(cert_cells(certs.get(1)));
    cells
}

fn root_row(arn: &str, root: &RootUser) -> Vec<String> {
    let used = root
        .login_profile
        .as_ref()
        .and_then(|lp| lp.password_last_used)
        .map_or_else(|| NO_INFORMATION.to_string(), stamp);
    let mut row = vec![
        "<root_account>".to_string(),
        arn.to_string(),
        stamp(DEFAULT_DATE),
        NOT_SUPPORTED.into(),
        used,
        NOT_SUPPORTED.into(),
        NOT_SUPPORTED.into(),
        flag(!root.mfa.is_empty()),
    ];
    row.extend(credentials(&root.access_keys, &root.signing_certificates));
    row
}

fn user_row(arn: &str, u: &User) -> Vec<String> {
    let (used, changed) = match &u.password {
        None => (NA.to_string(), NA.to_string()),
        Some(lp) => (
            lp.password_last_used
                .map_or_else(|| NO_INFORMATION.to_string(), stamp),
            stamp(lp.created),
        ),
    };
    let mut row = vec![
        u.name.clone(),
        arn.to_string(),
        stamp(u.created),
        flag(u.password.is_some()),
        used,
        changed,
        NA.into(),
        flag(!u.mfa.is_empty()),
    ];
    row.extend(credentials(&u.access_keys, &u.signing_certificates));
    row
}

/// The report's CSV: header, the `<root_account>` row, then one row per user. `arn` makes an
/// ARN of this account from a resource (`root`, `user/<path>name`).
pub(crate) fn render(arn: &dyn Fn(&str) -> String, root: &RootUser, dir: &Directory) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail; a failed row would only shorten the report.
    let _ = w.write_record(COLUMNS);
    let _ = w.write_record(root_row(&arn("root"), root));
    for u in &dir.users {
        // A user recreated since the report's data was gathered still has its predecessor's row.
        let shown = u.earlier.as_deref().unwrap_or(u);
        let resource = format!("user{}{}", shown.path, shown.name);
        let _ = w.write_record(user_row(&arn(&resource), shown));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::world::credentials::LoginProfile;
    use time::macros::datetime;

    fn user(name: &str) -> User {
        User::new(
            name.into(),
            "/".into(),
            "AIDA".into(),
            datetime!(2023-05-06 07:08:09 UTC),
        )
    }

    fn arn(resource: &str) -> String {
        format!("arn:aws:iam::222222222222:{resource}")
    }

    #[test]
    fn report_starts_with_the_header_and_the_root_row() {
        let csv = render(&arn, &RootUser::default(), &Directory::default());
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(COLUMNS.join(",").as_str()));
        assert_eq!(
            lines.next(),
            Some(
                "<root_account>,arn:aws:iam::222222222222:root,2020-01-01T00:00:00+00:00,\
                 not_supported,no_information,not_supported,not_supported,false,\
                 false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
            )
        );
        assert_eq!(lines.next(), None);
    }

    #[test]
    fn never_used_password_is_no_information_and_a_missing_one_is_na() {
        let mut with = user("alice");
        with.password = Some(LoginProfile {
            created: datetime!(2024-01-01 00:00:00 UTC),
            password_last_used: None,
        });
        with.access_keys.push(AccessKey {
            id: "AKIA1".into(),
            active: true,
            created: datetime!(2024-02-01 00:00:00 UTC),
            last_used: Some((
                datetime!(2024-03-01 10:00:00 UTC),
                "s3".into(),
                "eu-west-1".into(),
            )),
        });
        let dir = Directory {
            users: vec![with, user("=cmd+1")],
            ..Directory::default()
        };
        let csv = render(&arn, &RootUser::default(), &dir);
        let rows: Vec<&str> = csv.lines().collect();
        assert_eq!(
            rows[2],
            "alice,arn:aws:iam::222222222222:user/alice,2023-05-06T07:08:09+00:00,true,\
             no_information,2024-01-01T00:00:00+00:00,N/A,false,true,2024-02-01T00:00:00+00:00,\
             2024-03-01T10:00:00+00:00,eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
        );
        assert!(
            rows[3].starts_with("=cmd+1,arn:aws:iam::222222222222:user/=cmd+1,2023-05-06T07:08:09+00:00,false,N/A,N/A,N/A,false,"),
            "{}",
            rows[3]
        );
        assert_eq!(rows.iter().map(|r| r.split(',').count()).max(), Some(22));
    }

    #[test]
    fn a_recreated_user_has_its_predecessors_row() {
        let mut current = user("bob");
        current.created = datetime!(2024-06-01 00:00:00 UTC);
        let mut earlier = user("bob");
        earlier.path = "/old/".into();
        earlier.password = Some(LoginProfile {
            created: datetime!(2022-01-01 00:00:00 UTC),
            password_last_used: Some(datetime!(2023-01-01 00:00:00 UTC)),
        });
        earlier.access_keys.push(AccessKey {
            id: "AKIAOLD".into(),
            active: true,
            created: datetime!(2022-02-01 00:00:00 UTC),
            last_used: None,
        });
        current.earlier = Some(Box::new(earlier));
        let dir = Directory {
            users: vec![current],
            ..Directory::default()
        };
        let csv = render(&arn, &RootUser::default(), &dir);
        let row = csv.lines().nth(2).expect("bob's row");
        assert_eq!(
            row,
            "bob,arn:aws:iam::222222222222:user/old/bob,2023-05-06T07:08:09+00:00,true,\
             2023-01-01T00:00:00+00:00,2022-01-01T00:00:00+00:00,N/A,false,true,\
             2022-02-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
        );
    }
}

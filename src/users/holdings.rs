//! What `users delete` reads of one IAM user right before changing it, and what its restore
//! record keeps: everything `DeleteUser` needs gone first and everything needed to recreate the
//! user except its secrets (passwords, secret access keys, service credential passwords and
//! virtual MFA seeds cannot be read, so they cannot come back). Plain data, no I/O.

/// One access key of a user, as the restore record keeps it (never the secret).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Key {
    /// Access key id.
    pub id: String,
    /// `Active` / `Inactive`.
    pub status: String,
    /// `CreateDate` (RFC 3339).
    pub created: String,
    /// Last use (RFC 3339), empty when never used.
    pub last_used: String,
}

/// A signing certificate or an SSH public key of a user: public material, kept whole so it can
/// be uploaded again.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PublicKey {
    /// `CertificateId` / `SSHPublicKeyId`.
    pub id: String,
    /// `Active` / `Inactive`.
    pub status: String,
    /// `UploadDate` (RFC 3339).
    pub uploaded: String,
    /// `CertificateBody` / `SSHPublicKeyBody` (SSH encoding).
    pub body: String,
}

/// A service-specific credential of a user (its password is never readable).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ServiceCredential {
    /// `ServiceSpecificCredentialId`.
    pub id: String,
    /// `ServiceName`, e.g. `codecommit.amazonaws.com`.
    pub service_name: String,
    /// `ServiceUserName` (empty for services that issue API keys).
    pub service_user_name: String,
    /// `Active` / `Inactive`.
    pub status: String,
    /// `CreateDate` (RFC 3339).
    pub created: String,
}

/// An MFA device of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Mfa {
    /// `SerialNumber` (virtual devices are ARNs with `:mfa/`, FIDO keys `:u2f/`).
    pub serial: String,
    /// `virtual`, `fido` or `hardware`.
    pub kind: String,
    /// `EnableDate` (RFC 3339).
    pub enabled: String,
}

/// One tag of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tag {
    /// `Key`.
    pub key: String,
    /// `Value`.
    pub value: String,
}

/// One inline policy of a user, with its document (decoded JSON text).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InlinePolicy {
    /// Policy name.
    pub name: String,
    /// The policy document.
    pub document: String,
}

/// Everything an IAM user has that `DeleteUser` needs gone first, and everything needed to
/// recreate the user but its secrets, read right before a change: the restore record of
/// `users delete` (what an admin needs to see, and rebuild, what was removed).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Holdings {
    /// User name, as IAM spells it.
    pub user_name: String,
    /// User ARN.
    pub arn: String,
    /// `Path`.
    pub path: String,
    /// `CreateDate` (RFC 3339): tells this user from a later one of the same name.
    pub created: String,
    /// `PermissionsBoundary`'s policy ARN; empty when the user has none. A user recreated without
    /// it has more privilege than it had.
    pub permissions_boundary: String,
    /// Every tag (`ListUserTags`).
    pub tags: Vec<Tag>,
    /// `GetUser`'s `PasswordLastUsed` (RFC 3339), empty when never used or not reported.
    pub password_last_used: String,
    /// A console password (login profile) exists.
    pub login_profile: bool,
    /// When the password was set (`GetLoginProfile`'s `CreateDate`); empty without one.
    pub login_profile_created: String,
    /// Access keys with their creation and last use.
    pub access_keys: Vec<Key>,
    /// Signing certificates, with their bodies.
    pub signing_certificates: Vec<PublicKey>,
    /// SSH public keys, with their bodies.
    pub ssh_public_keys: Vec<PublicKey>,
    /// Service-specific credentials.
    pub service_specific_credentials: Vec<ServiceCredential>,
    /// MFA devices with their kinds.
    pub mfa_devices: Vec<Mfa>,
    /// Inline policies with their documents.
    pub inline_policies: Vec<InlinePolicy>,
    /// Directly attached managed policy ARNs.
    pub attached_policies: Vec<String>,
    /// Group names.
    pub groups: Vec<String>,
}

/// An RFC 3339 time in whole seconds, when it is one.
fn secs(t: &str) -> Option<i64> {
    crate::report::parse_time(t).map(|t| t.secs())
}

/// Whether the RFC 3339 time `a` is later than `b`, to the second (an empty `b` is the
/// beginning of time; an empty or unreadable `a` is never later).
pub fn later(a: &str, b: &str) -> bool {
    match (secs(a), secs(b)) {
        (Some(a), Some(b)) => a > b,
        (Some(_), None) => b.is_empty(),
        (None, _) => false,
    }
}

/// Whether two RFC 3339 times name the same second, give or take one (two reads of one
/// `CreateDate` may be written with and without fractions).
pub fn same_time(a: &str, b: &str) -> bool {
    match (secs(a), secs(b)) {
        (Some(a), Some(b)) => (a - b).abs() <= 1,
        _ => a == b,
    }
}

impl Holdings {
    /// The most recent use of the password or an access key.
    pub fn last_use(&self) -> Option<&str> {
        std::iter::once(self.password_last_used.as_str())
            .chain(self.access_keys.iter().map(|k| k.last_used.as_str()))
            .filter(|t| !t.is_empty())
            .fold(None, |best, t| match best {
                Some(b) if !later(t, b) => Some(b),
                _ => Some(t),
            })
    }

    /// Every credential issuance (what, when), in holding order: the password set, each access
    /// key, certificate, SSH key and service-specific credential created or uploaded.
    pub fn issued(&self) -> Vec<(String, &str)> {
        // Empty times (no password, a date IAM did not give) are dropped below.
        let mut out = vec![(
            "the console password".to_string(),
            self.login_profile_created.as_str(),
        )];
        out.extend(
            self.access_keys
                .iter()
                .map(|k| (format!("access key {}", k.id), k.created.as_str())),
        );
        out.extend(
            self.signing_certificates
                .iter()
                .map(|c| (format!("signing certificate {}", c.id), c.uploaded.as_str())),
        );
        out.extend(
            self.ssh_public_keys
                .iter()
                .map(|k| (format!("SSH public key {}", k.id), k.uploaded.as_str())),
        );
        out.extend(self.service_specific_credentials.iter().map(|c| {
            (
                format!("service-specific credential {}", c.id),
                c.created.as_str(),
            )
        }));
        out.retain(|(_, t)| !t.is_empty());
        out
    }

    /// The active credentials whose use IAM never records, named (`SSH public key APKA…`).
    pub fn unrecorded_active(&self) -> Vec<String> {
        let active = |s: &str| s == "Active";
        let mut out: Vec<String> = self
            .ssh_public_keys
            .iter()
            .filter(|k| active(&k.status))
            .map(|k| format!("SSH public key {}", k.id))
            .collect();
        out.extend(
            self.service_specific_credentials
                .iter()
                .filter(|c| active(&c.status))
                .map(|c| format!("service-specific credential {} ({})", c.id, c.service_name)),
        );
        out.extend(
            self.signing_certificates
                .iter()
                .filter(|c| active(&c.status))
                .map(|c| format!("signing certificate {}", c.id)),
        );
        out
    }
}

/// The kind of an MFA device from its serial: `virtual` (`arn:…:mfa/…`), `fido`
/// (`arn:…:u2f/…`) or `hardware` (a plain serial).
pub fn mfa_kind(serial: &str) -> &'static str {
    if is_virtual_mfa(serial) {
        "virtual"
    } else if serial.starts_with("arn:") && serial.contains(":u2f/") {
        "fido"
    } else {
        "hardware"
    }
}

/// Whether an MFA serial is a virtual device (deleted with the user; others only deactivated).
pub fn is_virtual_mfa(serial: &str) -> bool {
    serial.starts_with("arn:") && serial.contains(":mfa/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_compare_as_times_not_as_text() {
        assert!(later("2026-01-01T00:00:01Z", "2026-01-01T00:00:00.900Z"));
        assert!(!later("2026-01-01T00:00:00.900Z", "2026-01-01T00:00:00Z"));
        assert!(later("2026-01-01T00:00:00Z", ""));
        assert!(!later("", "2026-01-01T00:00:00Z"));
        assert!(!later("", ""));
    }

    #[test]
    fn one_creation_time_written_two_ways_is_the_same_and_a_later_one_is_not() {
        assert!(same_time(
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00.000Z"
        ));
        assert!(same_time(
            "2026-01-01T00:00:01Z",
            "2026-01-01T00:00:00.900Z"
        ));
        assert!(!same_time("2026-01-01T00:00:02Z", "2026-01-01T00:00:00Z"));
        assert!(!same_time("2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"));
        assert!(same_time("", ""));
        assert!(!same_time("x", ""));
    }

    #[test]
    fn the_last_use_is_the_latest_of_the_password_and_the_keys() {
        let key = |used: &str| Key {
            last_used: used.into(),
            ..Key::default()
        };
        let h = Holdings {
            password_last_used: "2026-03-01T00:00:00Z".into(),
            access_keys: vec![
                key("2026-05-01T00:00:00.5Z"),
                key(""),
                key("2026-04-01T00:00:00Z"),
            ],
            ..Holdings::default()
        };
        assert_eq!(h.last_use(), Some("2026-05-01T00:00:00.5Z"));
        assert_eq!(Holdings::default().last_use(), None);
    }

    #[test]
    fn issuances_and_active_unrecorded_credentials_are_named() {
        let public = |id: &str, status: &str| PublicKey {
            id: id.into(),
            status: status.into(),
            uploaded: "2026-02-01T00:00:00Z".into(),
            body: String::new(),
        };
        let h = Holdings {
            login_profile: true,
            login_profile_created: "2026-01-01T00:00:00Z".into(),
            access_keys: vec![Key {
                id: "AKIA1".into(),
                created: "2026-01-02T00:00:00Z".into(),
                ..Key::default()
            }],
            signing_certificates: vec![public("CERT1", "Inactive")],
            ssh_public_keys: vec![public("APKA1", "Active")],
            service_specific_credentials: vec![ServiceCredential {
                id: "ACCA1".into(),
                service_name: "codecommit.amazonaws.com".into(),
                status: "Active".into(),
                created: "2026-03-01T00:00:00Z".into(),
                ..ServiceCredential::default()
            }],
            ..Holdings::default()
        };
        let issued: Vec<String> = h.issued().iter().map(|(w, t)| format!("{w} {t}")).collect();
        assert_eq!(
            issued,
            [
                "the console password 2026-01-01T00:00:00Z",
                "access key AKIA1 2026-01-02T00:00:00Z",
                "signing certificate CERT1 2026-02-01T00:00:00Z",
                "SSH public key APKA1 2026-02-01T00:00:00Z",
                "service-specific credential ACCA1 2026-03-01T00:00:00Z",
            ]
        );
        assert_eq!(
            h.unrecorded_active(),
            [
                "SSH public key APKA1",
                "service-specific credential ACCA1 (codecommit.amazonaws.com)"
            ]
        );
    }

    #[test]
    fn mfa_kinds_come_from_the_serial() {
        assert_eq!(mfa_kind("arn:aws:iam::1:mfa/alice"), "virtual");
        assert_eq!(mfa_kind("arn:aws:iam::1:u2f/user/alice/key-ABC"), "fido");
        assert_eq!(mfa_kind("GAHT12345678"), "hardware");
        // Only an ARN is a FIDO key's serial, and only one naming `u2f`.
        assert_eq!(mfa_kind("GAHT:u2f/12345678"), "hardware");
        assert_eq!(mfa_kind("arn:aws:iam::1:sms-mfa/alice"), "hardware");
    }
}

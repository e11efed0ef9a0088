//! What an audit of one account's root user finds, and its verdict. Plain data, no I/O.

use crate::call::Error;
use crate::model::LoginProfile;
use aws_smithy_types::DateTime;

/// One MFA device assigned to the root user (virtual, hardware or FIDO).
#[derive(Debug, Clone, PartialEq)]
pub struct MfaDevice {
    /// Serial number: an ARN for virtual and FIDO devices, a plain serial for hardware ones.
    pub serial: String,
    /// When the device was enabled.
    pub enabled: Option<DateTime>,
}

/// One root access key.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessKey {
    /// The key id (an identifier, not a secret).
    pub id: String,
    /// `Active` or `Inactive`.
    pub status: String,
    /// Last use, from GetAccessKeyLastUsed: `Ok(None)` when never used.
    pub last_used: Result<Option<DateTime>, Error>,
}

/// One root signing certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct SigningCertificate {
    /// Certificate id.
    pub id: String,
    /// `Active` or `Inactive`.
    pub status: String,
}

/// What one audit session found; each check is its own `Result` so a failure is never an absence.
#[derive(Debug, Clone, PartialEq)]
pub struct Credentials {
    /// GetLoginProfile: `Ok(None)` only on NoSuchEntity.
    pub login_profile: Result<Option<LoginProfile>, Error>,
    /// ListMFADevices, all pages.
    pub mfa_devices: Result<Vec<MfaDevice>, Error>,
    /// ListAccessKeys, all pages, with GetAccessKeyLastUsed per key.
    pub access_keys: Result<Vec<AccessKey>, Error>,
    /// ListSigningCertificates, all pages.
    pub signing_certificates: Result<Vec<SigningCertificate>, Error>,
    /// GetUser's PasswordLastUsed: `Ok(None)` when never used.
    pub password_last_used: Result<Option<DateTime>, Error>,
}

impl Credentials {
    /// Every failed check, in column order.
    pub fn errors(&self) -> Vec<&Error> {
        let mut errors = Vec::new();
        errors.extend(self.login_profile.as_ref().err());
        errors.extend(self.mfa_devices.as_ref().err());
        if let Err(e) = &self.access_keys {
            errors.push(e);
        } else if let Ok(keys) = &self.access_keys {
            errors.extend(keys.iter().filter_map(|k| k.last_used.as_ref().err()));
        }
        errors.extend(self.signing_certificates.as_ref().err());
        errors.extend(self.password_last_used.as_ref().err());
        errors
    }
}

/// The result of auditing one account's root user.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// The audit session could not be opened.
    NoSession(Error),
    /// The session opened; each check's result.
    Audited(Box<Credentials>),
}

/// The audit's judgement of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing to delete.
    Clean,
    /// A login profile and/or MFA, and no access keys or signing certificates.
    Eligible,
    /// Access keys or signing certificates exist.
    Blocked,
    /// A check failed or the session could not be opened.
    Unknown,
    /// Not audited (management account, not active, not selected, interrupted).
    Skipped,
}

impl Verdict {
    /// Every verdict, in report order.
    pub const ALL: [Verdict; 5] = [
        Verdict::Eligible,
        Verdict::Blocked,
        Verdict::Unknown,
        Verdict::Clean,
        Verdict::Skipped,
    ];

    /// The report spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Clean => "clean",
            Verdict::Eligible => "eligible",
            Verdict::Blocked => "blocked",
            Verdict::Unknown => "unknown",
            Verdict::Skipped => "skipped",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

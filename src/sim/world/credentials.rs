//! Credentials as data: a root user's password, MFA devices, access keys and signing
//! certificates (IAM users hold the same kinds, see `user`), and the kinds of credential that
//! carry an `Active`/`Inactive` status.

use time::OffsetDateTime;

/// Kind of MFA device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MfaKind {
    /// Virtual (TOTP app) device; survives deactivation as an unassigned device.
    Virtual,
    /// Hardware TOTP token.
    Hardware,
    /// FIDO security key.
    Fido,
}

impl MfaKind {
    /// Lower-case name as used in scenarios and `/_sim/state`.
    pub fn as_str(self) -> &'static str {
        match self {
            MfaKind::Virtual => "virtual",
            MfaKind::Hardware => "hardware",
            MfaKind::Fido => "fido",
        }
    }
}

/// A kind of IAM user credential with an `Active`/`Inactive` status (the `Update…` calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An access key (`UpdateAccessKey`).
    AccessKey,
    /// An X.509 signing certificate (`UpdateSigningCertificate`).
    SigningCertificate,
    /// An SSH public key (`UpdateSSHPublicKey`).
    SshKey,
    /// A service-specific credential (`UpdateServiceSpecificCredential`).
    ServiceCredential,
}

/// Credentials of one root user.
#[derive(Debug, Clone, Default)]
pub struct RootUser {
    /// Console password, if any.
    pub login_profile: Option<LoginProfile>,
    /// Assigned MFA devices.
    pub mfa: Vec<MfaDevice>,
    /// Virtual MFA devices left behind after deactivation (serials).
    pub unassigned_virtual_mfa: Vec<String>,
    /// Access keys.
    pub access_keys: Vec<AccessKey>,
    /// X.509 signing certificates.
    pub signing_certificates: Vec<Certificate>,
}

/// A root password.
#[derive(Debug, Clone)]
pub struct LoginProfile {
    /// When it was created.
    pub created: OffsetDateTime,
    /// Last console sign-in.
    pub password_last_used: Option<OffsetDateTime>,
}

/// An assigned MFA device.
#[derive(Debug, Clone)]
pub struct MfaDevice {
    /// Serial number or ARN.
    pub serial: String,
    /// Kind of device.
    pub kind: MfaKind,
    /// When it was enabled.
    pub enabled: OffsetDateTime,
}

/// A root access key.
#[derive(Debug, Clone)]
pub struct AccessKey {
    /// `AKIA...`
    pub id: String,
    /// `Active` or `Inactive`.
    pub active: bool,
    /// Creation date.
    pub created: OffsetDateTime,
    /// Last use, if ever used: (date, service, region).
    pub last_used: Option<(OffsetDateTime, String, String)>,
}

/// A signing certificate.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// Certificate id.
    pub id: String,
    /// `Active` or `Inactive`.
    pub active: bool,
    /// Upload date.
    pub uploaded: OffsetDateTime,
    /// The body as the scenario gives it (a signing certificate's PEM, an SSH public key's
    /// `ssh-rsa …` line); None = one generated from the id.
    pub body: Option<String>,
}

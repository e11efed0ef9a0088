//! IAM on the root user of a root session's account: the handlers of the operations the
//! root-task policies allow. Omitting `UserName` acts on the root user (`iam` checks that).

use crate::sim::services::error::Error;
use crate::sim::services::iam::list::{certificate_body, list, no_such, required, status, Paging};
use crate::sim::services::request::Params;
use crate::sim::services::xml::Xml;
use crate::sim::world::credentials::{LoginProfile, MfaKind, RootUser};
use crate::sim::world::model::DEFAULT_DATE;
use time::OffsetDateTime;

/// User name reported for the root user.
pub(crate) const ROOT_NAME: &str = "root";

/// A call on the root user, with the state locked.
pub(crate) struct Root<'a> {
    pub user: &'a mut RootUser,
    pub params: &'a Params,
    /// `arn:<partition>:iam::<account>:root`.
    pub arn: &'a str,
    /// The account id.
    pub id: &'a str,
    pub paging: Paging,
}

/// What runs an IAM operation on the root user.
pub(crate) type Handler = fn(&mut Root<'_>) -> Result<Xml, Error>;

fn login_profile(x: &mut Xml, lp: &LoginProfile) {
    x.start("LoginProfile")
        .text("UserName", ROOT_NAME)
        .date("CreateDate", lp.created)
        .bool("PasswordResetRequired", false)
        .end("LoginProfile");
}

fn no_login_profile() -> Error {
    no_such(format!(
        "Login Profile for User {ROOT_NAME} cannot be found."
    ))
}

pub(crate) fn get_login_profile(r: &mut Root<'_>) -> Result<Xml, Error> {
    let lp = r.user.login_profile.as_ref().ok_or_else(no_login_profile)?;
    let mut x = Xml::new();
    login_profile(&mut x, lp);
    Ok(x)
}

pub(crate) fn delete_login_profile(r: &mut Root<'_>) -> Result<Xml, Error> {
    r.user.login_profile.take().ok_or_else(no_login_profile)?;
    Ok(Xml::new())
}

/// In a root session the password is omitted: the login profile is created without one, and
/// the owner of the root email address sets it with "Forgot password".
pub(crate) fn create_login_profile(r: &mut Root<'_>) -> Result<Xml, Error> {
    if r.user.login_profile.is_some() {
        return Err(Error::coded(
            "EntityAlreadyExists",
            format!("Login Profile for user {ROOT_NAME} already exists."),
        ));
    }
    let lp = LoginProfile {
        created: OffsetDateTime::now_utc(),
        password_last_used: None,
    };
    let mut x = Xml::new();
    login_profile(&mut x, &lp);
    r.user.login_profile = Some(lp);
    Ok(x)
}

pub(crate) fn list_mfa_devices(r: &mut Root<'_>) -> Result<Xml, Error> {
    let mut x = Xml::new();
    list(
        &mut x,
        r.params,
        r.paging,
        "MFADevices",
        &r.user.mfa,
        |x, d| {
            x.text("UserName", ROOT_NAME)
                .text("SerialNumber", &d.serial)
                .date("EnableDate", d.enabled);
        },
    )?;
    Ok(x)
}

/// A deactivated virtual device stays, unassigned (the task policy cannot delete it).
pub(crate) fn deactivate_mfa_device(r: &mut Root<'_>) -> Result<Xml, Error> {
    let serial = required(r.params, "SerialNumber")?;
    let pos = r
        .user
        .mfa
        .iter()
        .position(|d| d.serial == serial)
        .ok_or_else(|| {
            no_such(format!(
                "MFA Device with serial number {serial} does not exist."
            ))
        })?;
    let device = r.user.mfa.remove(pos);
    if device.kind == MfaKind::Virtual {
        r.user.unassigned_virtual_mfa.push(device.serial);
    }
    Ok(Xml::new())
}

pub(crate) fn list_access_keys(r: &mut Root<'_>) -> Result<Xml, Error> {
    let mut x = Xml::new();
    list(
        &mut x,
        r.params,
        r.paging,
        "AccessKeyMetadata",
        &r.user.access_keys,
        |x, k| {
            x.text("UserName", ROOT_NAME)
                .text("AccessKeyId", &k.id)
                .text("Status", status(k.active))
                .date("CreateDate", k.created);
        },
    )?;
    Ok(x)
}

fn no_access_key(key: &str) -> Error {
    no_such(format!("The Access Key with id {key} cannot be found."))
}

pub(crate) fn delete_access_key(r: &mut Root<'_>) -> Result<Xml, Error> {
    let key = required(r.params, "AccessKeyId")?;
    let keys = &mut r.user.access_keys;
    let pos = keys
        .iter()
        .position(|k| k.id == key)
        .ok_or_else(|| no_access_key(key))?;
    keys.remove(pos);
    Ok(Xml::new())
}

pub(crate) fn get_access_key_last_used(r: &mut Root<'_>) -> Result<Xml, Error> {
    let key = required(r.params, "AccessKeyId")?;
    let k = r
        .user
        .access_keys
        .iter()
        .find(|k| k.id == key)
        .ok_or_else(|| no_access_key(key))?;
    let mut x = Xml::new();
    x.text("UserName", ROOT_NAME).start("AccessKeyLastUsed");
    match &k.last_used {
        Some((date, service, region)) => x
            .date("LastUsedDate", *date)
            .text("ServiceName", service)
            .text("Region", region),
        None => x.text("ServiceName", "N/A").text("Region", "N/A"),
    };
    x.end("AccessKeyLastUsed");
    Ok(x)
}

pub(crate) fn list_signing_certificates(r: &mut Root<'_>) -> Result<Xml, Error> {
    let mut x = Xml::new();
    list(
        &mut x,
        r.params,
        r.paging,
        "Certificates",
        &r.user.signing_certificates,
        |x, c| {
            x.text("UserName", ROOT_NAME)
                .text("CertificateId", &c.id)
                .text("CertificateBody", &certificate_body(c))
                .text("Status", status(c.active))
                .date("UploadDate", c.uploaded);
        },
    )?;
    Ok(x)
}

pub(crate) fn delete_signing_certificate(r: &mut Root<'_>) -> Result<Xml, Error> {
    let cert = required(r.params, "CertificateId")?;
    let certs = &mut r.user.signing_certificates;
    let pos = certs
        .iter()
        .position(|c| c.id == cert)
        .ok_or_else(|| no_such(format!("The Certificate with id {cert} cannot be found.")))?;
    certs.remove(pos);
    Ok(Xml::new())
}

pub(crate) fn get_user(r: &mut Root<'_>) -> Result<Xml, Error> {
    let mut x = Xml::new();
    x.start("User")
        .text("Path", "/")
        .text("UserName", ROOT_NAME)
        .text("UserId", r.id)
        .text("Arn", r.arn)
        .date("CreateDate", DEFAULT_DATE);
    if let Some(used) = r
        .user
        .login_profile
        .as_ref()
        .and_then(|lp| lp.password_last_used)
    {
        x.date("PasswordLastUsed", used);
    }
    x.end("User");
    Ok(x)
}

pub(crate) fn get_account_summary(r: &mut Root<'_>) -> Result<Xml, Error> {
    let root = &*r.user;
    let count = |b: bool| usize::from(b).to_string();
    let entries = [
        ("AccountMFAEnabled", count(!root.mfa.is_empty())),
        (
            "AccountAccessKeysPresent",
            count(!root.access_keys.is_empty()),
        ),
        (
            "AccountSigningCertificatesPresent",
            count(!root.signing_certificates.is_empty()),
        ),
        (
            "AccountPasswordPresent",
            count(root.login_profile.is_some()),
        ),
        (
            "MFADevices",
            (root.mfa.len() + root.unassigned_virtual_mfa.len()).to_string(),
        ),
        ("MFADevicesInUse", root.mfa.len().to_string()),
        ("Users", "0".into()),
        ("UsersQuota", "5000".into()),
        ("AccessKeysPerUserQuota", "2".into()),
        ("SigningCertificatesPerUserQuota", "2".into()),
    ];
    let mut x = Xml::new();
    x.start("SummaryMap");
    for (k, v) in entries {
        x.start("entry")
            .text("key", k)
            .text("value", &v)
            .end("entry");
    }
    x.end("SummaryMap");
    Ok(x)
}

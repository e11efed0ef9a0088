//! The credential reads of an IAM user: access keys and their last use, MFA devices, signing
//! certificates, SSH public keys (listed, and one key's body) and service-specific credentials
//! (one user's, or with `AllUsers=true` every user's of the account). Right after a status
//! change a credential's `Status` may still read as before (`iam_consistency_ms`).

use crate::sim::services::error::Error;
use crate::sim::services::iam::list::{certificate_body, list, no_such, one_of, required, status};
use crate::sim::services::iam::users::{find, reading, Scope};
use crate::sim::services::request::Params;
use crate::sim::services::xml::Xml;
use crate::sim::world::credentials::{AccessKey, Certificate, Kind, MfaDevice};
use crate::sim::world::directory::Directory;
use crate::sim::world::ssh_key;
use crate::sim::world::user::{ServiceCredential, User};
use std::time::Instant;

pub(crate) fn get_access_key_last_used(scope: &Scope<'_>) -> Result<Xml, Error> {
    reading(scope, |x, dir| access_key_last_used(x, dir, scope.params))
}

pub(crate) fn get_ssh_public_key(scope: &Scope<'_>) -> Result<Xml, Error> {
    reading(scope, |x, dir| ssh_public_key(x, scope, dir))
}

pub(crate) fn list_service_specific_credentials(scope: &Scope<'_>) -> Result<Xml, Error> {
    reading(scope, |x, dir| service_credentials(x, scope, dir))
}

pub(crate) fn list_access_keys(scope: &Scope<'_>) -> Result<Xml, Error> {
    of_user(scope, access_keys)
}

pub(crate) fn list_mfa_devices(scope: &Scope<'_>) -> Result<Xml, Error> {
    of_user(scope, mfa_devices)
}

pub(crate) fn list_signing_certificates(scope: &Scope<'_>) -> Result<Xml, Error> {
    of_user(scope, signing_certificates)
}

pub(crate) fn list_ssh_public_keys(scope: &Scope<'_>) -> Result<Xml, Error> {
    of_user(scope, ssh_public_keys)
}

/// One of the per-user lists, of the user the request names (else the caller's own).
fn of_user(
    scope: &Scope<'_>,
    write: fn(&mut Xml, &Scope<'_>, &Directory, &User) -> Result<(), Error>,
) -> Result<Xml, Error> {
    reading(scope, |x, dir| {
        write(x, scope, dir, find(dir, scope.user_name()?)?)
    })
}

/// The `Status` a read shows of the `kind` credential `id` of `user`, active or not: right after
/// a status change, possibly the one before it.
fn seen(
    scope: &Scope<'_>,
    dir: &Directory,
    credential: (Kind, &str, &str),
    active: bool,
) -> &'static str {
    let window = scope.consistency();
    status(
        dir.recent
            .active(credential, active, Instant::now(), window),
    )
}

fn access_key_last_used(x: &mut Xml, dir: &Directory, p: &Params) -> Result<(), Error> {
    let id = required(p, "AccessKeyId")?;
    let (user, key) = dir
        .users
        .iter()
        .find_map(|u| u.access_keys.iter().find(|k| k.id == id).map(|k| (u, k)))
        .ok_or_else(|| no_such(format!("The Access Key with id {id} cannot be found.")))?;
    x.text("UserName", &user.name).start("AccessKeyLastUsed");
    match &key.last_used {
        Some((date, service, region)) => x
            .date("LastUsedDate", *date)
            .text("ServiceName", service)
            .text("Region", region),
        None => x.text("ServiceName", "N/A").text("Region", "N/A"),
    };
    x.end("AccessKeyLastUsed");
    Ok(())
}

/// `GetSSHPublicKey`: one key with its body in the requested `Encoding` (SSH or PEM).
fn ssh_public_key(x: &mut Xml, scope: &Scope<'_>, dir: &Directory) -> Result<(), Error> {
    let p = scope.params;
    let name = required(p, "UserName")?;
    let id = required(p, "SSHPublicKeyId")?;
    let encoding = one_of(p, "Encoding", "encoding", &["SSH", "PEM"])?;
    let user = find(dir, name)?;
    let key = user
        .ssh_keys
        .iter()
        .find(|k| k.id == id)
        .ok_or_else(|| no_such(format!("The Public Key with id {id} cannot be found.")))?;
    let line = key
        .body
        .clone()
        .unwrap_or_else(|| ssh_key::generated(&key.id));
    let body = if encoding == "PEM" {
        ssh_key::pem(&line)
    } else {
        line.clone()
    };
    x.start("SSHPublicKey")
        .text("UserName", &user.name)
        .text("SSHPublicKeyId", &key.id)
        .text("Fingerprint", &ssh_key::fingerprint(&line))
        .text("SSHPublicKeyBody", &body)
        .text(
            "Status",
            seen(scope, dir, (Kind::SshKey, &user.name, &key.id), key.active),
        )
        .date("UploadDate", key.uploaded)
        .end("SSHPublicKey");
    Ok(())
}

/// `ListServiceSpecificCredentials`: one user's (`UserName`, else the caller's own), or every
/// user's of the account with `AllUsers=true` (which IAM refuses together with `UserName`);
/// `ServiceName` filters either.
fn service_credentials(x: &mut Xml, scope: &Scope<'_>, dir: &Directory) -> Result<(), Error> {
    let p = scope.params;
    let all = match p.str("AllUsers") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(Error::new(
                400,
                "ValidationError",
                format!("1 validation error detected: Value '{other}' at 'allUsers' failed to satisfy constraint: Member must be a boolean"),
            ))
        }
    };
    if all && p.str("UserName").is_some() {
        return Err(Error::new(
            400,
            "ValidationError",
            "AllUsers cannot be specified together with UserName.",
        ));
    }
    let users: Vec<&User> = if all {
        dir.users.iter().collect()
    } else {
        vec![find(dir, scope.user_name()?)?]
    };
    let service = p.str("ServiceName");
    let creds: Vec<(&str, &ServiceCredential)> = users
        .iter()
        .flat_map(|u| u.service_credentials.iter().map(|c| (u.name.as_str(), c)))
        .filter(|(_, c)| service.is_none_or(|s| s == c.service))
        .collect();
    list(
        x,
        p,
        scope.paging,
        "ServiceSpecificCredentials",
        &creds,
        |x, (name, c)| {
            let credential = (Kind::ServiceCredential, *name, c.id.as_str());
            x.text("UserName", name)
                .text("Status", seen(scope, dir, credential, c.active))
                .text("ServiceUserName", &c.service_user_name)
                .date("CreateDate", c.created)
                .text("ServiceSpecificCredentialId", &c.id)
                .text("ServiceName", &c.service);
        },
    )
}

fn access_keys(x: &mut Xml, scope: &Scope<'_>, dir: &Directory, user: &User) -> Result<(), Error> {
    let name = user.name.as_str();
    list(
        x,
        scope.params,
        scope.paging,
        "AccessKeyMetadata",
        &user.access_keys,
        |x, k: &AccessKey| {
            x.text("UserName", name)
                .text("AccessKeyId", &k.id)
                .text(
                    "Status",
                    seen(scope, dir, (Kind::AccessKey, name, &k.id), k.active),
                )
                .date("CreateDate", k.created);
        },
    )
}

fn mfa_devices(x: &mut Xml, scope: &Scope<'_>, _: &Directory, user: &User) -> Result<(), Error> {
    let name = user.name.as_str();
    list(
        x,
        scope.params,
        scope.paging,
        "MFADevices",
        &user.mfa,
        |x, d: &MfaDevice| {
            x.text("UserName", name)
                .text("SerialNumber", &d.serial)
                .date("EnableDate", d.enabled);
        },
    )
}

fn signing_certificates(
    x: &mut Xml,
    scope: &Scope<'_>,
    dir: &Directory,
    user: &User,
) -> Result<(), Error> {
    let name = user.name.as_str();
    list(
        x,
        scope.params,
        scope.paging,
        "Certificates",
        &user.signing_certificates,
        |x, c: &Certificate| {
            x.text("UserName", name)
                .text("CertificateId", &c.id)
                .text("CertificateBody", &certificate_body(c))
                .text(
                    "Status",
                    seen(
                        scope,
                        dir,
                        (Kind::SigningCertificate, name, &c.id),
                        c.active,
                    ),
                )
                .date("UploadDate", c.uploaded);
        },
    )
}

fn ssh_public_keys(
    x: &mut Xml,
    scope: &Scope<'_>,
    dir: &Directory,
    user: &User,
) -> Result<(), Error> {
    let name = user.name.as_str();
    list(
        x,
        scope.params,
        scope.paging,
        "SSHPublicKeys",
        &user.ssh_keys,
        |x, k: &Certificate| {
            x.text("UserName", name)
                .text("SSHPublicKeyId", &k.id)
                .text(
                    "Status",
                    seen(scope, dir, (Kind::SshKey, name, &k.id), k.active),
                )
                .date("UploadDate", k.uploaded);
        },
    )
}

//! The `[accounts.root]` table of a scenario account: the root user's password, MFA devices,
//! access keys and signing certificates, with RFC 3339 dates, checked for `validate`.

use crate::sim::scenario::raw;
use crate::sim::scenario::source::{Error, Source};
use crate::sim::scenario::validate::values::{date, status};
use crate::sim::world::credentials::{
    AccessKey, Certificate, LoginProfile, MfaDevice, MfaKind, RootUser,
};
use crate::sim::world::model::Partition;

type Result<T> = std::result::Result<T, Error>;

/// The root user of the account `id`.
pub(crate) fn root_user(
    r: &raw::Root,
    id: &str,
    partition: Partition,
    src: &Source<'_>,
) -> Result<RootUser> {
    let p = partition.as_str();
    let login_profile = match &r.login_profile {
        None => None,
        Some(lp) => Some(LoginProfile {
            created: date(lp.created.as_ref(), "created", src)?,
            password_last_used: lp
                .password_last_used
                .as_ref()
                .map(|d| date(Some(d), "password_last_used", src))
                .transpose()?,
        }),
    };
    let mut mfa = Vec::new();
    for (i, m) in r.mfa.iter().enumerate() {
        let name = m.name.clone().unwrap_or_else(|| format!("root-mfa-{i}"));
        let (kind, serial) = match m.kind.get_ref().as_str() {
            "virtual" => (MfaKind::Virtual, format!("arn:{p}:iam::{id}:mfa/{name}")),
            "fido" => (MfaKind::Fido, format!("arn:{p}:iam::{id}:u2f/root/{name}")),
            "hardware" => (MfaKind::Hardware, format!("GAHT{}{i:02}", &id[6..])),
            other => {
                return Err(src.error(
                    m.kind.span(),
                    "kind",
                    format!("unknown MFA kind {other:?} (virtual, hardware, fido)"),
                ))
            }
        };
        let serial = m.serial.clone().unwrap_or(serial);
        mfa.push(MfaDevice {
            serial,
            kind,
            enabled: date(m.enabled.as_ref(), "enabled", src)?,
        });
    }
    let mut access_keys = Vec::new();
    for (i, k) in r.access_keys.iter().enumerate() {
        let last_used = match &k.last_used {
            None => None,
            Some(d) => Some((
                date(Some(d), "last_used", src)?,
                k.service.clone().unwrap_or_else(|| "sts".into()),
                k.region.clone().unwrap_or_else(|| "us-east-1".into()),
            )),
        };
        access_keys.push(AccessKey {
            id: k.id.clone().unwrap_or_else(|| format!("AKIAR{id}{i:03}")),
            active: status(k.status.as_ref(), src)?,
            created: date(k.created.as_ref(), "created", src)?,
            last_used,
        });
    }
    let mut signing_certificates = Vec::new();
    for (i, c) in r.signing_certificates.iter().enumerate() {
        signing_certificates.push(Certificate {
            id: c.id.clone().unwrap_or_else(|| format!("CERT{id}{i:016}")),
            active: status(c.status.as_ref(), src)?,
            uploaded: date(c.uploaded.as_ref(), "uploaded", src)?,
            body: None,
        });
    }
    Ok(RootUser {
        login_profile,
        mfa,
        unassigned_virtual_mfa: Vec::new(),
        access_keys,
        signing_certificates,
    })
}

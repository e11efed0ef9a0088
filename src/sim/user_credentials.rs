//! The credential reads of an IAM user: access keys and their last use, MFA devices, signing
//! certificates, SSH public keys and service-specific credentials.

use super::api::ApiError;
use super::directory::ServiceCredential;
use super::iam_list::{list, no_such, required, status};
use super::model::{AccessKey, Certificate, MfaDevice};
use super::query::Xml;
use super::users::{find, Scope};

/// Operations handled here.
pub(crate) const OPERATIONS: &[&str] = &[
    "ListAccessKeys",
    "GetAccessKeyLastUsed",
    "ListMFADevices",
    "ListSigningCertificates",
    "ListSSHPublicKeys",
    "ListServiceSpecificCredentials",
];

/// Handles one of [`OPERATIONS`].
pub(crate) fn handle(scope: &Scope<'_>, op: &str) -> Result<Xml, ApiError> {
    let state = scope.world.lock();
    let dir = &state.iam[scope.index];
    let p = scope.params;
    let mut x = Xml::new();
    if op == "GetAccessKeyLastUsed" {
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
        return Ok(x);
    }
    let user = find(dir, scope.user_name()?)?;
    let name = user.name.as_str();
    let paging = scope.paging;
    match op {
        "ListAccessKeys" => list(
            &mut x,
            p,
            paging,
            "AccessKeyMetadata",
            &user.access_keys,
            |x, k: &AccessKey| {
                x.text("UserName", name)
                    .text("AccessKeyId", &k.id)
                    .text("Status", status(k.active))
                    .date("CreateDate", k.created);
            },
        )?,
        "ListMFADevices" => list(
            &mut x,
            p,
            paging,
            "MFADevices",
            &user.mfa,
            |x, d: &MfaDevice| {
                x.text("UserName", name)
                    .text("SerialNumber", &d.serial)
                    .date("EnableDate", d.enabled);
            },
        )?,
        "ListSigningCertificates" => list(
            &mut x,
            p,
            paging,
            "Certificates",
            &user.signing_certificates,
            |x, c: &Certificate| {
                let body = format!(
                    "-----BEGIN CERTIFICATE-----\nMIIBsimulated{}\n-----END CERTIFICATE-----\n",
                    c.id
                );
                x.text("UserName", name)
                    .text("CertificateId", &c.id)
                    .text("CertificateBody", &body)
                    .text("Status", status(c.active))
                    .date("UploadDate", c.uploaded);
            },
        )?,
        "ListSSHPublicKeys" => list(
            &mut x,
            p,
            paging,
            "SSHPublicKeys",
            &user.ssh_keys,
            |x, k: &Certificate| {
                x.text("UserName", name)
                    .text("SSHPublicKeyId", &k.id)
                    .text("Status", status(k.active))
                    .date("UploadDate", k.uploaded);
            },
        )?,
        _ => {
            let service = p.str("ServiceName");
            let creds: Vec<&ServiceCredential> = user
                .service_credentials
                .iter()
                .filter(|c| service.is_none_or(|s| s == c.service))
                .collect();
            list(
                &mut x,
                p,
                paging,
                "ServiceSpecificCredentials",
                &creds,
                |x, c| {
                    x.text("UserName", name)
                        .text("Status", status(c.active))
                        .text("ServiceUserName", &c.service_user_name)
                        .date("CreateDate", c.created)
                        .text("ServiceSpecificCredentialId", &c.id)
                        .text("ServiceName", &c.service);
                },
            )?
        }
    }
    Ok(x)
}

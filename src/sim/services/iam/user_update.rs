//! The status changes of an IAM user's credentials: `UpdateAccessKey`,
//! `UpdateSigningCertificate`, `UpdateServiceSpecificCredential` (each on `UserName`, else the
//! caller's own user) and `UpdateSSHPublicKey` (`UserName` required), `Status` = `Active` |
//! `Inactive`. Setting the status a credential already has succeeds and changes nothing; a
//! credential of another user is `NoSuchEntity`, as AWS answers. A change is remembered for the
//! stale reads of `iam_consistency_ms` (see `consistency`).

use crate::sim::services::error::Error;
use crate::sim::services::iam::list::{no_such, one_of, required};
use crate::sim::services::iam::user_change::{not_held, on_user, After, Named};
use crate::sim::services::iam::users::Scope;
use crate::sim::services::xml::Xml;
use crate::sim::world::credentials::Kind;

pub(crate) fn update_access_key(scope: &Scope<'_>) -> Result<Xml, Error> {
    update(scope, Kind::AccessKey, "AccessKeyId", Named::OrOwn)
}

pub(crate) fn update_signing_certificate(scope: &Scope<'_>) -> Result<Xml, Error> {
    update(
        scope,
        Kind::SigningCertificate,
        "CertificateId",
        Named::OrOwn,
    )
}

pub(crate) fn update_ssh_public_key(scope: &Scope<'_>) -> Result<Xml, Error> {
    update(scope, Kind::SshKey, "SSHPublicKeyId", Named::Given)
}

pub(crate) fn update_service_specific_credential(scope: &Scope<'_>) -> Result<Xml, Error> {
    let id = "ServiceSpecificCredentialId";
    update(scope, Kind::ServiceCredential, id, Named::OrOwn)
}

/// Sets the status of the `kind` credential the parameter `id_param` names, of the user `named`.
/// `Status` and the id are checked before the user is looked up (AWS validates a request before
/// it runs it).
fn update(scope: &Scope<'_>, kind: Kind, id_param: &str, named: Named) -> Result<Xml, Error> {
    let id = required(scope.params, id_param)?;
    let active = one_of(scope.params, "Status", "status", &["Active", "Inactive"])? == "Active";
    on_user(scope, named, |user, _, _| {
        let flag = user
            .active_mut(kind, id)
            .ok_or_else(|| no_such(not_held(kind, id)))?;
        let was = std::mem::replace(flag, active);
        Ok(if was == active {
            After::Nothing
        } else {
            After::StatusChanged {
                kind,
                id: id.to_string(),
                was,
            }
        })
    })
}

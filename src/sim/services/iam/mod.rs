//! IAM: ListOrganizationsFeatures, the root-user operations of a root session, and the routing
//! of every other principal to the account-level handlers in `users`.

pub(crate) mod details;
pub(crate) mod list;
pub(crate) mod user_credentials;
pub(crate) mod user_delete;
pub(crate) mod users;
#[cfg(test)]
mod users_tests;

use crate::sim::services::iam::list::{
    certificate_body, delete_unassigned_virtual_mfa, list, no_such, required, status, Paging,
};
use crate::sim::wire::api::ApiError;
use crate::sim::wire::query::Xml;
use crate::sim::wire::request::{Params, Request, Who};
use crate::sim::world::model::{LoginProfile, MfaKind, RootUser};
use crate::sim::world::state::{Grant, World};
use time::OffsetDateTime;

/// User name reported for the root user.
const ROOT_NAME: &str = "root";

/// Handles one IAM operation.
pub(crate) fn handle(world: &World, req: &Request) -> Result<Xml, ApiError> {
    let (session, policy) = match &req.who {
        Who::Session { session, .. } => match &session.grant {
            Grant::Root(policy) => (session, *policy),
            Grant::Role { .. } => {
                return crate::sim::services::iam::users::handle(world, req, session.account, None)
            }
        },
        Who::Caller(c) if req.op == "ListOrganizationsFeatures" => {
            return organizations_features(world, &c.account);
        }
        Who::Caller(c) => match world.account(&c.account) {
            Some(index) => {
                return crate::sim::services::iam::users::handle(
                    world,
                    req,
                    index,
                    c.user.as_deref(),
                )
            }
            None => return Err(denied(world, req, "the caller's account is not simulated")),
        },
    };
    if !policy.allows(&req.op) {
        return Err(denied(world, req, "no session policy allows the action"));
    }
    if let Some(user) = req.params.str("UserName").filter(|u| *u != ROOT_NAME) {
        return Err(ApiError::coded(
            "NoSuchEntity",
            format!("The user with name {user} cannot be found."),
        ));
    }
    let account = &world.accounts[session.account];
    let arn = format!(
        "arn:{}:iam::{}:root",
        world.org.partition.as_str(),
        account.id
    );
    let paging = Paging {
        size: world.org.iam_page_size,
        drop_marker: req.truncated_without_marker,
    };
    let mut state = world.lock();
    let root = &mut state.roots[session.account];
    root_operation(&req.op, &req.params, root, &arn, &account.id, paging)
}

/// `AccessDenied` for the calling principal.
pub(crate) fn denied(world: &World, req: &Request, why: &str) -> ApiError {
    let arn = req.who.arn(world);
    ApiError::coded(
        "AccessDenied",
        format!(
            "User: {arn} is not authorized to perform: iam:{} on resource: {arn} because {why}",
            req.op
        ),
    )
}

fn organizations_features(world: &World, account: &str) -> Result<Xml, ApiError> {
    if world.account(account).is_none() {
        return Err(ApiError::new(
            400,
            "OrganizationNotFoundException",
            "The request was rejected because no organization is associated with your account.",
        ));
    }
    if !world.org.all_features {
        return Err(ApiError::new(400, "OrganizationNotInAllFeaturesModeException", "The request was rejected because your organization does not have All features enabled."));
    }
    if !world.is_iam_admin(account) {
        return Err(ApiError::new(400, "AccountNotManagementOrDelegatedAdministratorException", "The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access."));
    }
    if !world.iam_trusted() {
        return Err(ApiError::new(400, "ServiceAccessNotEnabledException", "The request was rejected because trusted access is not enabled for IAM in AWS Organizations."));
    }
    let mut x = Xml::new();
    x.text("OrganizationId", &world.org.id)
        .start("EnabledFeatures");
    for f in &world.org.iam_features {
        x.text("member", f);
    }
    x.end("EnabledFeatures");
    Ok(x)
}

fn login_profile(x: &mut Xml, lp: &LoginProfile) {
    x.start("LoginProfile")
        .text("UserName", ROOT_NAME)
        .date("CreateDate", lp.created)
        .bool("PasswordResetRequired", false)
        .end("LoginProfile");
}

fn root_operation(
    op: &str,
    params: &Params,
    root: &mut RootUser,
    arn: &str,
    id: &str,
    paging: Paging,
) -> Result<Xml, ApiError> {
    let mut x = Xml::new();
    match op {
        "GetLoginProfile" => {
            let lp = root.login_profile.as_ref().ok_or_else(|| {
                no_such(format!(
                    "Login Profile for User {ROOT_NAME} cannot be found."
                ))
            })?;
            login_profile(&mut x, lp);
        }
        "DeleteLoginProfile" => {
            root.login_profile.take().ok_or_else(|| {
                no_such(format!(
                    "Login Profile for User {ROOT_NAME} cannot be found."
                ))
            })?;
        }
        // In a root session the password is omitted: the login profile is created without
        // one, and the owner of the root email address sets it with "Forgot password".
        "CreateLoginProfile" => {
            if root.login_profile.is_some() {
                return Err(ApiError::coded(
                    "EntityAlreadyExists",
                    format!("Login Profile for user {ROOT_NAME} already exists."),
                ));
            }
            let lp = LoginProfile {
                created: OffsetDateTime::now_utc(),
                password_last_used: None,
            };
            login_profile(&mut x, &lp);
            root.login_profile = Some(lp);
        }
        "ListMFADevices" => list(&mut x, params, paging, "MFADevices", &root.mfa, |x, d| {
            x.text("UserName", ROOT_NAME)
                .text("SerialNumber", &d.serial)
                .date("EnableDate", d.enabled);
        })?,
        "DeactivateMFADevice" => {
            let serial = required(params, "SerialNumber")?;
            let pos = root
                .mfa
                .iter()
                .position(|d| d.serial == serial)
                .ok_or_else(|| {
                    no_such(format!(
                        "MFA Device with serial number {serial} does not exist."
                    ))
                })?;
            let device = root.mfa.remove(pos);
            if device.kind == MfaKind::Virtual {
                root.unassigned_virtual_mfa.push(device.serial);
            }
        }
        "DeleteVirtualMFADevice" => {
            let serial = required(params, "SerialNumber")?;
            let in_use = root.mfa.iter().any(|d| d.serial == serial);
            delete_unassigned_virtual_mfa(&mut root.unassigned_virtual_mfa, in_use, serial)?;
        }
        "ListAccessKeys" => list(
            &mut x,
            params,
            paging,
            "AccessKeyMetadata",
            &root.access_keys,
            |x, k| {
                x.text("UserName", ROOT_NAME)
                    .text("AccessKeyId", &k.id)
                    .text("Status", status(k.active))
                    .date("CreateDate", k.created);
            },
        )?,
        "DeleteAccessKey" => {
            let key = required(params, "AccessKeyId")?;
            let pos = root
                .access_keys
                .iter()
                .position(|k| k.id == key)
                .ok_or_else(|| no_such(format!("The Access Key with id {key} cannot be found.")))?;
            root.access_keys.remove(pos);
        }
        "GetAccessKeyLastUsed" => {
            let key = required(params, "AccessKeyId")?;
            let k = root
                .access_keys
                .iter()
                .find(|k| k.id == key)
                .ok_or_else(|| no_such(format!("The Access Key with id {key} cannot be found.")))?;
            x.text("UserName", ROOT_NAME).start("AccessKeyLastUsed");
            match &k.last_used {
                Some((date, service, region)) => x
                    .date("LastUsedDate", *date)
                    .text("ServiceName", service)
                    .text("Region", region),
                None => x.text("ServiceName", "N/A").text("Region", "N/A"),
            };
            x.end("AccessKeyLastUsed");
        }
        "ListSigningCertificates" => list(
            &mut x,
            params,
            paging,
            "Certificates",
            &root.signing_certificates,
            |x, c| {
                x.text("UserName", ROOT_NAME)
                    .text("CertificateId", &c.id)
                    .text("CertificateBody", &certificate_body(c))
                    .text("Status", status(c.active))
                    .date("UploadDate", c.uploaded);
            },
        )?,
        "DeleteSigningCertificate" => {
            let cert = required(params, "CertificateId")?;
            let pos = root
                .signing_certificates
                .iter()
                .position(|c| c.id == cert)
                .ok_or_else(|| {
                    no_such(format!("The Certificate with id {cert} cannot be found."))
                })?;
            root.signing_certificates.remove(pos);
        }
        "GetUser" => {
            x.start("User")
                .text("Path", "/")
                .text("UserName", ROOT_NAME)
                .text("UserId", id)
                .text("Arn", arn)
                .date("CreateDate", crate::sim::world::model::DEFAULT_DATE);
            if let Some(used) = root
                .login_profile
                .as_ref()
                .and_then(|lp| lp.password_last_used)
            {
                x.date("PasswordLastUsed", used);
            }
            x.end("User");
        }
        "GetAccountSummary" => {
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
            x.start("SummaryMap");
            for (k, v) in entries {
                x.start("entry")
                    .text("key", k)
                    .text("value", &v)
                    .end("entry");
            }
            x.end("SummaryMap");
        }
        other => {
            return Err(ApiError::new(
                400,
                "InvalidAction",
                format!("Could not find operation {other} for version 2010-05-08"),
            ))
        }
    }
    Ok(x)
}

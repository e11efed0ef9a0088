//! IAM: its operation table and the routing of each principal: long-term callers' questions
//! about the organization (ListOrganizationsFeatures), root sessions to the root-user handlers
//! in `root` (where the session's task policy allows the operation), and every other principal
//! to the account-level handlers (`users`, `user_credentials`, `user_delete`, `user_update`,
//! `details`, `report`).

pub(crate) mod details;
pub(crate) mod list;
pub(crate) mod report;
pub(crate) mod root;
pub(crate) mod user_change;
pub(crate) mod user_credentials;
#[cfg(test)]
mod user_credentials_tests;
pub(crate) mod user_delete;
pub(crate) mod user_update;
#[cfg(test)]
mod user_update_tests;
pub(crate) mod users;
#[cfg(test)]
mod users_tests;

use crate::sim::services::error::Error;
use crate::sim::services::iam::list::Paging;
use crate::sim::services::iam::root::{Root, ROOT_NAME};
use crate::sim::services::iam::users::Scope;
use crate::sim::services::request::{Request, Who};
use crate::sim::services::table::{find, Operation};
use crate::sim::services::xml::Xml;
use crate::sim::world::state::TaskPolicy::{Audit, CreatePassword, Delete};
use crate::sim::world::state::{Grant, World};
use user_credentials as credentials;

/// What runs an IAM operation.
pub(crate) enum Handler {
    /// A question about the organization, for long-term callers.
    Organization(fn(&World, &str) -> Result<Xml, Error>),
    /// Work in one account: on its root user (root sessions) and on its IAM users (principals
    /// with IAM access there); `None` where the simulator offers no such handler.
    Account {
        root: Option<root::Handler>,
        users: Option<users::Handler>,
    },
}

const fn both(root: root::Handler, users: users::Handler) -> Handler {
    Handler::Account {
        root: Some(root),
        users: Some(users),
    }
}

const fn root_only(root: root::Handler) -> Handler {
    Handler::Account {
        root: Some(root),
        users: None,
    }
}

const fn users_only(users: users::Handler) -> Handler {
    Handler::Account {
        root: None,
        users: Some(users),
    }
}

/// The IAM operations the simulator implements.
pub(crate) const OPERATIONS: &[Operation<Handler>] = &[
    Operation::new(
        "ListOrganizationsFeatures",
        Handler::Organization(organizations_features),
    ),
    Operation::new(
        "GetLoginProfile",
        both(root::get_login_profile, users::get_login_profile),
    )
    .allowed_by(&[Audit, Delete, CreatePassword]),
    Operation::new("CreateLoginProfile", root_only(root::create_login_profile))
        .mutating()
        .allowed_by(&[CreatePassword]),
    Operation::new(
        "DeleteLoginProfile",
        both(
            root::delete_login_profile,
            user_delete::delete_login_profile,
        ),
    )
    .mutating()
    .allowed_by(&[Delete]),
    Operation::new(
        "ListMFADevices",
        both(root::list_mfa_devices, credentials::list_mfa_devices),
    )
    .paged()
    .allowed_by(&[Audit, Delete]),
    Operation::new(
        "DeactivateMFADevice",
        both(
            root::deactivate_mfa_device,
            user_delete::deactivate_mfa_device,
        ),
    )
    .mutating()
    .allowed_by(&[Delete]),
    Operation::new(
        "DeleteVirtualMFADevice",
        users_only(user_delete::delete_virtual_mfa_device),
    )
    .mutating(),
    Operation::new(
        "ListAccessKeys",
        both(root::list_access_keys, credentials::list_access_keys),
    )
    .paged()
    .allowed_by(&[Audit, Delete]),
    Operation::new(
        "DeleteAccessKey",
        both(root::delete_access_key, user_delete::delete_access_key),
    )
    .mutating()
    .allowed_by(&[Delete]),
    Operation::new(
        "GetAccessKeyLastUsed",
        both(
            root::get_access_key_last_used,
            credentials::get_access_key_last_used,
        ),
    )
    .allowed_by(&[Audit, Delete]),
    Operation::new(
        "ListSigningCertificates",
        both(
            root::list_signing_certificates,
            credentials::list_signing_certificates,
        ),
    )
    .paged()
    .allowed_by(&[Audit, Delete]),
    Operation::new(
        "DeleteSigningCertificate",
        both(
            root::delete_signing_certificate,
            user_delete::delete_signing_certificate,
        ),
    )
    .mutating()
    .allowed_by(&[Delete]),
    Operation::new("GetUser", both(root::get_user, users::get_user)).allowed_by(&[Audit, Delete]),
    Operation::new("GetAccountSummary", root_only(root::get_account_summary)).allowed_by(&[Audit]),
    Operation::new("ListUsers", users_only(users::list_users)).paged(),
    Operation::new("ListUserTags", users_only(users::list_user_tags)).paged(),
    Operation::new("ListGroupsForUser", users_only(users::list_groups_for_user)).paged(),
    Operation::new(
        "ListAttachedUserPolicies",
        users_only(users::list_attached_user_policies),
    )
    .paged(),
    Operation::new("ListUserPolicies", users_only(users::list_user_policies)).paged(),
    Operation::new("GetUserPolicy", users_only(users::get_user_policy)),
    Operation::new(
        "ListAttachedGroupPolicies",
        users_only(users::list_attached_group_policies),
    )
    .paged(),
    Operation::new(
        "ListSSHPublicKeys",
        users_only(credentials::list_ssh_public_keys),
    )
    .paged(),
    Operation::new(
        "GetSSHPublicKey",
        users_only(credentials::get_ssh_public_key),
    ),
    Operation::new(
        "ListServiceSpecificCredentials",
        users_only(credentials::list_service_specific_credentials),
    )
    .paged(),
    Operation::new("GenerateCredentialReport", users_only(report::generate)),
    Operation::new("GetCredentialReport", users_only(report::get)),
    Operation::new(
        "GetAccountAuthorizationDetails",
        users_only(details::handle),
    )
    .paged(),
    Operation::new(
        "DetachUserPolicy",
        users_only(user_delete::detach_user_policy),
    )
    .mutating(),
    Operation::new(
        "DeleteSSHPublicKey",
        users_only(user_delete::delete_ssh_public_key),
    )
    .mutating(),
    Operation::new(
        "DeleteServiceSpecificCredential",
        users_only(user_delete::delete_service_specific_credential),
    )
    .mutating(),
    Operation::new(
        "DeleteUserPolicy",
        users_only(user_delete::delete_user_policy),
    )
    .mutating(),
    Operation::new(
        "RemoveUserFromGroup",
        users_only(user_delete::remove_user_from_group),
    )
    .mutating(),
    Operation::new("DeleteUser", users_only(user_delete::delete_user)).mutating(),
    Operation::new(
        "UpdateAccessKey",
        users_only(user_update::update_access_key),
    )
    .mutating(),
    Operation::new(
        "UpdateSigningCertificate",
        users_only(user_update::update_signing_certificate),
    )
    .mutating(),
    Operation::new(
        "UpdateSSHPublicKey",
        users_only(user_update::update_ssh_public_key),
    )
    .mutating(),
    Operation::new(
        "UpdateServiceSpecificCredential",
        users_only(user_update::update_service_specific_credential),
    )
    .mutating(),
];

/// Handles one IAM operation.
pub(crate) fn handle(world: &World, req: &Request) -> Result<Xml, Error> {
    let row = find(OPERATIONS, &req.op);
    let (organization, root, users) = match row.map(|o| &o.handler) {
        Some(Handler::Organization(f)) => (Some(*f), None, None),
        Some(Handler::Account { root, users }) => (None, *root, *users),
        None => (None, None, None),
    };
    let (session, policy) = match &req.who {
        Who::Session { session, .. } => match &session.grant {
            Grant::Root(policy) => (session, *policy),
            Grant::Role { .. } => return in_account(world, req, session.account, None, users),
        },
        Who::Caller(c) => match (organization, world.account(&c.account)) {
            (Some(f), _) => return f(world, &c.account),
            (None, Some(index)) => return in_account(world, req, index, c.user.as_deref(), users),
            (None, None) => {
                return Err(denied(world, req, "the caller's account is not simulated"))
            }
        },
    };
    if !row.is_some_and(|o| o.allows(policy)) {
        return Err(denied(world, req, "no session policy allows the action"));
    }
    if let Some(user) = req.params.str("UserName").filter(|u| *u != ROOT_NAME) {
        return Err(Error::coded(
            "NoSuchEntity",
            format!("The user with name {user} cannot be found."),
        ));
    }
    let Some(run) = root else {
        return Err(Error::new(
            400,
            "InvalidAction",
            format!("Could not find operation {} for version 2010-05-08", req.op),
        ));
    };
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
    run(&mut Root {
        user: &mut state.roots[session.account],
        params: &req.params,
        arn: &arn,
        id: &account.id,
        paging,
    })
}

/// Runs `users` in the account at `index` for a principal with IAM access there (`own` is the
/// caller's own IAM user, if any).
fn in_account(
    world: &World,
    req: &Request,
    index: usize,
    own: Option<&str>,
    users: Option<users::Handler>,
) -> Result<Xml, Error> {
    let Some(run) = users else {
        return Err(denied(
            world,
            req,
            "the simulator offers this action to root sessions only",
        ));
    };
    run(&Scope {
        world,
        index,
        own,
        params: &req.params,
        paging: Paging {
            size: world.org.iam_page_size,
            drop_marker: req.truncated_without_marker,
        },
    })
}

/// `AccessDenied` for the calling principal.
pub(crate) fn denied(world: &World, req: &Request, why: &str) -> Error {
    let arn = req.who.arn(world);
    Error::coded(
        "AccessDenied",
        format!(
            "User: {arn} is not authorized to perform: iam:{} on resource: {arn} because {why}",
            req.op
        ),
    )
}

fn organizations_features(world: &World, account: &str) -> Result<Xml, Error> {
    if world.account(account).is_none() {
        return Err(Error::new(
            400,
            "OrganizationNotFoundException",
            "The request was rejected because no organization is associated with your account.",
        ));
    }
    if !world.org.all_features {
        return Err(Error::new(400, "OrganizationNotInAllFeaturesModeException", "The request was rejected because your organization does not have All features enabled."));
    }
    if !world.is_iam_admin(account) {
        return Err(Error::new(400, "AccountNotManagementOrDelegatedAdministratorException", "The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access."));
    }
    if !world.iam_trusted() {
        return Err(Error::new(400, "ServiceAccessNotEnabledException", "The request was rejected because trusted access is not enabled for IAM in AWS Organizations."));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_a_task_policy_allows_runs_on_the_root_user() {
        for o in OPERATIONS {
            let root = matches!(o.handler, Handler::Account { root: Some(_), .. });
            assert_eq!(
                !o.policies.is_empty(),
                root,
                "{}: allowed by a task policy exactly when it has a root handler",
                o.name
            );
        }
    }

    #[test]
    fn only_root_session_operations_lack_an_account_handler() {
        for o in OPERATIONS {
            if let Handler::Account { users: None, .. } = o.handler {
                assert!(!o.policies.is_empty(), "{} runs nowhere", o.name);
            }
        }
    }
}

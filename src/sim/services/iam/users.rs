//! IAM inside one account for principals with full IAM access there (a long-term caller in its
//! own account, a role session from AssumeRole): routing, and the user, group and policy reads.
//!
//! Without `UserName`, user operations act on the caller's own IAM user; a role session, or a
//! caller without one, must name the user (`ValidationError`, as AWS answers non-user callers).

use crate::sim::services::iam::list::{encode_document, list, no_such, required, Paging};
use crate::sim::services::iam::{details, user_credentials, user_delete};
use crate::sim::wire::api::ApiError;
use crate::sim::wire::query::Xml;
use crate::sim::wire::request::{Params, Request};
use crate::sim::world::directory::{policy_name, Directory, Group, Tag, User};
use crate::sim::world::report;
use crate::sim::world::state::World;
use std::time::{Duration, Instant};

/// An operation's view of the account it acts in.
pub(crate) struct Scope<'a> {
    pub world: &'a World,
    /// Account index.
    pub index: usize,
    /// The caller's own IAM user, for calls without `UserName`.
    pub own: Option<&'a str>,
    pub params: &'a Params,
    pub paging: Paging,
}

impl Scope<'_> {
    fn arn(&self, resource: &str, path: &str, name: &str) -> String {
        format!(
            "arn:{}:iam::{}:{resource}{path}{name}",
            self.world.org.partition.as_str(),
            self.world.accounts[self.index].id
        )
    }

    /// `arn:<partition>:iam::<account>:user<path><name>`.
    pub(crate) fn user_arn(&self, u: &User) -> String {
        self.arn("user", &u.path, &u.name)
    }

    /// `arn:<partition>:iam::<account>:group<path><name>`.
    pub(crate) fn group_arn(&self, g: &Group) -> String {
        self.arn("group", &g.path, &g.name)
    }

    /// How long some reads still miss a DeleteUser or DetachUserPolicy (`iam_consistency_ms`).
    pub(crate) fn consistency(&self) -> Duration {
        Duration::from_millis(self.world.org.iam_consistency_ms)
    }

    /// The `UserName` parameter, else the caller's own user.
    pub(crate) fn user_name(&self) -> Result<&str, ApiError> {
        self.params.str("UserName").or(self.own).ok_or_else(|| {
            ApiError::new(
                400,
                "ValidationError",
                "Must specify userName when calling with non-User credentials",
            )
        })
    }
}

/// The user called `name`, or `NoSuchEntity`.
pub(crate) fn find<'d>(dir: &'d Directory, name: &str) -> Result<&'d User, ApiError> {
    dir.user(name)
        .ok_or_else(|| no_such(format!("The user with name {name} cannot be found.")))
}

/// Handles one IAM operation in the account at `index`.
pub(crate) fn handle(
    world: &World,
    req: &Request,
    index: usize,
    own: Option<&str>,
) -> Result<Xml, ApiError> {
    let scope = Scope {
        world,
        index,
        own,
        params: &req.params,
        paging: Paging {
            size: world.org.iam_page_size,
            drop_marker: req.truncated_without_marker,
        },
    };
    let op = req.op.as_str();
    match op {
        "GenerateCredentialReport" => return Ok(report::generate(world, index)),
        "GetCredentialReport" => return report::get(world, index),
        "GetAccountAuthorizationDetails" => return details::handle(&scope),
        _ => {}
    }
    if user_delete::OPERATIONS.contains(&op) {
        return user_delete::handle(&scope, op);
    }
    if user_credentials::OPERATIONS.contains(&op) {
        return user_credentials::handle(&scope, op);
    }
    let state = world.lock();
    read(&scope, op, &state.iam[index]).unwrap_or_else(|| {
        Err(crate::sim::services::iam::denied(
            world,
            req,
            "the simulator offers this action to root sessions only",
        ))
    })
}

/// Writes the members of a `User` shape.
pub(crate) fn user_xml(x: &mut Xml, scope: &Scope<'_>, u: &User) {
    x.text("Path", &u.path)
        .text("UserName", &u.name)
        .text("UserId", &u.id)
        .text("Arn", &scope.user_arn(u))
        .date("CreateDate", u.created);
    if let Some(used) = u.password.as_ref().and_then(|p| p.password_last_used) {
        x.date("PasswordLastUsed", used);
    }
}

/// Writes the members of `GetUser`'s `User` beyond the listing's: `PermissionsBoundary` and
/// `Tags` (ListUsers leaves both out, as IAM's listings do).
pub(crate) fn user_extras_xml(x: &mut Xml, u: &User) {
    if let Some(arn) = &u.permissions_boundary {
        x.start("PermissionsBoundary")
            .text("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
            .text("PermissionsBoundaryArn", arn)
            .end("PermissionsBoundary");
    }
    if !u.tags.is_empty() {
        x.start("Tags");
        for t in &u.tags {
            tag_xml(x.start("member"), t);
            x.end("member");
        }
        x.end("Tags");
    }
}

/// Writes the members of a `Tag` shape.
fn tag_xml(x: &mut Xml, t: &Tag) {
    x.text("Key", &t.key).text("Value", &t.value);
}

/// Writes the members of a `Group` shape.
pub(crate) fn group_xml(x: &mut Xml, scope: &Scope<'_>, g: &Group) {
    x.text("Path", &g.path)
        .text("GroupName", &g.name)
        .text("GroupId", &g.id)
        .text("Arn", &scope.group_arn(g))
        .date("CreateDate", g.created);
}

/// Writes the members of an `AttachedPolicy` shape.
pub(crate) fn attached_xml(x: &mut Xml, arn: &str) {
    x.text("PolicyName", policy_name(arn))
        .text("PolicyArn", arn);
}

/// The read operations on users and groups; None for an operation not handled here.
fn read(scope: &Scope<'_>, op: &str, dir: &Directory) -> Option<Result<Xml, ApiError>> {
    let mut x = Xml::new();
    let p = scope.params;
    let result = match op {
        "ListUsers" => {
            let prefix = p.str("PathPrefix").unwrap_or("/");
            let users: Vec<&User> = dir
                .users
                .iter()
                .filter(|u| u.path.starts_with(prefix))
                .collect();
            list(&mut x, p, scope.paging, "Users", &users, |x, u| {
                user_xml(x, scope, u)
            })
        }
        // Right after DeleteUser, GetUser may still answer the deleted user.
        "GetUser" => scope
            .user_name()
            .and_then(|n| {
                find(dir, n).or_else(|err| {
                    let (now, window) = (Instant::now(), scope.consistency());
                    dir.recent.deleted_user(n, now, window).ok_or(err)
                })
            })
            .map(|u| {
                x.start("User");
                user_xml(&mut x, scope, u);
                user_extras_xml(&mut x, u);
                x.end("User");
            }),
        "ListUserTags" => required(p, "UserName")
            .and_then(|n| find(dir, n))
            .and_then(|u| list(&mut x, p, scope.paging, "Tags", &u.tags, tag_xml)),
        "GetLoginProfile" => scope.user_name().and_then(|n| find(dir, n)).and_then(|u| {
            let lp = u.password.as_ref().ok_or_else(|| {
                no_such(format!(
                    "Login Profile for User {} cannot be found.",
                    u.name
                ))
            })?;
            x.start("LoginProfile")
                .text("UserName", &u.name)
                .date("CreateDate", lp.created)
                .bool("PasswordResetRequired", false)
                .end("LoginProfile");
            Ok(())
        }),
        "ListGroupsForUser" => required(p, "UserName")
            .and_then(|n| find(dir, n))
            .and_then(|u| {
                let groups: Vec<&Group> = u.groups.iter().filter_map(|g| dir.group(g)).collect();
                list(&mut x, p, scope.paging, "Groups", &groups, |x, g| {
                    group_xml(x, scope, g)
                })
            }),
        "ListAttachedUserPolicies" => {
            required(p, "UserName")
                .and_then(|n| find(dir, n))
                .and_then(|u| {
                    // Right after DetachUserPolicy, the policy may still be listed.
                    let (now, window) = (Instant::now(), scope.consistency());
                    let arns = dir.recent.attached_policies(u, now, window);
                    list(
                        &mut x,
                        p,
                        scope.paging,
                        "AttachedPolicies",
                        &arns,
                        |x, a| attached_xml(x, a),
                    )
                })
        }
        "ListAttachedGroupPolicies" => required(p, "GroupName")
            .and_then(|n| {
                dir.group(n)
                    .ok_or_else(|| no_such(format!("The group with name {n} cannot be found.")))
            })
            .and_then(|g| {
                list(
                    &mut x,
                    p,
                    scope.paging,
                    "AttachedPolicies",
                    &g.attached_policies,
                    |x, a| attached_xml(x, a),
                )
            }),
        "ListUserPolicies" => required(p, "UserName")
            .and_then(|n| find(dir, n))
            .and_then(|u| {
                let names: Vec<&str> = u.inline_policies.iter().map(|i| i.name.as_str()).collect();
                list(&mut x, p, scope.paging, "PolicyNames", &names, |x, n| {
                    x.plain(n);
                })
            }),
        "GetUserPolicy" => required(p, "UserName")
            .and_then(|n| find(dir, n))
            .and_then(|u| {
                let name = required(p, "PolicyName")?;
                let policy = u
                    .inline_policies
                    .iter()
                    .find(|i| i.name == name)
                    .ok_or_else(|| {
                        no_such(format!("The user policy with name {name} cannot be found."))
                    })?;
                x.text("UserName", &u.name)
                    .text("PolicyName", &policy.name)
                    .text("PolicyDocument", &encode_document(&policy.document));
                Ok(())
            }),
        _ => return None,
    };
    Some(result.map(|()| x))
}

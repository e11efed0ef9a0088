//! IAM inside one account for principals with full IAM access there (a long-term caller in its
//! own account, a role session from AssumeRole): the scope they act in, and the user, group and
//! policy reads.
//!
//! Without `UserName`, user operations act on the caller's own IAM user; a role session, or a
//! caller without one, must name the user (`ValidationError`, as AWS answers non-user callers).

use crate::sim::services::error::Error;
use crate::sim::services::iam::list::{encode_document, list, no_such, required, Paging};
use crate::sim::services::request::Params;
use crate::sim::services::xml::Xml;
use crate::sim::world::directory::{policy_name, Directory, Group};
use crate::sim::world::state::World;
use crate::sim::world::user::{Tag, User};
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
    pub(crate) fn user_name(&self) -> Result<&str, Error> {
        self.params.str("UserName").or(self.own).ok_or_else(|| {
            Error::new(
                400,
                "ValidationError",
                "Must specify userName when calling with non-User credentials",
            )
        })
    }
}

/// The user called `name`, or `NoSuchEntity`.
pub(crate) fn find<'d>(dir: &'d Directory, name: &str) -> Result<&'d User, Error> {
    dir.user(name)
        .ok_or_else(|| no_such(format!("The user with name {name} cannot be found.")))
}

/// What runs an IAM operation in one account for a principal with IAM access there.
pub(crate) type Handler = fn(&Scope<'_>) -> Result<Xml, Error>;

/// Runs `read` on the account's directory, with the state locked, into a fresh document.
pub(crate) fn reading(
    scope: &Scope<'_>,
    read: impl FnOnce(&mut Xml, &Directory) -> Result<(), Error>,
) -> Result<Xml, Error> {
    let state = scope.world.lock();
    let mut x = Xml::new();
    read(&mut x, &state.iam[scope.index])?;
    Ok(x)
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

pub(crate) fn list_users(scope: &Scope<'_>) -> Result<Xml, Error> {
    reading(scope, |x, dir| {
        let p = scope.params;
        let prefix = p.str("PathPrefix").unwrap_or("/");
        let users: Vec<&User> = dir
            .users
            .iter()
            .filter(|u| u.path.starts_with(prefix))
            .collect();
        list(x, p, scope.paging, "Users", &users, |x, u| {
            user_xml(x, scope, u)
        })
    })
}

/// Right after DeleteUser, GetUser may still answer the deleted user.
pub(crate) fn get_user(scope: &Scope<'_>) -> Result<Xml, Error> {
    reading(scope, |x, dir| {
        let n = scope.user_name()?;
        let u = find(dir, n).or_else(|err| {
            let (now, window) = (Instant::now(), scope.consistency());
            dir.recent.deleted_user(n, now, window).ok_or(err)
        })?;
        x.start("User");
        user_xml(x, scope, u);
        user_extras_xml(x, u);
        x.end("User");
        Ok(())
    })
}

pub(crate) fn list_user_tags(scope: &Scope<'_>) -> Result<Xml, Error> {
    reading(scope, |x, dir| {
        let p = scope.params;
        let u = find(dir, required(p, "UserName")?)?;
        list(x, p, scope.paging, "Tags", &u.tags, tag_xml)
    })
}

pub(crate) fn get_login_profile(scope: &Scope<'_>) -> Result<Xml, Error> {
    reading(scope, |x, dir| {
        let u = find(dir, scope.user_name()?)?;
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
    })
}

pub(crate) fn list_groups_for_user(scope: &Scope<'_>) -> Result<Xml, Error> {
    reading(scope, |x, dir| {
        let p = scope.params;
        let u = find(dir, required(p, "UserName")?)?;
        let groups: Vec<&Group> = u.groups.iter().filter_map(|g| dir.group(g)).collect();
        list(x, p, scope.paging, "Groups", &groups, |x, g| {
            group_xml(x, scope, g)
        })
    })
}

/// Right after DetachUserPolicy, the policy may still be listed.
pub(crate) fn list_attached_user_policies(scope: &Scope<'_>) -> Result<Xml, Error> {
    reading(scope, |x, dir| {
        let p = scope.params;
        let u = find(dir, required(p, "UserName")?)?;
        let (now, window) = (Instant::now(), scope.consistency());
        let arns = dir.recent.attached_policies(u, now, window);
        list(x, p, scope.paging, "AttachedPolicies", &arns, |x, a| {
            attached_xml(x, a)
        })
    })
}

pub(crate) fn list_attached_group_policies(scope: &Scope<'_>) -> Result<Xml, Error> {
    reading(scope, |x, dir| {
        let p = scope.params;
        let n = required(p, "GroupName")?;
        let g = dir
            .group(n)
            .ok_or_else(|| no_such(format!("The group with name {n} cannot be found.")))?;
        list(
            x,
            p,
            scope.paging,
            "AttachedPolicies",
            &g.attached_policies,
            |x, a| attached_xml(x, a),
        )
    })
}

pub(crate) fn list_user_policies(scope: &Scope<'_>) -> Result<Xml, Error> {
    reading(scope, |x, dir| {
        let p = scope.params;
        let u = find(dir, required(p, "UserName")?)?;
        let names: Vec<&str> = u.inline_policies.iter().map(|i| i.name.as_str()).collect();
        list(x, p, scope.paging, "PolicyNames", &names, |x, n| {
            x.plain(n);
        })
    })
}

pub(crate) fn get_user_policy(scope: &Scope<'_>) -> Result<Xml, Error> {
    reading(scope, |x, dir| {
        let p = scope.params;
        let u = find(dir, required(p, "UserName")?)?;
        let name = required(p, "PolicyName")?;
        let policy = u
            .inline_policies
            .iter()
            .find(|i| i.name == name)
            .ok_or_else(|| no_such(format!("The user policy with name {name} cannot be found.")))?;
        x.text("UserName", &u.name)
            .text("PolicyName", &policy.name)
            .text("PolicyDocument", &encode_document(&policy.document));
        Ok(())
    })
}

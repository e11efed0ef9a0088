//! Turns an account's raw `users`, `groups`, `roles` and the callers' `user` into the validated
//! [`Directory`], rejecting bad values with file/line/key. Relative days count back from `now`,
//! the simulator's clock when the scenario is loaded.
//!
//! Imports `raw_users`, `directory`, `model`, `source`, `ctx` and its helpers `credentials` and
//! `tags`; never `validate`, which calls it.

use crate::sim::scenario::raw_users;
use crate::sim::scenario::source::{Error, Source};
use crate::sim::scenario::validate::ctx::{managed_policy_arn, path, Ctx};
use crate::sim::scenario::validate::{credentials, tags};
use crate::sim::world::credentials::AccessKey;
use crate::sim::world::directory::{Directory, Group};
use crate::sim::world::model::Caller;
use crate::sim::world::user::{same_name, InlinePolicy, User};
use std::collections::HashSet;
use toml::Spanned;

type Result<T> = std::result::Result<T, Error>;

/// Days a user or group was created before now when the scenario does not say.
const DEFAULT_AGE_DAYS: i64 = 365;

/// Whether `name` is a valid IAM user, group or role name (1–64 of `[A-Za-z0-9+=,.@_-]`).
pub(crate) fn valid_name(name: &str, max: usize) -> bool {
    (1..=max).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

/// The directory of one account.
pub(crate) fn directory(
    users: &[raw_users::User],
    groups: &[raw_users::Group],
    ctx: &Ctx<'_>,
) -> Result<Directory> {
    let mut dir = Directory::default();
    let mut seen = HashSet::new();
    for (i, g) in groups.iter().enumerate() {
        let name = name(&g.name, 128, &mut seen, "group", ctx)?;
        dir.groups.push(Group {
            path: path(g.path.as_ref(), ctx)?,
            id: format!("AGPA{}{i:05}", ctx.account),
            created: ctx.ago(g.created_days_ago, DEFAULT_AGE_DAYS),
            attached_policies: policies(&g.attached_policies, ctx)?,
            inline_policies: inline(&g.inline_policies, ctx)?,
            name,
        });
    }
    let mut seen = HashSet::new();
    for (i, u) in users.iter().enumerate() {
        let user = user(u, i, &mut seen, &mut dir, ctx)?;
        dir.users.push(user);
    }
    Ok(dir)
}

fn name(
    n: &Spanned<String>,
    max: usize,
    seen: &mut HashSet<String>,
    what: &str,
    ctx: &Ctx<'_>,
) -> Result<String> {
    let v = n.get_ref();
    if !valid_name(v, max) {
        return Err(ctx.src.error(
            n.span(),
            "name",
            format!("invalid {what} name {v:?} (1-{max} of A-Z a-z 0-9 + = , . @ _ -)"),
        ));
    }
    // IAM names are unique regardless of case.
    if !seen.insert(v.to_ascii_lowercase()) {
        return Err(ctx.src.error(
            n.span(),
            "name",
            format!("duplicate {what} name {v:?} in account {}", ctx.account),
        ));
    }
    Ok(v.clone())
}

fn policies(arns: &[Spanned<String>], ctx: &Ctx<'_>) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for a in arns {
        let v = managed_policy_arn(a, "attached_policies", ctx)?;
        if out.contains(&v) {
            return Err(ctx.src.error(
                a.span(),
                "attached_policies",
                format!("{v} is attached twice"),
            ));
        }
        out.push(v);
    }
    Ok(out)
}

fn inline(list: &[raw_users::InlinePolicy], ctx: &Ctx<'_>) -> Result<Vec<InlinePolicy>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for p in list {
        let name = name(&p.name, 128, &mut seen, "inline policy", ctx)?;
        let document = p.document.get_ref();
        if let Err(e) = serde_json::from_str::<serde_json::Value>(document) {
            return Err(ctx
                .src
                .error(p.document.span(), "document", format!("not JSON: {e}")));
        }
        out.push(InlinePolicy {
            name,
            document: document.clone(),
        });
    }
    Ok(out)
}

fn user(
    u: &raw_users::User,
    index: usize,
    seen: &mut HashSet<String>,
    dir: &mut Directory,
    ctx: &Ctx<'_>,
) -> Result<User> {
    let name = name(&u.name, 64, seen, "user", ctx)?;
    let acct = ctx.account;
    let created = ctx.ago(u.created_days_ago, DEFAULT_AGE_DAYS);
    let mut user = User::new(
        name,
        path(u.path.as_ref(), ctx)?,
        format!("AIDA{acct}{index:05}"),
        created,
    );
    user.password = credentials::password(u.password.as_ref(), created, ctx);
    user.mfa = credentials::mfa(&u.mfa, &user.name, index, ctx)?;
    user.access_keys = credentials::access_keys(&u.access_keys, &u.name, dir, ctx)?;
    user.signing_certificates =
        credentials::signing_certificates(&u.signing_certificates, &u.name, dir, ctx)?;
    user.ssh_keys = credentials::ssh_keys(&u.ssh_keys, dir, ctx)?;
    user.service_credentials =
        credentials::service_credentials(&u.service_credentials, &user.name, dir, ctx)?;
    for g in &u.groups {
        let group = dir.group(g.get_ref()).map(|g| g.name.clone());
        let Some(group) = group.filter(|n| !user.groups.iter().any(|m| same_name(m, n))) else {
            return Err(ctx.src.error(
                g.span(),
                "groups",
                format!(
                    "{:?} is not a group of account {acct} (declare it in [[accounts.groups]]) or is listed twice",
                    g.get_ref()
                ),
            ));
        };
        user.groups.push(group);
    }
    user.attached_policies = policies(&u.attached_policies, ctx)?;
    user.inline_policies = inline(&u.inline_policies, ctx)?;
    user.permissions_boundary = tags::boundary(u.permissions_boundary.as_ref(), ctx)?;
    user.tags = tags::tags(&u.tags, ctx)?;
    if let Some(e) = &u.earlier {
        let earlier = credentials::earlier(e, &user, &u.name, dir, ctx)?;
        user.earlier = Some(Box::new(earlier));
    }
    Ok(user)
}

/// A caller's own user: the declared one, or one made up holding the caller's access key
/// (created a year ago, the key last used when the simulator started).
pub(crate) fn caller_user(caller: &Caller, name: &str, dir: &mut Directory, ctx: &Ctx<'_>) {
    if dir.user(name).is_some() {
        return;
    }
    let index = dir.users.len();
    let mut user = User::new(
        name.to_string(),
        "/".into(),
        format!("AIDA{}{index:05}", ctx.account),
        ctx.ago(None, DEFAULT_AGE_DAYS),
    );
    user.access_keys.push(AccessKey {
        id: caller.access_key_id.clone(),
        active: true,
        created: ctx.ago(Some(30), 0),
        last_used: Some((ctx.now, "sts".into(), "us-east-1".into())),
    });
    user.attached_policies.push(format!(
        "arn:{}:iam::aws:policy/AdministratorAccess",
        ctx.partition.as_str()
    ));
    dir.users.push(user);
}

/// The account's assumable roles: `roles` as written, else the Organizations default.
pub(crate) fn roles(
    raw: Option<&Vec<Spanned<String>>>,
    management: bool,
    src: &Source<'_>,
) -> Result<Vec<String>> {
    let Some(raw) = raw else {
        return Ok(if management {
            Vec::new()
        } else {
            vec![crate::sim::world::directory::DEFAULT_ROLE.to_string()]
        });
    };
    let mut out = Vec::new();
    for r in raw {
        if !valid_name(r.get_ref(), 64) || out.contains(r.get_ref()) {
            return Err(src.error(r.span(), "roles", "invalid or duplicate role name"));
        }
        out.push(r.get_ref().clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::sim::scenario::source::Error;
    use crate::sim::scenario::Scenario;
    use time::OffsetDateTime;

    const BASE: &str = r#"
[organization]
id = "o-a1b2c3d4e5"
management_account = "111111111111"

[[callers]]
access_key_id = "AKIAMANAGEMENT000001"
secret_access_key = "s"
account = "111111111111"
user = "boss"

[[accounts]]
id = "222222222222"
[[accounts.groups]]
name = "admins"
attached_policies = ["arn:aws:iam::aws:policy/AdministratorAccess"]
[[accounts.users]]
name = "alice"
created_days_ago = 10
password = { last_used_days_ago = 2 }
groups = ["admins"]
access_keys = [{}, { active = false }]

[[accounts]]
id = "333333333333"
roles = []
"#;

    fn account<'a>(s: &'a Scenario, id: &str) -> &'a crate::sim::world::model::Account {
        s.accounts.iter().find(|a| a.id == id).expect("account")
    }

    fn rejected(text: &str) -> (usize, String) {
        match Scenario::from_toml_str(text, "t.toml") {
            Err(Error::Invalid { line, key, .. }) => (line, key),
            other => panic!("expected an invalid scenario, got {other:?}"),
        }
    }

    #[test]
    fn users_groups_and_roles_are_read_with_their_defaults() {
        let s = Scenario::from_toml_str(BASE, "t.toml").expect("valid");
        let management = account(&s, "111111111111");
        assert!(
            management.roles.is_empty(),
            "the management account has no role"
        );
        let member = account(&s, "222222222222");
        assert_eq!(member.roles, ["OrganizationAccountAccessRole"]);
        assert!(account(&s, "333333333333").roles.is_empty());
        let alice = member.iam.user("alice").expect("alice");
        let age = OffsetDateTime::now_utc() - alice.created;
        assert!((9..=10).contains(&age.whole_days()), "{age}");
        assert_eq!(alice.groups, ["admins"]);
        let ids: Vec<&str> = alice.access_keys.iter().map(|k| k.id.as_str()).collect();
        assert!(
            ids[0] != ids[1]
                && ids
                    .iter()
                    .all(|i| i.len() == 20 && i.starts_with("AKIA2222"))
        );
        assert_eq!(
            alice
                .access_keys
                .iter()
                .map(|k| k.active)
                .collect::<Vec<_>>(),
            [true, false]
        );
    }

    #[test]
    fn a_callers_missing_user_is_created_holding_the_callers_key() {
        let s = Scenario::from_toml_str(BASE, "t.toml").expect("valid");
        let caller = &s.callers[0];
        assert_eq!(caller.arn, "arn:aws:iam::111111111111:user/boss");
        let boss = account(&s, "111111111111").iam.user("boss").expect("boss");
        assert_eq!(boss.access_keys[0].id, "AKIAMANAGEMENT000001");
        assert!(boss.access_keys[0].last_used.is_some());
    }

    #[test]
    fn bad_users_are_rejected_at_the_offending_key() {
        let cases = [
            (
                BASE.replace("groups = [\"admins\"]", "groups = [\"ghosts\"]"),
                "groups",
            ),
            (
                BASE.replace(
                    "access_keys = [{}, { active = false }]",
                    "access_keys = [{}, {}, {}]",
                ),
                "access_keys",
            ),
            (
                BASE.replace("name = \"alice\"", "name = \"al ice\""),
                "name",
            ),
            (
                BASE.replace(
                    "groups = [\"admins\"]",
                    "inline_policies = [{ name = \"p\", document = \"{not json\" }]",
                ),
                "document",
            ),
            (
                BASE.replace(
                    "arn:aws:iam::aws:policy/AdministratorAccess",
                    "AdministratorAccess",
                ),
                "attached_policies",
            ),
            (
                BASE.replace(
                    "access_keys = [{}, { active = false }]",
                    "[[accounts.users]]\nname = \"ALICE\"",
                ),
                "name",
            ),
        ];
        for (text, key) in cases {
            assert_eq!(rejected(&text).1, key, "{text}");
        }
        let (line, key) =
            rejected(&BASE.replace("user = \"boss\"", "user = \"boss\"\narn_typo = 1"));
        assert_eq!((line, key.as_str()), (11, "arn_typo"));
    }
}

//! `GetAccountAuthorizationDetails`: users (groups, attached and inline policies, permissions
//! boundary, tags), groups and the assumable roles of one account, filtered by `Filter` and
//! paged with `Marker`.
//! Managed-policy details (`LocalManagedPolicy`, `AWSManagedPolicy`) come back as an empty list.

use crate::sim::services::error::Error;
use crate::sim::services::iam::list::encode_document;
use crate::sim::services::iam::users::{attached_xml, user_extras_xml, Scope};
use crate::sim::services::page::page;
use crate::sim::services::xml::Xml;
use crate::sim::world::directory::Directory;
use crate::sim::world::model::DEFAULT_DATE;
use crate::sim::world::user::InlinePolicy;

/// The entity types `Filter` accepts.
const ENTITY_TYPES: [&str; 5] = [
    "User",
    "Role",
    "Group",
    "LocalManagedPolicy",
    "AWSManagedPolicy",
];

/// One entity of the combined listing, in AWS's order: users, groups, roles.
#[derive(Clone, Copy)]
enum Entity {
    User(usize),
    Group(usize),
    Role(usize),
}

/// Handles `GetAccountAuthorizationDetails`.
pub(crate) fn handle(scope: &Scope<'_>) -> Result<Xml, Error> {
    let p = scope.params;
    let filter = p.list("Filter");
    if let Some(bad) = filter.iter().find(|f| !ENTITY_TYPES.contains(f)) {
        return Err(Error::new(
            400,
            "ValidationError",
            format!("1 validation error detected: Value '[{bad}]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]]"),
        ));
    }
    let wants = |t: &str| filter.is_empty() || filter.contains(&t);
    let max = match p.int("MaxItems") {
        Ok(None) => 100,
        Ok(Some(n)) if (1..=1000).contains(&n) => n as usize,
        _ => return Err(Error::new(400, "ValidationError", "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000")),
    };
    let state = scope.world.lock();
    let dir = &state.iam[scope.index];
    let account = &scope.world.accounts[scope.index];
    let mut all = Vec::new();
    if wants("User") {
        all.extend((0..dir.users.len()).map(Entity::User));
    }
    if wants("Group") {
        all.extend((0..dir.groups.len()).map(Entity::Group));
    }
    if wants("Role") {
        all.extend((0..account.roles.len()).map(Entity::Role));
    }
    let (chunk, next) = page(&all, p.str("Marker"), max.min(scope.paging.size))
        .ok_or_else(|| Error::new(400, "ValidationError", "Invalid Marker"))?;
    let mut x = Xml::new();
    x.start("UserDetailList");
    for e in chunk {
        if let Entity::User(i) = e {
            user_detail(&mut x, scope, dir, *i);
        }
    }
    x.end("UserDetailList").start("GroupDetailList");
    for e in chunk {
        if let Entity::Group(i) = e {
            group_detail(&mut x, scope, dir, *i);
        }
    }
    x.end("GroupDetailList").start("RoleDetailList");
    for e in chunk {
        if let Entity::Role(i) = e {
            role_detail(&mut x, scope, &account.roles[*i]);
        }
    }
    x.end("RoleDetailList").start("Policies").end("Policies");
    if scope.paging.drop_marker {
        x.bool("IsTruncated", true);
        return Ok(x);
    }
    x.bool("IsTruncated", next.is_some());
    if let Some(marker) = next {
        x.text("Marker", &marker);
    }
    Ok(x)
}

fn inline_list(x: &mut Xml, list: &str, policies: &[InlinePolicy]) {
    x.start(list);
    for p in policies {
        x.start("member")
            .text("PolicyName", &p.name)
            .text("PolicyDocument", &encode_document(&p.document))
            .end("member");
    }
    x.end(list);
}

fn attached_list(x: &mut Xml, arns: &[String]) {
    x.start("AttachedManagedPolicies");
    for arn in arns {
        x.start("member");
        attached_xml(x, arn);
        x.end("member");
    }
    x.end("AttachedManagedPolicies");
}

fn user_detail(x: &mut Xml, scope: &Scope<'_>, dir: &Directory, i: usize) {
    let u = &dir.users[i];
    x.start("member")
        .text("Path", &u.path)
        .text("UserName", &u.name)
        .text("UserId", &u.id)
        .text("Arn", &scope.user_arn(u))
        .date("CreateDate", u.created);
    inline_list(x, "UserPolicyList", &u.inline_policies);
    x.start("GroupList");
    for g in &u.groups {
        x.text("member", g);
    }
    x.end("GroupList");
    attached_list(x, &u.attached_policies);
    user_extras_xml(x, u);
    x.end("member");
}

fn group_detail(x: &mut Xml, scope: &Scope<'_>, dir: &Directory, i: usize) {
    let g = &dir.groups[i];
    x.start("member")
        .text("Path", &g.path)
        .text("GroupName", &g.name)
        .text("GroupId", &g.id)
        .text("Arn", &scope.group_arn(g))
        .date("CreateDate", g.created);
    inline_list(x, "GroupPolicyList", &g.inline_policies);
    attached_list(x, &g.attached_policies);
    x.end("member");
}

/// An assumable role: admin, trusting the management account.
fn role_detail(x: &mut Xml, scope: &Scope<'_>, role: &str) {
    let world = scope.world;
    let partition = world.org.partition.as_str();
    let account = &world.accounts[scope.index].id;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:{partition}:iam::{}:root"}},"Action":"sts:AssumeRole"}}]}}"#,
        world.org.management_account
    );
    x.start("member")
        .text("Path", "/")
        .text("RoleName", role)
        .text(
            "RoleId",
            &crate::sim::services::sts::assume_role::role_id(world, scope.index, role),
        )
        .text(
            "Arn",
            &format!("arn:{partition}:iam::{account}:role/{role}"),
        )
        .date("CreateDate", DEFAULT_DATE)
        .text("AssumeRolePolicyDocument", &encode_document(&trust))
        .start("InstanceProfileList")
        .end("InstanceProfileList")
        .start("RolePolicyList")
        .end("RolePolicyList");
    attached_list(
        x,
        &[format!(
            "arn:{partition}:iam::aws:policy/AdministratorAccess"
        )],
    );
    x.end("member");
}

#[cfg(test)]
mod tests {
    use crate::sim::test_world::{iam, scenario, texts, world};

    #[test]
    fn user_details_carry_the_permissions_boundary_and_tags() {
        let w = world(&scenario(
            "",
            r#"
[[accounts]]
id = "222222222222"
[[accounts.users]]
name = "alice"
permissions_boundary = "arn:aws:iam::222222222222:policy/boundary"
tags = [{ key = "team", value = "data" }]
[[accounts.users]]
name = "bob"
"#,
        ));
        let xml = iam(
            &w,
            "222222222222",
            "GetAccountAuthorizationDetails",
            &[("Filter.member.1", "User")],
        )
        .expect("details");
        assert_eq!(
            texts(&xml, "PermissionsBoundaryArn"),
            ["arn:aws:iam::222222222222:policy/boundary"]
        );
        assert_eq!(
            texts(&xml, "PermissionsBoundaryType"),
            ["PermissionsBoundaryPolicy"]
        );
        assert_eq!(
            (texts(&xml, "Key"), texts(&xml, "Value")),
            (vec!["team"], vec!["data"])
        );
        let alice = &xml[..xml.find("<UserName>bob</UserName>").expect("bob")];
        assert!(alice.contains("<Tags>"), "the tags belong to alice: {xml}");
    }
}

//! Tests of the account-level IAM reads in `users`: boundaries and tags, ListUserTags paging,
//! names in any case, and the stale reads of `iam_consistency_ms`.

use crate::sim::test_world::{iam, scenario, texts, world};

const ACCOUNT: &str = r#"
[[accounts]]
id = "222222222222"
[[accounts.groups]]
name = "Admins"
[[accounts.users]]
name = "Alice"
groups = ["admins"]
permissions_boundary = "arn:aws:iam::aws:policy/PowerUserAccess"
tags = [{ key = "team", value = "data" }, { key = "owner", value = "" }]
attached_policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/job-function/Billing"]
[[accounts.users]]
name = "bob"
"#;

const M: &str = "222222222222";

#[test]
fn get_user_carries_the_boundary_and_tags_that_list_users_leaves_out() {
    let w = world(&scenario("", ACCOUNT));
    let user = iam(&w, M, "GetUser", &[("UserName", "Alice")]).expect("GetUser");
    assert!(user.contains(
        "<PermissionsBoundary><PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType>\
         <PermissionsBoundaryArn>arn:aws:iam::aws:policy/PowerUserAccess</PermissionsBoundaryArn></PermissionsBoundary>"
    ), "{user}");
    assert!(user.contains(
        "<Tags><member><Key>team</Key><Value>data</Value></member><member><Key>owner</Key><Value></Value></member></Tags>"
    ), "{user}");
    let bob = iam(&w, M, "GetUser", &[("UserName", "bob")]).expect("GetUser");
    assert!(
        !bob.contains("PermissionsBoundary") && !bob.contains("<Tags>"),
        "{bob}"
    );
    let users = iam(&w, M, "ListUsers", &[]).expect("ListUsers");
    assert!(
        !users.contains("PermissionsBoundary") && !users.contains("<Tags>"),
        "{users}"
    );
}

#[test]
fn list_user_tags_pages_at_iam_page_size_and_needs_a_user() {
    let w = world(&scenario("iam_page_size = 1", ACCOUNT));
    let first = iam(&w, M, "ListUserTags", &[("UserName", "alice")]).expect("page 1");
    assert_eq!(texts(&first, "Key"), ["team"]);
    assert_eq!(texts(&first, "IsTruncated"), ["true"]);
    let marker = texts(&first, "Marker")[0];
    let second = iam(
        &w,
        M,
        "ListUserTags",
        &[("UserName", "alice"), ("Marker", marker)],
    )
    .expect("page 2");
    assert_eq!(texts(&second, "Key"), ["owner"]);
    assert_eq!(texts(&second, "IsTruncated"), ["false"]);
    let none = iam(&w, M, "ListUserTags", &[("UserName", "bob")]).expect("no tags");
    assert!(
        none.starts_with("<Tags></Tags><IsTruncated>false"),
        "{none}"
    );
    assert_eq!(
        iam(&w, M, "ListUserTags", &[]).map_err(|e| e.code),
        Err("ValidationError".into())
    );
    let missing = iam(&w, M, "ListUserTags", &[("UserName", "carol")]).expect_err("no carol");
    assert_eq!(
        (missing.status, missing.code.as_ref()),
        (404, "NoSuchEntity")
    );
}

#[test]
fn names_are_found_whatever_their_case_and_answered_as_stored() {
    let w = world(&scenario("", ACCOUNT));
    let user = iam(&w, M, "GetUser", &[("UserName", "ALICE")]).expect("GetUser");
    assert_eq!(texts(&user, "UserName"), ["Alice"]);
    let keys = iam(&w, M, "ListAccessKeys", &[("UserName", "BoB")]).expect("ListAccessKeys");
    assert!(
        keys.contains("<AccessKeyMetadata></AccessKeyMetadata>"),
        "{keys}"
    );
    let groups = iam(&w, M, "ListGroupsForUser", &[("UserName", "alice")]).expect("groups");
    assert_eq!(texts(&groups, "GroupName"), ["Admins"]);
    let group = iam(
        &w,
        M,
        "ListAttachedGroupPolicies",
        &[("GroupName", "ADMINS")],
    );
    assert!(group.is_ok(), "{group:?}");
}

#[test]
fn get_user_answers_a_deleted_user_only_within_the_consistency_window() {
    let delete = |w: &crate::sim::world::state::World| {
        iam(w, M, "DeleteUser", &[("UserName", "BOB")]).expect("DeleteUser");
    };
    let lagging = world(&scenario("iam_consistency_ms = 60000", ACCOUNT));
    delete(&lagging);
    let stale = iam(&lagging, M, "GetUser", &[("UserName", "bob")]).expect("still visible");
    assert_eq!(texts(&stale, "UserName"), ["bob"]);
    for op in [
        "ListAccessKeys",
        "ListGroupsForUser",
        "ListAttachedUserPolicies",
        "ListSSHPublicKeys",
        "GetLoginProfile",
        "ListUserTags",
    ] {
        let err = iam(&lagging, M, op, &[("UserName", "bob")]).expect_err(op);
        assert_eq!(err.code, "NoSuchEntity", "{op}");
    }
    let users = iam(&lagging, M, "ListUsers", &[]).expect("ListUsers");
    assert_eq!(texts(&users, "UserName"), ["Alice"]);
    let consistent = world(&scenario("", ACCOUNT));
    delete(&consistent);
    let err = iam(&consistent, M, "GetUser", &[("UserName", "bob")]).expect_err("gone");
    assert_eq!(err.code, "NoSuchEntity");
}

#[test]
fn a_detached_policy_is_still_listed_only_within_the_consistency_window() {
    let readonly = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    let listed = |w: &crate::sim::world::state::World| {
        let xml = iam(w, M, "ListAttachedUserPolicies", &[("UserName", "alice")]).expect("list");
        texts(&xml, "PolicyArn")
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    for (extra, expected) in [("iam_consistency_ms = 60000", 2), ("", 1)] {
        let w = world(&scenario(extra, ACCOUNT));
        iam(
            &w,
            M,
            "DetachUserPolicy",
            &[("UserName", "alice"), ("PolicyArn", readonly)],
        )
        .expect("DetachUserPolicy");
        let arns = listed(&w);
        assert_eq!(arns.len(), expected, "{extra}: {arns:?}");
        assert_eq!(
            arns[0] == readonly,
            expected == 2,
            "the stale list is as it was: {arns:?}"
        );
        let again = iam(
            &w,
            M,
            "DetachUserPolicy",
            &[("UserName", "alice"), ("PolicyArn", readonly)],
        );
        assert_eq!(
            again.map_err(|e| e.code),
            Err("NoSuchEntity".into()),
            "the change itself is done"
        );
    }
}

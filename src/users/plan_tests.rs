//! Tests of the `users delete` plan of one account: what each selection deletes, refuses or
//! notes, and the calls planned for each user.

use super::*;
use crate::users::verdict::judge;
use crate::users::verdict::tests::{detail, row, rules};

fn account() -> Account {
    Account {
        id: "111111111111".into(),
        name: "prod".into(),
        email: "p@example.com".into(),
        state: "ACTIVE".into(),
        ou_path: String::new(),
        ou_ids: String::new(),
    }
}

/// A user never used, created `days` ago (stale at 90 days and more, new before).
fn user(name: &str, days: i64) -> User {
    let mut d = detail(name);
    d.groups = vec!["devs".into()];
    d.attached_policies = vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()];
    d.inline_policies = vec!["legacy".into()];
    judge(d, Some(row(name, days)), Vec::new(), &rules())
}

fn listed(pairs: &[(&str, &str)], force_active: bool) -> Select {
    Select::Listed {
        users: pairs
            .iter()
            .map(|(a, u)| (a.to_string(), u.to_string()))
            .collect(),
        force_active,
    }
}

const CALLER: &str = "arn:aws:iam::111111111111:user/admin";

/// The plan entry under the tests' rules (whose caller is `caller`).
fn entry(account: &Account, found: &Found, select: &Select, caller: &str) -> Entry<Step> {
    assert_eq!(caller, rules().caller_arn);
    super::entry(account, found, select, &rules())
}

/// The audit, with every user holding what the audit saw plus a login profile.
fn found(users: Vec<User>) -> Found {
    let holdings = users
        .iter()
        .map(|u| {
            let h = Holdings {
                user_name: u.detail.name.clone(),
                arn: u.detail.arn.clone(),
                login_profile: true,
                inline_policies: u
                    .detail
                    .inline_policies
                    .iter()
                    .map(|n| crate::users::model::InlinePolicy {
                        name: n.clone(),
                        document: "{}".into(),
                    })
                    .collect(),
                attached_policies: u.detail.attached_policies.clone(),
                groups: u.detail.groups.clone(),
                ..Holdings::default()
            };
            (u.detail.name.clone(), h)
        })
        .collect();
    Found {
        audit: Finding::Read(users),
        holdings: Ok(holdings),
    }
}

#[test]
fn stale_selection_plans_only_stale_users_with_what_the_audit_saw() {
    let f = found(vec![user("old", 400), user("fresh", 5)]);
    let e = entry(&account(), &f, &Select::Stale, CALLER);
    assert_eq!(e.disposition, Disposition::Change);
    assert_eq!(e.steps.len(), 1);
    assert_eq!(e.steps[0].user, "old");
    assert_eq!(
        e.steps[0].to_string(),
        "delete IAM user old (re-checked first): DeleteLoginProfile; DeleteUserPolicy legacy; \
         DetachUserPolicy arn:aws:iam::aws:policy/ReadOnlyAccess; RemoveUserFromGroup devs; \
         DeleteUser"
    );
}

#[test]
fn the_callers_own_user_is_never_planned_even_when_listed_and_forced() {
    let f = found(vec![user("admin", 400), user("old", 400)]);
    let select = listed(&[("111111111111", "admin"), ("111111111111", "old")], true);
    assert_eq!(
        chosen("111111111111", users_of(&f), &select, CALLER),
        ["old"]
    );
    let e = entry(&account(), &f, &select, CALLER);
    let users: Vec<&str> = e.steps.iter().map(|s| s.user.as_str()).collect();
    assert_eq!(users, ["old"]);
    assert_eq!(
        e.reason.as_deref(),
        Some("admin: the caller's own IAM user is never deleted")
    );
}

#[test]
fn a_listed_user_not_stale_blocks_the_account_unless_forced() {
    let f = found(vec![user("fresh", 5)]);
    let e = entry(
        &account(),
        &f,
        &listed(&[("111111111111", "fresh")], false),
        CALLER,
    );
    assert_eq!(e.disposition, Disposition::Blocked);
    assert_eq!(
        e.reason.as_deref(),
        Some("fresh: new, not stale (pass --force-active to delete it anyway)")
    );
    let forced = entry(
        &account(),
        &f,
        &listed(&[("111111111111", "fresh")], true),
        CALLER,
    );
    assert_eq!(forced.disposition, Disposition::Change);
}

#[test]
fn a_listed_user_already_gone_plans_nothing_so_a_rerun_deletes_nothing() {
    let f = found(vec![]);
    let e = entry(
        &account(),
        &f,
        &listed(&[("111111111111", "old"), ("222222222222", "x")], false),
        CALLER,
    );
    assert_eq!(e.disposition, Disposition::AlreadyClean);
    assert_eq!(
        e.reason.as_deref(),
        Some("old: no such user (already deleted?)")
    );
}

#[test]
fn an_unreadable_account_is_unknown_never_clean() {
    let err = crate::call::Error::new(
        "AssumeRole",
        "AccessDenied",
        "no role",
        crate::call::ErrorKind::AccessDenied,
    );
    let f = Found {
        audit: Finding::Unreadable(err.clone()),
        holdings: Ok(BTreeMap::new()),
    };
    let e = entry(&account(), &f, &Select::Stale, CALLER);
    assert_eq!(e.disposition, Disposition::Unknown);
    assert!(e.steps.is_empty());
    // Holdings that could not be read make the account unknown too.
    let f = Found {
        holdings: Err(err),
        ..found(vec![user("old", 400)])
    };
    assert_eq!(
        entry(&account(), &f, &Select::Stale, CALLER).disposition,
        Disposition::Unknown
    );
}

#[test]
fn a_chosen_user_gone_before_its_holdings_were_read_is_a_note_not_a_step() {
    let mut f = found(vec![user("old", 400)]);
    f.holdings = Ok(BTreeMap::new());
    let e = entry(&account(), &f, &Select::Stale, CALLER);
    assert_eq!(e.disposition, Disposition::AlreadyClean);
    assert_eq!(
        e.reason.as_deref(),
        Some("old: no such user (deleted since the audit?)")
    );
}

fn users_of(f: &Found) -> &[User] {
    match &f.audit {
        Finding::Read(users) => users,
        Finding::Unreadable(_) => &[],
    }
}

/// A stale-by-records user holding an active SSH key: unverifiable.
fn unverifiable(name: &str) -> User {
    let mut u = user(name, 400);
    u.verdict = Verdict::Unverifiable;
    u.unrecorded = vec![crate::users::model::Credential {
        kind: crate::users::model::Unrecorded::SshPublicKey,
        id: "APKA1".into(),
        active: true,
        issued: None,
    }];
    u
}

fn unknown_user(name: &str) -> User {
    judge(detail(name), None, Vec::new(), &rules())
}

#[test]
fn with_stale_days_a_user_whose_activity_is_unknown_refuses_its_whole_account() {
    let f = found(vec![user("old", 400), unknown_user("late")]);
    assert!(chosen("111111111111", users_of(&f), &Select::Stale, CALLER).is_empty());
    let e = entry(&account(), &f, &Select::Stale, CALLER);
    assert_eq!(e.disposition, Disposition::Unknown);
    assert!(e.steps.is_empty());
    let reason = e.reason.unwrap_or_default();
    assert!(
        reason.starts_with("late: activity unknown (not in the credential report"),
        "{reason}"
    );
    assert!(reason.contains("refuses its account"), "{reason}");
    // A users file that does not name the unknown user is not refused for it.
    let listed = listed(&[("111111111111", "old")], false);
    assert_eq!(
        entry(&account(), &f, &listed, CALLER).disposition,
        Disposition::Change
    );
}

#[test]
fn listed_names_match_users_as_iam_does_regardless_of_case() {
    let f = found(vec![user("olduser", 400)]);
    let select = listed(&[("111111111111", "OldUser")], false);
    assert_eq!(
        chosen("111111111111", users_of(&f), &select, CALLER),
        ["olduser"]
    );
    let e = entry(&account(), &f, &select, CALLER);
    assert_eq!(e.disposition, Disposition::Change);
    assert_eq!(e.steps[0].user, "olduser");
}

#[test]
fn an_unverifiable_user_is_never_selected_by_age_and_a_listed_one_only_with_force_active() {
    let f = found(vec![unverifiable("git")]);
    let e = entry(&account(), &f, &Select::Stale, CALLER);
    assert_eq!(e.disposition, Disposition::AlreadyClean);
    assert!(e.steps.is_empty());
    let e = entry(
        &account(),
        &f,
        &listed(&[("111111111111", "git")], false),
        CALLER,
    );
    assert_eq!(e.disposition, Disposition::Blocked);
    assert_eq!(
        e.reason.as_deref(),
        Some(
            "git: unverifiable, not stale: holds ssh_public_key:APKA1 whose use IAM never \
             records (pass --force-active to delete it anyway)"
        )
    );
    let e = entry(
        &account(),
        &f,
        &listed(&[("111111111111", "git")], true),
        CALLER,
    );
    assert_eq!(e.disposition, Disposition::Change);
    assert_eq!(e.steps[0].stale_since, None, "forced: no stale re-check");
}

#[test]
fn a_step_carries_the_users_creation_and_the_start_of_the_stale_period_for_the_recheck() {
    let mut u = user("old", 400);
    u.detail.created = Some(crate::users::verdict::tests::days_ago(400));
    let f = found(vec![u]);
    let e = entry(&account(), &f, &Select::Stale, CALLER);
    let step = &e.steps[0];
    assert_eq!(
        step.created,
        rfc3339(&crate::users::verdict::tests::days_ago(400))
    );
    assert_eq!(step.stale_since, Some(rfc3339(&rules().stale_before())));
    let e = entry(
        &account(),
        &f,
        &listed(&[("111111111111", "old")], false),
        CALLER,
    );
    assert_eq!(
        e.steps[0].stale_since,
        Some(rfc3339(&rules().stale_before()))
    );
}

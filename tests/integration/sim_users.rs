//! The simulator's IAM users on the wire (raw awsQuery requests against `sim serve`):
//! AssumeRole and its refusals, the credential report's progression and CSV, the caller's own
//! user, GetAccountAuthorizationDetails paging, and DeleteUser's conflicts.

use crate::support::scenario::{org, shipped};
use crate::support::sim::{xml_text, Signer, Sim, READ_ONLY_OPERATIONS};
use serde_json::Value;
use std::process::Command;

const STS: &str = "2011-06-15";
const IAM: &str = "2010-05-08";

fn role_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/OrganizationAccountAccessRole")
}

/// AssumeRole as the management caller; returns the status and the body.
fn try_assume(sim: &Sim, account: &str, extra: &[(&str, &str)]) -> (u16, String) {
    let arn = role_arn(account);
    let mut params = vec![("RoleArn", arn.as_str()), ("RoleSessionName", "rootsweep")];
    params.extend_from_slice(extra);
    sim.query(&sim.management(), STS, "AssumeRole", &params)
}

fn assume(sim: &Sim, account: &str) -> Signer {
    let (status, xml) = try_assume(sim, account, &[]);
    assert_eq!(status, 200, "AssumeRole {account}: {xml}");
    Signer {
        key: xml_text(&xml, "AccessKeyId")
            .expect("AccessKeyId")
            .to_string(),
        token: xml_text(&xml, "SessionToken").map(str::to_string),
    }
}

fn iam_ok(sim: &Sim, signer: &Signer, action: &str, params: &[(&str, &str)]) -> String {
    let (status, xml) = sim.query(signer, IAM, action, params);
    assert_eq!(status, 200, "{action} {params:?}: {xml}");
    xml
}

fn iam_err(sim: &Sim, signer: &Signer, action: &str, params: &[(&str, &str)]) -> (u16, String) {
    let (status, xml) = sim.query(signer, IAM, action, params);
    assert_ne!(status, 200, "{action} {params:?} should fail: {xml}");
    (
        status,
        xml_text(&xml, "Code").unwrap_or_default().to_string(),
    )
}

/// Every text of `<name>` elements, in order.
fn all_texts<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(len) = after.find(&close) else { break };
        out.push(&after[..len]);
        rest = &after[len..];
    }
    out
}

#[test]
fn assume_role_issues_a_session_that_reads_the_member_accounts_users() {
    let sim = Sim::start(shipped("users.toml"));
    let (status, xml) = try_assume(&sim, "222222222201", &[]);
    assert_eq!(status, 200, "{xml}");
    assert_eq!(
        xml_text(&xml, "Arn"),
        Some("arn:aws:sts::222222222201:assumed-role/OrganizationAccountAccessRole/rootsweep")
    );
    assert!(xml_text(&xml, "AssumedRoleId")
        .is_some_and(|id| id.starts_with("AROA") && id.ends_with(":rootsweep")));
    let session = Signer {
        key: xml_text(&xml, "AccessKeyId").expect("key").to_string(),
        token: xml_text(&xml, "SessionToken").map(str::to_string),
    };
    let me = sim.query(&session, STS, "GetCallerIdentity", &[]).1;
    assert_eq!(xml_text(&me, "Account"), Some("222222222201"));
    let users = iam_ok(&sim, &session, "ListUsers", &[]);
    assert_eq!(all_texts(&users, "UserName"), ["alice", "ci-bot", "=cmd+1"]);
    assert!(users.contains("<Arn>arn:aws:iam::222222222201:user/automation/ci-bot</Arn>"));
    let keys = iam_ok(&sim, &session, "ListAccessKeys", &[("UserName", "ci-bot")]);
    assert_eq!(all_texts(&keys, "Status"), ["Active", "Active"]);
    assert_eq!(
        iam_err(&sim, &session, "ListAccessKeys", &[]),
        (400, "ValidationError".to_string()),
        "a role session must name the user"
    );
    assert_eq!(
        iam_err(&sim, &session, "GetUser", &[("UserName", "nobody")]),
        (404, "NoSuchEntity".to_string())
    );
    let sessions = sim.sessions();
    let role: Vec<&Value> = sessions.iter().filter(|s| s["kind"] == "role").collect();
    assert_eq!(role.len(), 1, "{sessions:?}");
    assert_eq!(role[0]["account"], "222222222201");
    assert_eq!(role[0]["role"], "OrganizationAccountAccessRole");
    assert_eq!(role[0]["session_token"].as_str(), session.token.as_deref());
}

#[test]
fn assume_role_is_denied_without_the_role_in_the_management_account_and_when_not_active() {
    let sim = Sim::start(shipped("users.toml"));
    for account in [
        "222222222203",
        "111111111111",
        "222222222204",
        "999999999999",
    ] {
        let (status, xml) = try_assume(&sim, account, &[]);
        assert_eq!(
            (status, xml_text(&xml, "Code")),
            (403, Some("AccessDenied")),
            "{account}: {xml}"
        );
    }
    let (status, _) = try_assume(&sim, "222222222205", &[]);
    assert_eq!(status, 403, "the ExternalId is required");
    let (status, _) = try_assume(&sim, "222222222205", &[("ExternalId", "wrong")]);
    assert_eq!(status, 403, "a wrong ExternalId is denied");
    let (status, xml) = try_assume(
        &sim,
        "222222222205",
        &[("ExternalId", "rootsweep-external-1")],
    );
    assert_eq!(status, 200, "{xml}");
    let (status, xml) = try_assume(&sim, "222222222201", &[("DurationSeconds", "899")]);
    assert_eq!(
        (status, xml_text(&xml, "Code")),
        (400, Some("ValidationError"))
    );
    let arn = role_arn("222222222201");
    let (status, xml) = sim.query(
        &sim.management(),
        STS,
        "AssumeRole",
        &[("RoleArn", &arn), ("RoleSessionName", "x")],
    );
    assert_eq!(
        (status, xml_text(&xml, "Code")),
        (400, Some("ValidationError"))
    );
    let calls = sim.calls();
    let denied: Vec<&str> = calls
        .iter()
        .filter(|c| c["error"] == "AccessDenied")
        .filter_map(|c| c["account"].as_str())
        .collect();
    assert_eq!(
        denied,
        [
            "222222222203",
            "111111111111",
            "222222222204",
            "999999999999",
            "222222222205",
            "222222222205"
        ],
        "the call log names the AssumeRole target"
    );
}

fn report_csv(sim: &Sim, signer: &Signer) -> String {
    let xml = iam_ok(sim, signer, "GetCredentialReport", &[]);
    assert_eq!(xml_text(&xml, "ReportFormat"), Some("text/csv"));
    assert!(xml_text(&xml, "GeneratedTime").is_some_and(|t| t.ends_with('Z')));
    let content = xml_text(&xml, "Content").expect("Content");
    let bytes = aws_smithy_types::base64::decode(content).expect("base64 content");
    String::from_utf8(bytes).expect("utf-8 CSV")
}

#[test]
fn credential_report_is_absent_then_in_progress_then_a_csv_in_aws_format() {
    let sim = Sim::start(shipped("users.toml"));
    let session = assume(&sim, "222222222201");
    assert_eq!(
        iam_err(&sim, &session, "GetCredentialReport", &[]),
        (410, "ReportNotPresent".to_string())
    );
    let state = |xml: String| xml_text(&xml, "State").unwrap_or_default().to_string();
    assert_eq!(
        state(iam_ok(&sim, &session, "GenerateCredentialReport", &[])),
        "STARTED"
    );
    assert_eq!(
        iam_err(&sim, &session, "GetCredentialReport", &[]),
        (404, "ReportInProgress".to_string())
    );
    assert_eq!(
        state(iam_ok(&sim, &session, "GenerateCredentialReport", &[])),
        "COMPLETE"
    );
    assert_eq!(
        state(iam_ok(&sim, &session, "GenerateCredentialReport", &[])),
        "COMPLETE"
    );
    let csv = report_csv(&sim, &session);
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0].join(","),
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,\
         password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,\
         access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,\
         access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,\
         access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,\
         cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
    );
    assert_eq!(
        rows[1][..4],
        [
            "<root_account>",
            "arn:aws:iam::222222222201:root",
            "2020-01-01T00:00:00+00:00",
            "not_supported"
        ]
    );
    let names: Vec<&str> = rows[2..].iter().map(|r| r[0]).collect();
    assert_eq!(names, ["alice", "ci-bot", "=cmd+1"]);
    let alice = &rows[2];
    assert_eq!(alice[1], "arn:aws:iam::222222222201:user/alice");
    assert_eq!((alice[3], alice[6], alice[7]), ("true", "N/A", "true"));
    assert!(
        alice[4].ends_with("+00:00"),
        "password_last_used is a date: {alice:?}"
    );
    assert_eq!(alice[8..13], ["false", "N/A", "N/A", "N/A", "N/A"]);
    let bot = &rows[3];
    assert_eq!((bot[3], bot[4], bot[5]), ("false", "N/A", "N/A"));
    assert_eq!((bot[8], bot[11], bot[12]), ("true", "eu-west-1", "s3"));
    assert_eq!((bot[13], bot[17]), ("true", "sts"));
    assert!(rows.iter().all(|r| r.len() == 22), "{csv}");

    let other = assume(&sim, "222222222202");
    iam_ok(&sim, &other, "GenerateCredentialReport", &[]);
    iam_ok(&sim, &other, "GenerateCredentialReport", &[]);
    let csv = report_csv(&sim, &other);
    let olduser: Vec<&str> = csv
        .lines()
        .nth(2)
        .expect("olduser row")
        .split(',')
        .collect();
    assert_eq!(olduser[0], "olduser");
    assert_eq!(olduser[4], "no_information", "a password never used");
    assert_eq!(
        (olduser[8], olduser[10]),
        ("true", "N/A"),
        "a key never used"
    );
    assert_eq!(olduser[18], "false", "its signing certificate, inactive");
}

#[test]
fn report_generation_polls_keeps_the_report_in_progress_that_many_calls() {
    let sim = Sim::start_toml(&org(
        "report_generation_polls = 3",
        "[[accounts.users]]\nname = \"solo\"\n",
    ));
    let m = sim.management();
    let states: Vec<String> = (0..5)
        .map(|_| {
            let xml = iam_ok(&sim, &m, "GenerateCredentialReport", &[]);
            xml_text(&xml, "State").unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(
        states,
        [
            "STARTED",
            "INPROGRESS",
            "INPROGRESS",
            "COMPLETE",
            "COMPLETE"
        ]
    );
    assert!(report_csv(&sim, &m).contains("\nsolo,arn:aws:iam::111111111111:user/solo,"));
}

#[test]
fn the_caller_acts_on_its_own_user_and_account_with_its_own_credentials() {
    let sim = Sim::start(shipped("users.toml"));
    let m = sim.management();
    let me = sim.query(&m, STS, "GetCallerIdentity", &[]).1;
    assert_eq!(
        xml_text(&me, "Arn"),
        Some("arn:aws:iam::111111111111:user/admin")
    );
    let user = iam_ok(&sim, &m, "GetUser", &[]);
    assert_eq!(xml_text(&user, "UserName"), Some("admin"));
    let keys = iam_ok(&sim, &m, "ListAccessKeys", &[]);
    assert_eq!(all_texts(&keys, "AccessKeyId"), ["AKIAMANAGEMENT000001"]);
    let users = iam_ok(&sim, &m, "ListUsers", &[]);
    assert_eq!(
        all_texts(&users, "UserName"),
        ["admin", "breakglass", "signer"]
    );
    let profile = iam_ok(&sim, &m, "GetLoginProfile", &[("UserName", "breakglass")]);
    assert_eq!(xml_text(&profile, "UserName"), Some("breakglass"));
    let mfa = iam_ok(&sim, &m, "ListMFADevices", &[("UserName", "breakglass")]);
    assert!(all_texts(&mfa, "SerialNumber").is_empty(), "{mfa}");
    let calls = sim.calls();
    assert!(
        calls
            .iter()
            .filter(|c| c["service"] == "iam")
            .all(|c| c["account"] == "111111111111"),
        "the caller's IAM calls act in its own account: {calls:?}"
    );
}

#[test]
fn a_callers_user_missing_from_the_scenario_is_created_with_the_callers_key() {
    let text = org("", "").replace(
        "secret_access_key = \"test-secret\"\n",
        "secret_access_key = \"test-secret\"\nuser = \"ops\"\n",
    );
    let sim = Sim::start_toml(&text);
    let m = sim.management();
    let me = sim.query(&m, STS, "GetCallerIdentity", &[]).1;
    assert_eq!(
        xml_text(&me, "Arn"),
        Some("arn:aws:iam::111111111111:user/ops")
    );
    let keys = iam_ok(&sim, &m, "ListAccessKeys", &[("UserName", "ops")]);
    assert_eq!(all_texts(&keys, "AccessKeyId"), ["AKIAMANAGEMENT000001"]);
    let used = iam_ok(
        &sim,
        &m,
        "GetAccessKeyLastUsed",
        &[("AccessKeyId", "AKIAMANAGEMENT000001")],
    );
    assert_eq!(xml_text(&used, "UserName"), Some("ops"));
    assert!(xml_text(&used, "LastUsedDate").is_some(), "{used}");
}

/// Follows `Marker` through GetAccountAuthorizationDetails; returns every page's XML.
fn details_pages(sim: &Sim, signer: &Signer, max_items: &str) -> Vec<String> {
    let mut pages = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let mut params = vec![
            ("Filter.member.1", "User"),
            ("Filter.member.2", "Group"),
            ("MaxItems", max_items),
        ];
        if let Some(m) = &marker {
            params.push(("Marker", m.as_str()));
        }
        let xml = iam_ok(sim, signer, "GetAccountAuthorizationDetails", &params);
        let truncated = xml_text(&xml, "IsTruncated") == Some("true");
        marker = xml_text(&xml, "Marker").map(str::to_string);
        pages.push(xml);
        if !truncated {
            return pages;
        }
        assert!(marker.is_some(), "a truncated page carries a Marker");
        assert!(pages.len() < 50, "paging does not end");
    }
}

fn decode(encoded: &str) -> String {
    form_urlencoded::parse(format!("d={encoded}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[test]
fn authorization_details_page_users_then_groups_with_url_encoded_documents() {
    let sim = Sim::start(shipped("users.toml"));
    let session = assume(&sim, "222222222201");
    let pages = details_pages(&sim, &session, "2");
    assert_eq!(pages.len(), 3, "3 users and 2 groups in pages of 2");
    let all = pages.concat();
    assert_eq!(all_texts(&all, "UserName"), ["alice", "ci-bot", "=cmd+1"]);
    assert_eq!(all_texts(&all, "GroupName"), ["admins", "readers"]);
    assert!(!all.contains("<RoleName>"), "roles were not asked for");
    let alice = &pages[0][..pages[0]
        .find("<UserName>ci-bot</UserName>")
        .expect("ci-bot")];
    assert!(
        alice.contains("<GroupList><member>admins</member></GroupList>"),
        "{alice}"
    );
    assert_eq!(
        all_texts(alice, "PolicyArn"),
        [
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/ReadOnlyAccess"
        ]
    );
    let doc = xml_text(alice, "PolicyDocument").expect("inline document");
    assert!(doc.starts_with("%7B%22Version%22"), "{doc}");
    let json: Value = serde_json::from_str(&decode(doc)).expect("JSON after decoding");
    assert_eq!(json["Statement"][0]["Action"], "s3:Get*");
    let one = iam_ok(
        &sim,
        &session,
        "GetAccountAuthorizationDetails",
        &[("Filter.member.1", "Role")],
    );
    assert_eq!(
        all_texts(&one, "RoleName"),
        ["OrganizationAccountAccessRole"]
    );
    assert_eq!(
        iam_err(
            &sim,
            &session,
            "GetAccountAuthorizationDetails",
            &[("Filter.member.1", "Users")]
        )
        .1,
        "ValidationError"
    );
}

#[test]
fn delete_user_conflicts_naming_what_remains_until_all_nine_dependents_are_gone() {
    let sim = Sim::start(shipped("users.toml"));
    let s = assume(&sim, "222222222202");
    let user = [("UserName", "olduser")];
    let (status, xml) = sim.query(&s, IAM, "DeleteUser", &user);
    assert_eq!(
        (status, xml_text(&xml, "Code")),
        (409, Some("DeleteConflict"))
    );
    let message = xml_text(&xml, "Message").unwrap_or_default();
    for what in [
        "login profile",
        "access keys",
        "signing certificates",
        "SSH public keys",
        "service-specific credentials",
        "MFA devices",
        "inline policies",
        "attached policies",
        "group memberships",
    ] {
        assert!(message.contains(what), "{what} missing from {message}");
    }
    let state = sim.state();
    let old = &state["accounts"]["222222222202"]["users"]["olduser"];
    let key = old["access_keys"][0]["id"]
        .as_str()
        .expect("key id")
        .to_string();
    let cert = old["signing_certificates"][0]["id"]
        .as_str()
        .expect("cert")
        .to_string();
    let ssh = old["ssh_keys"][0]["id"].as_str().expect("ssh").to_string();
    let cred = old["service_credentials"][0]["id"]
        .as_str()
        .expect("cred")
        .to_string();
    let virtual_mfa = old["mfa_devices"][0]["serial"]
        .as_str()
        .expect("mfa")
        .to_string();
    let hardware = old["mfa_devices"][1]["serial"]
        .as_str()
        .expect("mfa")
        .to_string();
    let with = |extra: (&'static str, &str)| {
        vec![
            ("UserName", "olduser".to_string()),
            (extra.0, extra.1.to_string()),
        ]
    };
    let steps: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("DeleteLoginProfile", vec![("UserName", "olduser".into())]),
        ("DeleteAccessKey", with(("AccessKeyId", &key))),
        ("DeleteSigningCertificate", with(("CertificateId", &cert))),
        ("DeleteSSHPublicKey", with(("SSHPublicKeyId", &ssh))),
        (
            "DeleteServiceSpecificCredential",
            with(("ServiceSpecificCredentialId", &cred)),
        ),
        ("DeactivateMFADevice", with(("SerialNumber", &virtual_mfa))),
        ("DeactivateMFADevice", with(("SerialNumber", &hardware))),
        ("DeleteUserPolicy", with(("PolicyName", "legacy"))),
        (
            "DetachUserPolicy",
            with(("PolicyArn", "arn:aws:iam::222222222202:policy/deploy")),
        ),
        ("RemoveUserFromGroup", with(("GroupName", "developers"))),
    ];
    for (action, params) in &steps {
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        iam_ok(&sim, &s, action, &params);
        let (status, code) = iam_err(&sim, &s, action, &params);
        assert_eq!(
            (status, code.as_str()),
            (404, "NoSuchEntity"),
            "{action} twice"
        );
    }
    assert_eq!(
        iam_err(
            &sim,
            &s,
            "DeleteVirtualMFADevice",
            &[("SerialNumber", &hardware)]
        )
        .1,
        "NoSuchEntity",
        "a hardware device leaves nothing to delete"
    );
    iam_ok(
        &sim,
        &s,
        "DeleteVirtualMFADevice",
        &[("SerialNumber", &virtual_mfa)],
    );
    iam_ok(&sim, &s, "DeleteUser", &user);
    assert_eq!(
        iam_err(&sim, &s, "DeleteUser", &user),
        (404, "NoSuchEntity".to_string())
    );
    let state = sim.state();
    let dev = &state["accounts"]["222222222202"];
    assert!(dev["users"].get("olduser").is_none());
    assert_eq!(
        dev["groups"]["developers"]["attached_policies"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "the group keeps its policies"
    );
    let changed: Vec<String> = sim
        .non_read_calls()
        .iter()
        .filter(|c| c["status"] == 200)
        .map(|c| c["operation"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(changed.len(), steps.len() + 2);
    assert!(
        sim.calls()
            .iter()
            .filter(|c| c["status"] == 200 && c["operation"] != "AssumeRole")
            .all(|c| c["mutating"] == true),
        "every change is logged as mutating"
    );
}

#[test]
fn detaching_a_direct_policy_leaves_the_group_grant_and_other_users_alone() {
    let sim = Sim::start(shipped("users.toml"));
    let s = assume(&sim, "222222222201");
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    iam_ok(
        &sim,
        &s,
        "DetachUserPolicy",
        &[("UserName", "alice"), ("PolicyArn", admin)],
    );
    let attached = iam_ok(
        &sim,
        &s,
        "ListAttachedUserPolicies",
        &[("UserName", "alice")],
    );
    assert_eq!(
        all_texts(&attached, "PolicyArn"),
        ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    );
    let groups = iam_ok(&sim, &s, "ListGroupsForUser", &[("UserName", "alice")]);
    assert_eq!(all_texts(&groups, "GroupName"), ["admins"]);
    let group = iam_ok(
        &sim,
        &s,
        "ListAttachedGroupPolicies",
        &[("GroupName", "admins")],
    );
    assert_eq!(all_texts(&group, "PolicyArn"), [admin]);
    assert_eq!(
        iam_err(
            &sim,
            &s,
            "DetachUserPolicy",
            &[("UserName", "alice"), ("PolicyArn", admin)]
        ),
        (404, "NoSuchEntity".to_string())
    );
}

#[test]
fn every_user_read_is_on_the_read_only_allow_list() {
    let sim = Sim::start(shipped("users.toml"));
    let s = assume(&sim, "222222222201");
    let m = sim.management();
    let reads: &[(&str, &[(&str, &str)])] = &[
        ("ListUsers", &[]),
        ("GetUser", &[("UserName", "alice")]),
        ("GetLoginProfile", &[("UserName", "alice")]),
        ("ListAccessKeys", &[("UserName", "ci-bot")]),
        ("ListMFADevices", &[("UserName", "alice")]),
        ("ListSigningCertificates", &[("UserName", "alice")]),
        ("ListSSHPublicKeys", &[("UserName", "alice")]),
        ("ListServiceSpecificCredentials", &[("UserName", "alice")]),
        ("ListServiceSpecificCredentials", &[("AllUsers", "true")]),
        ("ListUserTags", &[("UserName", "alice")]),
        ("ListGroupsForUser", &[("UserName", "alice")]),
        ("ListAttachedUserPolicies", &[("UserName", "alice")]),
        ("ListUserPolicies", &[("UserName", "alice")]),
        (
            "GetUserPolicy",
            &[("UserName", "alice"), ("PolicyName", "s3-read")],
        ),
        ("ListAttachedGroupPolicies", &[("GroupName", "admins")]),
        ("GenerateCredentialReport", &[]),
        ("GetAccountAuthorizationDetails", &[]),
    ];
    for (action, params) in reads {
        iam_ok(&sim, &s, action, params);
    }
    let policies = iam_ok(&sim, &s, "ListUserPolicies", &[("UserName", "alice")]);
    assert!(
        policies.contains("<PolicyNames><member>s3-read</member></PolicyNames>"),
        "{policies}"
    );
    let doc = iam_ok(
        &sim,
        &s,
        "GetUserPolicy",
        &[("UserName", "alice"), ("PolicyName", "s3-read")],
    );
    assert!(decode(xml_text(&doc, "PolicyDocument").unwrap_or_default()).contains("s3:Get*"));
    let dev = assume(&sim, "222222222202");
    let keys = iam_ok(&sim, &dev, "ListSSHPublicKeys", &[("UserName", "olduser")]);
    let key = xml_text(&keys, "SSHPublicKeyId").expect("olduser's key");
    for encoding in ["SSH", "PEM"] {
        let params = [
            ("UserName", "olduser"),
            ("SSHPublicKeyId", key),
            ("Encoding", encoding),
        ];
        iam_ok(&sim, &dev, "GetSSHPublicKey", &params);
    }
    iam_ok(&sim, &m, "ListUsers", &[]);
    assert_eq!(sim.non_read_calls(), Vec::<Value>::new());
    for op in ["AssumeRole", "GetCredentialReport"] {
        assert!(READ_ONLY_OPERATIONS.contains(&op), "{op}");
    }
}

#[test]
fn malformed_user_tags_and_predecessors_stop_serve_naming_file_line_and_key() {
    for (name, location, key) in [
        (
            "duplicate_tag_key.toml",
            "duplicate_tag_key.toml:16",
            "`key`",
        ),
        (
            "earlier_not_older.toml",
            "earlier_not_older.toml:16",
            "`created_days_ago`",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_rootsweep"))
            .args(["sim", "serve", "--scenario"])
            .arg(shipped(&format!("bad/{name}")))
            .output()
            .expect("run rootsweep");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name} must be rejected");
        assert!(
            stderr.contains(location) && stderr.contains(key),
            "{name}: expected {location} and {key} in {stderr}"
        );
    }
}

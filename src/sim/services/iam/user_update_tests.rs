//! Tests of the credential status updates (`user_update`): what each list, the credential report
//! and `/_sim/state` show afterwards, idempotence, AWS's errors, user names in any case, the
//! caller's own user, root sessions, and the stale reads of `iam_consistency_ms`.

use crate::sim::services::error::Error;
use crate::sim::test_world::{caller, iam, iam_as, scenario, session, texts, world};
use crate::sim::wire::introspect;
use crate::sim::world::state::{Grant, TaskPolicy, World};
use serde_json::json;

const M: &str = "222222222222";
const ALICE_KEY: &str = "AKIAALICECALLER00001";

const ACCOUNT: &str = r#"
[[callers]]
access_key_id = "AKIAALICECALLER00001"
secret_access_key = "s"
account = "222222222222"
user = "Alice"

[[accounts]]
id = "222222222222"
[[accounts.users]]
name = "Alice"
access_keys = [{ id = "AKIAALICECALLER00001" }, { id = "AKIAALICESECOND00001", active = false }]
signing_certificates = [{ id = "CERTALICE000000000000001" }]
ssh_keys = [{ id = "APKAALICE00000000001" }]
service_credentials = [{ service = "codecommit.amazonaws.com", id = "ACCAALICE00000000001" }]
[[accounts.users]]
name = "bob"
access_keys = [{ id = "AKIABOBKEY0000000001" }]
signing_certificates = [{ id = "CERTBOB00000000000000001" }]
ssh_keys = [{ id = "APKABOB0000000000001" }]
service_credentials = [{ service = "codecommit.amazonaws.com", id = "ACCABOB0000000000001" }]
"#;

/// One of the four updates: its operation, id parameter, Alice's credential of that kind, Bob's,
/// the list that shows it (with the element naming its id) and AWS's message for a missing one.
struct Case {
    op: &'static str,
    id: &'static str,
    alice: &'static str,
    bob: &'static str,
    list: &'static str,
    listed_id: &'static str,
    missing: &'static str,
}

const CASES: [Case; 4] = [
    Case {
        op: "UpdateAccessKey",
        id: "AccessKeyId",
        alice: "AKIAALICECALLER00001",
        bob: "AKIABOBKEY0000000001",
        list: "ListAccessKeys",
        listed_id: "AccessKeyId",
        missing: "The Access Key with id AKIABOBKEY0000000001 cannot be found.",
    },
    Case {
        op: "UpdateSigningCertificate",
        id: "CertificateId",
        alice: "CERTALICE000000000000001",
        bob: "CERTBOB00000000000000001",
        list: "ListSigningCertificates",
        listed_id: "CertificateId",
        missing: "The Certificate with id CERTBOB00000000000000001 cannot be found.",
    },
    Case {
        op: "UpdateSSHPublicKey",
        id: "SSHPublicKeyId",
        alice: "APKAALICE00000000001",
        bob: "APKABOB0000000000001",
        list: "ListSSHPublicKeys",
        listed_id: "SSHPublicKeyId",
        missing: "The Public Key with id APKABOB0000000000001 cannot be found.",
    },
    Case {
        op: "UpdateServiceSpecificCredential",
        id: "ServiceSpecificCredentialId",
        alice: "ACCAALICE00000000001",
        bob: "ACCABOB0000000000001",
        list: "ListServiceSpecificCredentials",
        listed_id: "ServiceSpecificCredentialId",
        missing: "No such credential ACCABOB0000000000001 exists.",
    },
];

fn update(w: &World, c: &Case, user: &str, id: &str, status: &str) -> Result<String, Error> {
    iam(
        w,
        M,
        c.op,
        &[("UserName", user), (c.id, id), ("Status", status)],
    )
}

/// The `Status` the case's list shows for Alice's credential.
fn listed(w: &World, c: &Case) -> String {
    let xml = iam(w, M, c.list, &[("UserName", "alice")]).expect("list");
    let ids = texts(&xml, c.listed_id);
    let at = ids.iter().position(|i| *i == c.alice).expect("listed");
    texts(&xml, "Status")[at].to_string()
}

fn code(r: Result<String, Error>) -> Result<String, (u16, String, String)> {
    r.map_err(|e| (e.status, e.code.to_string(), e.message))
}

#[test]
fn each_update_sets_the_status_its_list_shows_and_answers_nothing_else() {
    let w = world(&scenario("", ACCOUNT));
    for c in &CASES {
        assert_eq!(listed(&w, c), "Active", "{}", c.op);
        let answer = update(&w, c, "Alice", c.alice, "Inactive").expect(c.op);
        assert_eq!(answer, "", "{}: no result, as AWS answers", c.op);
        assert_eq!(listed(&w, c), "Inactive", "{}", c.op);
        update(&w, c, "Alice", c.alice, "Active").expect(c.op);
        assert_eq!(listed(&w, c), "Active", "{} back", c.op);
    }
    let bob = iam(&w, M, "ListAccessKeys", &[("UserName", "bob")]).expect("list");
    assert_eq!(texts(&bob, "Status"), ["Active"], "other users untouched");
}

#[test]
fn setting_the_status_a_credential_already_has_succeeds_and_changes_nothing() {
    // The key is inactive from the start: both calls set the status it has, lag or not.
    let w = world(&scenario("iam_consistency_ms = 60000", ACCOUNT));
    let key = &CASES[0];
    for status in ["Inactive", "Inactive"] {
        let p = [
            ("UserName", "Alice"),
            ("AccessKeyId", "AKIAALICESECOND00001"),
            ("Status", status),
        ];
        iam(&w, M, key.op, &p).expect("idempotent");
    }
    let xml = iam(&w, M, "ListAccessKeys", &[("UserName", "alice")]).expect("list");
    assert_eq!(texts(&xml, "Status"), ["Active", "Inactive"]);
    for c in &CASES {
        update(&w, c, "alice", c.alice, "Active").expect("already active");
        assert_eq!(listed(&w, c), "Active", "{}", c.op);
    }
}

#[test]
fn a_credential_of_another_user_or_an_unknown_one_or_user_is_no_such_entity() {
    let w = world(&scenario("", ACCOUNT));
    for c in &CASES {
        assert_eq!(
            code(update(&w, c, "Alice", c.bob, "Inactive")),
            Err((404, "NoSuchEntity".into(), c.missing.into())),
            "{}: Bob's credential named with Alice",
            c.op
        );
        let unknown = update(&w, c, "Alice", "NOSUCHCREDENTIAL0000001", "Inactive");
        assert_eq!(code(unknown).map_err(|e| e.1), Err("NoSuchEntity".into()));
        assert_eq!(
            code(update(&w, c, "dave", c.alice, "Inactive")),
            Err((
                404,
                "NoSuchEntity".into(),
                "The user with name dave cannot be found.".into()
            )),
            "{}",
            c.op
        );
        assert_eq!(listed(&w, c), "Active", "{}: nothing changed", c.op);
    }
    let bob = iam(&w, M, "ListSSHPublicKeys", &[("UserName", "bob")]).expect("list");
    assert_eq!(texts(&bob, "Status"), ["Active"]);
}

#[test]
fn a_missing_parameter_or_another_status_is_a_validation_error_before_any_lookup() {
    let w = world(&scenario("", ACCOUNT));
    let enum_message = |v: &str| {
        format!("1 validation error detected: Value '{v}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]")
    };
    for c in &CASES {
        for bad in ["Expired", "active", ""] {
            assert_eq!(
                code(update(&w, c, "dave", c.alice, bad)),
                Err((400, "ValidationError".into(), enum_message(bad))),
                "{} {bad:?}",
                c.op
            );
        }
        let no_status = iam(&w, M, c.op, &[("UserName", "dave"), (c.id, c.alice)]);
        assert_eq!(
            code(no_status).map_err(|e| (e.0, e.1)),
            Err((400, "ValidationError".into()))
        );
        let no_id = iam(&w, M, c.op, &[("UserName", "dave"), ("Status", "Active")]);
        let (status, kind, message) = code(no_id).expect_err("the id is required");
        assert_eq!((status, kind.as_str()), (400, "ValidationError"));
        assert!(message.contains(c.id), "{message}");
        let no_user = iam(&w, M, c.op, &[(c.id, c.alice), ("Status", "Inactive")]);
        assert_eq!(
            code(no_user).map_err(|e| (e.0, e.1)),
            Err((400, "ValidationError".into())),
            "{}: a role session must name the user",
            c.op
        );
        assert_eq!(listed(&w, c), "Active", "{}", c.op);
    }
}

#[test]
fn user_names_are_matched_whatever_their_case() {
    let w = world(&scenario("", ACCOUNT));
    for (c, name) in CASES.iter().zip(["ALICE", "alice", "aLiCe", "Alice"]) {
        update(&w, c, name, c.alice, "Inactive").expect(c.op);
        assert_eq!(listed(&w, c), "Inactive", "{} as {name}", c.op);
    }
}

#[test]
fn a_long_term_user_caller_without_user_name_updates_its_own_credentials() {
    let w = world(&scenario("", ACCOUNT));
    let me = || caller(&w, ALICE_KEY);
    for c in &CASES {
        let own = iam_as(&w, me(), c.op, &[(c.id, c.alice), ("Status", "Inactive")]);
        let bobs = iam_as(&w, me(), c.op, &[(c.id, c.bob), ("Status", "Inactive")]);
        if c.op == "UpdateSSHPublicKey" {
            for answer in [own, bobs] {
                let kind = code(answer).map_err(|e| (e.0, e.1));
                assert_eq!(
                    kind,
                    Err((400, "ValidationError".into())),
                    "UserName is required"
                );
            }
            assert_eq!(listed(&w, c), "Active");
            continue;
        }
        own.expect(c.op);
        assert_eq!(listed(&w, c), "Inactive", "{}", c.op);
        assert_eq!(
            code(bobs).map_err(|e| e.1),
            Err("NoSuchEntity".into()),
            "{}: the caller's own user holds no such credential",
            c.op
        );
    }
    let named = [
        ("UserName", "bob"),
        ("AccessKeyId", "AKIABOBKEY0000000001"),
        ("Status", "Inactive"),
    ];
    iam_as(&w, me(), "UpdateAccessKey", &named).expect("another user, named");
    let bob = iam(&w, M, "ListAccessKeys", &[("UserName", "bob")]).expect("list");
    assert_eq!(texts(&bob, "Status"), ["Inactive"]);
}

#[test]
fn root_sessions_are_refused_the_updates_whatever_their_task_policy() {
    let w = world(&scenario("", ACCOUNT));
    for policy in [TaskPolicy::Delete, TaskPolicy::Audit] {
        for c in &CASES {
            let root = session(&w, M, Grant::Root(policy));
            let err =
                iam_as(&w, root, c.op, &[(c.id, c.alice), ("Status", "Inactive")]).expect_err(c.op);
            assert_eq!(
                (err.status, err.code.as_ref()),
                (403, "AccessDenied"),
                "{}",
                c.op
            );
            assert!(
                err.message.contains(&format!("iam:{}", c.op)),
                "{}",
                err.message
            );
        }
    }
}

/// The credential report's row of `user`, generated now (COMPLETE at once) or earlier.
fn report_row(w: &World, user: &str) -> Vec<String> {
    iam(w, M, "GenerateCredentialReport", &[]).expect("generate");
    let xml = iam(w, M, "GetCredentialReport", &[]).expect("report");
    let content = texts(&xml, "Content")[0];
    let csv = aws_smithy_types::base64::decode(content).expect("base64");
    let csv = String::from_utf8(csv).expect("UTF-8");
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("{user},")))
        .expect("the user's row");
    line.split(',').map(str::to_string).collect()
}

#[test]
fn the_credential_report_shows_a_change_once_generated_after_it_as_after_a_deletion() {
    let polls = "report_generation_polls = 0";
    let (key, cert) = (&CASES[0], &CASES[1]);
    let changed = world(&scenario(polls, ACCOUNT));
    update(&changed, key, "Alice", key.alice, "Inactive").expect("key");
    update(&changed, cert, "Alice", cert.alice, "Inactive").expect("certificate");
    let row = report_row(&changed, "Alice");
    // access_key_1_active, access_key_2_active (inactive from the start), cert_1_active.
    assert_eq!(
        (&*row[8], &*row[13], &*row[18]),
        ("false", "false", "false")
    );
    let earlier = world(&scenario(polls, ACCOUNT));
    assert_eq!(report_row(&earlier, "Alice")[8], "true");
    update(&earlier, key, "Alice", key.alice, "Inactive").expect("key");
    iam(
        &earlier,
        M,
        "DeleteSigningCertificate",
        &[("UserName", "Alice"), ("CertificateId", cert.alice)],
    )
    .expect("delete");
    let served = report_row(&earlier, "Alice");
    assert_eq!(
        (&*served[8], &*served[18]),
        ("true", "true"),
        "a report is served for hours: it shows neither the update nor the deletion"
    );
}

#[test]
fn the_state_shows_every_credential_of_a_user_with_its_status() {
    let w = world(&scenario("iam_consistency_ms = 60000", ACCOUNT));
    for c in &CASES[1..] {
        update(&w, c, "Alice", c.alice, "Inactive").expect(c.op);
    }
    let state = introspect::state(&w);
    let alice = &state["accounts"][M]["users"]["Alice"];
    assert_eq!(
        alice["signing_certificates"],
        json!([{ "id": "CERTALICE000000000000001", "status": "Inactive" }])
    );
    assert_eq!(
        alice["ssh_keys"],
        json!([{ "id": "APKAALICE00000000001", "status": "Inactive" }])
    );
    assert_eq!(
        alice["service_credentials"],
        json!([{ "id": "ACCAALICE00000000001", "service": "codecommit.amazonaws.com", "status": "Inactive" }])
    );
    let statuses: Vec<&serde_json::Value> = alice["access_keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| &k["status"])
        .collect();
    assert_eq!(statuses, [&json!("Active"), &json!("Inactive")]);
    assert_eq!(
        state["accounts"][M]["users"]["bob"]["ssh_keys"][0]["status"],
        "Active"
    );
}

#[test]
fn within_the_consistency_window_every_read_still_shows_the_old_status() {
    let lagging = world(&scenario("iam_consistency_ms = 60000", ACCOUNT));
    for c in &CASES {
        update(&lagging, c, "Alice", c.alice, "Inactive").expect(c.op);
        assert_eq!(
            listed(&lagging, c),
            "Active",
            "{}: still the old status",
            c.op
        );
    }
    let all = iam(
        &lagging,
        M,
        "ListServiceSpecificCredentials",
        &[("AllUsers", "true")],
    )
    .expect("all users");
    assert_eq!(texts(&all, "Status"), ["Active", "Active"]);
    let ssh = [
        ("UserName", "alice"),
        ("SSHPublicKeyId", "APKAALICE00000000001"),
        ("Encoding", "SSH"),
    ];
    let one = iam(&lagging, M, "GetSSHPublicKey", &ssh).expect("GetSSHPublicKey");
    assert_eq!(texts(&one, "Status"), ["Active"]);
    let state = introspect::state(&lagging);
    assert_eq!(
        state["accounts"][M]["users"]["Alice"]["ssh_keys"][0]["status"], "Inactive",
        "the state is the truth"
    );
    let consistent = world(&scenario("", ACCOUNT));
    update(&consistent, &CASES[2], "Alice", CASES[2].alice, "Inactive").expect("ssh");
    let one = iam(&consistent, M, "GetSSHPublicKey", &ssh).expect("GetSSHPublicKey");
    assert_eq!(texts(&one, "Status"), ["Inactive"]);
}

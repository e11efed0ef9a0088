//! The Organizations rules over a path: SCP allows at every level, denies anywhere, RCP denies,
//! and which certain or uncertain answer wins.

use super::*;
use crate::guardrails::evaluate::{evaluate, evaluate_rcps, evaluate_scps, Decision, Source};
use crate::guardrails::request::Request;

fn request(action: &str, context: Context) -> Request {
    Request::new(action, ROOT_ARN, context)
}

fn deny(body: &str) -> Policy {
    policy(
        "p-deny",
        "Deny",
        &format!(r#"{{"Version": "2012-10-17", "Statement": {body}}}"#),
    )
}

fn source(id: &str, name: &str, level: &str, sid: Option<&str>) -> Source {
    Source {
        policy_id: id.into(),
        policy_name: name.into(),
        level: level.into(),
        sid: sid.map(str::to_string),
    }
}

const OU: &str = "ou-ab12-11111111";

#[test]
fn full_aws_access_at_every_level_allows_everything_for_both_credentials() {
    for (who, c) in both() {
        assert_eq!(
            evaluate(&path(None, None), &request("iam:DeleteLoginProfile", c)),
            Decision::Allowed,
            "{who}"
        );
    }
}

#[test]
fn a_level_without_an_allowing_scp_is_not_allowed_even_with_allows_above_and_below() {
    let ec2_only = policy(
        "p-ec2",
        "EC2Only",
        r#"{"Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}"#,
    );
    let mut p = path(None, None);
    p[1].scps = vec![ec2_only];
    let r = |action: &str| request(action, session());
    assert_eq!(
        evaluate_scps(&p, &r("iam:DeleteLoginProfile")),
        Decision::NotAllowed { level: OU.into() }
    );
    assert_eq!(evaluate_scps(&p, &r("ec2:RunInstances")), Decision::Allowed);
    p[1].scps.clear();
    assert_eq!(
        evaluate_scps(&p, &r("ec2:RunInstances")),
        Decision::NotAllowed { level: OU.into() }
    );
    p[0].scps.clear();
    assert_eq!(
        evaluate_scps(&p, &r("ec2:RunInstances")),
        Decision::NotAllowed {
            level: "r-ab12".into()
        }
    );
    assert_eq!(
        evaluate_scps(&[], &r("ec2:RunInstances")),
        Decision::Allowed
    );
}

#[test]
fn a_matching_deny_at_any_level_wins_and_names_its_policy_level_and_sid() {
    let d = deny(
        r#"[{"Sid": "Other", "Effect": "Deny", "Action": "ec2:*", "Resource": "*"},
        {"Sid": "NoPassword", "Effect": "Deny", "Action": "iam:DeleteLoginProfile", "Resource": "*"}]"#,
    );
    let mut p = path(None, None);
    p[2].scps.push(d);
    let denied = Decision::Denied(source("p-deny", "Deny", ACCOUNT, Some("NoPassword")));
    assert_eq!(
        evaluate_scps(&p, &request("iam:DeleteLoginProfile", session())),
        denied
    );
    assert_eq!(
        evaluate_scps(&p, &request("iam:DeleteAccessKey", session())),
        Decision::Allowed
    );
}

#[test]
fn a_deny_that_may_match_makes_it_depend_unless_another_certainly_denies() {
    let maybe = r#"{"Sid": "Ip", "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}"#;
    let surely = r#"{"Sid": "Sure", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}"#;
    let r = |action: &str| request(action, session());
    let p = path(Some(deny(&format!("[{maybe}]"))), None);
    let depends = Decision::Depends {
        key: "aws:SourceIp".into(),
        source: source("p-deny", "Deny", OU, Some("Ip")),
    };
    assert_eq!(evaluate_scps(&p, &r("iam:GetUser")), depends);
    let p = path(Some(deny(&format!("[{maybe}, {surely}]"))), None);
    assert_eq!(
        evaluate_scps(&p, &r("iam:GetUser")),
        Decision::Denied(source("p-deny", "Deny", OU, Some("Sure")))
    );
    assert_eq!(evaluate_scps(&p, &r("ec2:RunInstances")), depends);
    // The first uncertain deny on the path is the one reported.
    let mut p = path(Some(deny(&format!("[{maybe}]"))), None);
    p[0].scps.push(policy(
        "p-mfa",
        "Mfa",
        r#"{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}}"#,
    ));
    let first = Decision::Depends {
        key: "aws:MultiFactorAuthPresent".into(),
        source: source("p-mfa", "Mfa", "r-ab12", None),
    };
    assert_eq!(evaluate_scps(&p, &r("iam:GetUser")), first);
}

#[test]
fn an_allow_that_hangs_on_an_unknown_key_makes_its_level_uncertain() {
    let conditional = policy(
        "p-cond",
        "OnlyFromOffice",
        r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "Ec2", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
        {"Sid": "Office", "Effect": "Allow", "Action": "*", "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}},
        {"Sid": "Later", "Effect": "Allow", "Action": "*", "Resource": "*",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}"#,
    );
    let mut p = path(None, None);
    p[2].scps = vec![conditional];
    let r = |action: &str| request(action, long_term());
    let uncertain = Decision::Depends {
        key: "aws:SourceIp".into(),
        source: source("p-cond", "OnlyFromOffice", ACCOUNT, Some("Office")),
    };
    assert_eq!(evaluate_scps(&p, &r("iam:GetUser")), uncertain);
    assert_eq!(evaluate_scps(&p, &r("ec2:RunInstances")), Decision::Allowed);
    // A certain "not allowed" at another level outranks it.
    p[1].scps.clear();
    assert_eq!(
        evaluate_scps(&p, &r("iam:GetUser")),
        Decision::NotAllowed { level: OU.into() }
    );
    // So does a certain deny; and an uncertain deny is reported before an uncertain allow.
    let mut p = path(
        Some(deny(
            r#"{"Effect": "Deny", "Action": "iam:GetUser", "Resource": "*"}"#,
        )),
        None,
    );
    p[2].scps = vec![policy(
        "p-cond",
        "C",
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
        "Condition": {"Bool": {"aws:ViaAWSService": "false"}}}}"#,
    )];
    assert_eq!(
        evaluate_scps(&p, &r("iam:GetUser")),
        Decision::Denied(source("p-deny", "Deny", OU, None))
    );
    p[1].scps[1] = deny(
        r#"{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#,
    );
    assert_eq!(
        evaluate_scps(&p, &r("iam:GetUser")),
        Decision::Depends {
            key: "aws:SecureTransport".into(),
            source: source("p-deny", "Deny", OU, None)
        }
    );
}

#[test]
fn rcps_only_deny_and_their_allows_change_nothing() {
    let rcp_full = policy(
        "p-RCPFullAWSAccess",
        "RCPFullAWSAccess",
        r#"{"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}"#,
    );
    let mut p = path(None, None);
    assert_eq!(
        evaluate_rcps(&p, &request("s3:DeleteBucketPolicy", session())),
        Decision::Allowed
    );
    p[1].rcps.push(rcp_full);
    assert_eq!(
        evaluate_rcps(&p, &request("s3:DeleteBucketPolicy", session())),
        Decision::Allowed
    );
    p[2].rcps.push(policy("p-none", "AllowsNothing", r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": "*"}}"#));
    assert_eq!(
        evaluate_rcps(&p, &request("s3:DeleteBucketPolicy", session())),
        Decision::Allowed
    );
    // RCP allows do not count as SCP allows, nor the reverse.
    p[1].scps.clear();
    assert_eq!(
        evaluate(&p, &request("s3:DeleteBucketPolicy", session())),
        Decision::NotAllowed { level: OU.into() }
    );
}

#[test]
fn the_combined_decision_takes_denied_over_not_allowed_over_depends_over_allowed() {
    let rcp = |condition: &str| {
        policy(
            "p-rcp",
            "Rcp",
            &format!(
                r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Deny",
            "Principal": "*", "Action": "s3:*", "Resource": "*"{condition}}}}}"#
            ),
        )
    };
    let r = request("s3:DeleteBucketPolicy", session());
    let surely = rcp("");
    let maybe = rcp(r#", "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}"#);
    let denied = Decision::Denied(source("p-rcp", "Rcp", "r-ab12", None));
    let depends = Decision::Depends {
        key: "aws:SourceVpce".into(),
        source: source("p-rcp", "Rcp", "r-ab12", None),
    };
    let not_allowed = Decision::NotAllowed { level: OU.into() };
    let mut p = path(None, Some(surely));
    assert_eq!(evaluate(&p, &r), denied);
    p[1].scps.clear();
    assert_eq!(evaluate(&p, &r), denied);
    let mut p = path(None, Some(maybe.clone()));
    assert_eq!(evaluate(&p, &r), depends);
    p[1].scps.clear();
    assert_eq!(evaluate(&p, &r), not_allowed);
    let mut p = path(
        Some(deny(
            r#"{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}"#,
        )),
        Some(maybe),
    );
    assert_eq!(
        evaluate(&p, &r),
        Decision::Denied(source("p-deny", "Deny", OU, None))
    );
    p[1].scps.truncate(1);
    p[1].scps.push(deny(r#"{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#));
    assert_eq!(
        evaluate(&p, &r),
        Decision::Depends {
            key: "aws:SecureTransport".into(),
            source: source("p-deny", "Deny", OU, None)
        }
    );
}

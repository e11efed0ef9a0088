//! Statement matching: actions regardless of case, resources as ARN patterns, principals, and
//! every condition together.

use super::*;
use crate::guardrails::document::Version;
use crate::guardrails::evaluate::applies;
use crate::guardrails::request::Request;

fn statement_truth(json: &str, action: &str, resource: &str) -> Truth {
    let d = doc(json);
    applies(
        &d.statements[0],
        d.version,
        &Request::new(action, resource, session()),
    )
}

#[test]
fn actions_match_regardless_of_case_with_wildcards_and_not_action_inverts_the_list() {
    let s = |actions: &str, action: &str| {
        let json = format!(r#"{{"Statement": {{"Effect": "Deny", {actions}, "Resource": "*"}}}}"#);
        statement_truth(&json, action, ROOT_ARN)
    };
    assert_eq!(
        s(r#""Action": "iam:Delete*""#, "iam:DeleteLoginProfile"),
        Truth::True
    );
    assert_eq!(
        s(
            r#""Action": "IAM:deleteloginprofile""#,
            "iam:DeleteLoginProfile"
        ),
        Truth::True
    );
    assert_eq!(
        s(
            r#""Action": ["ec2:*", "iam:Get*"]"#,
            "iam:DeleteLoginProfile"
        ),
        Truth::False
    );
    assert_eq!(
        s(r#""Action": ["ec2:*", "iam:Get*"]"#, "iam:GetUser"),
        Truth::True
    );
    assert_eq!(
        s(
            r#""NotAction": ["ec2:*", "iam:Get*"]"#,
            "iam:DeleteLoginProfile"
        ),
        Truth::True
    );
    assert_eq!(
        s(r#""NotAction": ["ec2:*", "iam:Get*"]"#, "iam:GetUser"),
        Truth::False
    );
}

#[test]
fn resources_match_arn_patterns_and_not_resource_inverts_the_list() {
    let s = |resources: &str, resource: &str| {
        let json = format!(
            r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Deny", "Action": "*", {resources}}}}}"#
        );
        statement_truth(&json, "s3:DeleteBucketPolicy", resource)
    };
    let bucket = "arn:aws:s3:::amzn-s3-demo-bucket";
    assert_eq!(
        s(r#""Resource": "arn:aws:s3:::amzn-s3-*""#, bucket),
        Truth::True
    );
    assert_eq!(
        s(
            r#""Resource": ["arn:aws:s3:::other", "arn:aws:s3:::*"]"#,
            bucket
        ),
        Truth::True
    );
    assert_eq!(
        s(r#""Resource": "arn:aws:s3:::other""#, bucket),
        Truth::False
    );
    assert_eq!(
        s(r#""Resource": "arn:aws:s3:::AMZN-*""#, bucket),
        Truth::False
    );
    assert_eq!(
        s(r#""NotResource": "arn:aws:s3:::other""#, bucket),
        Truth::True
    );
    assert_eq!(
        s(r#""NotResource": "arn:aws:s3:::amzn-*""#, bucket),
        Truth::False
    );
    let own = r#""Resource": "arn:aws:iam::${aws:PrincipalAccount}:root""#;
    assert_eq!(s(own, ROOT_ARN), Truth::True);
    assert_eq!(s(own, "arn:aws:iam::444455556666:root"), Truth::False);
    let tagged = r#""NotResource": "arn:aws:s3:::${aws:PrincipalTag/bucket}""#;
    assert_eq!(s(tagged, bucket), depends("aws:PrincipalTag/bucket"));
    // Without the 2012-10-17 version a variable is literal text.
    let old =
        r#"{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "arn:aws:s3:::${x}"}}"#;
    assert_eq!(
        statement_truth(old, "s3:GetObject", "arn:aws:s3:::${x}"),
        Truth::True
    );
}

#[test]
fn principals_other_than_everyone_are_not_guessed() {
    let s = |principal: &str| {
        let json = format!(
            r#"{{"Statement": {{"Effect": "Deny", {principal}, "Action": "*", "Resource": "*"}}}}"#
        );
        statement_truth(&json, "s3:GetObject", "arn:aws:s3:::b")
    };
    assert_eq!(s(r#""Principal": "*""#), Truth::True);
    assert_eq!(
        s(r#""Principal": {"AWS": "arn:aws:iam::1:root"}"#),
        depends("Principal")
    );
    assert_eq!(s(r#""NotPrincipal": "*""#), Truth::False);
    assert_eq!(
        s(r#""NotPrincipal": {"AWS": "arn:aws:iam::1:root"}"#),
        depends("NotPrincipal")
    );
}

#[test]
fn a_statement_needs_its_action_resource_principal_and_every_condition() {
    let json = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny",
        "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "iam:*", "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:PrincipalAccount": "1"}}}}"#;
    let d = doc(json);
    let r = |action: &str| Request::new(action, ROOT_ARN, session());
    assert_eq!(
        applies(&d.statements[0], Version::V2012, &r("iam:GetUser")),
        Truth::False
    );
    assert_eq!(
        applies(&d.statements[0], Version::V2012, &r("s3:GetObject")),
        Truth::False
    );
    let no_conditions = r#"{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:PrincipalAccount": "111122223333"}}}}"#;
    assert_eq!(
        statement_truth(no_conditions, "iam:GetUser", ROOT_ARN),
        depends("aws:SecureTransport")
    );
}

#[test]
fn an_unknown_resource_matches_a_star_and_depends_on_any_named_resource() {
    use crate::guardrails::evaluate::{evaluate, Decision};
    use crate::guardrails::request::Request;
    let star = r#"{"Version": "2012-10-17", "Statement": {"Sid": "S", "Effect": "Deny",
        "Action": "s3:DeleteBucketPolicy", "Resource": "*"}}"#;
    let named = r#"{"Version": "2012-10-17", "Statement": {"Sid": "N", "Effect": "Deny",
        "Action": "s3:DeleteBucketPolicy", "Resource": "arn:aws:s3:::logs"}}"#;
    let not_named = r#"{"Version": "2012-10-17", "Statement": {"Sid": "X", "Effect": "Deny",
        "Action": "s3:DeleteBucketPolicy", "NotResource": "*"}}"#;
    let request = || Request::any_resource("s3:DeleteBucketPolicy", session());
    let decide = |json| evaluate(&path(Some(policy("p-t", "T", json)), None), &request());
    assert!(matches!(decide(star), Decision::Denied(_)));
    assert!(matches!(decide(named), Decision::Depends { key, .. } if key == "Resource"));
    assert_eq!(decide(not_named), Decision::Allowed);
}

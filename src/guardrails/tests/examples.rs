//! AWS's published guardrails, each evaluated for a root session and for long-term root
//! credentials: the aws-samples root-credentials SCP, Control Tower's root-user controls with and
//! without `ExemptAssumeRoot`, an allow-list SCP, a region deny with `NotAction`, a source-IP
//! deny, and RCPs from the AWS Organizations examples.

use super::*;
use crate::guardrails::evaluate::{evaluate, Decision};
use crate::guardrails::request::Request;

/// The aws-samples service-control-policy-examples SCP that blocks long-term root credentials
/// and lets root sessions through.
const AWS_SAMPLES_ROOT: &str = r#"{"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]},
                  "Null": {"aws:AssumedRoot": "true"}}}]}"#;

/// Control Tower's AWS-GR_RESTRICT_ROOT_USER artifact as published, without parameters.
const CT_RESTRICT_ROOT: &str = r#"{"Version": "2012-10-17", "Statement": [{
    "Sid": "GRRESTRICTROOTUSER", "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"ArnLike": {"aws:PrincipalArn": ["arn:*:iam::*:root"]}}}]}"#;

/// The same control enabled with ExemptAssumeRoot (and an ExemptedPrincipalArns list).
const CT_RESTRICT_ROOT_EXEMPT: &str = r#"{"Version": "2012-10-17", "Statement": [{
    "Sid": "GRRESTRICTROOTUSER", "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"ArnLike": {"aws:PrincipalArn": ["arn:*:iam::*:root"]},
                  "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/BreakGlass"]},
                  "Null": {"aws:AssumedRoot": "true"}}}]}"#;

/// The control's earlier artifact (StringLike, `aws` partition only).
const CT_RESTRICT_ROOT_2019: &str = r#"{"Version": "2012-10-17", "Statement": [{
    "Sid": "GRRESTRICTROOTUSER", "Effect": "Deny", "Action": "*", "Resource": ["*"],
    "Condition": {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}}}]}"#;

/// An exemption for root sessions written with BoolIfExists instead of Null.
const ROOT_DENY_BOOL_IF_EXISTS: &str = r#"{"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyLongTermRoot", "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"},
                  "BoolIfExists": {"aws:AssumedRoot": "false"}}}]}"#;

const EC2_ONLY: &str = r#"{"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}"#;

/// The Organizations example that denies actions outside two regions, global services excepted.
const REGION_DENY: &str = r#"{"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyAllOutsideEU", "Effect": "Deny",
    "NotAction": ["a4b:*", "budgets:*", "ce:*", "cloudfront:*", "iam:*", "organizations:*",
                  "route53:*", "sts:*", "support:*"],
    "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "eu-west-1"]}}}]}"#;

/// The IAM User Guide's deny of requests from outside an address range.
const SOURCE_IP_DENY: &str = r#"{"Version": "2012-10-17", "Statement": {
    "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]},
                  "Bool": {"aws:ViaAWSService": "false"}}}}"#;

const DENY_DELETE_LOGIN_PROFILE: &str = r#"{"Version": "2012-10-17", "Statement": {
    "Sid": "KeepPasswords", "Effect": "Deny", "Action": "iam:DeleteLoginProfile",
    "Resource": "*"}}"#;

const RCP_DENY_DELETE_BUCKET_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": {
    "Sid": "KeepBucketPolicies", "Effect": "Deny", "Principal": "*",
    "Action": "s3:DeleteBucketPolicy", "Resource": "*"}}"#;

/// The AWS KMS developer guide's identity perimeter, applied to S3.
const RCP_IDENTITY_PERIMETER: &str = r#"{"Version": "2012-10-17", "Statement": [{
    "Sid": "RCPEnforceIdentityPerimeter", "Effect": "Deny", "Principal": "*",
    "Action": "s3:*", "Resource": "*",
    "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                  "Bool": {"aws:PrincipalIsAWSService": "false"}}}]}"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allowed,
    Denied,
    NotAllowed,
    Depends(&'static str),
}

fn expect(decision: &Decision) -> Expect {
    match decision {
        Decision::Allowed => Expect::Allowed,
        Decision::Denied(_) => Expect::Denied,
        Decision::NotAllowed { .. } => Expect::NotAllowed,
        Decision::Depends { key, .. } if key == "aws:SourceIp" => Expect::Depends("aws:SourceIp"),
        Decision::Depends { key, .. } if key == "aws:RequestedRegion" => {
            Expect::Depends("aws:RequestedRegion")
        }
        Decision::Depends { key, .. } if key == "aws:PrincipalOrgID" => {
            Expect::Depends("aws:PrincipalOrgID")
        }
        Decision::Depends { key, .. } => panic!("depends on an unexpected key {key}"),
    }
}

enum Attach {
    /// An SCP at the OU, beside FullAWSAccess.
    Scp,
    /// The OU's only SCP: an allow-list.
    OnlyScp,
    /// An RCP at the root.
    Rcp,
}

struct Case {
    policy: &'static str,
    attach: Attach,
    action: &'static str,
    resource: &'static str,
    /// What is known besides the root user's own keys: `(key, value)`.
    known: &'static [(&'static str, &'static str)],
    session: Expect,
    long_term: Expect,
}

const BUCKET: &str = "arn:aws:s3:::amzn-s3-demo-bucket";
const EU: &[(&str, &str)] = &[("aws:RequestedRegion", "eu-west-1")];
const US: &[(&str, &str)] = &[("aws:RequestedRegion", "us-east-1")];
const ORG: &[(&str, &str)] = &[("aws:PrincipalOrgID", "o-a1b2c3d4e5")];
const OTHER_ORG: &[(&str, &str)] = &[("aws:PrincipalOrgID", "o-zzzzzzzzzz")];
const DIRECT: &[(&str, &str)] = &[("aws:ViaAWSService", "false")];
const OFFICE: &[(&str, &str)] = &[
    ("aws:SourceIp", "203.0.113.9"),
    ("aws:ViaAWSService", "false"),
];
const ELSEWHERE: &[(&str, &str)] = &[
    ("aws:SourceIp", "198.51.100.9"),
    ("aws:ViaAWSService", "false"),
];

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case { policy: FULL_AWS_ACCESS, attach: Attach::Scp, action: "iam:DeleteLoginProfile", resource: ROOT_ARN, known: &[], session: Expect::Allowed, long_term: Expect::Allowed },
    Case { policy: AWS_SAMPLES_ROOT, attach: Attach::Scp, action: "iam:DeleteLoginProfile", resource: ROOT_ARN, known: &[], session: Expect::Allowed, long_term: Expect::Denied },
    Case { policy: AWS_SAMPLES_ROOT, attach: Attach::Scp, action: "s3:DeleteBucketPolicy", resource: BUCKET, known: &[], session: Expect::Allowed, long_term: Expect::Denied },
    Case { policy: CT_RESTRICT_ROOT, attach: Attach::Scp, action: "iam:DeleteLoginProfile", resource: ROOT_ARN, known: &[], session: Expect::Denied, long_term: Expect::Denied },
    Case { policy: CT_RESTRICT_ROOT_EXEMPT, attach: Attach::Scp, action: "iam:DeleteLoginProfile", resource: ROOT_ARN, known: &[], session: Expect::Allowed, long_term: Expect::Denied },
    Case { policy: CT_RESTRICT_ROOT_2019, attach: Attach::Scp, action: "iam:ListAccessKeys", resource: ROOT_ARN, known: &[], session: Expect::Denied, long_term: Expect::Denied },
    Case { policy: ROOT_DENY_BOOL_IF_EXISTS, attach: Attach::Scp, action: "iam:DeleteAccessKey", resource: ROOT_ARN, known: &[], session: Expect::Allowed, long_term: Expect::Denied },
    Case { policy: EC2_ONLY, attach: Attach::OnlyScp, action: "iam:DeleteLoginProfile", resource: ROOT_ARN, known: &[], session: Expect::NotAllowed, long_term: Expect::NotAllowed },
    Case { policy: EC2_ONLY, attach: Attach::OnlyScp, action: "ec2:DescribeInstances", resource: "*", known: &[], session: Expect::Allowed, long_term: Expect::Allowed },
    Case { policy: REGION_DENY, attach: Attach::Scp, action: "iam:DeleteLoginProfile", resource: ROOT_ARN, known: US, session: Expect::Allowed, long_term: Expect::Allowed },
    Case { policy: REGION_DENY, attach: Attach::Scp, action: "s3:DeleteBucketPolicy", resource: BUCKET, known: US, session: Expect::Denied, long_term: Expect::Denied },
    Case { policy: REGION_DENY, attach: Attach::Scp, action: "s3:DeleteBucketPolicy", resource: BUCKET, known: EU, session: Expect::Allowed, long_term: Expect::Allowed },
    Case { policy: REGION_DENY, attach: Attach::Scp, action: "sqs:SetQueueAttributes", resource: "arn:aws:sqs:us-east-1:111122223333:q", known: &[], session: Expect::Depends("aws:RequestedRegion"), long_term: Expect::Depends("aws:RequestedRegion") },
    Case { policy: SOURCE_IP_DENY, attach: Attach::Scp, action: "iam:DeleteLoginProfile", resource: ROOT_ARN, known: DIRECT, session: Expect::Depends("aws:SourceIp"), long_term: Expect::Depends("aws:SourceIp") },
    Case { policy: SOURCE_IP_DENY, attach: Attach::Scp, action: "iam:DeleteLoginProfile", resource: ROOT_ARN, known: OFFICE, session: Expect::Allowed, long_term: Expect::Allowed },
    Case { policy: SOURCE_IP_DENY, attach: Attach::Scp, action: "iam:DeleteLoginProfile", resource: ROOT_ARN, known: ELSEWHERE, session: Expect::Denied, long_term: Expect::Denied },
    Case { policy: DENY_DELETE_LOGIN_PROFILE, attach: Attach::Scp, action: "iam:DeleteLoginProfile", resource: ROOT_ARN, known: &[], session: Expect::Denied, long_term: Expect::Denied },
    Case { policy: DENY_DELETE_LOGIN_PROFILE, attach: Attach::Scp, action: "iam:DeactivateMFADevice", resource: ROOT_ARN, known: &[], session: Expect::Allowed, long_term: Expect::Allowed },
    Case { policy: RCP_DENY_DELETE_BUCKET_POLICY, attach: Attach::Rcp, action: "s3:DeleteBucketPolicy", resource: BUCKET, known: &[], session: Expect::Denied, long_term: Expect::Denied },
    Case { policy: RCP_DENY_DELETE_BUCKET_POLICY, attach: Attach::Rcp, action: "s3:PutBucketPolicy", resource: BUCKET, known: &[], session: Expect::Allowed, long_term: Expect::Allowed },
    Case { policy: RCP_IDENTITY_PERIMETER, attach: Attach::Rcp, action: "s3:DeleteBucketPolicy", resource: BUCKET, known: ORG, session: Expect::Allowed, long_term: Expect::Allowed },
    Case { policy: RCP_IDENTITY_PERIMETER, attach: Attach::Rcp, action: "s3:DeleteBucketPolicy", resource: BUCKET, known: OTHER_ORG, session: Expect::Denied, long_term: Expect::Denied },
    Case { policy: RCP_IDENTITY_PERIMETER, attach: Attach::Rcp, action: "s3:DeleteBucketPolicy", resource: BUCKET, known: &[], session: Expect::Depends("aws:PrincipalOrgID"), long_term: Expect::Depends("aws:PrincipalOrgID") },
];

#[test]
fn aws_published_guardrails_decide_root_sessions_and_long_term_root_as_documented() {
    for (n, case) in CASES.iter().enumerate() {
        let p = policy("p-example", "Example", case.policy);
        let levels = match case.attach {
            Attach::Scp => path(Some(p), None),
            Attach::Rcp => path(None, Some(p)),
            Attach::OnlyScp => {
                let mut levels = path(None, None);
                levels[1].scps = vec![p];
                levels
            }
        };
        for (who, context, expected) in [
            ("session", session(), case.session),
            ("long-term", long_term(), case.long_term),
        ] {
            let context = case.known.iter().fold(context, |c, (k, v)| c.with(k, [*v]));
            let decision = evaluate(&levels, &Request::new(case.action, case.resource, context));
            assert_eq!(
                expect(&decision),
                expected,
                "case {n} ({}), {who}: {decision:?}",
                case.action
            );
        }
    }
}

#[test]
fn a_denial_by_control_tower_names_the_control_s_statement_and_the_ou() {
    let p = path(
        Some(policy("p-kve97k0o", "aws-guardrails-xyz", CT_RESTRICT_ROOT)),
        None,
    );
    let decision = evaluate(
        &p,
        &Request::new("iam:DeleteLoginProfile", ROOT_ARN, session()),
    );
    let Decision::Denied(source) = decision else {
        panic!("not denied: {decision:?}");
    };
    assert_eq!(source.policy_id, "p-kve97k0o");
    assert_eq!(source.policy_name, "aws-guardrails-xyz");
    assert_eq!(source.level, "ou-ab12-11111111");
    assert_eq!(source.sid.as_deref(), Some("GRRESTRICTROOTUSER"));
}

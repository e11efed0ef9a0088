//! The root tasks rootsweep runs and the exact actions each sends in a root session, and how a
//! task is judged: every action evaluated against the account's path, as a root session and as
//! long-term root credentials, the worst decision winning. Pure.

use super::evaluate::{evaluate, evaluate_rcps, evaluate_scps, Decision, Level};
use super::request::{Context, Credentials, Request};

/// A root task of rootsweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// `audit` (`IAMAuditRootUserCredentials`).
    Audit,
    /// `delete` (`IAMDeleteRootUserCredentials`).
    Delete,
    /// `recover` (`IAMCreateRootUserPassword`).
    Recover,
    /// `unlock s3` (`S3UnlockBucketPolicy`).
    UnlockS3,
    /// `unlock sqs` (`SQSUnlockQueuePolicy`).
    UnlockSqs,
}

impl Task {
    /// Every task, in report order.
    pub const ALL: [Task; 5] = [
        Task::Audit,
        Task::Delete,
        Task::Recover,
        Task::UnlockS3,
        Task::UnlockSqs,
    ];

    /// The task as reports spell it (the command).
    pub fn name(self) -> &'static str {
        match self {
            Task::Audit => "audit",
            Task::Delete => "delete",
            Task::Recover => "recover",
            Task::UnlockS3 => "unlock s3",
            Task::UnlockSqs => "unlock sqs",
        }
    }

    /// The actions the task calls in its root session (reads, re-checks and changes).
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Task::Audit => &[
                "iam:GetLoginProfile",
                "iam:ListMFADevices",
                "iam:ListAccessKeys",
                "iam:GetAccessKeyLastUsed",
                "iam:ListSigningCertificates",
                "iam:GetUser",
            ],
            Task::Delete => &[
                "iam:GetLoginProfile",
                "iam:ListMFADevices",
                "iam:DeleteLoginProfile",
                "iam:DeactivateMFADevice",
            ],
            Task::Recover => &["iam:GetLoginProfile", "iam:CreateLoginProfile"],
            Task::UnlockS3 => &["s3:GetBucketPolicy", "s3:DeleteBucketPolicy"],
            Task::UnlockSqs => &["sqs:GetQueueAttributes", "sqs:SetQueueAttributes"],
        }
    }
}

/// Services whose resources RCPs govern (AWS Organizations User Guide, "Resource control
/// policies").
const RCP_SERVICES: [&str; 5] = ["s3", "sts", "sqs", "kms", "secretsmanager"];

/// What rootsweep knows of the account and the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known<'a> {
    /// `aws`, `aws-us-gov`, `aws-cn`.
    pub partition: &'a str,
    /// The member account.
    pub account: &'a str,
    /// The organization id (`aws:PrincipalOrgID`).
    pub org_id: &'a str,
    /// The region S3 and SQS calls are sent to.
    pub region: &'a str,
}

/// The region IAM's global endpoint signs for in a partition.
fn iam_region(partition: &str) -> &'static str {
    match partition {
        "aws-us-gov" => "us-gov-west-1",
        "aws-cn" => "cn-north-1",
        _ => "us-east-1",
    }
}

/// The request of one action of a task, as rootsweep sends it: IAM acts on the root user; the
/// bucket or queue of an unlock is not known here.
pub fn request(action: &str, known: &Known<'_>, credentials: Credentials) -> Request {
    let iam = action.starts_with("iam:");
    let region = if iam {
        iam_region(known.partition)
    } else {
        known.region
    };
    let context = Context::root(known.partition, known.account, credentials)
        .with_org_id(known.org_id)
        .with_region(region)
        // rootsweep sends every call itself, never through another service.
        .with("aws:ViaAWSService", ["false"]);
    if iam {
        let root = format!("arn:{}:iam::{}:root", known.partition, known.account);
        Request::new(action, &root, context)
    } else {
        Request::any_resource(action, context)
    }
}

/// One action's decision: SCPs unless none is attached at the root (the policy type is not
/// enabled: Organizations keeps at least one SCP on every target while it is), and RCPs for the
/// services they govern.
pub fn decide(path: &[Level], request: &Request) -> Decision {
    let service = request.action.split(':').next().unwrap_or_default();
    let rcps = RCP_SERVICES.contains(&service.to_ascii_lowercase().as_str());
    let scps = path.first().is_some_and(|root| !root.scps.is_empty());
    match (scps, rcps) {
        (true, true) => evaluate(path, request),
        (true, false) => evaluate_scps(path, request),
        (false, true) => evaluate_rcps(path, request),
        (false, false) => Decision::Allowed,
    }
}

/// A task's decision: the worst of its actions' (denied, then not allowed, then depends), with
/// the action it comes from (`None` when every action is allowed).
pub fn judge(
    path: &[Level],
    task: Task,
    known: &Known<'_>,
    credentials: Credentials,
) -> (Decision, Option<&'static str>) {
    let mut worst = (Decision::Allowed, None);
    for action in task.actions() {
        let decision = decide(path, &request(action, known, credentials));
        if rank(&decision) < rank(&worst.0) {
            worst = (decision, Some(*action));
        }
    }
    worst
}

fn rank(decision: &Decision) -> u8 {
    match decision {
        Decision::Denied(_) => 0,
        Decision::NotAllowed { .. } => 1,
        Decision::Depends { .. } => 2,
        Decision::Allowed => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guardrails::evaluate::Policy;
    use crate::guardrails::request::Lookup;
    use crate::guardrails::Document;

    fn known(partition: &'static str) -> Known<'static> {
        Known {
            partition,
            account: "111122223333",
            org_id: "o-1",
            region: "eu-west-1",
        }
    }

    fn region(request: &Request) -> Vec<String> {
        match request.context.lookup("aws:RequestedRegion") {
            Lookup::Present(values) => values.to_vec(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn iam_is_signed_for_its_partition_s_global_region_the_rest_for_the_run_s() {
        for (partition, expected) in [
            ("aws", "us-east-1"),
            ("aws-us-gov", "us-gov-west-1"),
            ("aws-cn", "cn-north-1"),
        ] {
            let iam = request("iam:GetUser", &known(partition), Credentials::RootSession);
            assert_eq!(region(&iam), [expected], "{partition}");
            let root = format!("arn:{partition}:iam::111122223333:root");
            assert_eq!(iam.resource.as_deref(), Some(root.as_str()));
            let s3 = request(
                "s3:GetBucketPolicy",
                &known(partition),
                Credentials::RootSession,
            );
            assert_eq!(region(&s3), ["eu-west-1"], "{partition}");
            assert_eq!(s3.resource, None);
        }
    }

    #[test]
    fn a_task_names_the_first_of_its_actions_that_is_refused_the_worst() {
        let policy = |id: &str, json: &str| Policy {
            id: id.into(),
            name: id.into(),
            document: Document::parse(json).expect("parses"),
        };
        let all = policy(
            "p-all",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        );
        let deny = policy(
            "p-deny",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
        );
        let path = vec![
            Level {
                target: "r-1".into(),
                scps: vec![all.clone()],
                rcps: vec![],
            },
            Level {
                target: "111122223333".into(),
                scps: vec![all, deny],
                rcps: vec![],
            },
        ];
        let (decision, action) =
            judge(&path, Task::Delete, &known("aws"), Credentials::RootSession);
        assert!(matches!(decision, Decision::Denied(_)), "{decision:?}");
        assert_eq!(action, Some("iam:GetLoginProfile"));
        let (decision, action) = judge(
            &path,
            Task::UnlockS3,
            &known("aws"),
            Credentials::RootSession,
        );
        assert_eq!((decision, action), (Decision::Allowed, None));
    }

    #[test]
    fn tasks_are_spelled_as_the_commands_that_run_them() {
        let names: Vec<&str> = Task::ALL.iter().map(|t| t.name()).collect();
        assert_eq!(
            names,
            ["audit", "delete", "recover", "unlock s3", "unlock sqs"]
        );
    }
}

//! The guardrails job over an in-memory organization: each account's verdict per task for the
//! issue's scenario list, the management account never read, ancestry from ListParents when
//! the listing has none, and an unparsable policy making the account unknown.

use super::FULL_AWS_ACCESS;
use crate::call::Error;
use crate::guardrails::api::{Attached, Kind, Policies};
use crate::guardrails::job::{long_term_guardrail, word, Finding, Job};
use crate::guardrails::tasks::Task;
use crate::guardrails::Decision;
use crate::model::Account;
use std::collections::HashMap;
use std::sync::Mutex;

const CT: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"GRRESTRICTROOTUSER","Effect":"Deny","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":["arn:*:iam::*:root"]}}}]}"#;
const KEEP_PASSWORDS: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"KeepPasswords","Effect":"Deny","Action":"iam:DeleteLoginProfile","Resource":"*"}]}"#;
const EC2: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#;
const READS: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"R","Effect":"Deny","NotAction":["iam:Get*","iam:List*","s3:Get*","sqs:Get*"],"Resource":"*"}]}"#;
const OFFICE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"O","Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}"#;
const RCP_FULL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;
const KEEP_BUCKETS: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"KB","Effect":"Deny","Principal":"*","Action":["s3:DeleteBucketPolicy","iam:*"],"Resource":"*"}]}"#;

#[derive(Default)]
struct Fake {
    /// (target, kind) → policy ids.
    attached: HashMap<(String, Kind), Vec<String>>,
    contents: HashMap<String, String>,
    parents: HashMap<String, Vec<String>>,
    calls: Mutex<Vec<String>>,
}

impl Fake {
    fn attach(mut self, target: &str, kind: Kind, id: &str, json: &str) -> Fake {
        self.attached
            .entry((target.into(), kind))
            .or_default()
            .push(id.into());
        self.contents.insert(id.into(), json.into());
        self
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().expect("lock").clone()
    }
}

impl Policies for Fake {
    async fn parents(&self, account_id: &str) -> Result<Vec<String>, Error> {
        self.calls
            .lock()
            .expect("lock")
            .push(format!("parents {account_id}"));
        Ok(self.parents.get(account_id).cloned().unwrap_or_default())
    }

    async fn attached(&self, target: &str, kind: Kind) -> Result<Vec<Attached>, Error> {
        self.calls
            .lock()
            .expect("lock")
            .push(format!("attached {target}"));
        let ids = self
            .attached
            .get(&(target.into(), kind))
            .cloned()
            .unwrap_or_default();
        Ok(ids
            .into_iter()
            .map(|id| Attached {
                name: format!("name-{id}"),
                id,
            })
            .collect())
    }

    async fn content(&self, policy_id: &str) -> Result<String, Error> {
        Ok(self.contents.get(policy_id).cloned().unwrap_or_default())
    }
}

const ROOT: &str = "r-ab12";
const OU: &str = "ou-ab12-11111111";
const ID: &str = "222222222222";

fn account(ou_ids: &str) -> Account {
    Account {
        id: ID.into(),
        name: "a".into(),
        email: String::new(),
        state: "ACTIVE".into(),
        ou_path: String::new(),
        ou_ids: ou_ids.into(),
    }
}

/// FullAWSAccess and RCPFullAWSAccess on the root, the OU and the account, with `extra` added.
fn organization(extra: impl FnOnce(Fake) -> Fake) -> Fake {
    let mut fake = Fake::default();
    for t in [ROOT, OU, ID] {
        fake = fake
            .attach(t, Kind::Scp, "p-FullAWSAccess", FULL_AWS_ACCESS)
            .attach(t, Kind::Rcp, "p-RCPFullAWSAccess", RCP_FULL);
    }
    extra(fake)
}

/// (task, session verdict, long-term verdict) for each task.
async fn verdicts(fake: Fake) -> Vec<(&'static str, &'static str, &'static str)> {
    let job = Job::new(fake, "111111111111", "o-a1b2c3d4e5", "aws", "us-east-1");
    match job.evaluate(&account(&format!("{ROOT}/{OU}"))).await {
        Finding::Evaluated { verdicts, path } => {
            assert_eq!(path, [ROOT, OU, ID]);
            verdicts
                .iter()
                .map(|v| (v.task.name(), word(&v.session.0), word(&v.long_term.0)))
                .collect()
        }
        other => panic!("not evaluated: {other:?}"),
    }
}

fn each(
    session: [&'static str; 5],
    long_term: [&'static str; 5],
) -> Vec<(&'static str, &'static str, &'static str)> {
    Task::ALL
        .iter()
        .zip(session.iter().zip(long_term))
        .map(|(t, (s, l))| (t.name(), *s, l))
        .collect()
}

#[tokio::test]
async fn each_guardrail_of_the_issue_gives_the_documented_verdict_per_task() {
    const A: &str = "allowed";
    const D: &str = "denied";
    let cases: Vec<(&str, Fake, [&str; 5], [&str; 5])> = vec![
        ("none", organization(|f| f), [A; 5], [A; 5]),
        (
            "control tower",
            organization(|f| f.attach(OU, Kind::Scp, "p-ct", CT)),
            [D; 5],
            [D; 5],
        ),
        (
            "recommended",
            organization(|f| f.attach(OU, Kind::Scp, "p-rec", crate::guardrails::recommend::SCP)),
            [A; 5],
            [D; 5],
        ),
        (
            "keep passwords",
            organization(|f| f.attach(ID, Kind::Scp, "p-kp", KEEP_PASSWORDS)),
            [A, D, A, A, A],
            [A, D, A, A, A],
        ),
        (
            "not action",
            organization(|f| f.attach(ID, Kind::Scp, "p-r", READS)),
            [A, D, D, D, D],
            [A, D, D, D, D],
        ),
        (
            "source ip",
            organization(|f| f.attach(ID, Kind::Scp, "p-o", OFFICE)),
            ["depends"; 5],
            ["depends"; 5],
        ),
        (
            "rcp",
            organization(|f| f.attach(ID, Kind::Rcp, "p-kb", KEEP_BUCKETS)),
            [A, A, A, D, A],
            [A, A, A, D, A],
        ),
    ];
    for (name, fake, session, long_term) in cases {
        assert_eq!(verdicts(fake).await, each(session, long_term), "{name}");
    }
    let mut ec2 = organization(|f| f.attach(OU, Kind::Scp, "p-ec2", EC2));
    ec2.attached
        .insert((OU.into(), Kind::Scp), vec!["p-ec2".into()]);
    assert_eq!(
        verdicts(ec2).await,
        each(["not-allowed"; 5], ["not-allowed"; 5])
    );
}

#[tokio::test]
async fn a_denial_names_the_action_policy_level_and_statement_and_depends_names_its_key() {
    let fake = organization(|f| f.attach(ID, Kind::Scp, "p-kp", KEEP_PASSWORDS));
    let job = Job::new(fake, "111111111111", "o-a1b2c3d4e5", "aws", "us-east-1");
    let Finding::Evaluated { verdicts, .. } = job.evaluate(&account(&format!("{ROOT}/{OU}"))).await
    else {
        panic!("not evaluated");
    };
    let delete = &verdicts[1];
    assert_eq!(delete.session.1, Some("iam:DeleteLoginProfile"));
    let Decision::Denied(source) = &delete.session.0 else {
        panic!("not denied: {delete:?}");
    };
    assert_eq!(
        (source.policy_id.as_str(), source.policy_name.as_str()),
        ("p-kp", "name-p-kp")
    );
    assert_eq!(
        (source.level.as_str(), source.sid.as_deref()),
        (ID, Some("KeepPasswords"))
    );
    assert_eq!(long_term_guardrail(&verdicts), "no");

    let fake = organization(|f| f.attach(ID, Kind::Scp, "p-o", OFFICE));
    let job = Job::new(fake, "111111111111", "o-a1b2c3d4e5", "aws", "us-east-1");
    let Finding::Evaluated { verdicts, .. } = job.evaluate(&account(&format!("{ROOT}/{OU}"))).await
    else {
        panic!("not evaluated");
    };
    assert!(
        matches!(&verdicts[0].session.0, Decision::Depends { key, .. } if key == "aws:SourceIp")
    );
    assert_eq!(long_term_guardrail(&verdicts), "depends");
}

#[tokio::test]
async fn the_management_account_is_never_read_and_a_missing_ancestry_comes_from_list_parents() {
    let fake = organization(|f| f);
    let job = Job::new(fake, ID, "o-a1b2c3d4e5", "aws", "us-east-1");
    assert_eq!(job.evaluate(&account("")).await, Finding::Management);
    assert!(job.policies_calls().is_empty());

    let mut fake = organization(|f| f);
    fake.parents.insert(ID.into(), vec![ROOT.into(), OU.into()]);
    let job = Job::new(fake, "111111111111", "o-a1b2c3d4e5", "aws", "us-east-1");
    let Finding::Evaluated { path, .. } = job.evaluate(&account("")).await else {
        panic!("not evaluated");
    };
    assert_eq!(path, [ROOT, OU, ID]);
    assert_eq!(job.policies_calls()[0], format!("parents {ID}"));
}

#[tokio::test]
async fn an_unparsable_policy_makes_the_account_unknown_and_no_scp_at_the_root_means_scps_are_off()
{
    let fake = organization(|f| f.attach(OU, Kind::Scp, "p-bad", "{not json"));
    let job = Job::new(fake, "111111111111", "o-a1b2c3d4e5", "aws", "us-east-1");
    match job.evaluate(&account(&format!("{ROOT}/{OU}"))).await {
        Finding::Failed(e) => assert!(e.message.contains("p-bad"), "{e}"),
        other => panic!("not failed: {other:?}"),
    }
    let off = Fake::default().attach(OU, Kind::Scp, "p-ec2", EC2);
    assert_eq!(verdicts(off).await, each(["allowed"; 5], ["allowed"; 5]));
}

impl Job<Fake> {
    fn policies_calls(&self) -> Vec<String> {
        self.policies().calls()
    }
}

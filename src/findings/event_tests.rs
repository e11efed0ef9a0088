//! Tests of the OCSF finding as rootsweep fills it.

use super::*;
use crate::findings::ROOT_ACCESS_KEY;

fn run() -> Run {
    Run {
        organization: "o-abc".into(),
        partition: "aws".into(),
        region: "us-east-1".into(),
        time_ms: 1_700_000_000_000,
        version: "0.1.0".into(),
        command: "audit".into(),
    }
}

fn check(outcome: Outcome) -> Check {
    Check {
        control: ROOT_ACCESS_KEY,
        outcome,
        principal: "root".into(),
        principal_arn: "arn:aws:iam::222222222201:root".into(),
        credential: "access_keys".into(),
        credential_id: String::new(),
        desc: "2 root access keys".into(),
        evidence: Evidences::default(),
    }
}

fn account() -> Account {
    Account {
        id: "222222222201".into(),
        name: "dev".into(),
        ou_path: "Root/Prod".into(),
        ou_id: "ou-a-1".into(),
    }
}

#[test]
fn a_failed_check_is_a_new_finding_of_its_controls_severity_with_its_control_ids() {
    let f =
        serde_json::to_value(finding(&run(), &account(), check(Outcome::Failed))).expect("json");
    assert_eq!(f["type_uid"], 200401);
    assert_eq!(f["status_id"], 1);
    assert_eq!(f["severity_id"], 5);
    assert_eq!(f["cloud"]["org"]["ou_name"], "Root/Prod");
    assert_eq!(f["unmapped"]["compliance"]["status_id"], 3);
    assert_eq!(f["unmapped"]["compliance"]["requirements"][0], "FSBP IAM.4");
    assert_eq!(f["resources"].as_array().map(Vec::len), Some(3));
}

#[test]
fn a_passed_check_is_resolved_and_informational_and_an_unknown_one_is_never_passed() {
    let passed = finding(&run(), &account(), check(Outcome::Passed));
    let p = serde_json::to_value(&passed).expect("json");
    assert_eq!(
        (p["status_id"].clone(), p["severity_id"].clone()),
        (4.into(), 1.into())
    );
    assert_eq!(p["unmapped"]["compliance"]["status"], "Pass");
    let u =
        serde_json::to_value(finding(&run(), &account(), check(Outcome::Unknown))).expect("json");
    assert_eq!(u["status_id"], 0);
    assert_eq!(u["unmapped"]["compliance"]["status"], "Unknown");
    assert_eq!(u["finding_info"]["uid"], p["finding_info"]["uid"]);
    assert_eq!(
        passed.uid(),
        "rootsweep:IAM.4:222222222201:root:access_keys"
    );
}

#[test]
fn what_a_comparison_keeps_of_a_finding_is_what_it_reads_back_from_the_file() {
    for outcome in [Outcome::Passed, Outcome::Failed, Outcome::Unknown] {
        let f = finding(&run(), &account(), check(outcome));
        let line = serde_json::to_vec(&f).expect("json");
        let back: crate::findings::since::Seen = serde_json::from_slice(&line).expect("seen");
        assert_eq!(back, f.seen());
        assert_eq!(
            (back.account.as_str(), back.command.as_str()),
            ("222222222201", "audit")
        );
    }
}

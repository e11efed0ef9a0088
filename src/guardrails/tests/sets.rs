//! The set operators `ForAllValues:` and `ForAnyValue:` over multivalued keys, with the IAM User
//! Guide's own examples (`aws:TagKeys`, DynamoDB's requested attributes).

use super::*;
use crate::guardrails::request::Context;

const T: Truth = Truth::True;
const F: Truth = Truth::False;

fn tag_keys(keys: &[&str]) -> Context {
    Context::new().with("aws:TagKeys", keys.iter().copied())
}

#[test]
fn for_all_values_holds_when_every_request_value_matches_some_policy_value() {
    let policy = ["PostDateTime", "Message", "Tags"];
    let key = "dynamodb:Attributes";
    let c = |values: &[&str]| Context::new().with(key, values.iter().copied());
    let t = |values: &[&str]| truth("ForAllValues:StringLike", key, &policy, &c(values));
    assert_eq!(t(&["PostDateTime", "Message"]), T);
    assert_eq!(t(&["PostDateTime", "UserName"]), F);
    assert_eq!(t(&["UserName", "PostDateTime"]), F);
    assert_eq!(t(&["Tags"]), T);
}

#[test]
fn for_any_value_holds_when_some_request_value_matches_some_policy_value() {
    let policy = ["ID", "PostDateTime"];
    let key = "dynamodb:Attributes";
    let c = |values: &[&str]| Context::new().with(key, values.iter().copied());
    let t = |values: &[&str]| truth("ForAnyValue:StringLike", key, &policy, &c(values));
    assert_eq!(t(&["UserName", "Message", "PostDateTime"]), T);
    assert_eq!(t(&["PostDateTime", "UserName"]), T);
    assert_eq!(t(&["UserName"]), F);
}

#[test]
fn for_all_values_string_not_like_matches_as_the_iam_guide_tabulates() {
    // The guide's deny of tag keys without the key1 prefix.
    let t = |keys: &[&str]| {
        truth(
            "ForAllValues:StringNotLike",
            "aws:TagKeys",
            &["key1*"],
            &tag_keys(keys),
        )
    };
    assert_eq!(t(&["key1:legal"]), F);
    assert_eq!(t(&["key1:hr", "key1:personnel"]), F);
    assert_eq!(t(&["key2:audit"]), T);
    assert_eq!(t(&["key2:audit", "key1:hr"]), F);
    let absent = Context::new().without("aws:TagKeys");
    assert_eq!(
        truth(
            "ForAllValues:StringNotLike",
            "aws:TagKeys",
            &["key1*"],
            &absent
        ),
        T
    );
}

#[test]
fn for_any_value_of_a_negated_operator_holds_when_one_value_matches_none() {
    let values = ["DataClass", "Owner"];
    let t = |keys: &[&str]| {
        truth(
            "ForAnyValue:StringNotEquals",
            "aws:TagKeys",
            &values,
            &tag_keys(keys),
        )
    };
    assert_eq!(t(&["Owner", "Project"]), T);
    assert_eq!(t(&["Owner", "DataClass"]), F);
    let absent = Context::new().without("aws:TagKeys");
    assert_eq!(
        truth(
            "ForAnyValue:StringNotEquals",
            "aws:TagKeys",
            &values,
            &absent
        ),
        F
    );
}

#[test]
fn an_absent_key_makes_for_all_values_true_and_for_any_value_false_even_with_if_exists() {
    let absent = Context::new().without("aws:TagKeys");
    let empty = tag_keys(&[]);
    for c in [absent, empty] {
        let t = |op: &str| truth(op, "aws:TagKeys", &["Owner"], &c);
        assert_eq!(t("ForAllValues:StringEquals"), T);
        assert_eq!(t("ForAllValues:StringEqualsIfExists"), T);
        assert_eq!(t("ForAllValues:StringNotEquals"), T);
        assert_eq!(t("ForAnyValue:StringEquals"), F);
        assert_eq!(t("ForAnyValue:StringEqualsIfExists"), F);
        assert_eq!(t("ForAnyValue:StringNotEqualsIfExists"), F);
        assert_eq!(t("ForAnyValue:ArnLike"), F);
        // Without a set operator an empty key is an absent one.
        assert_eq!(t("StringEquals"), F);
        assert_eq!(t("StringNotEquals"), T);
    }
}

#[test]
fn set_operators_work_on_a_single_valued_key_as_a_set_of_one() {
    for (who, c) in both() {
        let key = "aws:PrincipalAccount";
        assert_eq!(
            truth("ForAllValues:StringEquals", key, &[ACCOUNT], &c),
            T,
            "{who}"
        );
        assert_eq!(truth("ForAnyValue:StringEquals", key, &[ACCOUNT], &c), T);
        assert_eq!(truth("ForAllValues:StringEquals", key, &["1"], &c), F);
        assert_eq!(truth("ForAnyValue:StringEquals", key, &["1"], &c), F);
        // aws:AssumedRoot: a set of one for a root session, absent for long-term root.
        let assumed = truth("ForAnyValue:StringEquals", "aws:AssumedRoot", &["true"], &c);
        assert_eq!(assumed, Truth::from_bool(who == "root session"));
    }
}

#[test]
fn a_single_valued_operator_on_several_request_values_depends_on_the_key() {
    let c = tag_keys(&["Owner", "Project"]);
    assert_eq!(
        truth("StringEquals", "aws:TagKeys", &["Owner"], &c),
        depends("aws:TagKeys")
    );
    assert_eq!(
        truth("StringNotEquals", "aws:TagKeys", &["Owner"], &c),
        depends("aws:TagKeys")
    );
}

#[test]
fn set_operators_combine_depending_values_in_three_valued_logic() {
    let c = tag_keys(&["Owner", "Project"]);
    let unknown = ["${aws:PrincipalTag/team}"];
    let with_known = ["Owner", "${aws:PrincipalTag/team}"];
    let team = depends("aws:PrincipalTag/team");
    assert_eq!(
        truth("ForAnyValue:StringEquals", "aws:TagKeys", &unknown, &c),
        team
    );
    assert_eq!(
        truth("ForAllValues:StringEquals", "aws:TagKeys", &unknown, &c),
        team
    );
    // Owner matches outright, so the OR over policy values is true for it.
    assert_eq!(
        truth("ForAnyValue:StringEquals", "aws:TagKeys", &with_known, &c),
        T
    );
    // Project may or may not match the unknown tag.
    assert_eq!(
        truth("ForAllValues:StringEquals", "aws:TagKeys", &with_known, &c),
        team
    );
    assert_eq!(
        truth(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["Owner", "Cost"],
            &c
        ),
        F
    );
}

#[test]
fn for_all_values_arn_like_tests_every_arn_segment_by_segment() {
    let key = "logs:LogGeneratingResourceArns";
    let c = Context::new().with(
        key,
        [
            "arn:aws:iam::123456789012:role/admin",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-12345",
        ],
    );
    let policy = [
        "arn:aws:iam::123456789012:role/*",
        "arn:aws:ec2:*:123456789012:instance/i-?????",
    ];
    assert_eq!(truth("ForAllValues:ArnLike", key, &policy, &c), T);
    assert_eq!(truth("ForAllValues:ArnLike", key, &policy[..1], &c), F);
    assert_eq!(truth("ForAnyValue:ArnLike", key, &policy[1..], &c), T);
    assert_eq!(truth("ForAnyValue:ArnNotLike", key, &policy[1..], &c), T);
    assert_eq!(truth("ForAllValues:ArnNotLike", key, &policy[1..], &c), F);
}

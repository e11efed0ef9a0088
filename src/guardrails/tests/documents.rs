//! Parsing policy documents: every accepted shape, and an error naming what is wrong for each
//! malformed one.

use super::*;
use crate::guardrails::document::{Effect, Error, Principal, Scope, Version};

fn problem(json: &str) -> String {
    match Document::parse(json) {
        Err(e) => e.to_string(),
        Ok(d) => panic!("parsed {d:?}"),
    }
}

fn statement(body: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": {body}}}"#)
}

#[test]
fn full_aws_access_parses_to_one_allow_of_everything() {
    let d = doc(FULL_AWS_ACCESS);
    assert_eq!(d.version, Version::V2012);
    assert_eq!(d.statements.len(), 1);
    let s = &d.statements[0];
    assert_eq!(s.effect, Effect::Allow);
    assert_eq!(s.sid, None);
    assert_eq!(s.principal, Principal::Unstated);
    assert_eq!(s.actions, Scope::Only(vec!["*".into()]));
    assert_eq!(s.resources, Scope::Only(vec!["*".into()]));
    assert!(s.conditions.is_empty());
}

#[test]
fn a_statement_may_be_an_object_or_an_array_and_lists_may_be_strings() {
    let d = doc(r#"{"Version": "2008-10-17", "Id": "x", "Statement": {
        "Sid": "One", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"],
        "NotResource": "arn:aws:iam::*:root"}}"#);
    assert_eq!(d.version, Version::V2008);
    let s = &d.statements[0];
    assert_eq!(s.sid.as_deref(), Some("One"));
    assert_eq!(s.effect, Effect::Deny);
    assert_eq!(
        s.actions,
        Scope::Except(vec!["iam:*".into(), "sts:*".into()])
    );
    assert_eq!(
        s.resources,
        Scope::Except(vec!["arn:aws:iam::*:root".into()])
    );
    let none = doc(r#"{"Statement": []}"#);
    assert_eq!(none.version, Version::V2008);
    assert!(none.statements.is_empty());
}

#[test]
fn conditions_flatten_to_one_test_per_operator_and_key_with_scalar_values_as_strings() {
    let d = doc(&statement(
        r#"[{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {
            "ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]},
            "Null": {"aws:AssumedRoot": true},
            "NumericLessThan": {"s3:max-keys": 10, "k:other": [1.5, "2"]}}}]"#,
    ));
    let mut tests: Vec<(String, String, Vec<String>)> = d.statements[0]
        .conditions
        .iter()
        .map(|c| (c.operator.clone(), c.key.clone(), c.values.clone()))
        .collect();
    tests.sort();
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        tests,
        vec![
            (
                "ArnLike".into(),
                "aws:PrincipalArn".into(),
                v(&["arn:aws:iam::*:root"])
            ),
            ("Null".into(), "aws:AssumedRoot".into(), v(&["true"])),
            ("NumericLessThan".into(), "k:other".into(), v(&["1.5", "2"])),
            ("NumericLessThan".into(), "s3:max-keys".into(), v(&["10"])),
        ]
    );
}

#[test]
fn principals_are_everyone_named_or_negated() {
    let p = |element: &str| {
        let json = statement(&format!(
            r#"{{"Effect": "Deny", {element}, "Action": "*", "Resource": "*"}}"#
        ));
        doc(&json).statements[0].principal
    };
    assert_eq!(p(r#""Principal": "*""#), Principal::Everyone);
    assert_eq!(p(r#""Principal": {"AWS": "*"}"#), Principal::Everyone);
    assert_eq!(
        p(r#""Principal": {"AWS": ["arn:aws:iam::1:root", "*"]}"#),
        Principal::Everyone
    );
    assert_eq!(
        p(r#""Principal": {"AWS": "arn:aws:iam::1:root"}"#),
        Principal::Named
    );
    assert_eq!(
        p(r#""Principal": {"AWS": ["arn:aws:iam::1:root", "arn:aws:iam::2:root"]}"#),
        Principal::Named
    );
    assert_eq!(p(r#""Principal": {"Service": "*"}"#), Principal::Named);
    assert_eq!(p(r#""Principal": {"AWS": 5}"#), Principal::Named);
    assert_eq!(p(r#""NotPrincipal": "*""#), Principal::NoOne);
    assert_eq!(
        p(r#""NotPrincipal": {"AWS": "arn:aws:iam::1:root"}"#),
        Principal::AllBut
    );
}

#[test]
fn a_document_that_is_not_a_policy_is_an_error_saying_why() {
    assert!(matches!(Document::parse("{"), Err(Error::Json(_))));
    assert_eq!(Document::parse("[]"), Err(Error::NotAnObject));
    assert_eq!(problem("[]"), "the policy is not a JSON object");
    assert_eq!(
        problem(r#"{"Statement": [], "Extra": 1}"#),
        "the policy has an unknown element `Extra`"
    );
    assert_eq!(
        problem(r#"{"Version": "2024-01-01", "Statement": []}"#),
        "`Version` must be \"2012-10-17\" or \"2008-10-17\", not \"2024-01-01\""
    );
    assert_eq!(
        problem(r#"{"Version": 2012, "Statement": []}"#),
        "`Version` must be \"2012-10-17\" or \"2008-10-17\", not 2012"
    );
    assert_eq!(
        problem(r#"{"Version": "2012-10-17"}"#),
        "the policy has no `Statement`"
    );
}

#[test]
fn a_malformed_statement_is_an_error_naming_the_statement_and_the_problem() {
    let ok = r#""Effect": "Allow", "Action": "*", "Resource": "*""#;
    let cases = [
        (r#"[5]"#.to_string(), "statement 1: it is not a JSON object"),
        (
            format!(r#"[{{{ok}}}, {{"Sid": "Two", {ok}, "Actions": "*"}}]"#),
            "statement 2 (Sid \"Two\"): unknown element `Actions`",
        ),
        (
            format!(r#"{{"Sid": 7, {ok}}}"#),
            "statement 1: `Sid` must be a string",
        ),
        (
            r#"{"Effect": "allow", "Action": "*", "Resource": "*"}"#.into(),
            "statement 1: `Effect` must be \"Allow\" or \"Deny\", not \"allow\"",
        ),
        (
            r#"{"Action": "*", "Resource": "*"}"#.into(),
            "statement 1: it has no `Effect`",
        ),
        (
            r#"{"Effect": "Deny", "Resource": "*"}"#.into(),
            "statement 1: it has neither `Action` nor `NotAction`",
        ),
        (
            r#"{"Effect": "Deny", "Action": "*", "NotAction": "iam:*", "Resource": "*"}"#.into(),
            "statement 1: it has both `Action` and `NotAction`",
        ),
        (
            r#"{"Effect": "Deny", "Action": "*"}"#.into(),
            "statement 1: it has neither `Resource` nor `NotResource`",
        ),
        (
            r#"{"Effect": "Deny", "Action": [], "Resource": "*"}"#.into(),
            "statement 1: `Action` must be a string or a non-empty array of strings",
        ),
        (
            r#"{"Effect": "Deny", "Action": "*", "NotResource": ["a", 1]}"#.into(),
            "statement 1: `NotResource` must hold only strings",
        ),
        (
            r#"{"Effect": "Deny", "Action": "*", "Resource": {"a": 1}}"#.into(),
            "statement 1: `Resource` must be a string or a non-empty array of strings",
        ),
        (
            format!(r#"{{{ok}, "Principal": "*", "NotPrincipal": "*"}}"#),
            "statement 1: it has both `Principal` and `NotPrincipal`",
        ),
        (
            format!(r#"{{{ok}, "NotPrincipal": ["*"]}}"#),
            "statement 1: `NotPrincipal` must be \"*\" or an object of principals",
        ),
        (
            format!(r#"{{{ok}, "Principal": "111122223333"}}"#),
            "statement 1: `Principal` must be \"*\" or an object of principals",
        ),
        (
            format!(r#"{{{ok}, "Principal": {{}}}}"#),
            "statement 1: `Principal` must be \"*\" or an object of principals",
        ),
        (
            format!(r#"{{{ok}, "Condition": []}}"#),
            "statement 1: `Condition` must be an object of operators",
        ),
        (
            format!(r#"{{{ok}, "Condition": {{"Bool": "x"}}}}"#),
            "statement 1: condition operator `Bool` must map keys to values",
        ),
        (
            format!(r#"{{{ok}, "Condition": {{"Bool": {{}}}}}}"#),
            "statement 1: condition operator `Bool` must map keys to values",
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(problem(&statement(&body)), expected, "{body}");
    }
}

#[test]
fn condition_values_must_be_scalars_or_a_non_empty_array_of_them() {
    let ok = r#""Effect": "Allow", "Action": "*", "Resource": "*""#;
    for values in ["[]", "null", "{}", "[[\"a\"]]", "[\"a\", null]"] {
        let body = format!(r#"{{{ok}, "Condition": {{"StringEquals": {{"k": {values}}}}}}}"#);
        assert_eq!(
            problem(&statement(&body)),
            "statement 1: the values of `k` under `StringEquals` must be a string, number or \
             boolean, or a non-empty array of them",
            "{values}"
        );
    }
}

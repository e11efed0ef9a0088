//! Each single-valued condition operator family against the root user's request context, for
//! a root session and for long-term root credentials.

use super::*;
use crate::guardrails::condition::{all, any};
use crate::guardrails::request::Context;

const T: Truth = Truth::True;
const F: Truth = Truth::False;

#[test]
fn string_equals_is_exact_and_case_sensitive_and_or_s_its_values() {
    for (who, c) in both() {
        let account = "aws:PrincipalAccount";
        assert_eq!(truth("StringEquals", account, &[ACCOUNT], &c), T, "{who}");
        assert_eq!(truth("StringEquals", account, &["444455556666"], &c), F);
        assert_eq!(truth("StringEquals", account, &["1", ACCOUNT], &c), T);
        assert_eq!(
            truth("StringEquals", "AWS:PRINCIPALACCOUNT", &[ACCOUNT], &c),
            T
        );
        // A wildcard in an Equals operator is an ordinary character.
        let arn = "aws:PrincipalArn";
        assert_eq!(truth("StringEquals", arn, &["arn:aws:iam::*:root"], &c), F);
        assert_eq!(
            truth("StringEquals", arn, &["ARN:aws:iam::111122223333:root"], &c),
            F
        );
    }
}

#[test]
fn string_ignore_case_operators_fold_case_and_the_others_do_not() {
    let c = long_term();
    let t = |op: &str, v: &str| truth(op, "aws:PrincipalType", &[v], &c);
    assert_eq!(t("StringEquals", "account"), F);
    assert_eq!(t("StringEqualsIgnoreCase", "account"), T);
    assert_eq!(t("StringEqualsIgnoreCase", "accounts"), F);
    assert_eq!(t("StringNotEqualsIgnoreCase", "ACCOUNT"), F);
    assert_eq!(t("StringNotEqualsIgnoreCase", "User"), T);
    assert_eq!(t("StringNotEquals", "account"), T);
    assert_eq!(t("StringLike", "acc*"), F);
    assert_eq!(t("StringLike", "Acc*"), T);
}

#[test]
fn a_negated_operator_with_several_values_holds_only_when_none_matches() {
    let c = session();
    let key = "aws:PrincipalAccount";
    assert_eq!(truth("StringNotEquals", key, &["1", ACCOUNT], &c), F);
    assert_eq!(truth("StringNotEquals", key, &["1", "2"], &c), T);
    assert_eq!(truth("StringNotLike", key, &["9*", "1111*"], &c), F);
    assert_eq!(truth("StringNotLike", key, &["9*", "8*"], &c), T);
}

#[test]
fn string_like_takes_star_and_question_mark_wildcards() {
    for (who, c) in both() {
        let arn = "aws:PrincipalArn";
        assert_eq!(
            truth("StringLike", arn, &["arn:aws:iam::*:root"], &c),
            T,
            "{who}"
        );
        assert_eq!(truth("StringLike", arn, &["arn:*:root"], &c), T);
        assert_eq!(
            truth("StringLike", arn, &["arn:aws:iam::11112222333?:root"], &c),
            T
        );
        assert_eq!(
            truth("StringLike", arn, &["arn:aws:iam::1111222233?:root"], &c),
            F
        );
        assert_eq!(truth("StringLike", arn, &["arn:aws:iam::*:user/*"], &c), F);
        assert_eq!(truth("StringNotLike", arn, &["arn:aws:iam::*:root"], &c), F);
        assert_eq!(
            truth("StringNotLike", arn, &["arn:aws:iam::*:role/*"], &c),
            T
        );
    }
}

#[test]
fn a_key_known_to_be_absent_fails_a_test_except_negated_and_if_exists_forms() {
    let c = long_term();
    let t = |op: &str| truth(op, "aws:AssumedRoot", &["true"], &c);
    assert_eq!(t("StringEquals"), F);
    assert_eq!(t("StringLike"), F);
    assert_eq!(t("StringNotEquals"), T);
    assert_eq!(t("StringNotLike"), T);
    assert_eq!(t("StringEqualsIfExists"), T);
    assert_eq!(t("StringNotEqualsIfExists"), T);
    assert_eq!(t("ArnLike"), F);
    assert_eq!(t("ArnNotLike"), T);
    assert_eq!(t("Bool"), F);
    assert_eq!(t("BoolIfExists"), T);
}

#[test]
fn an_if_exists_operator_tests_a_present_key_as_the_plain_one_does() {
    let c = session();
    assert_eq!(
        truth("StringEqualsIfExists", "aws:AssumedRoot", &["true"], &c),
        T
    );
    assert_eq!(
        truth("StringEqualsIfExists", "aws:AssumedRoot", &["false"], &c),
        F
    );
    assert_eq!(
        truth("StringNotEqualsIfExists", "aws:AssumedRoot", &["true"], &c),
        F
    );
    assert_eq!(truth("BoolIfExists", "aws:AssumedRoot", &["false"], &c), F);
    assert_eq!(
        truth("BoolIfExists", "aws:AssumedRoot", &["false"], &long_term()),
        T
    );
}

#[test]
fn a_key_rootsweep_cannot_know_makes_every_operator_depend_on_it() {
    let c = session();
    for op in [
        "StringEquals",
        "StringNotEqualsIfExists",
        "NumericLessThan",
        "DateGreaterThan",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnLike",
        "Null",
        "ForAllValues:StringLike",
        "ForAnyValue:StringEquals",
    ] {
        assert_eq!(
            truth(op, "aws:SourceIp", &["true"], &c),
            depends("aws:SourceIp"),
            "{op}"
        );
    }
}

#[test]
fn an_operator_it_does_not_know_depends_on_its_key_never_a_guess() {
    let c = session();
    for op in [
        "StringStartsWith",
        "stringequals",
        "ForSomeValues:StringEquals",
        "NullIfExists",
        "ForAllValues:Null",
        "ForAnyValue:Null",
        "StringEqualsIfexists",
    ] {
        let key = "aws:PrincipalAccount";
        assert_eq!(truth(op, key, &[ACCOUNT], &c), depends(key), "{op}");
    }
}

#[test]
fn null_takes_neither_a_set_operator_nor_if_exists_so_those_forms_depend() {
    // Were these read as plain Null, the absent key would make them true.
    let key = "aws:AssumedRoot";
    for op in ["NullIfExists", "ForAllValues:Null", "ForAnyValue:Null"] {
        assert_eq!(
            truth(op, key, &["true"], &long_term()),
            depends(key),
            "{op}"
        );
    }
}

#[test]
fn numeric_operators_compare_the_request_value_with_the_policy_value() {
    let c = Context::new().with("s3:max-keys", ["10"]);
    let t = |op: &str, v: &str| truth(op, "s3:max-keys", &[v], &c);
    let cases = [
        ("NumericEquals", [F, T, F]),
        ("NumericNotEquals", [T, F, T]),
        ("NumericLessThan", [F, F, T]),
        ("NumericLessThanEquals", [F, T, T]),
        ("NumericGreaterThan", [T, F, F]),
        ("NumericGreaterThanEquals", [T, T, F]),
    ];
    for (op, expected) in cases {
        assert_eq!([t(op, "9"), t(op, "10"), t(op, "11")], expected, "{op}");
    }
    assert_eq!(t("NumericEquals", "10.0"), T);
    assert_eq!(t("NumericEquals", " 10 "), T);
    assert_eq!(t("NumericEquals", "ten"), depends("s3:max-keys"));
    assert_eq!(t("NumericEquals", "NaN"), depends("s3:max-keys"));
    assert_eq!(t("NumericLessThan", "inf"), depends("s3:max-keys"));
    let words = Context::new().with("s3:max-keys", ["many"]);
    assert_eq!(
        truth("NumericEquals", "s3:max-keys", &["10"], &words),
        depends("s3:max-keys")
    );
}

#[test]
fn numeric_operators_on_an_absent_key_follow_the_absent_key_rule() {
    let c = Context::new().without("s3:max-keys");
    assert_eq!(truth("NumericEquals", "s3:max-keys", &["10"], &c), F);
    assert_eq!(truth("NumericNotEquals", "s3:max-keys", &["10"], &c), T);
    assert_eq!(
        truth("NumericLessThanIfExists", "s3:max-keys", &["10"], &c),
        T
    );
}

#[test]
fn date_and_binary_comparisons_depend_unless_the_key_is_absent() {
    let c = Context::new()
        .with("aws:TokenIssueTime", ["2020-01-01T00:00:01Z"])
        .with("k:blob", ["QmluYXJ5"])
        .without("aws:EpochTime");
    let key = "aws:TokenIssueTime";
    for op in [
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateGreaterThanEquals",
    ] {
        assert_eq!(
            truth(op, key, &["2020-01-01T00:00:01Z"], &c),
            depends(key),
            "{op}"
        );
    }
    assert_eq!(
        truth("BinaryEquals", "k:blob", &["QmluYXJ5"], &c),
        depends("k:blob")
    );
    let absent = |op: &str| truth(op, "aws:EpochTime", &["1"], &c);
    assert_eq!(absent("DateLessThan"), F);
    assert_eq!(absent("DateLessThanEquals"), F);
    assert_eq!(absent("DateGreaterThan"), F);
    assert_eq!(absent("DateNotEquals"), T);
    assert_eq!(absent("DateEqualsIfExists"), T);
    assert_eq!(absent("BinaryEquals"), F);
    assert_eq!(absent("BinaryEqualsIfExists"), T);
}

#[test]
fn bool_matches_true_or_false_regardless_of_case_and_depends_on_anything_else() {
    for (who, c) in both() {
        let key = "aws:PrincipalIsAWSService";
        assert_eq!(truth("Bool", key, &["false"], &c), T, "{who}");
        assert_eq!(truth("Bool", key, &["False"], &c), T);
        assert_eq!(truth("Bool", key, &["true"], &c), F);
        assert_eq!(truth("Bool", key, &["yes"], &c), depends(key));
        assert_eq!(
            truth("Bool", "aws:MultiFactorAuthPresent", &["true"], &c),
            depends("aws:MultiFactorAuthPresent")
        );
    }
    let upper = Context::new().with("aws:SecureTransport", ["TRUE"]);
    assert_eq!(truth("Bool", "aws:SecureTransport", &["true"], &upper), T);
    assert_eq!(truth("Bool", "aws:AssumedRoot", &["true"], &session()), T);
    assert_eq!(truth("Bool", "aws:AssumedRoot", &["true"], &long_term()), F);
}

#[test]
fn null_true_holds_when_the_key_is_absent_and_null_false_when_it_is_present() {
    let key = "aws:AssumedRoot";
    assert_eq!(truth("Null", key, &["true"], &session()), F);
    assert_eq!(truth("Null", key, &["true"], &long_term()), T);
    assert_eq!(truth("Null", key, &["false"], &session()), T);
    assert_eq!(truth("Null", key, &["false"], &long_term()), F);
    assert_eq!(truth("Null", key, &["TRUE"], &long_term()), T);
    assert_eq!(truth("Null", key, &["true", "false"], &session()), T);
    assert_eq!(truth("Null", key, &["maybe"], &session()), depends(key));
    let empty = Context::new().with(key, Vec::<String>::new());
    assert_eq!(truth("Null", key, &["true"], &empty), T);
}

#[test]
fn three_valued_and_is_false_over_depends_and_or_is_true_over_depends() {
    let d = depends("k");
    assert_eq!(all([T, d.clone(), F]), F);
    assert_eq!(all([d.clone(), depends("j"), T]), d);
    assert_eq!(all([T, T]), T);
    assert_eq!(all([]), T);
    assert_eq!(any([F, d.clone(), T]), T);
    assert_eq!(any([F, d.clone(), depends("j")]), d);
    assert_eq!(any([F, F]), F);
    assert_eq!(any([]), F);
    assert_eq!(!d.clone(), d);
    assert_eq!(!T, F);
    assert_eq!(!F, T);
    assert_eq!(Truth::from_bool(true), T);
    assert_eq!(Truth::from_bool(false), F);
}

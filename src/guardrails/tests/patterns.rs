//! Wildcard patterns: globs, literals, policy-variable expansion, ARN segments and the
//! `Resource` element's rule that a `*` ending a segment may expand past its colons.

use super::*;
use crate::guardrails::pattern::Pattern;
use crate::guardrails::request::Context;

fn glob(p: &str, v: &str) -> bool {
    Pattern::glob(p).matches(v, false)
}

fn arn(p: &str, v: &str) -> Option<bool> {
    Pattern::glob(p).into_arn().map(|a| a.matches(v, false))
}

fn resource(p: &str, v: &str) -> bool {
    Pattern::glob(p).into_resource().matches(v, false)
}

#[test]
fn a_star_matches_any_run_of_characters_and_a_question_mark_exactly_one() {
    assert!(glob("*", ""));
    assert!(glob("*", "iam:DeleteLoginProfile"));
    assert!(glob("iam:Delete*", "iam:DeleteLoginProfile"));
    assert!(glob("iam:Delete*", "iam:Delete"));
    assert!(!glob("iam:Delete*", "iam:GetLoginProfile"));
    assert!(glob("*Login*", "iam:DeleteLoginProfile"));
    assert!(glob("a*b*c", "aXbYbc"));
    assert!(!glob("a*b*c", "aXbYbd"));
    assert!(glob("a?c", "abc"));
    assert!(!glob("a?c", "ac"));
    assert!(!glob("a?c", "abbc"));
    assert!(glob("a??", "a:b"));
    assert!(!glob("abc", "abcd"));
    assert!(!glob("abcd", "abc"));
    assert!(glob("", ""));
    assert!(!glob("", "a"));
}

#[test]
fn folding_case_compares_letters_regardless_of_case_and_only_then() {
    let p = Pattern::glob("iam:delete*");
    assert!(p.matches("IAM:DeleteLoginProfile", true));
    assert!(!p.matches("IAM:DeleteLoginProfile", false));
    assert!(Pattern::glob("Ä?").matches("äx", true));
    assert!(!Pattern::glob("a").matches("b", true));
}

#[test]
fn a_literal_pattern_takes_wildcards_as_characters() {
    let p = Pattern::literal("a*?");
    assert!(p.matches("a*?", false));
    assert!(!p.matches("abc", false));
}

#[test]
fn expansion_substitutes_known_keys_and_the_three_escapes() {
    let c = Context::new()
        .with("aws:PrincipalAccount", ["111122223333"])
        .with("many", ["a", "b"])
        .without("gone");
    let expand = |t: &str, wildcards: bool| Pattern::expand(t, &c, wildcards);
    let own = expand("arn:aws:iam::${aws:PrincipalAccount}:*", true).expect("expands");
    assert!(own.matches("arn:aws:iam::111122223333:root", false));
    assert!(!own.matches("arn:aws:iam::444455556666:root", false));
    let escapes = expand("${*}${?}${$}", true).expect("expands");
    assert!(escapes.matches("*?$", false));
    assert!(!escapes.matches("xy$", false));
    assert_eq!(expand("${unknown}", true), Err("unknown".into()));
    assert_eq!(expand("${ many }", true), Err("many".into()));
    assert_eq!(expand("${gone}", true), Err("gone".into()));
    assert_eq!(
        expand("a${gone, 'dflt'}b", false),
        Ok(Pattern::literal("adfltb"))
    );
    assert_eq!(expand("${gone, dflt}", false), Err("gone".into()));
    assert_eq!(expand("${gone, 'dflt}", false), Err("gone".into()));
    // The default is for an absent key only, never for one rootsweep cannot know.
    assert_eq!(expand("${unknown, 'dflt'}", false), Err("unknown".into()));
    let empty = Context::new().with("none", Vec::<String>::new());
    assert_eq!(
        Pattern::expand("${none, 'd'}", &empty, false),
        Ok(Pattern::literal("d"))
    );
}

#[test]
fn expansion_keeps_text_outside_variables_and_an_unclosed_variable_as_written() {
    let c = Context::new().with("k", ["v"]);
    assert_eq!(Pattern::expand("a*b", &c, true), Ok(Pattern::glob("a*b")));
    assert_eq!(
        Pattern::expand("a*b", &c, false),
        Ok(Pattern::literal("a*b"))
    );
    assert_eq!(
        Pattern::expand("x${k}y${k}z", &c, false),
        Ok(Pattern::literal("xvyvz"))
    );
    assert_eq!(
        Pattern::expand("x*${k", &c, true),
        Ok(Pattern::glob("x*${k"))
    );
    assert_eq!(Pattern::expand("$k}{", &c, true), Ok(Pattern::glob("$k}{")));
}

#[test]
fn an_arn_pattern_matches_segment_by_segment_and_needs_six_segments() {
    assert_eq!(arn("arn:aws:iam::*:root", ROOT_ARN), Some(true));
    assert_eq!(arn("arn:*:iam::*:root", ROOT_ARN), Some(true));
    assert_eq!(
        arn("arn:aws:iam::?????????????:root", ROOT_ARN),
        Some(false)
    );
    assert_eq!(arn("arn:aws:iam::????????????:root", ROOT_ARN), Some(true));
    assert_eq!(arn("arn:aws:iam:*:root", ROOT_ARN), None);
    assert_eq!(arn("*", ROOT_ARN), None);
    assert_eq!(arn("arn:aws:iam::*", ROOT_ARN), None);
    // A wildcard of the first five segments stops at a colon.
    assert_eq!(
        arn("arn:*:root:*:*:*", "arn:aws:iam::111122223333:root"),
        Some(false)
    );
    assert_eq!(
        arn("arn:a?s:iam::*:root", "arn:a:s:iam::1:root"),
        Some(false)
    );
    // The resource segment holds colons and its wildcards span them.
    assert_eq!(
        arn("arn:aws:sqs:*:*:*", "arn:aws:sqs:us-east-1:1:q:x"),
        Some(true)
    );
    assert_eq!(
        arn("arn:aws:sqs:*:*:q?x", "arn:aws:sqs:us-east-1:1:q:x"),
        Some(true)
    );
    assert_eq!(
        arn("arn:aws:sqs:*:*:q", "arn:aws:sqs:us-east-1:1:q:x"),
        Some(false)
    );
}

#[test]
fn a_resource_star_ending_a_segment_expands_past_colons_and_others_stay_within() {
    assert!(resource("*", ROOT_ARN));
    assert!(resource("arn:aws:iam::*:root", ROOT_ARN));
    assert!(resource("arn:aws:iam::*", ROOT_ARN));
    assert!(resource("arn:*", ROOT_ARN));
    assert!(resource(
        "arn:aws:s3:::*",
        "arn:aws:s3:::bucket/key:with:colons"
    ));
    assert!(resource("arn:aws:s3:::b*t", "arn:aws:s3:::b:u:c:k:e:t"));
    assert!(!resource(
        "arn:aws:iam::1*3:root",
        "arn:aws:iam::1:2:3:root"
    ));
    assert!(resource("arn:aws:iam::1*3:root", "arn:aws:iam::123:root"));
    assert!(!resource("arn:aws:iam::?:root", "arn:aws:iam:::x:root"));
    assert!(resource("arn:aws:s3:::?", "arn:aws:s3:::x"));
    assert!(resource("arn:aws:s3:::a?b", "arn:aws:s3:::a:b"));
    assert!(!resource("arn:aws:iam::*:user/*", ROOT_ARN));
    assert!(!resource("arn:aws:iam::*:Root", ROOT_ARN));
}

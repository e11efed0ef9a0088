//! Condition values that need more than string comparison: IP ranges, ARNs segment by
//! segment, and policy variables (with the 2008 language that takes them literally).

use super::*;
use crate::guardrails::request::Context;

const T: Truth = Truth::True;
const F: Truth = Truth::False;

#[test]
fn ip_address_operators_match_cidr_ranges_when_the_source_ip_is_known() {
    let c = Context::new().with("aws:SourceIp", ["203.0.113.5"]);
    let t = |op: &str, v: &[&str]| truth(op, "aws:SourceIp", v, &c);
    assert_eq!(t("IpAddress", &["203.0.113.0/24"]), T);
    assert_eq!(t("IpAddress", &["203.0.113.4/31"]), T);
    assert_eq!(t("IpAddress", &["203.0.113.6/31"]), F);
    assert_eq!(t("IpAddress", &["198.51.100.0/24"]), F);
    assert_eq!(t("IpAddress", &["203.0.113.5"]), T);
    assert_eq!(t("IpAddress", &["203.0.113.6"]), F);
    assert_eq!(t("IpAddress", &["0.0.0.0/0"]), T);
    assert_eq!(t("IpAddress", &["2001:DB8:1234:5678::/64"]), F);
    assert_eq!(t("IpAddress", &["198.51.100.0/24", "203.0.113.0/24"]), T);
    assert_eq!(t("NotIpAddress", &["203.0.113.0/24"]), F);
    assert_eq!(t("NotIpAddress", &["198.51.100.0/24", "192.0.2.0/24"]), T);
    for bad in [
        "203.0.113.0/33",
        "203.0.113.0/x",
        "not-an-ip",
        "2001:db8::/129",
    ] {
        assert_eq!(t("IpAddress", &[bad]), depends("aws:SourceIp"), "{bad}");
    }
    let v6 = Context::new().with("aws:SourceIp", ["2001:db8:1234:5678::1"]);
    let t6 = |v: &str| truth("IpAddress", "aws:SourceIp", &[v], &v6);
    assert_eq!(t6("2001:DB8:1234:5678::/64"), T);
    assert_eq!(t6("2001:DB8:1234:5679::/64"), F);
    assert_eq!(t6("2001:db8:1234:5678::1"), T);
    assert_eq!(t6("2001:db8:1234:5678::2"), F);
    assert_eq!(t6("::/0"), T);
    assert_eq!(t6("203.0.113.0/24"), F);
    let garbage = Context::new().with("aws:SourceIp", ["somewhere"]);
    assert_eq!(
        truth("IpAddress", "aws:SourceIp", &["0.0.0.0/0"], &garbage),
        depends("aws:SourceIp")
    );
}

#[test]
fn arn_operators_match_each_of_the_six_segments_separately() {
    for (who, c) in both() {
        let t = |op: &str, v: &str| truth(op, "aws:PrincipalArn", &[v], &c);
        assert_eq!(t("ArnLike", "arn:aws:iam::*:root"), T, "{who}");
        assert_eq!(t("ArnEquals", "arn:aws:iam::*:root"), T);
        assert_eq!(t("ArnLike", "arn:*:iam::*:root"), T);
        assert_eq!(t("ArnLike", "arn:aws:iam::11112222333?:root"), T);
        assert_eq!(t("ArnLike", "arn:aws:iam::*:ROOT"), F);
        assert_eq!(t("ArnLike", "arn:aws:iam::*:role/*"), F);
        assert_eq!(t("ArnLike", "arn:aws:*:root"), depends("aws:PrincipalArn"));
        assert_eq!(t("ArnNotLike", "arn:aws:iam::*:root"), F);
        assert_eq!(t("ArnNotEquals", "arn:aws:iam::*:role/*"), T);
    }
}

#[test]
fn an_arn_wildcard_does_not_reach_across_segments_as_a_string_wildcard_does() {
    // The IAM User Guide's example of an ARN operator failing where StringLike succeeds.
    let value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/x.txt";
    let c = Context::new().with("aws:SourceArn", [value]);
    let pattern = ["arn:aws:someservice:*:111122223333:finance/*"];
    assert_eq!(truth("StringLike", "aws:SourceArn", &pattern, &c), T);
    assert_eq!(truth("ArnLike", "aws:SourceArn", &pattern, &c), F);
    // The resource segment keeps its colons, and a wildcard there spans them.
    let tail = ["arn:aws:someservice:us-east-2:999999999999:store/*"];
    assert_eq!(truth("ArnLike", "aws:SourceArn", &tail, &c), T);
    let short = Context::new().with("aws:SourceArn", ["arn:aws:s3:bucket"]);
    assert_eq!(
        truth("ArnLike", "aws:SourceArn", &["arn:*:*:*:*:*"], &short),
        F
    );
}

#[test]
fn policy_variables_expand_from_known_keys_and_depend_on_unknown_ones() {
    for (who, c) in both() {
        let arn = "aws:PrincipalArn";
        let own = ["arn:aws:iam::${aws:PrincipalAccount}:root"];
        assert_eq!(truth("StringEquals", arn, &own, &c), T, "{who}");
        assert_eq!(truth("ArnEquals", arn, &own, &c), T);
        let tagged = ["arn:aws:iam::${aws:PrincipalTag/team}:root"];
        assert_eq!(
            truth("StringLike", arn, &tagged, &c),
            depends("aws:PrincipalTag/team")
        );
        assert_eq!(
            truth("ArnLike", arn, &tagged, &c),
            depends("aws:PrincipalTag/team")
        );
        let key = "aws:ResourceAccount";
        assert_eq!(
            truth("StringEquals", key, &["${aws:PrincipalAccount}"], &c),
            T
        );
    }
    let c = Context::new()
        .with("k", ["a*b"])
        .with("tag", ["*"])
        .with("many", ["x", "y"])
        .without("aws:username");
    assert_eq!(truth("StringLike", "k", &["a${*}b"], &c), T);
    assert_eq!(truth("StringLike", "k", &["a${?}b"], &c), F);
    assert_eq!(
        truth(
            "StringEquals",
            "k",
            &["a*${$}"],
            &Context::new().with("k", ["a*$"])
        ),
        T
    );
    // What a variable expands to is literal, never a wildcard.
    assert_eq!(truth("StringLike", "k", &["a${tag}"], &c), F);
    assert_eq!(
        truth(
            "StringLike",
            "k",
            &["${tag}"],
            &Context::new().with("k", ["*"]).with("tag", ["*"])
        ),
        T
    );
    assert_eq!(
        truth("StringEquals", "k", &["${many}"], &c),
        depends("many")
    );
    assert_eq!(
        truth("StringEquals", "k", &["${aws:username}"], &c),
        depends("aws:username")
    );
    let d = Context::new().with("k", ["nobody"]).without("aws:username");
    assert_eq!(
        truth("StringEquals", "k", &["${aws:username, 'nobody'}"], &d),
        T
    );
    assert_eq!(
        truth("StringEquals", "k", &["${aws:username,'nobody'}"], &d),
        T
    );
    assert_eq!(
        truth("StringEquals", "k", &["${aws:username, nobody}"], &d),
        depends("aws:username")
    );
}

#[test]
fn the_2008_policy_language_takes_variables_literally() {
    let c = Context::new().with("k", ["${aws:PrincipalAccount}"]);
    let literal = Condition {
        operator: "StringEquals".into(),
        key: "k".into(),
        values: vec!["${aws:PrincipalAccount}".into()],
    };
    assert_eq!(condition::evaluate(&literal, &c, false), T);
    assert_eq!(
        condition::evaluate(&literal, &c, true),
        depends("aws:PrincipalAccount")
    );
    let like = Condition {
        operator: "StringLike".into(),
        ..literal.clone()
    };
    let star = Context::new().with("k", ["${anything}"]);
    let glob = Condition {
        values: vec!["${*}".into()],
        ..like
    };
    assert_eq!(condition::evaluate(&glob, &star, false), T);
    let arn = Condition {
        operator: "ArnLike".into(),
        key: "aws:PrincipalArn".into(),
        values: vec!["arn:aws:iam::*:root".into()],
    };
    assert_eq!(condition::evaluate(&arn, &session(), false), T);
}

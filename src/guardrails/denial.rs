//! AWS's words for a guardrail denial, read and explained: an `AccessDenied` whose message says
//! "with an explicit deny in a service control policy" (or "resource control policy"), or
//! "because no service control policy allows the … action", names the principal and the action,
//! and since 2025 sometimes the denying policy's ARN. [`parse`] reads those parts; [`explain`]
//! says what rootsweep's own evaluation of the account's path found, cross-checked against the
//! ARN when AWS gave one. The message is never depended on: what it lacks is simply not said.
//! Pure.

use super::evaluate::{Decision, Source};

/// Which kind of guardrail AWS says refused the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
}

impl Kind {
    fn words(self) -> &'static str {
        match self {
            Kind::Scp => "service control policy",
            Kind::Rcp => "resource control policy",
        }
    }
}

/// What an `AccessDenied` message says of a guardrail denial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    /// The kind of policy.
    pub kind: Kind,
    /// An explicit deny (`true`), or no policy allowing the action (`false`).
    pub explicit: bool,
    /// The action refused (`iam:DeleteLoginProfile`), when the message names it.
    pub action: Option<String>,
    /// The member account whose root user was refused (a root session, or long-term root
    /// credentials), when the message names such a principal; `None` for any other principal
    /// (a role of the caller's, whose own policies rootsweep does not evaluate).
    pub principal_account: Option<String>,
    /// The denying policy's id (`p-…`), from the ARN AWS appends when it does.
    pub policy_id: Option<String>,
}

/// Reads a guardrail denial out of an `AccessDenied` message; `None` when the message does not
/// say a service or resource control policy refused the call.
pub fn parse(message: &str) -> Option<Denial> {
    let (kind, explicit, rest) = [Kind::Scp, Kind::Rcp].into_iter().find_map(|kind| {
        let explicit = format!("with an explicit deny in a {}", kind.words());
        let implicit = format!("because no {} allows", kind.words());
        if let Some(at) = message.find(&explicit) {
            return Some((kind, true, &message[at + explicit.len()..]));
        }
        // An implicit denial names no policy: nothing follows it to read.
        message.contains(&implicit).then_some((kind, false, ""))
    })?;
    let action = after(message, "not authorized to perform: ")
        .filter(|action| action.contains(':'))
        .map(str::to_string);
    let principal_account = after(message, "User: ").and_then(root_account);
    let policy_id = explicit
        .then(|| rest.strip_prefix(": "))
        .flatten()
        .and_then(|arn| arn.split_whitespace().next())
        .and_then(policy_id);
    Some(Denial {
        kind,
        explicit,
        action,
        principal_account,
        policy_id,
    })
}

/// The first word after `marker`, without trailing punctuation.
fn after<'m>(message: &'m str, marker: &str) -> Option<&'m str> {
    let at = message.find(marker)? + marker.len();
    let word = message[at..].split_whitespace().next()?;
    let word = word.trim_end_matches([',', '.', ';']);
    (!word.is_empty()).then_some(word)
}

/// The 12-digit account of a root user's ARN: `arn:<partition>:iam::<account>:root`, or a root
/// session's `arn:<partition>:sts::<account>:assumed-root/…`.
fn root_account(arn: &str) -> Option<String> {
    let mut parts = arn.splitn(6, ':');
    (parts.next()? == "arn").then_some(())?;
    let service = parts.nth(1)?;
    let account = parts.nth(1)?;
    let resource = parts.next()?;
    let root = match service {
        "iam" => resource == "root",
        "sts" => resource.starts_with("assumed-root/"),
        _ => false,
    };
    (root && account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
        .then(|| account.to_string())
}

/// The `p-…` id at the end of an Organizations policy ARN
/// (`arn:aws:organizations::<mgmt>:policy/o-…/service_control_policy/p-…`).
fn policy_id(arn: &str) -> Option<String> {
    let arn = arn.trim_end_matches([',', '.', ';', ')']);
    let mut parts = arn.splitn(6, ':');
    let organizations = parts.next() == Some("arn") && parts.nth(1) == Some("organizations");
    (organizations && parts.nth(2).is_some_and(|r| r.starts_with("policy/"))).then_some(())?;
    let id = arn.rsplit('/').next()?;
    (id.starts_with("p-") && id.len() > 2).then(|| id.to_string())
}

/// One statement as the explanation names it.
fn statement(source: &Source) -> String {
    let sid = source
        .sid
        .as_deref()
        .map(|sid| format!(", Sid {sid}"))
        .unwrap_or_default();
    format!(
        "{} ({}) attached to {}{sid}",
        source.policy_id, source.policy_name, source.level
    )
}

/// What rootsweep says beside AWS's message: what its evaluation of the account's path found
/// for the action (`evaluated`: the decision, or why it could not be made), cross-checked
/// against the policy AWS named, if any.
pub fn explain(denial: &Denial, evaluated: Result<Decision, String>) -> String {
    let action = denial.action.as_deref().unwrap_or("the action");
    let named = denial.policy_id.as_deref();
    let aws_names = |found: Option<&str>| match (named, found) {
        (Some(id), Some(found)) if id == found => "; AWS's message names the same policy".into(),
        (Some(id), _) => format!("; AWS's message names {id}"),
        (None, _) => String::new(),
    };
    let found = match &evaluated {
        Ok(Decision::Denied(source)) => format!(
            "{action} is denied by {}{}",
            statement(source),
            aws_names(Some(&source.policy_id))
        ),
        Ok(Decision::NotAllowed { level }) => {
            format!(
                "no SCP attached to {level} allows {action}{}",
                aws_names(None)
            )
        }
        Ok(Decision::Depends { key, source }) => format!(
            "{action} turns on {key} in {}{}",
            statement(source),
            aws_names(Some(&source.policy_id))
        ),
        Ok(Decision::Allowed) => format!(
            "rootsweep's reading of the SCPs and RCPs on the account's path finds nothing refusing \
             {action} (a policy may have changed since it was read){}",
            aws_names(None)
        ),
        Err(why) => format!(
            "the account's SCPs and RCPs could not be read to name the policy ({why}){}",
            aws_names(None)
        ),
    };
    format!("[guardrails: {found}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCP_ARN: &str =
        "arn:aws:organizations::111111111111:policy/o-guard01/service_control_policy/p-keeppwd0001";

    fn source(id: &str) -> Source {
        Source {
            policy_id: id.into(),
            policy_name: "KeepRootPasswords".into(),
            level: "222222222203".into(),
            sid: Some("KeepPasswords".into()),
        }
    }

    #[test]
    fn reads_an_explicit_scp_deny_with_the_policy_arn() {
        let message = format!(
            "User: arn:aws:iam::222222222203:root is not authorized to perform: \
             iam:DeleteLoginProfile on resource: arn:aws:iam::222222222203:root with an explicit \
             deny in a service control policy: {SCP_ARN}"
        );
        assert_eq!(
            parse(&message),
            Some(Denial {
                kind: Kind::Scp,
                explicit: true,
                action: Some("iam:DeleteLoginProfile".into()),
                principal_account: Some("222222222203".into()),
                policy_id: Some("p-keeppwd0001".into()),
            })
        );
    }

    #[test]
    fn reads_an_rcp_deny_without_an_arn_and_an_implicit_scp_denial() {
        let rcp = "User: arn:aws:sts::222222222208:assumed-root/x is not authorized to perform: \
                   s3:DeleteBucketPolicy on resource: \"arn:aws:s3:::b\" with an explicit deny \
                   in a resource control policy";
        let denial = parse(rcp).expect("an RCP denial");
        assert_eq!(denial.kind, Kind::Rcp);
        assert!(denial.explicit);
        assert_eq!(denial.action.as_deref(), Some("s3:DeleteBucketPolicy"));
        assert_eq!(denial.principal_account.as_deref(), Some("222222222208"));
        assert_eq!(denial.policy_id, None);

        let implicit = "User: arn:aws:iam::222222222204:root is not authorized to perform: \
                        iam:GetLoginProfile because no service control policy allows the \
                        iam:GetLoginProfile action";
        let denial = parse(implicit).expect("an implicit denial");
        assert_eq!((denial.kind, denial.explicit), (Kind::Scp, false));
        assert_eq!(denial.action.as_deref(), Some("iam:GetLoginProfile"));
        assert_eq!(denial.policy_id, None);
    }

    #[test]
    fn other_denials_and_odd_words_are_not_taken_for_guardrails() {
        assert_eq!(parse("Access Denied"), None);
        assert_eq!(
            parse("User: x is not authorized to perform: iam:GetUser with an explicit deny in an identity-based policy"),
            None
        );
        // No ARN, a short account, a policy ARN of another service: nothing invented.
        let odd = "User: arn:aws:iam::2222:root is not authorized to perform: with an explicit \
                   deny in a service control policy: arn:aws:iam::111111111111:policy/p-x";
        let denial = parse(odd).expect("a denial");
        assert_eq!(denial.principal_account, None);
        assert_eq!(denial.action, None);
        assert_eq!(denial.policy_id, None);
        assert_eq!(
            policy_id("arn:aws:organizations::1:policy/o-1/service_control_policy/p-"),
            None
        );
        assert_eq!(root_account("urn:aws:iam::222222222203:root"), None);
        assert_eq!(root_account("arn:aws:iam::22222222220x:root"), None);
        // The caller's own role (e.g. AssumeRoot sent by an admin): not a root user.
        assert_eq!(root_account("arn:aws:iam::111111111111:user/admin"), None);
        assert_eq!(
            root_account("arn:aws:sts::111111111111:assumed-role/Admin/x"),
            None
        );
        assert_eq!(root_account("arn:aws:s3::111111111111:root"), None);
        assert_eq!(
            root_account("arn:aws-cn:sts::222222222203:assumed-root/AuditRoot/x").as_deref(),
            Some("222222222203")
        );
        assert_eq!(after("User: ", "User: "), None);
        assert_eq!(
            after("perform: iam:GetUser.", "perform: "),
            Some("iam:GetUser")
        );
    }

    fn denial(policy: Option<&str>) -> Denial {
        Denial {
            kind: Kind::Scp,
            explicit: true,
            action: Some("iam:DeleteLoginProfile".into()),
            principal_account: Some("222222222203".into()),
            policy_id: policy.map(str::to_string),
        }
    }

    #[test]
    fn names_the_statement_the_evaluation_found_and_cross_checks_aws_s_arn() {
        let denied = Ok(Decision::Denied(source("p-keeppwd0001")));
        assert_eq!(
            explain(&denial(None), denied.clone()),
            "[guardrails: iam:DeleteLoginProfile is denied by p-keeppwd0001 (KeepRootPasswords) \
             attached to 222222222203, Sid KeepPasswords]"
        );
        assert!(explain(&denial(Some("p-keeppwd0001")), denied.clone())
            .ends_with("Sid KeepPasswords; AWS's message names the same policy]"));
        assert!(explain(&denial(Some("p-other")), denied)
            .ends_with("Sid KeepPasswords; AWS's message names p-other]"));
    }

    #[test]
    fn says_what_else_the_evaluation_found_never_a_guess() {
        let not_allowed = Ok(Decision::NotAllowed {
            level: "ou-1".into(),
        });
        assert_eq!(
            explain(&denial(None), not_allowed),
            "[guardrails: no SCP attached to ou-1 allows iam:DeleteLoginProfile]"
        );
        let depends = Ok(Decision::Depends {
            key: "aws:SourceIp".into(),
            source: source("p-ip"),
        });
        assert_eq!(
            explain(&denial(Some("p-ip")), depends),
            "[guardrails: iam:DeleteLoginProfile turns on aws:SourceIp in p-ip \
             (KeepRootPasswords) attached to 222222222203, Sid KeepPasswords; AWS's message \
             names the same policy]"
        );
        let allowed = explain(&denial(Some("p-new")), Ok(Decision::Allowed));
        assert!(
            allowed.contains("finds nothing refusing iam:DeleteLoginProfile"),
            "{allowed}"
        );
        assert!(
            allowed.ends_with("; AWS's message names p-new]"),
            "{allowed}"
        );
        let failed = explain(
            &Denial {
                action: None,
                ..denial(None)
            },
            Err("AccessDenied".into()),
        );
        assert_eq!(
            failed,
            "[guardrails: the account's SCPs and RCPs could not be read to name the policy \
             (AccessDenied)]"
        );
        let unsourced = Source {
            sid: None,
            ..source("p-x")
        };
        assert_eq!(
            statement(&unsourced),
            "p-x (KeepRootPasswords) attached to 222222222203"
        );
    }
}

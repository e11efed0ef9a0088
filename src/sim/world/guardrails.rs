//! The organization's service control policies and resource control policies as a scenario
//! declares them (documents as text, the targets each is attached to), and the root-session
//! denials it declares. Plain data and lookups: the simulator never evaluates a policy; which
//! call is denied is what the scenario says.

/// The two kinds of authorization policy Organizations attaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyType {
    /// `SERVICE_CONTROL_POLICY`.
    ServiceControl,
    /// `RESOURCE_CONTROL_POLICY`.
    ResourceControl,
}

impl PolicyType {
    /// Both types with their wire names.
    pub const ALL: [(PolicyType, &'static str); 2] = [
        (PolicyType::ServiceControl, "SERVICE_CONTROL_POLICY"),
        (PolicyType::ResourceControl, "RESOURCE_CONTROL_POLICY"),
    ];

    /// The wire name (`Type`, `Filter`).
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::ServiceControl => "SERVICE_CONTROL_POLICY",
            PolicyType::ResourceControl => "RESOURCE_CONTROL_POLICY",
        }
    }

    /// The type of this wire name.
    pub fn from_name(name: &str) -> Option<PolicyType> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(t, _)| *t)
    }

    /// The ARN segment: `service_control_policy` or `resource_control_policy`.
    pub fn arn_segment(self) -> &'static str {
        match self {
            PolicyType::ServiceControl => "service_control_policy",
            PolicyType::ResourceControl => "resource_control_policy",
        }
    }

    /// How an access-denied message names a policy of this type.
    pub fn words(self) -> &'static str {
        match self {
            PolicyType::ServiceControl => "service control policy",
            PolicyType::ResourceControl => "resource control policy",
        }
    }

    /// The AWS managed policy Organizations attaches everywhere when the type is enabled.
    pub fn full_access(self) -> (&'static str, &'static str, &'static str) {
        match self {
            PolicyType::ServiceControl => (
                "p-FullAWSAccess",
                "FullAWSAccess",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            ),
            PolicyType::ResourceControl => (
                "p-RCPFullAWSAccess",
                "RCPFullAWSAccess",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
            ),
        }
    }
}

/// One policy of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// `p-…`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// SCP or RCP.
    pub kind: PolicyType,
    /// Whether AWS manages it (`FullAWSAccess`, `RCPFullAWSAccess`).
    pub aws_managed: bool,
    /// The document, as `DescribePolicy` returns it in `Content`.
    pub content: String,
    /// The roots, OUs and accounts it is attached to directly.
    pub targets: Vec<String>,
}

/// How a declared denial is worded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// "with an explicit deny in a … policy", by this policy.
    Explicit {
        /// The denying policy's id.
        policy: String,
    },
    /// "because no service control policy allows the … action".
    NoAllow,
}

/// A scenario's statement that root-session calls of some actions in some accounts are denied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    /// The member accounts.
    pub accounts: Vec<String>,
    /// Actions (`iam:DeleteLoginProfile`, `s3:*`, `*`), matched regardless of case.
    pub actions: Vec<String>,
    /// Which policy denies, or that none allows.
    pub why: Why,
    /// Whether the message ends with the denying policy's ARN (AWS's newer messages).
    pub arn_in_message: bool,
}

/// Every policy and denial of the organization.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guardrails {
    /// The enabled policy types.
    pub enabled: Vec<PolicyType>,
    /// Every policy, the AWS managed ones included.
    pub policies: Vec<Policy>,
    /// The declared root-session denials.
    pub denials: Vec<Denial>,
}

impl Guardrails {
    /// The policy with this id.
    pub fn policy(&self, id: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// The policies of `kind` attached directly to `target`, in declaration order.
    pub fn attached(&self, target: &str, kind: PolicyType) -> Vec<&Policy> {
        self.policies
            .iter()
            .filter(|p| p.kind == kind && p.targets.iter().any(|t| t == target))
            .collect()
    }

    /// The first declared denial of `action` in a root session of `account`.
    pub fn denial(&self, account: &str, action: &str) -> Option<&Denial> {
        self.denials.iter().find(|d| {
            d.accounts.iter().any(|a| a == account)
                && d.actions.iter().any(|p| action_matches(p, action))
        })
    }
}

/// `service:Action` against a pattern with `*` and `?`, regardless of case.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let a: Vec<char> = action.to_ascii_lowercase().chars().collect();
    // reach[j]: the pattern so far matches the first j characters.
    let mut reach = vec![false; a.len() + 1];
    reach[0] = true;
    for c in p {
        let mut next = vec![false; a.len() + 1];
        for j in 0..=a.len() {
            next[j] = match c {
                '*' => reach[j] || (j > 0 && next[j - 1]),
                '?' => j > 0 && reach[j - 1],
                c => j > 0 && reach[j - 1] && a[j - 1] == c,
            };
        }
        reach = next;
    }
    reach[a.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_match_with_wildcards_regardless_of_case() {
        assert!(action_matches(
            "iam:DeleteLoginProfile",
            "IAM:deleteloginprofile"
        ));
        assert!(action_matches("*", "s3:DeleteBucketPolicy"));
        assert!(action_matches("iam:Delete*", "iam:DeleteAccessKey"));
        assert!(action_matches("iam:?etUser", "iam:GetUser"));
        assert!(!action_matches("iam:Delete*", "iam:GetUser"));
        assert!(!action_matches("iam:GetUser", "iam:GetUsers"));
        assert!(!action_matches("s3:*", "sqs:GetQueueAttributes"));
    }

    #[test]
    fn a_denial_covers_only_its_accounts_and_actions() {
        let g = Guardrails {
            denials: vec![Denial {
                accounts: vec!["222222222222".into()],
                actions: vec!["iam:DeleteLoginProfile".into()],
                why: Why::NoAllow,
                arn_in_message: false,
            }],
            ..Guardrails::default()
        };
        assert!(g.denial("222222222222", "iam:DeleteLoginProfile").is_some());
        assert!(g.denial("222222222222", "iam:GetLoginProfile").is_none());
        assert!(g.denial("333333333333", "iam:DeleteLoginProfile").is_none());
    }

    #[test]
    fn attached_lists_the_policies_of_one_type_on_one_target() {
        let policy = |id: &str, kind, targets: &[&str]| Policy {
            id: id.into(),
            name: id.into(),
            description: String::new(),
            kind,
            aws_managed: false,
            content: "{}".into(),
            targets: targets.iter().map(|t| t.to_string()).collect(),
        };
        let g = Guardrails {
            enabled: vec![PolicyType::ServiceControl],
            policies: vec![
                policy(
                    "p-a",
                    PolicyType::ServiceControl,
                    &["r-ab12", "ou-ab12-11111111"],
                ),
                policy("p-b", PolicyType::ResourceControl, &["r-ab12"]),
            ],
            denials: vec![],
        };
        let ids = |v: Vec<&Policy>| v.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(g.attached("r-ab12", PolicyType::ServiceControl)),
            ["p-a"]
        );
        assert_eq!(
            ids(g.attached("r-ab12", PolicyType::ResourceControl)),
            ["p-b"]
        );
        assert!(g
            .attached("222222222222", PolicyType::ServiceControl)
            .is_empty());
        assert_eq!(
            g.policy("p-b").map(|p| p.kind),
            Some(PolicyType::ResourceControl)
        );
    }
}

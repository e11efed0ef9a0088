//! The recommended guardrail for long-term root credentials (CIS AWS Foundations 7.0 2.1.2): an
//! SCP that denies every action to a member account's root user unless the request comes from
//! a root session (`aws:AssumedRoot` present), so rootsweep's sessions keep working.

/// The SCP's document, for `aws organizations create-policy --content`.
pub const SCP: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyLongTermRootCredentials",
      "Effect": "Deny",
      "Action": "*",
      "Resource": "*",
      "Condition": {
        "ArnLike": {
          "aws:PrincipalArn": "arn:*:iam::*:root"
        },
        "Null": {
          "aws:AssumedRoot": "true"
        }
      }
    }
  ]
}
"#;

/// How to create and attach it.
pub const HOW: &str = "rootsweep: save the policy above as deny-long-term-root.json, then:\n  \
    aws organizations create-policy --type SERVICE_CONTROL_POLICY --name DenyLongTermRoot \
    --description \"Deny long-term root credentials; root sessions stay allowed\" \
    --content file://deny-long-term-root.json\n  \
    aws organizations attach-policy --policy-id <the new p-…> --target-id <root, OU or account id>";

#[cfg(test)]
mod tests {
    use super::SCP;
    use crate::guardrails::evaluate::{evaluate, Decision, Level, Policy};
    use crate::guardrails::request::{Context, Credentials, Request};
    use crate::guardrails::Document;

    fn path() -> Vec<Level> {
        let full = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let policy = |id: &str, json: &str| Policy {
            id: id.into(),
            name: id.into(),
            document: Document::parse(json).expect("parses"),
        };
        vec![Level {
            target: "r-ab12".into(),
            scps: vec![policy("p-FullAWSAccess", full), policy("p-rec", SCP)],
            rcps: vec![],
        }]
    }

    #[test]
    fn the_recommended_scp_denies_long_term_root_and_lets_root_sessions_and_roles_through() {
        for partition in ["aws", "aws-us-gov", "aws-cn"] {
            let request = |credentials| {
                let context = Context::root(partition, "111122223333", credentials);
                Request::new("iam:DeleteLoginProfile", "*", context)
            };
            let session = evaluate(&path(), &request(Credentials::RootSession));
            assert_eq!(session, Decision::Allowed, "{partition}");
            let long_term = evaluate(&path(), &request(Credentials::LongTermRoot));
            assert!(
                matches!(long_term, Decision::Denied(s) if s.sid.as_deref() == Some("DenyLongTermRootCredentials"))
            );
        }
        let role = Context::new()
            .with("aws:PrincipalArn", ["arn:aws:iam::111122223333:role/admin"])
            .without("aws:AssumedRoot");
        let decision = evaluate(&path(), &Request::new("s3:GetObject", "*", role));
        assert_eq!(decision, Decision::Allowed);
    }
}

//! Root-session calls a scenario's `[[guardrails.denials]]` deny: the `AccessDenied` each
//! service answers, worded as AWS words an SCP or RCP denial (optionally with the denying
//! policy's ARN). The denial is the scenario's declaration, never an evaluation of a policy.

use crate::sim::services::error::Error;
use crate::sim::services::organizations_policies::policy_arn;
use crate::sim::services::request::{Params, Who};
use crate::sim::services::Service;
use crate::sim::world::guardrails::Why;
use crate::sim::world::state::{Grant, World};

/// The error that answers this call instead of the operation, when the scenario denies it.
pub(crate) fn denial(
    world: &World,
    who: &Who,
    service: Service,
    op: &str,
    params: &Params,
) -> Option<Error> {
    let Who::Session { session, .. } = who else {
        return None;
    };
    if !matches!(session.grant, Grant::Root(_)) {
        return None;
    }
    let account = &world.accounts[session.account].id;
    let action = format!("{}:{op}", service.as_str());
    let declared = world.org.guardrails.denial(account, &action)?;
    let partition = world.org.partition.as_str();
    let principal = who.arn(world);
    let resource = resource(service, params, partition, account);
    let why = match &declared.why {
        Why::NoAllow => format!("because no service control policy allows the {action} action"),
        Why::Explicit { policy } => {
            let policy = world.org.guardrails.policy(policy)?;
            let mut why = format!("with an explicit deny in a {}", policy.kind.words());
            if declared.arn_in_message {
                why.push_str(&format!(": {}", policy_arn(world, policy)));
            }
            why
        }
    };
    let message = format!(
        "User: {principal} is not authorized to perform: {action} on resource: {resource} {why}"
    );
    Some(match service {
        Service::Sqs => Error::new(403, "AccessDenied", message)
            .with_shape("com.amazon.coral.service#AccessDeniedException"),
        _ => Error::new(403, "AccessDenied", message),
    })
}

/// The resource the call acts on: the root user, the bucket, the queue.
fn resource(service: Service, params: &Params, partition: &str, account: &str) -> String {
    match service {
        Service::S3 => format!(
            "arn:{partition}:s3:::{}",
            params.str("Bucket").unwrap_or_default()
        ),
        Service::Sqs => queue_arn(params, partition).unwrap_or_else(|| "*".into()),
        _ => format!("arn:{partition}:iam::{account}:root"),
    }
}

/// `arn:<partition>:sqs:<region>:<account>:<name>` from the body's `QueueUrl`.
fn queue_arn(params: &Params, partition: &str) -> Option<String> {
    let Params::Body(bytes) = params else {
        return None;
    };
    let body: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let url = body.get("QueueUrl")?.as_str()?;
    let mut parts = url.split_once("://")?.1.split('/');
    let host = parts.next()?;
    let (account, name) = (parts.next()?, parts.next()?);
    let region = host.split('.').nth(1).unwrap_or("us-east-1");
    Some(format!("arn:{partition}:sqs:{region}:{account}:{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_arn_comes_from_the_queue_url_and_a_bucket_arn_from_the_bucket() {
        let body = Params::Body(
            br#"{"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/222222222222/jobs"}"#.to_vec(),
        );
        assert_eq!(
            resource(Service::Sqs, &body, "aws", "222222222222"),
            "arn:aws:sqs:eu-west-1:222222222222:jobs"
        );
        let bucket = Params::Rest(vec![("Bucket".into(), "logs".into())]);
        assert_eq!(
            resource(Service::S3, &bucket, "aws", "2"),
            "arn:aws:s3:::logs"
        );
        assert_eq!(
            resource(Service::Iam, &bucket, "aws-cn", "222222222222"),
            "arn:aws-cn:iam::222222222222:root"
        );
        assert_eq!(resource(Service::Sqs, &bucket, "aws", "2"), "*");
    }
}

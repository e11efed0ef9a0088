//! The guardrails preflight of `delete`, `recover` and `unlock`: a check the pipeline runs
//! before each account, refusing up front (no AssumeRoot) an account whose SCPs or RCPs
//! certainly deny the task, with the policy and the fix. An account whose guardrails `depend`
//! on what rootsweep cannot know, or could not be read, is attempted. Every root command also
//! has each guardrail denial AWS answers explained with the statement the evaluation finds.

use super::Ctx;
use crate::aws::policies::PolicyReads;
use crate::guardrails::denial;
use crate::guardrails::fix::refusal;
use crate::guardrails::job::Job;
use crate::guardrails::tasks::Task;
use crate::run::guard::Guard;
use crate::run::Env;
use futures::FutureExt;
use std::sync::{Arc, Mutex};

/// The accounts the check refused, with why, in the order they were refused.
#[derive(Clone, Default)]
pub struct Refused(Arc<Mutex<Vec<(String, String)>>>);

impl Refused {
    /// The refusals as the run's closing lines say them (empty when none).
    pub fn text(&self) -> String {
        let list = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if list.is_empty() {
            return String::new();
        }
        let mut text = format!(
            "rootsweep: {} account(s) refused up front by their guardrails (no AssumeRoot made):",
            list.len()
        );
        for (account, why) in list.iter() {
            // Policy names come from the organization: shown escaped, as every table cell is.
            let why = crate::report::table::escape(why);
            text.push_str(&format!("\n  {account}: {why}"));
        }
        text
    }

    /// Prints [`Refused::text`] on stderr, if any account was refused.
    pub fn print(&self) {
        let text = self.text();
        if !text.is_empty() {
            eprintln!("{text}");
        }
    }
}

/// From now on, every `AccessDenied` of the run that AWS says a service or resource control
/// policy gave carries what the evaluation of the refused root user's account finds (the
/// policy, where it is attached, its statement), cross-checked against the policy AWS named.
/// Returns the evaluation, whose policy reads are cached for the run.
pub fn explain(ctx: &Ctx, env: &Env) -> Arc<Job<PolicyReads>> {
    let region = ctx
        .aws
        .region()
        .unwrap_or_else(|| crate::aws::DEFAULT_REGION.to_string());
    let job = Arc::new(Job::new(
        ctx.aws.policy_reads(),
        &env.management_account,
        &env.run.organization,
        &env.run.partition,
        &region,
    ));
    let evaluation = job.clone();
    ctx.aws.explain_denials(Arc::new(move |err| {
        let denial = denial::parse(&err.message);
        let job = evaluation.clone();
        async move {
            let denial = denial?;
            let (Some(account), Some(action)) = (&denial.principal_account, &denial.action) else {
                // Not a root user's call (the caller's own role): only AWS's policy, if named.
                return denial
                    .policy_id
                    .clone()
                    .map(|id| format!("[guardrails: AWS's message names {id}]"));
            };
            let evaluated = match job.decide(account, action).await {
                Ok(Some(decision)) => Ok(decision),
                Ok(None) => return None,
                Err(e) => Err(format!("{}: {}", e.operation, e.code)),
            };
            Some(denial::explain(&denial, evaluated))
        }
        .boxed()
    }));
    job
}

/// Adds the guardrails check for `task` to the run; what it refuses is collected.
pub fn install(ctx: &Ctx, env: &mut Env, task: Task) -> Refused {
    let job = explain(ctx, env);
    let refused = Refused::default();
    let list = refused.0.clone();
    env.config.guard = Some(Guard(Arc::new(move |account| {
        let (job, account, list) = (job.clone(), account.clone(), list.clone());
        async move {
            let why = refusal(&job.evaluate(&account).await, task)?;
            let mut list = list.lock().unwrap_or_else(|e| e.into_inner());
            list.push((account.id.clone(), why.clone()));
            Some(why)
        }
        .boxed()
    })));
    refused
}

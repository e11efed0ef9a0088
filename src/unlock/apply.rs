//! The unlock job's unit of change: one account's confirmed unlock. In a fresh unlock session
//! it re-reads every planned resource (one whose policy is no longer the one the plan showed is
//! left alone), saves each policy to the evidence file right before removing it, and verifies
//! in a second fresh session. The flow is `crate::run::apply`'s.

use super::api::{Current, PolicySession, PolicySessions};
use super::evidence::{Evidence, Saved};
use super::plan::Step;
use crate::call::Error;
use crate::run::apply::{Made, Stop, Todo, Unit};
use crate::run::job::{Entry, Outcome};

/// One account's confirmed unlock.
pub struct Unlock<'a, S> {
    /// Opens the verification session.
    pub sessions: &'a S,
    /// The confirmed entry.
    pub entry: &'a Entry<Step>,
    /// Where each policy is saved before its removal.
    pub evidence: &'a Evidence,
}

impl<S: PolicySessions> Unit for Unlock<'_, S> {
    type Session = S::Session;
    type Call = Step;

    async fn recheck(&self, session: &S::Session) -> Result<Todo<Step>, Stop> {
        let mut calls = Vec::new();
        let mut changed = Vec::new();
        for step in &self.entry.steps {
            match session.read_policy(&step.resource).await {
                Err(e) => return Err(Stop::call(format!("re-check {}", step.resource), &e)),
                // Gone since the plan: nothing left to remove.
                Ok(Current::NoPolicy | Current::NoResource) => {}
                Ok(Current::Policy(p)) if p != step.policy => changed.push(step.resource.clone()),
                Ok(Current::Policy(_)) => calls.push(step.clone()),
            }
        }
        let not_planned = || {
            format!(
                "re-check: the policy of {} is not the one in the confirmed plan",
                changed.join(", ")
            )
        };
        match (calls.is_empty(), changed.is_empty()) {
            (true, true) => Err(Stop::new(
                Outcome::AlreadyClean,
                "re-check: the planned policies were already gone",
            )),
            (true, false) => Err(Stop::new(
                Outcome::ChangedSincePlan,
                format!("{}; nothing changed (run the plan again)", not_planned()),
            )),
            (false, true) => Ok(Todo::all(calls)),
            (false, false) => Ok(Todo {
                calls,
                left_alone: Some(format!("{}; left alone", not_planned())),
            }),
        }
    }

    /// The policy saved to the evidence file: a policy that could not be saved is not removed.
    fn before(&self, step: &Step) -> Result<(), Stop> {
        let saved = Saved {
            account_id: self.entry.account_id.clone(),
            resource: step.resource.clone(),
            policy: step.policy.clone(),
            saved_at: crate::report::rfc3339_system(std::time::SystemTime::now()),
        };
        self.evidence.save(saved).map_err(|e| {
            Stop::new(
                Outcome::Failed,
                format!(
                    "{}: the policy could not be saved to {} ({e}); it was not removed",
                    step.resource,
                    self.evidence.path().display()
                ),
            )
        })
    }

    fn what(&self, step: &Step) -> String {
        format!("{} {}", step.call, step.resource)
    }

    async fn call(&self, session: &S::Session, step: &Step) -> Result<Made, Error> {
        session.remove_policy(&step.resource).await?;
        Ok(Made::Changed)
    }

    /// Proves the removals with a fresh session: no removed resource has a policy any more.
    async fn verify(&self, _: &S::Session, done: &[Step]) -> Result<(), Stop> {
        if done.is_empty() {
            return Ok(());
        }
        let session = self
            .sessions
            .open(&self.entry.account_id)
            .await
            .map_err(|e| Stop::call("verify", &e))?;
        let mut left = Vec::new();
        for step in done {
            match session.read_policy(&step.resource).await {
                Ok(Current::NoPolicy | Current::NoResource) => {}
                Ok(Current::Policy(_)) => left.push(step.resource.clone()),
                Err(e) => return Err(Stop::call(format!("verify {}", step.resource), &e)),
            }
        }
        if left.is_empty() {
            Ok(())
        } else {
            Err(Stop::new(
                Outcome::Failed,
                format!("verify: {} still has a policy", left.join(", ")),
            ))
        }
    }
}

//! The root job's unit of change: one account's confirmed entry. In a delete session it
//! re-checks the in-scope credentials against the plan right before any change, makes exactly
//! the planned calls, and verifies in a fresh audit session. Nothing the plan did not show is ever
//! removed. The flow itself (step loop, signals, busy retries) is `crate::run::apply`'s.

use super::api::{Change, Read, Sessions};
use super::model::MfaDevice;
use super::plan::{Scope, Step};
use crate::call::Error;
use crate::run::apply::{Made, Stop, Todo, Unit};
use crate::run::job::{Entry, Outcome};
use std::future::Future;

/// One account's entry, with the sessions to verify it in and the run's scope.
pub struct Delete<'a, S> {
    /// Opens the verification session.
    pub sessions: &'a S,
    /// The confirmed entry.
    pub entry: &'a Entry<Step>,
    /// What the run may change.
    pub scope: Scope,
}

impl<S: Sessions> Unit for Delete<'_, S> {
    type Session = S::Change;
    type Call = Step;

    /// Reads the in-scope credentials again and compares them with the plan: the planned steps
    /// still needed, or `changed-since-plan` when anything the plan did not show is there.
    async fn recheck(&self, session: &S::Change) -> Result<Todo<Step>, Stop> {
        let (keys, certs, login, mfa) = tokio::join!(
            session.access_key_ids(),
            session.signing_certificates(),
            optional(self.scope.login_profile, session.login_profile()),
            optional(self.scope.mfa, session.mfa_devices()),
        );
        let re_check = |e: Error| Stop::call("re-check", &e);
        let (keys, certs) = (keys.map_err(re_check)?, certs.map_err(re_check)?);
        let (login, mfa) = (login.map_err(re_check)?, mfa.map_err(re_check)?);
        let (login, mfa) = (login.flatten(), mfa.unwrap_or_default());
        let appeared = appeared(self.entry, keys.len(), certs.len(), login.is_some(), &mfa);
        if !appeared.is_empty() {
            return Err(Stop::new(
                Outcome::ChangedSincePlan,
                format!(
                    "re-check: {} not in the confirmed plan; nothing changed (run the plan again)",
                    appeared.join(" and ")
                ),
            ));
        }
        let todo: Vec<Step> = self
            .entry
            .steps
            .iter()
            .filter(|step| match step {
                Step::DeleteLoginProfile => login.is_some(),
                Step::DeactivateMfaDevice(serial) => mfa.iter().any(|d| &d.serial == serial),
            })
            .cloned()
            .collect();
        if todo.is_empty() {
            // The re-check, a fresh read, shows nothing of the plan left: someone else removed it.
            return Err(Stop::new(
                Outcome::AlreadyClean,
                "re-check: the planned credentials were already gone",
            ));
        }
        Ok(Todo::all(todo))
    }

    async fn call(&self, session: &S::Change, step: &Step) -> Result<Made, Error> {
        match step {
            Step::DeleteLoginProfile => session.delete_login_profile().await.map(|had| {
                if had {
                    Made::Changed
                } else {
                    Made::Already
                }
            }),
            Step::DeactivateMfaDevice(serial) => {
                session.deactivate_mfa(serial).await.map(|()| Made::Changed)
            }
        }
    }

    /// Proves the change with a fresh `IAMAuditRootUserCredentials` session: nothing in scope
    /// left.
    async fn verify(&self, _session: &S::Change, _done: &[Step]) -> Result<(), Stop> {
        let verify = |e: Error| Stop::call("verify", &e);
        let session = self
            .sessions
            .open_audit(&self.entry.account_id)
            .await
            .map_err(verify)?;
        let (login, mfa) = tokio::join!(
            optional(self.scope.login_profile, session.login_profile()),
            optional(self.scope.mfa, session.mfa_devices()),
        );
        let (login, mfa) = (login.map_err(verify)?, mfa.map_err(verify)?);
        let problem = if login.flatten().is_some() {
            "the login profile is still present".to_string()
        } else {
            match mfa {
                Some(devices) if !devices.is_empty() => {
                    format!("{} MFA device(s) still assigned", devices.len())
                }
                _ => return Ok(()),
            }
        };
        Err(Stop::new(Outcome::Failed, format!("verify: {problem}")))
    }
}

/// What the re-check found that the plan did not show, in words (empty when nothing).
fn appeared(
    entry: &Entry<Step>,
    keys: usize,
    certs: usize,
    login: bool,
    mfa: &[MfaDevice],
) -> Vec<String> {
    let mut appeared = Vec::new();
    if keys > 0 || certs > 0 {
        appeared.push(format!(
            "{keys} access key(s) and {certs} signing certificate(s)"
        ));
    }
    if login && !entry.steps.contains(&Step::DeleteLoginProfile) {
        appeared.push("a login profile".into());
    }
    let serials: Vec<&str> = mfa
        .iter()
        .filter(|d| {
            !entry
                .steps
                .contains(&Step::DeactivateMfaDevice(d.serial.clone()))
        })
        .map(|d| d.serial.as_str())
        .collect();
    if !serials.is_empty() {
        appeared.push(format!("MFA device(s) {}", serials.join(", ")));
    }
    appeared
}

async fn optional<T>(
    wanted: bool,
    call: impl Future<Output = Result<T, Error>>,
) -> Result<Option<T>, Error> {
    if wanted {
        call.await.map(Some)
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::job::Disposition;

    fn entry(steps: Vec<Step>) -> Entry<Step> {
        Entry {
            account_id: "222222222222".into(),
            account_name: "a".into(),
            verdict: "eligible",
            disposition: Disposition::Change,
            steps,
            reason: None,
        }
    }

    fn device(serial: &str) -> MfaDevice {
        MfaDevice {
            serial: serial.into(),
            enabled: None,
        }
    }

    #[test]
    fn anything_the_plan_did_not_show_is_named_and_what_it_showed_is_not() {
        let planned = entry(vec![
            Step::DeleteLoginProfile,
            Step::DeactivateMfaDevice("m1".into()),
        ]);
        assert!(appeared(&planned, 0, 0, true, &[device("m1")]).is_empty());
        assert_eq!(
            appeared(&planned, 1, 0, true, &[]),
            ["1 access key(s) and 0 signing certificate(s)"]
        );
        assert_eq!(
            appeared(&planned, 0, 2, false, &[]),
            ["0 access key(s) and 2 signing certificate(s)"]
        );
        assert_eq!(
            appeared(&planned, 0, 0, false, &[device("m1"), device("m2")]),
            ["MFA device(s) m2"]
        );
        let mfa_only = entry(vec![Step::DeactivateMfaDevice("m1".into())]);
        assert_eq!(appeared(&mfa_only, 0, 0, true, &[]), ["a login profile"]);
    }
}

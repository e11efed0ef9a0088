//! The recover job's unit of change: one account. In a fresh `IAMCreateRootUserPassword`
//! session it re-checks that there is still no login profile, calls CreateLoginProfile without a
//! password, and verifies in a second fresh session. The flow is `crate::run::apply`'s.

use super::api::{PasswordSession, PasswordSessions};
use super::plan::Step;
use crate::call::Error;
use crate::run::apply::{Made, Stop, Todo, Unit};
use crate::run::job::{Entry, Outcome};

/// One account's confirmed recovery.
pub struct Recover<'a, S> {
    /// Opens the verification session.
    pub sessions: &'a S,
    /// The confirmed entry.
    pub entry: &'a Entry<Step>,
}

impl<S: PasswordSessions> Unit for Recover<'_, S> {
    type Session = S::Session;
    type Call = Step;

    async fn recheck(&self, session: &S::Session) -> Result<Todo<Step>, Stop> {
        match session.login_profile().await {
            Err(e) => Err(Stop::call("re-check", &e)),
            Ok(Some(_)) => Err(Stop::new(
                Outcome::AlreadyClean,
                "re-check: a login profile exists already; nothing changed",
            )),
            Ok(None) => Ok(Todo::all(vec![Step::CreateLoginProfile])),
        }
    }

    /// CreateLoginProfile; EntityAlreadyExists (created by someone else since the re-check) is
    /// already done.
    async fn call(&self, session: &S::Session, _: &Step) -> Result<Made, Error> {
        let created = session.create_login_profile().await?;
        Ok(if created {
            Made::Changed
        } else {
            Made::Already
        })
    }

    /// Proves the recovery with GetLoginProfile in a fresh session.
    async fn verify(&self, _: &S::Session, _: &[Step]) -> Result<(), Stop> {
        let verify = |e: Error| Stop::call("verify", &e);
        let session = self
            .sessions
            .open(&self.entry.account_id)
            .await
            .map_err(verify)?;
        match session.login_profile().await.map_err(verify)? {
            Some(_) => Ok(()),
            None => Err(Stop::new(
                Outcome::Failed,
                "verify: GetLoginProfile found no login profile after CreateLoginProfile",
            )),
        }
    }
}

//! The users audit of one account: a session (the caller's own credentials in its own account,
//! a role elsewhere), the credential report — generated until complete, with bounded,
//! cancellable polling — and the authorization details, read concurrently, then judged.

use super::api::{Read, Sessions};
use super::model::{AuthorizationDetails, Finding, ReportState, User};
use super::verdict::{judge_all, needs_credentials, settle, Rules};
use crate::call::{Error, ErrorKind};
use crate::cancel::Cancel;
use futures::StreamExt;
use std::time::Duration;

/// `GenerateCredentialReport` calls before a report still not ready makes the account unknown
/// (about 35 s of waiting in all).
pub const REPORT_POLLS: u32 = 20;
/// The first wait between polls; it doubles up to [`MAX_POLL_WAIT`].
const FIRST_POLL_WAIT: Duration = Duration::from_millis(100);
/// The longest wait between polls.
const MAX_POLL_WAIT: Duration = Duration::from_secs(2);

/// Users of one account whose credentials are listed at the same time.
const CREDENTIAL_READS: usize = 4;

/// Codes of `GetCredentialReport` that mean "no report ready yet": generate (again) and wait.
const NOT_READY: [&str; 3] = ["ReportInProgress", "ReportNotPresent", "ReportExpired"];

/// Reads and judges one account. `own` says the account is the caller's.
pub async fn audit_account<S: Sessions>(
    sessions: &S,
    account_id: &str,
    own: bool,
    rules: &Rules,
    cancel: &Cancel,
) -> Finding {
    audit_in_session(sessions, account_id, own, rules, cancel)
        .await
        .0
}

/// Reads and judges one account, and hands back the session it read in (none when none could
/// be opened) for a plan's fresh reads right after, so that they need no second session.
pub async fn audit_in_session<S: Sessions>(
    sessions: &S,
    account_id: &str,
    own: bool,
    rules: &Rules,
    cancel: &Cancel,
) -> (Finding, Option<S::Read>) {
    let session = if own {
        sessions.own()
    } else {
        match sessions.assume_role(account_id).await {
            Ok(session) => session,
            Err(e) => return (Finding::Unreadable(e), None),
        }
    };
    let finding = match read(&session, cancel).await {
        Ok((report, details)) => match super::report::parse(&report) {
            Ok(rows) => {
                let mut users = judge_all(rows, &details, rules);
                settle_unrecorded(&session, &mut users, rules).await;
                Finding::Read(users)
            }
            Err(e) => Finding::Unreadable(e.into_call_error()),
        },
        Err(e) => Finding::Unreadable(e),
    };
    (finding, Some(session))
}

/// Lists the credentials IAM records no use for of every user the report alone would make
/// stale (a few users at a time), and settles their verdicts; no call for any other user.
async fn settle_unrecorded<R: Read>(session: &R, users: &mut [User], rules: &Rules) {
    let wanted: Vec<(usize, String, bool)> = users
        .iter()
        .enumerate()
        .filter_map(|(i, u)| needs_credentials(u).map(|certs| (i, u.detail.name.clone(), certs)))
        .collect();
    let listed: Vec<_> = futures::stream::iter(wanted)
        .map(|(i, name, certs)| async move { (i, session.credentials(&name, certs).await) })
        .buffer_unordered(CREDENTIAL_READS)
        .collect()
        .await;
    for (i, result) in listed {
        settle(&mut users[i], result, rules);
    }
}

/// The report and the details, concurrently; the first failure wins.
async fn read<R: Read>(
    session: &R,
    cancel: &Cancel,
) -> Result<(String, AuthorizationDetails), Error> {
    let (report, details) = tokio::join!(
        credential_report(session, cancel),
        session.authorization_details()
    );
    Ok((report?, details?))
}

/// `GenerateCredentialReport` until `COMPLETE`, then `GetCredentialReport`; a report not ready
/// yet is waited for (never an error) for at most [`REPORT_POLLS`] generations.
pub async fn credential_report<R: Read>(session: &R, cancel: &Cancel) -> Result<String, Error> {
    const GENERATE: &str = "GenerateCredentialReport";
    for poll in 0..REPORT_POLLS {
        if poll > 0 {
            wait(poll, cancel)
                .await
                .map_err(|()| Error::interrupted(GENERATE, None))?;
        }
        if session.generate_credential_report().await? != ReportState::Complete {
            continue;
        }
        match session.credential_report().await {
            Ok(text) => return Ok(text),
            Err(e) if NOT_READY.contains(&e.code.as_str()) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(Error::new(
        GENERATE,
        "ReportInProgress",
        &format!("the credential report was still not complete after {REPORT_POLLS} polls"),
        ErrorKind::Transient,
    ))
}

/// The wait before poll number `poll` (1-based); `Err` when the run is interrupted.
async fn wait(poll: u32, cancel: &Cancel) -> Result<(), ()> {
    let wait = FIRST_POLL_WAIT
        .saturating_mul(1 << (poll - 1).min(16))
        .min(MAX_POLL_WAIT);
    tokio::select! {
        biased;
        () = cancel.cancelled() => Err(()),
        () = tokio::time::sleep(wait) => Ok(()),
    }
}

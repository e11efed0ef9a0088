//! Pure: `users reactivate`. The undo record a `users deactivate` run wrote, read back and
//! checked (one line naming the file and the fix when it cannot be used); `--only` narrowing
//! it; and the plan per account from a fresh read of the record's users: every reversible
//! credential of the record still `Inactive` and unused since the record is set `Active`
//! again. A credential whose state changed since — deleted (its user too: reactivation after
//! `users delete` is impossible), already `Active`, or used after the record (so someone
//! switched it on and off again) — is refused and never called. A console password in the
//! record is never restored: it is named, with the command that sets a new one.

use super::deactivate::Kind;
use super::holdings::later;
use super::model::{Call, Holdings};
use super::switch::{state_of, Planned};
use crate::call::Error;
use crate::model::Account;
use crate::run::job::{Disposition, Entry};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An undo record that cannot be used: one line naming the file and what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}: {why}")]
pub struct RecordError {
    /// The file as given.
    pub file: String,
    /// What is wrong and what to do.
    pub why: String,
}

/// One credential of the record, as `users deactivate` wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Recorded {
    pub account_id: String,
    pub user_name: String,
    pub credential_type: Kind,
    pub credential_id: String,
    #[serde(default)]
    pub previous_status: String,
    #[serde(default)]
    pub last_used: String,
    pub reversible: bool,
    pub recorded_at: String,
}

/// A whole undo record.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Record {
    /// Who ran the deactivation.
    pub caller: String,
    /// When it started (RFC 3339).
    pub started: String,
    /// Every credential it changed, in order.
    pub credentials: Vec<Recorded>,
}

fn twelve_digits(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Reads an undo record (`file` names it in errors).
pub fn parse(file: &str, text: &str) -> Result<Record, RecordError> {
    let err = |why: String| RecordError {
        file: file.to_string(),
        why,
    };
    let record: Record = serde_json::from_str(text).map_err(|e| {
        err(format!(
            "not an undo record of `users deactivate` ({e}); give the users-deactivated-<UTC>.json \
             file that run wrote"
        ))
    })?;
    for (i, c) in record.credentials.iter().enumerate() {
        let at = |why: String| {
            err(format!(
                "credentials[{i}]: {why}; the record was edited or is damaged"
            ))
        };
        let kind = c.credential_type;
        if !twelve_digits(&c.account_id) {
            return Err(at(format!(
                "account_id {:?} is not 12 digits",
                c.account_id
            )));
        }
        if c.user_name.is_empty() || (kind != Kind::Password && c.credential_id.is_empty()) {
            return Err(at("user_name and credential_id are needed".into()));
        }
        if crate::report::parse_time(&c.recorded_at).is_none() {
            return Err(at(format!("recorded_at {:?} is not a time", c.recorded_at)));
        }
        if c.reversible != kind.reversible() {
            return Err(at(format!(
                "a {} is never {}reversible",
                kind.word(),
                if c.reversible { "" } else { "ir" }
            )));
        }
    }
    Ok(record)
}

/// One `--only` value: `ACCOUNT`, `ACCOUNT/USER` or `ACCOUNT/USER/ID`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Only {
    account: String,
    user: Option<String>,
    id: Option<String>,
}

impl Only {
    /// Reads one `--only` value.
    pub fn parse(text: &str) -> Result<Only, String> {
        let mut parts = text.split('/');
        let account = parts.next().unwrap_or("").to_string();
        let user = parts.next().map(str::to_string);
        let id = parts.next().map(str::to_string);
        let empty = user.as_deref() == Some("") || id.as_deref() == Some("");
        if !twelve_digits(&account) || empty || parts.next().is_some() {
            return Err(format!(
                "--only {text:?}: give ACCOUNT, ACCOUNT/USER or ACCOUNT/USER/ID (a 12-digit account id)"
            ));
        }
        Ok(Only { account, user, id })
    }

    /// Whether it names `c` (user names match as IAM matches them, regardless of case).
    pub fn names(&self, c: &Recorded) -> bool {
        self.account == c.account_id
            && self
                .user
                .as_ref()
                .is_none_or(|u| u.eq_ignore_ascii_case(&c.user_name))
            && self.id.as_ref().is_none_or(|i| *i == c.credential_id)
    }
}

/// The record's credentials `only` names (all without `--only`); each `--only` must name one.
pub fn select(
    file: &str,
    record: &Record,
    only: &[Only],
    shown: &[String],
) -> Result<Vec<Recorded>, RecordError> {
    if let Some((_, text)) = only
        .iter()
        .zip(shown)
        .find(|(o, _)| !record.credentials.iter().any(|c| o.names(c)))
    {
        return Err(RecordError {
            file: file.to_string(),
            why: format!("--only {text} names no credential of this record; see its `credentials`"),
        });
    }
    Ok(record
        .credentials
        .iter()
        .filter(|c| only.is_empty() || only.iter().any(|o| o.names(c)))
        .cloned()
        .collect())
}

/// One credential the run sets back to `Active`, or refuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub user: String,
    pub kind: Kind,
    pub id: String,
    /// When the deactivation was recorded (RFC 3339).
    pub recorded_at: String,
    /// Its last use as the record holds it.
    pub last_used: String,
    /// Why it is left as it is (no call is made), when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

impl Step {
    /// The call that reactivates it (`None` for a password, which [`entry`] never plans).
    pub fn call(&self) -> Option<Call> {
        self.kind.update(&self.user, &self.id, true)
    }
}

super::switch::planned!(Step);

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.refused {
            None => match self.call() {
                Some(call) => write!(
                    f,
                    "{call} (user {}; deactivated at {})",
                    self.user, self.recorded_at
                ),
                None => write!(f, "no call: {}", new_password_hint(&self.user)),
            },
            Some(why) => write!(
                f,
                "REFUSED, no call: {} {} of user {}: {why}",
                self.kind.word(),
                self.id,
                self.user
            ),
        }
    }
}

/// Why a recorded credential must be left as it is, judged on a fresh read of its user
/// (`None`: the user is gone); `Ok` when it is still `Inactive` and unused since the record.
pub fn refusal(
    kind: Kind,
    id: &str,
    recorded_at: &str,
    user: Option<&Holdings>,
) -> Result<(), String> {
    let Some(h) = user else {
        return Err(
            "the user no longer exists (deleted since the record, e.g. by `users delete`): it cannot be reactivated"
                .into(),
        );
    };
    let Some((status, used)) = state_of(h, kind, id) else {
        return Err(
            "the credential no longer exists (deleted since the record): it cannot be reactivated"
                .into(),
        );
    };
    if status == "Active" {
        return Err("already Active: its state changed since the record; left as it is".into());
    }
    if !used.is_empty() && later(&used, recorded_at) {
        return Err(format!(
            "used at {used}, after the record: it was switched on and off again since; left as it is"
        ));
    }
    Ok(())
}

/// What the read stage learns in one account: its recorded credentials, and a fresh read of
/// their users (absent: gone).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The record's credentials in this account, in record order.
    pub wanted: Vec<Recorded>,
    /// The users' holdings, by name as the record spells it.
    pub holdings: Result<BTreeMap<String, Holdings>, Error>,
}

/// The command that gives a user whose password was deleted a new one.
pub fn new_password_hint(user: &str) -> String {
    format!(
        "a deleted console password cannot be restored: set a new one (aws iam create-login-profile --user-name {user} --password … --password-reset-required)"
    )
}

/// Every recorded credential's verdict: `reactivatable`, `refused` (with why) or
/// `not-reversible` (a password).
pub fn judged(found: &Found) -> Result<Vec<(&Recorded, &'static str, String)>, &Error> {
    let holdings = found.holdings.as_ref()?;
    Ok(found
        .wanted
        .iter()
        .map(|c| {
            let kind = c.credential_type;
            if !kind.reversible() {
                return (c, "not-reversible", new_password_hint(&c.user_name));
            }
            match refusal(
                kind,
                &c.credential_id,
                &c.recorded_at,
                holdings.get(&c.user_name),
            ) {
                Ok(()) => (c, "reactivatable", String::new()),
                Err(why) => (c, "refused", why),
            }
        })
        .collect())
}

/// One account's plan entry: every reversible credential of the record, the refused ones
/// marked (never called); `blocked` when all are refused, `unknown` when the read failed.
pub fn entry(account: &Account, found: &Found) -> Entry<Step> {
    let mut e = Entry {
        account_id: account.id.clone(),
        account_name: account.name.clone(),
        verdict: "unknown",
        disposition: Disposition::Unknown,
        steps: Vec::new(),
        reason: None,
    };
    let judged = match judged(found) {
        Ok(j) => j,
        Err(err) => {
            e.reason = Some(format!("the record's users could not be read ({err})"));
            return e;
        }
    };
    for (c, verdict, why) in judged {
        if verdict == "not-reversible" {
            continue;
        }
        e.steps.push(Step {
            user: c.user_name.clone(),
            kind: c.credential_type,
            id: c.credential_id.clone(),
            recorded_at: c.recorded_at.clone(),
            last_used: c.last_used.clone(),
            refused: (verdict == "refused").then_some(why),
        });
    }
    let refused: Vec<String> = e
        .steps
        .iter()
        .filter_map(|s| s.refused.as_ref().map(|w| format!("{}: {w}", s.label())))
        .collect();
    (e.verdict, e.disposition) = if e.steps.is_empty() {
        ("clean", Disposition::AlreadyClean)
    } else if refused.len() == e.steps.len() {
        e.reason = Some(refused.join("; "));
        ("refused", Disposition::Blocked)
    } else {
        ("inactive", Disposition::Change)
    };
    e
}

#[cfg(test)]
#[path = "reactivate_tests.rs"]
mod tests;

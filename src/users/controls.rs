//! The CIS AWS Foundations and Security Hub (FSBP) controls a users audit can judge, per IAM
//! user and per credential: only the failing ones, and those it cannot judge (`unknown`), are
//! listed. Pure.
//!
//! The credential controls read the credential report row: a user missing from it gets every one
//! of them as `unknown`, never as passed. A credential that is already off (no password, an
//! inactive key) fails none of them: it is not a finding.

use super::model::{KeyColumns, LastUse, ReportUser, UserDetail};
use crate::report::rfc3339;
use aws_smithy_types::DateTime;
use serde::{Serialize, Serializer};

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The users controls, from the one table of every control rootsweep proves.
pub use crate::controls::Def;
/// Every control judged, in report order.
pub use crate::controls::USERS as ALL;
pub use crate::controls::{
    CONSOLE_MFA, KEY_ROTATED_90, NO_USER_POLICIES, ONE_ACTIVE_KEY, UNUSED_45, UNUSED_90,
};

/// How a control stands for one user or credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The control fails.
    Failed,
    /// What the control needs could not be read.
    Unknown,
}

/// One control that fails, or cannot be judged, for one user or one of its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Control {
    /// Which control.
    pub def: Def,
    /// `password`, `access-key` (the words of `users deactivate`), or empty for the user as a
    /// whole.
    pub credential_type: &'static str,
    /// The credential report's name for it (`password`, `access_key_1`, `access_key_2`); empty
    /// for the user as a whole.
    pub credential: &'static str,
    /// Failed or unknown.
    pub status: Status,
    /// The evidence: dates and days, or why it is unknown.
    pub detail: String,
}

impl Control {
    /// The CSV cell text: `id`, or `id:credential` for one credential (`IAM.22:access_key_1`),
    /// with `?` after the id when unknown (`IAM.22?`).
    pub fn brief(&self) -> String {
        let unknown = if self.status == Status::Unknown {
            "?"
        } else {
            ""
        };
        match self.credential {
            "" => format!("{}{unknown}", self.def.id),
            c => format!("{}{unknown}:{c}", self.def.id),
        }
    }
}

/// The JSON shape of a [`Control`].
#[derive(Serialize)]
struct Full<'a> {
    id: &'static str,
    fsbp: Option<&'static str>,
    cis_v1_2: Option<&'static str>,
    cis_v3: Option<&'static str>,
    cis_v7: Option<&'static str>,
    title: &'static str,
    credential_type: &'static str,
    credential: &'static str,
    status: Status,
    detail: &'a str,
}

impl Serialize for Control {
    /// The full object for JSON; its [`Control::brief`] text where the serializer asks for a
    /// compact form (the CSV cell writer does).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            return s.serialize_str(&self.brief());
        }
        Full {
            id: self.def.id,
            fsbp: self.def.fsbp,
            cis_v1_2: self.def.cis_v1_2,
            cis_v3: self.def.cis_v3,
            cis_v7: self.def.cis_v7,
            title: self.def.title,
            credential_type: self.credential_type,
            credential: self.credential,
            status: self.status,
            detail: &self.detail,
        }
        .serialize(s)
    }
}

/// The controls one user fails or leaves unknown. `row` is the user's credential report row
/// (`None`: not in the report, with `why`); `now` is the time the audit judges against.
pub fn judge(
    row: Option<&ReportUser>,
    detail: &UserDetail,
    now: DateTime,
    why: &str,
) -> Vec<Control> {
    let mut out = match row {
        Some(row) => credentials(row, now),
        None => ALL
            .iter()
            .filter(|d| **d != NO_USER_POLICIES)
            .map(|d| Control {
                def: *d,
                credential_type: "",
                credential: "",
                status: Status::Unknown,
                detail: format!("the credential report has no row of this user: {why}"),
            })
            .collect(),
    };
    out.extend(policies(detail));
    out
}

/// The unused-credential controls (IAM.22, IAM.8) of a user whose credentials without a use
/// record (SSH public keys, service-specific credentials, signing certificates) could not be
/// listed: unknown for the user as a whole, as its verdict is, never passed.
pub fn unlisted(error: &str) -> Vec<Control> {
    [UNUSED_45, UNUSED_90]
        .into_iter()
        .map(|def| Control {
            def,
            credential_type: "",
            credential: "",
            status: Status::Unknown,
            detail: format!("the credentials IAM records no use for could not be listed ({error})"),
        })
        .collect()
}

/// Whole days from `t` to `now` (never negative).
fn days(now: DateTime, t: DateTime) -> i64 {
    (now.secs() - t.secs()).div_euclid(DAY).max(0)
}

/// Unused: days since the last use, or since issuance when never used, with the evidence.
fn unused(now: DateTime, last: LastUse, issued: Option<DateTime>) -> Option<(i64, String)> {
    match (last, issued) {
        (LastUse::At(t), _) => Some((
            days(now, t),
            format!("last used {} ({} days ago)", rfc3339(&t), days(now, t)),
        )),
        (_, Some(t)) => Some((
            days(now, t),
            format!(
                "never used, issued {} ({} days ago)",
                rfc3339(&t),
                days(now, t)
            ),
        )),
        _ => None,
    }
}

/// A credential that is on: its type, its report name, and its unused days with the evidence
/// (`None`: neither its last use nor its issuance is known).
struct On {
    kind: &'static str,
    name: &'static str,
    unused: Option<(i64, String)>,
}

/// The credential controls of one report row.
fn credentials(row: &ReportUser, now: DateTime) -> Vec<Control> {
    let mut on = Vec::new();
    if row.password_enabled {
        on.push(On {
            kind: "password",
            name: "password",
            unused: unused(now, row.password_last_used, row.password_last_changed),
        });
    }
    let slots = ["access_key_1", "access_key_2"];
    for (key, slot) in row.access_keys.iter().zip(slots) {
        if key.active {
            on.push(On {
                kind: "access-key",
                name: slot,
                unused: unused(now, key.last_used, key.last_rotated),
            });
        }
    }
    let mut out = Vec::new();
    for (def, limit) in [(UNUSED_45, 45), (UNUSED_90, 90)] {
        for c in &on {
            let control = |status, detail| Control {
                def,
                credential_type: c.kind,
                credential: c.name,
                status,
                detail,
            };
            match &c.unused {
                Some((d, evidence)) if *d >= limit => {
                    out.push(control(Status::Failed, evidence.clone()))
                }
                Some(_) => {}
                None => out.push(control(
                    Status::Unknown,
                    "the credential report gives neither its last use nor its issuance".into(),
                )),
            }
        }
    }
    for (key, slot) in row.access_keys.iter().zip(slots) {
        if let Some(control) = rotation(key, slot, now) {
            out.push(control);
        }
    }
    if row.access_keys.iter().all(|k| k.active) {
        out.push(Control {
            def: ONE_ACTIVE_KEY,
            credential_type: "access-key",
            credential: "",
            status: Status::Failed,
            detail: "both access keys are active".into(),
        });
    }
    if row.password_enabled && !row.mfa_active {
        out.push(Control {
            def: CONSOLE_MFA,
            credential_type: "password",
            credential: "password",
            status: Status::Failed,
            detail: "a console password and no MFA device".into(),
        });
    }
    out
}

/// IAM.3 for one key slot: an active key created or rotated more than 90 days ago.
fn rotation(key: &KeyColumns, slot: &'static str, now: DateTime) -> Option<Control> {
    if !key.active {
        return None;
    }
    let control = |status, detail| Control {
        def: KEY_ROTATED_90,
        credential_type: "access-key",
        credential: slot,
        status,
        detail,
    };
    match key.last_rotated {
        Some(t) if days(now, t) > 90 => Some(control(
            Status::Failed,
            format!("created {} ({} days ago)", rfc3339(&t), days(now, t)),
        )),
        Some(_) => None,
        None => Some(control(
            Status::Unknown,
            "the credential report gives no creation time for this active key".into(),
        )),
    }
}

/// IAM.2: managed policies attached to the user, or inline policies of its own.
fn policies(detail: &UserDetail) -> Option<Control> {
    let managed = detail.attached_policies.len();
    let inline = detail.inline_policies.len();
    (managed + inline > 0).then(|| Control {
        def: NO_USER_POLICIES,
        credential_type: "",
        credential: "",
        status: Status::Failed,
        detail: format!("{managed} managed and {inline} inline policies on the user itself"),
    })
}

#[cfg(test)]
#[path = "controls_tests.rs"]
mod tests;

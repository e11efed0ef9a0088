//! What the page says of each account (or, in `users audit`, each user): where it stands and
//! why, read from the rows of the run's JSON report (`accounts`, `users` or `tasks`). Pure: it
//! never reads a file, and it judges nothing the report does not already say.

use crate::findings::file::Command;
use serde_json::Value;

/// The reports a page is built from: those of the read-only commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `audit-<UTC>.json`.
    Audit,
    /// `users-audit-<UTC>.json`.
    UsersAudit,
    /// `guardrails-<UTC>.json`.
    Guardrails,
}

impl Kind {
    /// The report a command's page is built from; `None` for a command that has no page (one
    /// whose findings carry what it changed, which its read-stage report does not).
    pub fn of(command: Command) -> Option<Kind> {
        // Compared, not matched: a command added to `Command` has no page until it is named here.
        [Kind::Audit, Kind::UsersAudit, Kind::Guardrails]
            .into_iter()
            .find(|k| k.command() == command)
    }

    /// The command that writes the report.
    pub fn command(self) -> Command {
        match self {
            Kind::Audit => Command::Audit,
            Kind::UsersAudit => Command::UsersAudit,
            Kind::Guardrails => Command::Guardrails,
        }
    }

    /// The command as typed.
    pub fn name(self) -> &'static str {
        self.command().name()
    }

    /// The report's name before its timestamp, and the key of its rows.
    pub fn report(self) -> (&'static str, &'static str) {
        match self {
            Kind::Audit => ("audit", "accounts"),
            Kind::UsersAudit => ("users-audit", "users"),
            Kind::Guardrails => ("guardrails", "tasks"),
        }
    }
}

/// Where a subject stands, from the worst to the best; the page shows it as a word and a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    /// Something to change: root credentials remain, a stale user, a guardrail missing.
    Attention,
    /// What it needs could not be read: never taken as fine.
    Unknown,
    /// Nothing to do.
    Fine,
    /// Not judged: skipped (the management account, a suspended account) or not subject.
    Aside,
}

impl Standing {
    /// The word the page shows, also its CSS class.
    pub fn word(self) -> &'static str {
        match self {
            Standing::Attention => "attention",
            Standing::Unknown => "unknown",
            Standing::Fine => "fine",
            Standing::Aside => "aside",
        }
    }
}

/// One account (or user) as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The account id.
    pub account_id: String,
    /// The account's name.
    pub account_name: String,
    /// OU names from the root, `/`-joined (empty when the report has none).
    pub ou_path: String,
    /// The same ancestry by id (empty when the report has none).
    pub ou_ids: String,
    /// The IAM user (empty: the account itself).
    pub user: String,
    /// The report's verdict.
    pub verdict: String,
    /// Where it stands.
    pub standing: Standing,
    /// Why it needs attention (or why it is unknown or aside), one reason each.
    pub reasons: Vec<String>,
}

/// A text cell of a row (empty when absent or not text).
fn text<'a>(row: &'a Value, key: &str) -> &'a str {
    row[key].as_str().unwrap_or_default()
}

/// The report's rows of `command`.
pub fn rows(kind: Kind, doc: &Value) -> &[Value] {
    doc[kind.report().1]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// The subjects of a report, in its order.
pub fn of(kind: Kind, doc: &Value) -> Vec<Subject> {
    let rows = rows(kind, doc);
    match kind {
        Kind::Audit => rows.iter().map(audit).collect(),
        Kind::UsersAudit => rows.iter().map(user).collect(),
        Kind::Guardrails => guardrails(rows),
    }
}

fn subject(row: &Value, verdict: &str, standing: Standing, reasons: Vec<String>) -> Subject {
    Subject {
        account_id: text(row, "account_id").to_string(),
        account_name: text(row, "account_name").to_string(),
        ou_path: text(row, "ou_path").to_string(),
        ou_ids: text(row, "ou_ids").to_string(),
        user: text(row, "user_name").to_string(),
        verdict: verdict.to_string(),
        standing,
        reasons,
    }
}

/// `n thing` or `n things`.
fn plural(n: u64, thing: &str) -> String {
    format!("{n} {thing}{}", if n == 1 { "" } else { "s" })
}

/// The checks of an `error` cell, each its own reason: the cell joins them with `; `, which
/// may also appear inside a `[guardrails: …]` note, where it does not split.
pub fn errors(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in cell.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ';' if depth == 0 && cell[i + 1..].starts_with(' ') => {
                out.push(cell[start..i].trim().to_string());
                start = i + 2;
            }
            _ => {}
        }
    }
    out.push(cell[start..].trim().to_string());
    out.retain(|e| !e.is_empty());
    out
}

/// The root credentials an audit row still shows.
fn root_credentials(row: &Value) -> Vec<String> {
    let count = |key| text(row, key).parse::<u64>().unwrap_or(0);
    let mut out = Vec::new();
    if text(row, "login_profile") == "present" {
        let used = match text(row, "password_last_used") {
            "" => String::from(", never used"),
            when => format!(", last used {when}"),
        };
        out.push(format!("root password (login profile) present{used}"));
    }
    if count("mfa_devices") > 0 {
        out.push(plural(count("mfa_devices"), "root MFA device"));
    }
    if count("access_keys") > 0 {
        let mut keys = format!(
            "{} ({} active)",
            plural(count("access_keys"), "root access key"),
            count("access_keys_active")
        );
        if let Some(when) = Some(text(row, "access_key_last_used")).filter(|w| !w.is_empty()) {
            keys.push_str(&format!(", last used {when}"));
        }
        out.push(keys);
    }
    if count("signing_certificates") > 0 {
        out.push(plural(
            count("signing_certificates"),
            "root signing certificate",
        ));
    }
    out
}

/// An `audit` row: root credentials that remain are the reasons.
fn audit(row: &Value) -> Subject {
    let verdict = text(row, "verdict");
    let standing = match verdict {
        "clean" => Standing::Fine,
        "eligible" | "blocked" => Standing::Attention,
        "skipped" => Standing::Aside,
        _ => Standing::Unknown,
    };
    let mut reasons = match standing {
        Standing::Attention => root_credentials(row),
        _ => Vec::new(),
    };
    reasons.extend(errors(text(row, "error")));
    subject(row, verdict, standing, reasons)
}

/// One failing or unknown control of a users row, `IAM.22 access_key_1: title (detail)`.
fn control(c: &Value) -> String {
    let mut out = text(c, "id").to_string();
    if text(c, "status") == "unknown" {
        out.push('?');
    }
    if !text(c, "credential").is_empty() {
        out.push(' ');
        out.push_str(text(c, "credential"));
    }
    out.push_str(": ");
    out.push_str(text(c, "title"));
    if !text(c, "detail").is_empty() {
        out.push_str(&format!(" ({})", text(c, "detail")));
    }
    out
}

/// A `users audit` row: a user (its verdict and the controls it fails) or an account that
/// could not be read or was skipped.
fn user(row: &Value) -> Subject {
    let verdict = text(row, "verdict");
    let controls: Vec<String> = row["controls"]
        .as_array()
        .map(|cs| cs.iter().map(control).collect())
        .unwrap_or_default();
    let standing = match verdict {
        "stale" | "unverifiable" => Standing::Attention,
        "active" | "new" if controls.is_empty() => Standing::Fine,
        "active" | "new" => Standing::Attention,
        "skipped" => Standing::Aside,
        _ => Standing::Unknown,
    };
    let mut reasons = Vec::new();
    if verdict == "stale" {
        reasons.push(format!(
            "stale: {} days inactive",
            text(row, "days_inactive")
        ));
    }
    let unrecorded: Vec<&str> = row["unrecorded_credentials"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if !unrecorded.is_empty() {
        reasons.push(format!(
            "active credentials whose use IAM never records: {}",
            unrecorded.join(", ")
        ));
    }
    reasons.extend(controls);
    reasons.extend(errors(text(row, "error")));
    subject(row, verdict, standing, reasons)
}

/// What one guardrails task row says that needs attention, without the task's name.
fn task_reasons(row: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let v @ ("denied" | "not-allowed" | "depends") = text(row, "verdict") {
        let mut why = format!("a root session is {v}");
        let policy = [text(row, "policy_name"), text(row, "policy_id")]
            .into_iter()
            .find(|p| !p.is_empty());
        if let Some(policy) = policy {
            why.push_str(&format!(" by {policy}"));
        }
        if !text(row, "attached_to").is_empty() {
            why.push_str(&format!(" at {}", text(row, "attached_to")));
        }
        out.push(why);
    }
    if let v @ ("allowed" | "depends" | "unknown") = text(row, "long_term_root") {
        out.push(format!("long-term root credentials {v}"));
    }
    out
}

/// The reasons of an account's task rows, each once with the tasks it holds for:
/// `long-term root credentials allowed: audit, delete`.
fn grouped_reasons(rows: &[&Value]) -> Vec<String> {
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for row in rows {
        for why in task_reasons(row) {
            match groups.iter_mut().find(|(w, _)| *w == why) {
                Some((_, tasks)) => tasks.push(text(row, "task")),
                None => groups.push((why, vec![text(row, "task")])),
            }
        }
    }
    groups
        .into_iter()
        .map(|(why, tasks)| format!("{why}: {}", tasks.join(", ")))
        .collect()
}

/// `guardrails` rows, one subject per account: its guardrail for long-term root credentials
/// (CIS 2.1.2) and the tasks a root session cannot run.
fn guardrails(rows: &[Value]) -> Vec<Subject> {
    let mut ids: Vec<&str> = Vec::new();
    for row in rows {
        if !ids.contains(&text(row, "account_id")) {
            ids.push(text(row, "account_id"));
        }
    }
    ids.into_iter()
        .map(|id| {
            let of: Vec<&Value> = rows
                .iter()
                .filter(|r| text(r, "account_id") == id)
                .collect();
            account_guardrails(&of)
        })
        .collect()
}

fn account_guardrails(rows: &[&Value]) -> Subject {
    let first = rows[0];
    let verdicts: Vec<&str> = rows.iter().map(|r| text(r, "verdict")).collect();
    let guardrail = text(first, "long_term_root_guardrail");
    let mut reasons = grouped_reasons(rows);
    let (verdict, standing) = if verdicts.contains(&"skipped") || verdicts.contains(&"not-subject")
    {
        (verdicts[0].to_string(), Standing::Aside)
    } else if verdicts.contains(&"unknown") {
        ("unknown".to_string(), Standing::Unknown)
    } else if guardrail == "yes" && reasons.is_empty() {
        ("guardrail: yes".to_string(), Standing::Fine)
    } else {
        (format!("guardrail: {guardrail}"), Standing::Attention)
    };
    reasons.extend(errors(text(first, "error")));
    subject(first, &verdict, standing, reasons)
}

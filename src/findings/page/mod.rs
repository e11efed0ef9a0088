//! The page to look at: `report-<UTC>.html`, one self-contained HTML file built from a run's JSON
//! report (and what changed since the last run): counts per verdict, the OU tree, what needs
//! attention and why, the changes, and how the run was made. Pure: [`build`] returns the page as
//! a string; only [`file`] reads and writes files.
//!
//! The page must work from a mail attachment and never run anything: no script, no external
//! asset (styles are inline, fonts the reader's own), a Content-Security-Policy that forbids
//! everything but inline styles, and every text from AWS or the report escaped.

pub mod changes;
pub mod file;
pub mod subjects;
#[cfg(test)]
mod tests;
pub mod tree;

use serde_json::Value;
use std::collections::BTreeMap;
pub use subjects::Kind;
use subjects::{Standing, Subject};

/// How the run was asked for, beside what its report says: what the page shows under "how this
/// run was made" that the report does not carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invocation {
    /// The command line, program name first, secrets redacted.
    pub command_line: String,
    /// The AWS managed root-task policies the run's sessions were scoped to.
    pub task_policies: Vec<String>,
    /// How accounts were read when no task policy was used (e.g. the member role's name).
    pub sessions: String,
}

/// `text` with `& < > " '` replaced by their entities: safe in element text and in quoted
/// attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Inline styles: readable at 100 columns (`max-width: 100ch`), wrapping on a phone. No `url(`:
/// nothing is fetched.
const STYLE: &str = "\
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:100ch;\
margin:0 auto;padding:12px;color:#1b1f24;background:#fff}\
h1{font-size:1.35em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .4em;\
border-bottom:1px solid #d0d7de}h3{font-size:1em;margin:1em 0 .3em}\
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;\
padding:3px 6px;border-bottom:1px solid #e5e7eb;overflow-wrap:break-word}\
table.kv{width:auto}code.long{overflow-wrap:anywhere}\
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}\
ul.tree,ul.tree ul{list-style:none;margin:0;padding-left:1.2em}ul.tree{padding-left:0}\
ul.tree li{margin:.15em 0}.ou{font-weight:600}.n,.v,.meta{color:#57606a}\
ul.why{margin:0;padding-left:1.1em}\
table.list{table-layout:fixed}.list td{overflow-wrap:anywhere}.w-a{width:24%}.w-u{width:16%}\
.w-o{width:15%}.w-v{width:11%}.w-c{width:16%}.w-w{width:30%}\
.s{display:inline-block;padding:0 .35em;border-radius:3px;font-size:.8em;font-weight:600}\
.attention{background:#ffe1de;color:#86181d}.unknown{background:#fff1bf;color:#5c4400}\
.fine{background:#dbf5e2;color:#11532b}.aside{background:#eceff1;color:#3d4650}\
@media (max-width:600px){body{font-size:14px;padding:8px}th,td{padding:2px 4px}\
.list thead{display:none}.list,.list tbody,.list tr,.list td{display:block;width:auto}\
.list tr{border-bottom:1px solid #d0d7de;padding:4px 0}.list td{border:0;padding:1px 0}}";

/// The page of one report document: `doc` is the JSON report, `since` the run's
/// `findings-<UTC>.since.json` when there was an earlier run to compare with.
pub fn build(kind: Kind, doc: &Value, since: Option<&Value>, how: &Invocation) -> String {
    let subjects = subjects::of(kind, doc);
    let names: BTreeMap<String, String> = subjects
        .iter()
        .map(|s| (s.account_id.clone(), s.account_name.clone()))
        .collect();
    let title = format!(
        "rootsweep {} of {} at {}",
        kind.name(),
        text(doc, "organization"),
        minute(text(doc, "started"))
    );
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    out.push_str(
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'\">\n",
    );
    out.push_str(&format!(
        "<title>{}</title>\n<style>{STYLE}</style></head>\n<body>\n",
        escape(&title)
    ));
    out.push_str(&format!("<h1>{}</h1>\n", escape(&title)));
    out.push_str(&incomplete(doc));
    out.push_str(&format!(
        "<h2>Counts</h2>\n{}\n",
        counts(kind, doc, &subjects)
    ));
    out.push_str(&format!("<h2>OU tree</h2>\n{}\n", ou_tree(kind, &subjects)));
    out.push_str(&format!(
        "<h2>Needing attention</h2>\n{}\n",
        attention(kind, &subjects)
    ));
    out.push_str(&format!(
        "<h2>Since the last run</h2>\n{}\n",
        changes::render(since, &names)
    ));
    out.push_str(&format!(
        "<h2>How this run was made</h2>\n{}\n",
        made(kind, doc, how)
    ));
    out.push_str("</body></html>\n");
    out
}

fn text<'a>(doc: &'a Value, key: &str) -> &'a str {
    doc[key].as_str().unwrap_or_default()
}

/// `2026-12-03T07:41:12.798637Z` → `2026-12-03 07:41 UTC` (as given when it is not RFC 3339).
fn minute(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(hm)) if rfc3339.as_bytes().get(10) == Some(&b'T') => {
            format!("{day} {hm} UTC")
        }
        _ => rfc3339.to_string(),
    }
}

/// A warning at the top when the report says the run did not read every account.
fn incomplete(doc: &Value) -> String {
    if doc["complete"].as_bool() != Some(false) {
        return String::new();
    }
    format!(
        "<p><span class=\"s unknown\">incomplete</span> This run did not read every account: {}</p>\n",
        escape(text(doc, "incomplete_reason"))
    )
}

/// What one row of the report counts as, per kind of report.
fn unit(kind: Kind) -> &'static str {
    match kind {
        Kind::Audit => "accounts",
        Kind::UsersAudit => "rows: one per IAM user, one per account not read",
        Kind::Guardrails => "rows: one per account and task",
    }
}

/// The report's counts per verdict (computed from its rows when it has none), then how many
/// subjects stand each way.
fn counts(kind: Kind, doc: &Value, subjects: &[Subject]) -> String {
    let mut per: Vec<(String, u64)> = match doc["counts"].as_object() {
        Some(map) => map
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or_default()))
            .collect(),
        None => {
            let mut m: BTreeMap<String, u64> = BTreeMap::new();
            for row in subjects::rows(kind, doc) {
                *m.entry(text(row, "verdict").to_string()).or_default() += 1;
            }
            m.into_iter().collect()
        }
    };
    per.sort();
    let mut out = format!(
        "<table class=\"kv\"><tr><th>verdict</th><th>count ({})</th></tr>",
        unit(kind)
    );
    for (verdict, n) in &per {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{n}</td></tr>",
            escape(verdict)
        ));
    }
    out.push_str("</table>\n<p>");
    let noun = if kind == Kind::UsersAudit {
        "users and accounts"
    } else {
        "accounts"
    };
    let standings: Vec<String> = [
        Standing::Attention,
        Standing::Unknown,
        Standing::Fine,
        Standing::Aside,
    ]
    .into_iter()
    .map(|s| {
        let n = subjects.iter().filter(|x| x.standing == s).count();
        format!("{} {n}", tree::badge(s))
    })
    .collect();
    out.push_str(&format!(
        "Of {} {noun}: {}.</p>",
        subjects.len(),
        standings.join(" ")
    ));
    out
}

fn ou_tree(kind: Kind, subjects: &[Subject]) -> String {
    let mut out = String::new();
    if kind == Kind::UsersAudit {
        out.push_str(
            "<p class=\"meta\">The users audit report names no OUs: each account is shown with \
             the worst standing of its users.</p>",
        );
    }
    out.push_str(&tree::render(&tree::build(subjects)));
    out
}

/// The subjects that need attention or are unknown, worst first, with their reasons.
fn attention(kind: Kind, subjects: &[Subject]) -> String {
    let mut list: Vec<&Subject> = subjects
        .iter()
        .filter(|s| matches!(s.standing, Standing::Attention | Standing::Unknown))
        .collect();
    if list.is_empty() {
        return String::from("<p>Nothing: every account read is fine.</p>");
    }
    list.sort_by_key(|s| s.standing);
    // The users audit report names no OU; its second column is the user.
    let users = kind == Kind::UsersAudit;
    let (second, width) = if users {
        ("user", "w-u")
    } else {
        ("OU", "w-o")
    };
    let mut out = format!(
        "<table class=\"list\"><thead><tr><th class=\"w-a\">account</th>\
         <th class=\"{width}\">{second}</th><th class=\"w-v\">verdict</th><th>why</th></tr>\
         </thead><tbody>"
    );
    for s in list {
        let why: String = s
            .reasons
            .iter()
            .map(|r| format!("<li>{}</li>", escape(r)))
            .collect();
        out.push_str(&format!(
            "<tr><td>{} <code>{}</code></td><td>{}</td>\
             <td><span class=\"s {}\">{}</span></td><td><ul class=\"why\">{why}</ul></td></tr>",
            escape(&s.account_name),
            escape(&s.account_id),
            escape(if users { &s.user } else { &s.ou_path }),
            s.standing.word(),
            escape(&s.verdict)
        ));
    }
    out.push_str("</tbody></table>");
    out
}

/// The account id of an ARN (`arn:aws:iam::111111111111:user/admin`), when it has one.
fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Who ran it, when, with which task policies and which command line.
fn made(kind: Kind, doc: &Value, how: &Invocation) -> String {
    let caller = text(doc, "caller");
    let who = match arn_account(caller) {
        Some(account) => format!(
            "<code class=\"long\">{}</code> (account {})",
            escape(caller),
            escape(account)
        ),
        None if caller.is_empty() => String::from("not in the report"),
        None => format!("<code>{}</code>", escape(caller)),
    };
    let policies = if how.task_policies.is_empty() {
        format!("none: {}", escape(&how.sessions))
    } else {
        how.task_policies
            .iter()
            .map(|p| format!("<code>{}</code>", escape(p)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let complete = match doc["complete"].as_bool() {
        Some(true) => String::from("yes"),
        Some(false) => format!("no: {}", escape(text(doc, "incomplete_reason"))),
        None => String::from("not in the report"),
    };
    let rows = [
        (
            "command",
            format!("<code>rootsweep {}</code>", escape(kind.name())),
        ),
        (
            "command line",
            format!("<code class=\"long\">{}</code>", escape(&how.command_line)),
        ),
        ("caller", who),
        (
            "organization",
            format!("<code>{}</code>", escape(text(doc, "organization"))),
        ),
        (
            "partition, region",
            format!(
                "{}, {}",
                escape(text(doc, "partition")),
                escape(text(doc, "region"))
            ),
        ),
        ("started", escape(text(doc, "started"))),
        ("ended", escape(text(doc, "ended"))),
        ("complete", complete),
        ("task policies", policies),
        ("rootsweep", escape(text(doc, "rootsweep_version"))),
        (
            "run id",
            format!("<code>{}</code>", escape(text(doc, "run_id"))),
        ),
    ];
    let mut out = String::from("<table class=\"kv\">");
    for (k, v) in rows {
        out.push_str(&format!("<tr><th>{k}</th><td>{v}</td></tr>"));
    }
    out.push_str("</table>");
    out
}

//! The page's "since the last run" section, from the `findings-<UTC>.since.json` document the
//! same run wrote (see [`crate::findings::since`]): new, still open and resolved findings, and
//! the accounts that joined or left. Pure.

use super::escape;
use serde_json::Value;
use std::collections::BTreeMap;

/// A finding's uid split into what a reader looks for (`rootsweep:IAM.22:2222:alice:access_key_1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uid<'a> {
    /// The control id.
    pub control: &'a str,
    /// The account id.
    pub account: &'a str,
    /// `root`, or the IAM user.
    pub principal: &'a str,
    /// The credential (empty: the principal as a whole).
    pub credential: &'a str,
}

/// The parts of a uid; `None` when it is not one rootsweep wrote.
pub fn split(uid: &str) -> Option<Uid<'_>> {
    let mut parts = uid.strip_prefix("rootsweep:")?.splitn(4, ':');
    Some(Uid {
        control: parts.next()?,
        account: parts.next()?,
        principal: parts.next()?,
        credential: parts.next().unwrap_or_default(),
    })
}

fn list<'a>(doc: &'a Value, key: &str) -> Vec<&'a str> {
    doc[key]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// `name (id)`, or the id alone when the report does not name the account.
fn account(names: &BTreeMap<String, String>, id: &str) -> String {
    match names.get(id).filter(|n| !n.is_empty()) {
        Some(name) => format!("{} <code>{}</code>", escape(name), escape(id)),
        None => format!("<code>{}</code>", escape(id)),
    }
}

/// A table of findings, one row each: control, account, principal and credential.
fn findings(title: &str, uids: &[&str], names: &BTreeMap<String, String>) -> String {
    if uids.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<h3>{} ({})</h3><table class=\"list\"><thead><tr><th class=\"w-c\">control</th>\
         <th>account</th><th class=\"w-w\">who</th></tr></thead><tbody>",
        escape(title),
        uids.len()
    );
    for uid in uids {
        let row = match split(uid) {
            Some(u) => {
                let mut who = escape(u.principal);
                if !u.credential.is_empty() {
                    who.push_str(&format!(" <code>{}</code>", escape(u.credential)));
                }
                format!(
                    "<td><code>{}</code></td><td>{}</td><td>{who}</td>",
                    escape(u.control),
                    account(names, u.account)
                )
            }
            None => format!("<td colspan=\"3\"><code>{}</code></td>", escape(uid)),
        };
        out.push_str(&format!("<tr>{row}</tr>"));
    }
    out.push_str("</tbody></table>");
    out
}

/// The section's body: what changed since the earlier findings file, or why nothing is said.
/// `names` gives each account id of the report its name.
pub fn render(since: Option<&Value>, names: &BTreeMap<String, String>) -> String {
    let Some(doc) = since else {
        return String::from(
            "<p>No earlier findings file of this command was compared (none in the report \
             folder, or no findings file was written): this is the first run the page can \
             speak of.</p>",
        );
    };
    let text = |k: &str| doc[k].as_str().unwrap_or_default();
    let file = text("since_file");
    let file = file.rsplit('/').next().unwrap_or(file);
    let from = if text("since").is_empty() {
        format!("<code>{}</code>", escape(file))
    } else {
        format!(
            "the run of {} (<code>{}</code>)",
            escape(text("since")),
            escape(file)
        )
    };
    let (new, open, resolved) = (
        list(doc, "new"),
        list(doc, "still_open"),
        list(doc, "resolved"),
    );
    let mut out = format!(
        "<p>Since {from}: <b>{} new</b>, {} still open, <b>{} resolved</b>.</p>",
        new.len(),
        open.len(),
        resolved.len()
    );
    for (ids, verb) in [
        (list(doc, "accounts_joined"), "joined"),
        (list(doc, "accounts_left"), "left"),
    ] {
        if !ids.is_empty() {
            let named: Vec<String> = ids.iter().map(|id| account(names, id)).collect();
            out.push_str(&format!(
                "<p>Accounts that {verb} the organization: {}.</p>",
                named.join(", ")
            ));
        }
    }
    out.push_str(&findings("New", &new, names));
    out.push_str(&findings("Resolved", &resolved, names));
    out.push_str(&findings("Still open", &open, names));
    out
}

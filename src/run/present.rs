//! What the terminal shows at the end of each stage, as pure text: the accounts that need
//! attention, the counts, the plan and the change outcomes. Nothing here writes.

use super::job::{Entry, Plan};
use crate::report::table::{self, escape};
use std::collections::BTreeMap;
use std::fmt::Display;

/// Rows shown in the attention table before it says "and N more".
pub const TABLE_LIMIT: usize = 50;

/// The "needs attention" table (sorted by its third column, the verdict, then the account),
/// cut at [`TABLE_LIMIT`] rows; empty when no row needs attention.
pub fn attention(header: &[&str], mut rows: Vec<Vec<String>>) -> String {
    if rows.is_empty() {
        return String::new();
    }
    rows.sort_by(|a, b| (a.get(2), a.first()).cmp(&(b.get(2), b.first())));
    let total = rows.len();
    rows.truncate(TABLE_LIMIT);
    let mut out = format!(
        "Accounts that need attention:\n{}\n",
        table::render(header, rows)
    );
    if total > TABLE_LIMIT {
        out.push_str(&format!(
            "... and {} more (see the CSV report)\n",
            total - TABLE_LIMIT
        ));
    }
    out
}

/// Accounts named per skip reason before it says "and N more".
pub const SKIPPED_LIMIT: usize = 5;

/// Why accounts were not read, one line per reason with the first accounts it applies to
/// (`(id, name, reason)`); empty when none was skipped.
pub fn skipped(skips: &[(String, String, String)]) -> String {
    if skips.is_empty() {
        return String::new();
    }
    let mut by_reason: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (id, name, reason) in skips {
        by_reason
            .entry(reason.as_str())
            .or_default()
            .push(format!("{id} ({})", escape(name)));
    }
    let mut out = format!("Skipped (not read): {} account(s):\n", skips.len());
    for (reason, mut accounts) in by_reason {
        let total = accounts.len();
        accounts.sort();
        accounts.truncate(SKIPPED_LIMIT);
        let more = if total > SKIPPED_LIMIT {
            format!(" and {} more", total - SKIPPED_LIMIT)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "  {total} {}: {}{more}\n",
            escape(reason),
            accounts.join(", ")
        ));
    }
    out
}

/// A counts table in `order`, with a total; `noun` names what is counted (`accounts`, `users`).
pub fn counts(title: &str, noun: &str, counts: &BTreeMap<String, usize>, order: &[&str]) -> String {
    format!("{}\n", table::counts(title, noun, counts, order))
}

/// The plan as text: each account's calls, what is left alone and why, and what the change
/// command would do with exactly these flags.
pub fn plan<S: Display>(plan: &Plan<S>, skip_blocked: bool, retry_hint: &str) -> String {
    let mut out = String::new();
    let changing: Vec<&Entry<S>> = plan.to_change().collect();
    out.push_str(&format!(
        "Plan ({}): {} account(s) would change.\n",
        plan.scope.join(", "),
        changing.len()
    ));
    for e in &changing {
        out.push_str(&format!("  {}:\n", who(e)));
        for step in &e.steps {
            out.push_str(&format!("    - {}\n", escape(&step.to_string())));
        }
    }
    let out_of_scope: Vec<&Entry<S>> = plan
        .entries
        .iter()
        .filter(|e| e.disposition == super::job::Disposition::NothingInScope)
        .collect();
    if !out_of_scope.is_empty() {
        out.push_str(&format!(
            "Left alone: {} account(s) hold nothing in scope:\n",
            out_of_scope.len()
        ));
        for e in out_of_scope {
            out.push_str(&format!("  {}\n", line(e)));
        }
    }
    let refused: Vec<&Entry<S>> = plan.refused().collect();
    if !refused.is_empty() {
        out.push_str(&format!(
            "Refused: {} account(s) would not be touched:\n",
            refused.len()
        ));
        for e in &refused {
            out.push_str(&format!("  {}\n", line(e)));
        }
        if skip_blocked {
            out.push_str(
                "With --skip-blocked, only the accounts listed under the plan would change.\n",
            );
        } else {
            out.push_str(&format!(
                "With these flags the change would be REFUSED (exit 3): nothing would change while \
                 accounts are blocked or unknown. To change only the accounts above, run:\n  {retry_hint}\n"
            ));
        }
    }
    out
}

/// `id (name)`, with control characters in the name shown escaped.
fn who<S>(e: &Entry<S>) -> String {
    format!("{} ({})", e.account_id, escape(&e.account_name))
}

/// `id (name): reason`, escaped: one terminal line per entry.
pub fn line<S>(e: &Entry<S>) -> String {
    format!("{}: {}", who(e), escape(e.reason.as_deref().unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::job::Disposition;

    fn entry(id: &str, disposition: Disposition, steps: Vec<&'static str>) -> Entry<&'static str> {
        Entry {
            account_id: id.into(),
            account_name: format!("n{id}"),
            verdict: "eligible",
            disposition,
            steps,
            reason: (disposition != Disposition::Change).then(|| format!("why {id}")),
        }
    }

    fn sample() -> Plan<&'static str> {
        Plan {
            scope: vec!["login-profile", "mfa"],
            entries: vec![
                entry(
                    "222222222222",
                    Disposition::Change,
                    vec!["delete login profile"],
                ),
                entry("333333333333", Disposition::Blocked, vec![]),
            ],
        }
    }

    #[test]
    fn a_plan_with_refusals_says_the_run_would_be_refused_and_how_to_go_on() {
        let text = plan(&sample(), false, "rootsweep delete --skip-blocked");
        assert!(text.contains("Plan (login-profile, mfa): 1 account(s) would change."));
        assert!(text.contains("    - delete login profile"));
        assert!(text.contains("  333333333333 (n333333333333): why 333333333333"));
        assert!(text.contains("REFUSED (exit 3)"), "{text}");
        assert!(
            text.contains("\n  rootsweep delete --skip-blocked\n"),
            "{text}"
        );
    }

    #[test]
    fn with_skip_blocked_the_plan_does_not_claim_a_refusal() {
        let text = plan(&sample(), true, "unused");
        assert!(!text.contains("REFUSED"), "{text}");
        assert!(text.contains("With --skip-blocked"));
    }

    #[test]
    fn skipped_accounts_are_explained_per_reason() {
        let skip =
            |id: &str, name: &str, why: &str| (id.to_string(), name.to_string(), why.to_string());
        let mut skips = vec![
            skip(
                "111111111111",
                "management",
                "management account is never targeted",
            ),
            skip(
                "222222222207",
                "old",
                "account state is SUSPENDED, not ACTIVE",
            ),
        ];
        for i in 0..7 {
            skips.push(skip(
                &format!("33333333333{i}"),
                "x",
                "not selected by the target filters",
            ));
        }
        let text = skipped(&skips);
        assert!(
            text.starts_with("Skipped (not read): 9 account(s):\n"),
            "{text}"
        );
        assert!(
            text.contains("  1 management account is never targeted: 111111111111 (management)\n"),
            "{text}"
        );
        assert!(
            text.contains("  1 account state is SUSPENDED, not ACTIVE: 222222222207 (old)\n"),
            "{text}"
        );
        assert!(
            text.contains("  7 not selected by the target filters: 333333333330 (x), "),
            "{text}"
        );
        assert!(text.contains(" and 2 more\n"), "{text}");
        assert_eq!(skipped(&[]), "");
    }

    #[test]
    fn the_attention_table_is_cut_at_its_limit() {
        let rows: Vec<Vec<String>> = (0..TABLE_LIMIT + 3)
            .map(|i| vec![format!("{i:012}"), "n".into(), "eligible".into()])
            .collect();
        let text = attention(&["account", "name", "verdict"], rows);
        assert!(
            text.ends_with("... and 3 more (see the CSV report)\n"),
            "{text}"
        );
        assert_eq!(attention(&["a"], Vec::new()), "");
    }
}

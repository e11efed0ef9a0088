//! The plan: one [`Entry`] per account that was read — the exact steps the change stage will
//! apply, or why it applies none ([`Disposition`]). Plain data, shown by the dry run.

use serde::Serialize;

/// What the plan does with one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Disposition {
    /// Its steps are applied.
    Change,
    /// Nothing to change at all.
    AlreadyClean,
    /// Something is present, but outside the run's scope (e.g. `--only`).
    NothingInScope,
    /// Refused: something the job must not touch is present.
    Blocked,
    /// Refused: the read stage could not establish the account's state.
    Unknown,
}

/// The plan for one account: the exact steps that will be applied, or why none will.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry<S> {
    /// Account id.
    pub account_id: String,
    /// Account name.
    pub account_name: String,
    /// The read stage's verdict.
    pub verdict: &'static str,
    /// What the plan does with the account.
    pub disposition: Disposition,
    /// The calls that will be made, in order (empty unless `Change`).
    pub steps: Vec<S>,
    /// Why nothing is done: the refusal and what to do first, or what is out of scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl<S> Entry<S> {
    /// Whether the plan refuses this account (blocked or unknown).
    pub fn refused(&self) -> bool {
        matches!(
            self.disposition,
            Disposition::Blocked | Disposition::Unknown
        )
    }
}

/// The plan: one entry per account that was read (not skipped), in account id order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan<S> {
    /// What the run may change (e.g. `login-profile`, `mfa`).
    pub scope: Vec<&'static str>,
    /// One entry per account.
    pub entries: Vec<Entry<S>>,
}

impl<S> Plan<S> {
    /// Entries with at least one step.
    pub fn to_change(&self) -> impl Iterator<Item = &Entry<S>> {
        self.entries
            .iter()
            .filter(|e| e.disposition == Disposition::Change)
    }

    /// Entries the plan refuses.
    pub fn refused(&self) -> impl Iterator<Item = &Entry<S>> {
        self.entries.iter().filter(|e| e.refused())
    }

    /// Every entry, in the order the change stage starts them: those with nothing to apply
    /// first (they end at once), then the most steps first (ties in account id order). With a
    /// bounded number of accounts in flight, the run ends when its last account does; starting
    /// the longest accounts first leaves only short ones for the end, instead of one long
    /// account running alone after the others finished.
    pub fn start_order(&self) -> Vec<&Entry<S>> {
        let mut order: Vec<&Entry<S>> = self.entries.iter().collect();
        order.sort_by_key(|e| match e.steps.len() {
            0 => 0,
            n => usize::MAX - n,
        });
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, steps: usize) -> Entry<usize> {
        Entry {
            account_id: id.to_string(),
            account_name: String::new(),
            verdict: "v",
            disposition: if steps == 0 {
                Disposition::AlreadyClean
            } else {
                Disposition::Change
            },
            steps: (0..steps).collect(),
            reason: None,
        }
    }

    #[test]
    fn the_change_stage_starts_the_accounts_with_nothing_to_do_then_the_most_steps_first() {
        let plan = Plan {
            scope: vec![],
            entries: vec![
                entry("1", 1),
                entry("2", 0),
                entry("3", 4),
                entry("4", 1),
                entry("5", 4),
                entry("6", 2),
            ],
        };
        let ids: Vec<&str> = plan
            .start_order()
            .iter()
            .map(|e| e.account_id.as_str())
            .collect();
        assert_eq!(ids, ["2", "3", "5", "6", "1", "4"]);
        assert_eq!(plan.entries.len(), 6, "the plan itself keeps its order");
        assert_eq!(plan.entries[0].account_id, "1");
    }
}

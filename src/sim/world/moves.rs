//! The accounts' current parents: the scenario's, unless a scripted move (`[[moves]]`) changed
//! one after enough calls of the tree walk were answered. Without moves nothing is locked.

use crate::sim::world::state::World;
use std::collections::HashMap;

/// The walk's listing calls, which `[[moves]]` count.
const WALK_CALLS: [&str; 2] = ["ListAccountsForParent", "ListOrganizationalUnitsForParent"];

/// Accounts moved so far: account index → new parent.
pub(crate) type Moved = HashMap<usize, String>;

impl World {
    /// The accounts moved so far (empty, without a lock, when the scenario moves none).
    pub(crate) fn moved(&self) -> Moved {
        if self.org.moves.is_empty() {
            return Moved::new();
        }
        self.lock().moved.clone()
    }

    /// An account's current parent.
    pub(crate) fn parent_of<'a>(&'a self, moved: &'a Moved, idx: usize) -> &'a str {
        moved
            .get(&idx)
            .map_or(self.accounts[idx].parent.as_str(), String::as_str)
    }

    /// An account's current `Paths` entry (`o-x/r-y/ou-a/<id>/`).
    pub(crate) fn path_of(&self, moved: &Moved, idx: usize) -> String {
        match moved.get(&idx) {
            None => self.paths[idx].clone(),
            Some(parent) => format!("{}{}/", self.container_path(parent), self.accounts[idx].id),
        }
    }

    /// Counts an answered call of the walk (`op` for `parent`), then makes every move it makes
    /// due.
    pub(crate) fn count_walk_call(&self, op: &str, parent: Option<&str>) {
        if self.org.moves.is_empty() || !WALK_CALLS.contains(&op) {
            return;
        }
        let mut state = self.lock();
        for (i, m) in self.org.moves.iter().enumerate() {
            if m.parent.as_deref().is_some_and(|p| Some(p) != parent) {
                continue;
            }
            if state.move_counts.len() <= i {
                state.move_counts.resize(i + 1, 0);
            }
            state.move_counts[i] += 1;
            if state.move_counts[i] == m.after.max(1) {
                if let Some(idx) = self.account(&m.account) {
                    state.moved.insert(idx, m.to.clone());
                }
            }
        }
    }
}

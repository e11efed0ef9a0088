//! IAM's eventual consistency (`iam_consistency_ms`): for that long after a `DeleteUser`,
//! `GetUser` still answers the deleted user as it was, and after a `DetachUserPolicy`,
//! `ListAttachedUserPolicies` still lists the policy — the stale reads AWS can give while a
//! change propagates. Everything else already sees the change.
//!
//! Plain data over the simulator's monotonic clock; callers pass `now` so tests can move it.

use crate::sim::world::user::{same_name, User};
use std::time::{Duration, Instant};

/// Recent changes one account's reads may not see yet.
#[derive(Debug, Clone, Default)]
pub struct Recent {
    /// Users deleted, with when.
    deleted: Vec<(Instant, User)>,
    /// Policies detached from users, in the order detached.
    detached: Vec<Detached>,
}

/// A direct policy attachment removed by `DetachUserPolicy`.
#[derive(Debug, Clone)]
struct Detached {
    at: Instant,
    user: String,
    /// Where it stood in the user's list, so a stale read shows the list as it was.
    position: usize,
    arn: String,
}

impl Recent {
    /// Records a deleted user (nothing when `window` is zero: reads are consistent).
    pub fn user_deleted(&mut self, now: Instant, user: User, window: Duration) {
        if window.is_zero() {
            return;
        }
        self.forget(now, window);
        self.deleted.push((now, user));
    }

    /// Records a policy detached from `user`, where it stood at `position`.
    pub fn policy_detached(
        &mut self,
        now: Instant,
        user: &str,
        position: usize,
        arn: &str,
        window: Duration,
    ) {
        if window.is_zero() {
            return;
        }
        self.forget(now, window);
        self.detached.push(Detached {
            at: now,
            user: user.to_string(),
            position,
            arn: arn.to_string(),
        });
    }

    /// The user called `name` deleted less than `window` ago, as it was when deleted.
    pub fn deleted_user(&self, name: &str, now: Instant, window: Duration) -> Option<&User> {
        self.deleted
            .iter()
            .rev()
            .find(|(at, u)| fresh(*at, now, window) && same_name(&u.name, name))
            .map(|(_, u)| u)
    }

    /// The user's attached policies as a read may still see them: the current ones with those
    /// detached less than `window` ago back where they stood.
    pub fn attached_policies(&self, user: &User, now: Instant, window: Duration) -> Vec<String> {
        let mut arns = user.attached_policies.clone();
        let stale = self
            .detached
            .iter()
            .filter(|d| fresh(d.at, now, window) && same_name(&d.user, &user.name));
        // Undo the detachments newest first, so each lands where it stood before its own.
        for d in stale.collect::<Vec<_>>().into_iter().rev() {
            if !arns.contains(&d.arn) {
                arns.insert(d.position.min(arns.len()), d.arn.clone());
            }
        }
        arns
    }

    /// Drops what every read sees by now.
    fn forget(&mut self, now: Instant, window: Duration) {
        self.deleted.retain(|(at, _)| fresh(*at, now, window));
        self.detached.retain(|d| fresh(d.at, now, window));
    }
}

/// Whether a change made `at` may still be invisible at `now`.
fn fresh(at: Instant, now: Instant, window: Duration) -> bool {
    now.saturating_duration_since(at) < window
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn user(name: &str, policies: &[&str]) -> User {
        let mut u = User::new(
            name.into(),
            "/".into(),
            "AIDA1".into(),
            datetime!(2024-01-01 00:00:00 UTC),
        );
        u.attached_policies = policies.iter().map(|p| p.to_string()).collect();
        u
    }

    const WINDOW: Duration = Duration::from_millis(500);

    #[test]
    fn a_deleted_user_is_still_found_by_name_until_the_window_passes() {
        let t0 = Instant::now();
        let mut recent = Recent::default();
        recent.user_deleted(t0, user("Bob", &["a"]), WINDOW);
        let soon = t0 + Duration::from_millis(499);
        let found = recent
            .deleted_user("bob", soon, WINDOW)
            .expect("still visible");
        assert_eq!(
            (found.name.as_str(), found.attached_policies.len()),
            ("Bob", 1)
        );
        assert!(recent.deleted_user("bob", t0 + WINDOW, WINDOW).is_none());
        assert!(recent.deleted_user("alice", soon, WINDOW).is_none());
    }

    #[test]
    fn detached_policies_reappear_where_they_stood_until_the_window_passes() {
        let t0 = Instant::now();
        let mut recent = Recent::default();
        // [a, b, c]: detach b (position 1), then a (position 0), leaving [c].
        recent.policy_detached(t0, "alice", 1, "b", WINDOW);
        let t1 = t0 + Duration::from_millis(100);
        recent.policy_detached(t1, "alice", 0, "a", WINDOW);
        let now = user("Alice", &["c"]);
        let at = |ms| t0 + Duration::from_millis(ms);
        assert_eq!(
            recent.attached_policies(&now, at(200), WINDOW),
            ["a", "b", "c"]
        );
        assert_eq!(recent.attached_policies(&now, at(550), WINDOW), ["a", "c"]);
        assert_eq!(recent.attached_policies(&now, at(600), WINDOW), ["c"]);
        assert_eq!(
            recent.attached_policies(&user("bob", &[]), at(200), WINDOW),
            Vec::<String>::new()
        );
    }

    #[test]
    fn nothing_is_kept_when_reads_are_consistent() {
        let t0 = Instant::now();
        let mut recent = Recent::default();
        recent.user_deleted(t0, user("bob", &[]), Duration::ZERO);
        recent.policy_detached(t0, "alice", 0, "a", Duration::ZERO);
        assert!(recent.deleted.is_empty() && recent.detached.is_empty());
    }
}

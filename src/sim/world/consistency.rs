//! IAM's eventual consistency (`iam_consistency_ms`): for that long after a `DeleteUser`,
//! `GetUser` still answers the deleted user as it was, after a `DetachUserPolicy`,
//! `ListAttachedUserPolicies` still lists the policy, and after a credential's status change
//! (`UpdateAccessKey` and the like) its reads still show the old status — the stale reads AWS can
//! give while a change propagates. Everything else already sees the change.
//!
//! Plain data over the simulator's monotonic clock; callers pass `now` so tests can move it.

use crate::sim::world::credentials::Kind;
use crate::sim::world::user::{same_name, User};
use std::time::{Duration, Instant};

/// Recent changes one account's reads may not see yet.
#[derive(Debug, Clone, Default)]
pub struct Recent {
    /// Users deleted, with when.
    deleted: Vec<(Instant, User)>,
    /// Policies detached from users, in the order detached.
    detached: Vec<Detached>,
    /// Credential statuses changed, in the order changed.
    statuses: Vec<StatusChange>,
}

/// A credential's status changed by one of the `Update…` calls.
#[derive(Debug, Clone)]
struct StatusChange {
    at: Instant,
    kind: Kind,
    user: String,
    id: String,
    /// Whether it was active before the change.
    was: bool,
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
        if self.remembers(now, window) {
            self.deleted.push((now, user));
        }
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
        if self.remembers(now, window) {
            self.detached.push(Detached {
                at: now,
                user: user.to_string(),
                position,
                arn: arn.to_string(),
            });
        }
    }

    /// Records that the `kind` credential `id` of `user` changed status (it was active or not).
    pub fn status_changed(
        &mut self,
        now: Instant,
        (kind, user, id): (Kind, &str, &str),
        was: bool,
        window: Duration,
    ) {
        if self.remembers(now, window) {
            self.statuses.push(StatusChange {
                at: now,
                kind,
                user: user.to_string(),
                id: id.to_string(),
                was,
            });
        }
    }

    /// Whether a read sees the `kind` credential `id` of `user` active: as it was before the
    /// earliest of its status changes less than `window` ago, else as it is (`active`).
    pub fn active(
        &self,
        (kind, user, id): (Kind, &str, &str),
        active: bool,
        now: Instant,
        window: Duration,
    ) -> bool {
        self.statuses
            .iter()
            .find(|c| {
                fresh(c.at, now, window) && c.kind == kind && c.id == id && same_name(&c.user, user)
            })
            .map_or(active, |c| c.was)
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

    /// Whether a change made `now` is to be remembered (reads lag: `window` is not zero),
    /// having dropped what every read sees by now.
    fn remembers(&mut self, now: Instant, window: Duration) -> bool {
        if window.is_zero() {
            return false;
        }
        self.forget(now, window);
        true
    }

    /// Drops what every read sees by now.
    fn forget(&mut self, now: Instant, window: Duration) {
        self.deleted.retain(|(at, _)| fresh(*at, now, window));
        self.detached.retain(|d| fresh(d.at, now, window));
        self.statuses.retain(|c| fresh(c.at, now, window));
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
    fn a_changed_status_reads_as_before_its_earliest_recent_change_until_the_window_passes() {
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        let key = (Kind::AccessKey, "alice", "AKIA1");
        let mut recent = Recent::default();
        // Active → Inactive at 0, back to Active at 100, Inactive again at 300: now Inactive.
        recent.status_changed(t0, key, true, WINDOW);
        recent.status_changed(at(100), key, false, WINDOW);
        recent.status_changed(at(300), key, true, WINDOW);
        assert!(recent.active(key, false, at(200), WINDOW), "as before 0");
        assert!(!recent.active(key, false, at(550), WINDOW), "as before 100");
        assert!(recent.active(key, false, at(700), WINDOW), "as before 300");
        assert!(!recent.active(key, false, at(800), WINDOW), "as it is now");
        assert!(
            recent.active((Kind::AccessKey, "ALICE", "AKIA1"), false, at(200), WINDOW),
            "user names in any case"
        );
        for other in [
            (Kind::SshKey, "alice", "AKIA1"),
            (Kind::AccessKey, "bob", "AKIA1"),
            (Kind::AccessKey, "alice", "AKIA2"),
        ] {
            assert!(!recent.active(other, false, at(200), WINDOW), "{other:?}");
        }
    }

    #[test]
    fn nothing_is_kept_when_reads_are_consistent() {
        let t0 = Instant::now();
        let mut recent = Recent::default();
        recent.user_deleted(t0, user("bob", &[]), Duration::ZERO);
        recent.policy_detached(t0, "alice", 0, "a", Duration::ZERO);
        let key = (Kind::SshKey, "alice", "APKA1");
        recent.status_changed(t0, key, true, Duration::ZERO);
        assert!(recent.deleted.is_empty() && recent.detached.is_empty());
        assert!(recent.statuses.is_empty());
    }
}

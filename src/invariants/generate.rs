//! Generated cases: an organization and a fault plan drawn from one seed. The same seed always
//! gives the same case, so a failing case is replayed by its seed alone.

use crate::root::fake::{Fake, Root};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// The management account of every generated organization.
pub const MANAGEMENT: &str = "111111111111";

/// Error codes of every class the README names: throttling, transient, busy, quota, denied,
/// credentials, other. (`NoSuchEntity` is left out: an injected "not found" for something
/// that exists would make the world and the answer disagree, which AWS never does.)
pub const CODES: [&str; 8] = [
    "Throttling",
    "ServiceFailure",
    "EntityTemporarilyUnmodifiable",
    "LimitExceeded",
    "AccessDenied",
    "ExpiredToken",
    "ValidationError",
    "RegionDisabledException",
];

/// What a fault does to the call it hits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The call answers this error code without reaching the world.
    Error(&'static str),
    /// A change reaches the world, its answer is lost, and the retry answers that its effect
    /// is in place (what the AWS edge reports after such a retry).
    AppliedThenLost,
    /// An active root access key appears in the call's account, then the call runs.
    KeyAppears,
    /// The run receives a signal, then the call runs.
    Signal,
}

/// One generated case.
#[derive(Debug, Clone)]
pub struct Case {
    /// The seed it was drawn from.
    pub seed: u64,
    /// Account id, Organizations state, root user.
    pub accounts: Vec<(String, String, Root)>,
    /// Accounts in flight at once.
    pub concurrency: usize,
    /// `(n, fault)`: the n-th call of the run (1-based, AssumeRoot included) gets the fault.
    pub faults: Vec<(usize, Fault)>,
    /// `--skip-blocked`.
    pub skip_blocked: bool,
    /// The accounts named on the command line (`recover` needs some).
    pub named: Vec<String>,
    /// `(k, on)`: the k-th report or record write of the run fails as on a full disk (and
    /// every later one when `on`). In-process runs only (the fault lives on the run's thread).
    pub writes: Option<(usize, bool)>,
}

impl Case {
    /// The case of `seed`.
    pub fn of(seed: u64) -> Case {
        let mut rng = SmallRng::seed_from_u64(seed);
        let count = rng.gen_range(0..=60usize);
        let mut accounts = Vec::new();
        if rng.gen_bool(0.5) {
            accounts.push((MANAGEMENT.to_string(), "ACTIVE".to_string(), root(&mut rng)));
        }
        for i in 0..count {
            let state = match rng.gen_range(0..20) {
                0 => "SUSPENDED",
                1 => "PENDING_CLOSURE",
                _ => "ACTIVE",
            };
            accounts.push((format!("2{:011}", i + 1), state.to_string(), root(&mut rng)));
        }
        // Calls of a run: about 6 per account to read, as many again to change.
        let calls = 12 * accounts.len().max(1);
        let faults = (0..rng.gen_range(0..=6usize))
            .map(|_| (rng.gen_range(1..=calls), fault(&mut rng)))
            .collect();
        let named = accounts
            .iter()
            .filter(|(id, state, _)| id != MANAGEMENT && state == "ACTIVE" && rng.gen_bool(0.4))
            .map(|(id, _, _)| id.clone())
            .collect();
        let (concurrency, skip_blocked) = (rng.gen_range(1..=8), rng.gen_bool(0.5));
        // Drawn last, so every earlier draw (and each kept seed's meaning) stays as it was.
        // Writes of a run: a CSV and a JSON per stage, a row per account, a record per change.
        let writes = rng
            .gen_bool(0.15)
            .then(|| (rng.gen_range(1..=2 * accounts.len() + 6), rng.gen_bool(0.3)));
        Case {
            seed,
            accounts,
            concurrency,
            faults,
            skip_blocked,
            named,
            writes,
        }
    }

    /// The case's organization, as the fake holds it.
    pub fn world(&self) -> Fake {
        self.accounts
            .iter()
            .fold(Fake::default(), |fake, (id, state, root)| {
                fake.account(id, root.clone()).with_state(id, state)
            })
    }
}

/// A root user in any credential combination.
fn root(rng: &mut SmallRng) -> Root {
    let serials = ["GAHT1", "arn:aws:iam::000000000000:mfa/root", "FIDO-1"];
    Root {
        login_profile: rng.gen_bool(0.6),
        mfa: serials
            .iter()
            .filter(|_| rng.gen_bool(0.35))
            .map(|s| s.to_string())
            .collect(),
        keys: (0..rng.gen_range(0..=2))
            .filter(|_| rng.gen_bool(0.3))
            .map(|i| format!("AKIAROOT{i}"))
            .collect(),
        certs: (0..rng.gen_range(0..=1))
            .filter(|_| rng.gen_bool(0.3))
            .map(|i| format!("CERT{i}"))
            .collect(),
    }
}

fn fault(rng: &mut SmallRng) -> Fault {
    match rng.gen_range(0..10) {
        0..=4 => Fault::Error(CODES[rng.gen_range(0..CODES.len())]),
        5 | 6 => Fault::AppliedThenLost,
        7 | 8 => Fault::KeyAppears,
        _ => Fault::Signal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_always_gives_the_same_case() {
        let (a, b) = (Case::of(42), Case::of(42));
        assert_eq!(a.accounts, b.accounts);
        assert_eq!(a.faults, b.faults);
        assert_eq!(a.named, b.named);
    }

    #[test]
    fn the_generator_reaches_every_kind_of_account_and_fault() {
        let cases: Vec<Case> = (0..400).map(Case::of).collect();
        let accounts = || cases.iter().flat_map(|c| c.accounts.iter());
        assert!(accounts().any(|(id, _, _)| id == MANAGEMENT));
        for state in ["ACTIVE", "SUSPENDED", "PENDING_CLOSURE"] {
            assert!(accounts().any(|(_, s, _)| s == state), "{state}");
        }
        assert!(accounts().any(|(_, _, r)| !r.keys.is_empty()));
        assert!(accounts().any(|(_, _, r)| !r.certs.is_empty()));
        assert!(accounts().any(|(_, _, r)| r.mfa.len() >= 2 && r.login_profile));
        assert!(accounts().any(|(_, _, r)| *r == Root::default()));
        assert!(cases.iter().any(|c| c.accounts.is_empty()));
        assert!(cases.iter().any(|c| c.accounts.len() > 55));
        let faults = || cases.iter().flat_map(|c| c.faults.iter().map(|(_, f)| f));
        for code in CODES {
            assert!(faults().any(|f| *f == Fault::Error(code)), "{code}");
        }
        for kind in [Fault::AppliedThenLost, Fault::KeyAppears, Fault::Signal] {
            assert!(faults().any(|f| *f == kind), "{kind:?}");
        }
        for on in [false, true] {
            assert!(cases
                .iter()
                .any(|c| c.writes.is_some_and(|w| w.0 == 1 && w.1 == on)));
            assert!(cases
                .iter()
                .any(|c| c.writes.is_some_and(|w| w.0 > 40 && w.1 == on)));
        }
    }
}

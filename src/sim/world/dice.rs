//! The simulator's only source of randomness: one seeded generator behind a mutex.
//!
//! Throttle and fault probabilities, session credentials and request ids all draw from it, so a
//! run is replayed by serving the same scenario with the same seed (`sim serve --seed N`).
//! Concurrent callers still interleave their draws in arrival order; a replay is exact for
//! sequential clients and close for concurrent ones.

use rand::distributions::{Alphanumeric, Distribution, Uniform};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::sync::Mutex;

/// A seeded random generator shared by every request.
pub(crate) struct Dice {
    seed: u64,
    rng: Mutex<SmallRng>,
}

impl Dice {
    /// A generator seeded with `seed`.
    pub(crate) fn new(seed: u64) -> Dice {
        Dice {
            seed,
            rng: Mutex::new(SmallRng::seed_from_u64(seed)),
        }
    }

    /// A seed for a run that names none.
    pub(crate) fn fresh_seed() -> u64 {
        rand::thread_rng().gen()
    }

    /// The seed this generator started from.
    pub(crate) fn seed(&self) -> u64 {
        self.seed
    }

    fn with<T>(&self, f: impl FnOnce(&mut SmallRng) -> T) -> T {
        // Poisoning is ignored: a generator's state is valid after any panic.
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut rng)
    }

    /// True with probability `p` (clamped to 0..=1).
    pub(crate) fn chance(&self, p: f64) -> bool {
        if p >= 1.0 {
            return true;
        }
        if p.is_nan() || p <= 0.0 {
            return false;
        }
        self.with(|rng| rng.gen_bool(p))
    }

    /// `len` characters of `[A-Za-z0-9]`.
    pub(crate) fn alphanumeric(&self, len: usize) -> String {
        self.with(|rng| {
            rng.sample_iter(&Alphanumeric)
                .take(len)
                .map(char::from)
                .collect()
        })
    }

    /// `len` characters of `[0-9A-Z]`, as in access key ids.
    pub(crate) fn upper(&self, len: usize) -> String {
        let digits = Uniform::from(0..36u8);
        self.with(|rng| {
            (0..len)
                .map(|_| {
                    let v = digits.sample(rng);
                    char::from(if v < 10 { b'0' + v } else { b'A' + v - 10 })
                })
                .collect()
        })
    }

    /// A request id in UUID (version 4) form.
    pub(crate) fn request_id(&self) -> String {
        let v: u128 = self.with(|rng| rng.gen());
        let h = format!("{v:032x}");
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draws(d: &Dice) -> (Vec<bool>, String, String, String) {
        (
            (0..32).map(|_| d.chance(0.5)).collect(),
            d.alphanumeric(12),
            d.upper(16),
            d.request_id(),
        )
    }

    #[test]
    fn the_same_seed_replays_the_same_draws_and_another_seed_does_not() {
        assert_eq!(draws(&Dice::new(42)), draws(&Dice::new(42)));
        assert_ne!(draws(&Dice::new(42)), draws(&Dice::new(43)));
    }

    #[test]
    fn certain_and_impossible_chances_draw_nothing() {
        let d = Dice::new(1);
        assert!(d.chance(1.0) && !d.chance(0.0) && !d.chance(f64::NAN));
        assert_eq!(draws(&d), draws(&Dice::new(1)));
    }

    #[test]
    fn generated_ids_have_their_documented_shape() {
        let d = Dice::new(9);
        let key = d.upper(16);
        assert!(
            key.len() == 16
                && key
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        );
        let rid = d.request_id();
        assert_eq!(rid.len(), 36);
        assert_eq!(rid.as_bytes()[14], b'4');
    }
}

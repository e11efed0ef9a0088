//! Paces `sts:AssumeRoot`, the call AWS throttles per caller, to the rate the service accepts.
//!
//! Every attempt's outcome is recorded. Over each one-second window, if more than half of the
//! attempts were throttled the caller is clearly over the service's limit: the pace is set just
//! above the rate that succeeded. When under a tenth are throttled the pace is raised (and
//! eventually lifted). In between it holds, so random throttling of a minority of calls does not
//! drag the rate down; those calls are simply retried.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Length of one observation window.
const WINDOW: Duration = Duration::from_secs(1);
/// Throttled share above which the pace is set from the successful rate.
const OVER: f64 = 0.5;
/// Throttled share below which the pace is raised.
const UNDER: f64 = 0.1;
/// Headroom above the successful rate when setting the pace.
const HEADROOM: f64 = 1.1;
/// Growth of the pace per quiet window.
const GROWTH: f64 = 1.25;
/// The pace never drops below this many calls per second.
const FLOOR: f64 = 1.0;
/// A pace this many times the last successful rate is lifted altogether.
const LIFT: f64 = 8.0;

/// The pacer's state: the current pace (`None`: unpaced) and the current window's counts.
#[derive(Debug)]
struct State {
    rate: Option<f64>,
    next: Instant,
    window_start: Instant,
    ok: u32,
    throttled: u32,
}

/// Shared pacer for one kind of call.
#[derive(Debug)]
pub struct Pacer {
    state: Mutex<State>,
}

impl Default for Pacer {
    fn default() -> Self {
        let now = Instant::now();
        Pacer {
            state: Mutex::new(State {
                rate: None,
                next: now,
                window_start: now,
                ok: 0,
                throttled: 0,
            }),
        }
    }
}

impl Pacer {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current pace in calls per second (`None`: unpaced).
    #[cfg(test)]
    pub fn rate(&self) -> Option<f64> {
        self.lock().rate
    }

    /// Books this caller's slot under the current pace (`None`: unpaced, go now); the caller
    /// waits for it (and may give the wait up, e.g. when the run is interrupted).
    pub fn reserve(&self) -> Option<Instant> {
        let mut s = self.lock();
        let rate = s.rate?;
        let now = Instant::now();
        let slot = s.next.max(now);
        s.next = slot + Duration::from_secs_f64(1.0 / rate);
        Some(slot)
    }

    /// Waits for this caller's slot under the current pace.
    #[cfg(test)]
    pub async fn wait(&self) {
        if let Some(slot) = self.reserve() {
            tokio::time::sleep_until(slot).await;
        }
    }

    /// Records one attempt's outcome, at `now`.
    pub fn record(&self, throttled: bool, now: Instant) {
        let mut s = self.lock();
        if throttled {
            s.throttled += 1;
        } else {
            s.ok += 1;
        }
        let elapsed = now.saturating_duration_since(s.window_start);
        if elapsed < WINDOW {
            return;
        }
        let total = f64::from(s.ok + s.throttled);
        let share = f64::from(s.throttled) / total;
        let success_rate = f64::from(s.ok) / elapsed.as_secs_f64();
        let before = s.rate;
        s.rate = if share > OVER {
            Some((success_rate * HEADROOM).max(FLOOR))
        } else if share < UNDER {
            s.rate
                .map(|r| r * GROWTH)
                .filter(|r| *r < LIFT * success_rate.max(FLOOR))
        } else {
            s.rate
        };
        if s.rate != before {
            tracing::debug!(pace = ?s.rate, success_rate, throttled_share = share, "AssumeRoot pace");
        }
        s.window_start = now;
        s.ok = 0;
        s.throttled = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Simulates a service that accepts `capacity` calls per second against callers that would
    /// send `demand` per second, for `secs` seconds; returns the successful rate at the end.
    fn converge(capacity: f64, demand: f64, secs: u32) -> (Pacer, f64) {
        let pacer = Pacer::default();
        let start = Instant::now();
        let mut last = 0.0;
        for second in 1..=secs {
            let offered = pacer.rate().map_or(demand, |r| r.min(demand));
            let ok = offered.min(capacity);
            let throttled = offered - ok;
            let calls = offered.round() as u32;
            let now = start + Duration::from_secs(u64::from(second));
            for i in 0..calls {
                let is_throttled = f64::from(i) < throttled.round();
                pacer.record(
                    is_throttled,
                    now - Duration::from_millis(1) + Duration::from_nanos(u64::from(i)),
                );
            }
            pacer.record(false, now + Duration::from_millis(1));
            last = ok;
        }
        (pacer, last)
    }

    #[tokio::test(start_paused = true)]
    async fn pace_settles_near_a_hard_limit_without_starving_it() {
        let (pacer, ok) = converge(25.0, 300.0, 30);
        let rate = pacer.rate().expect("paced");
        assert!((25.0..=45.0).contains(&rate), "pace {rate}");
        assert!(ok >= 24.0, "successful rate {ok}");
    }

    #[tokio::test(start_paused = true)]
    async fn random_minority_throttling_does_not_slow_the_caller() {
        let pacer = Pacer::default();
        let start = Instant::now();
        for i in 0..10_000u64 {
            let now = start + Duration::from_millis(i);
            pacer.record(i % 10 < 3, now);
        }
        assert_eq!(pacer.rate(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_paced_caller_waits_for_its_slot() {
        let pacer = Pacer::default();
        let start = Instant::now();
        for i in 0..20u64 {
            pacer.record(true, start + Duration::from_millis(i));
        }
        pacer.record(false, start + Duration::from_millis(1100));
        let rate = pacer.rate().expect("paced after a throttled window");
        assert!(rate >= FLOOR);
        let before = Instant::now();
        pacer.wait().await;
        pacer.wait().await;
        assert!(before.elapsed() >= Duration::from_secs_f64(0.9 / rate));
    }
}

//! A client-side request rate limit shared by every call of the run (`--max-rps`).

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Spaces requests evenly at a fixed rate; callers wait for their slot.
#[derive(Debug)]
pub struct Limiter {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Limiter {
    /// A limiter for `rps` requests per second (values below 0.01 are raised to it).
    pub fn new(rps: f64) -> Self {
        Limiter {
            interval: Duration::from_secs_f64(1.0 / rps.max(0.01)),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Books this caller's slot and returns when it is; the caller waits for it (and may give
    /// the wait up, e.g. when the run is interrupted).
    pub fn reserve(&self) -> Instant {
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let slot = (*next).max(now);
        *next = slot + self.interval;
        slot
    }

    /// Waits until this caller's slot.
    pub async fn acquire(&self) {
        tokio::time::sleep_until(self.reserve()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_at_the_configured_rate() {
        let limiter = Limiter::new(10.0);
        let start = Instant::now();
        for _ in 0..11 {
            limiter.acquire().await;
        }
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(1000), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(1100), "{elapsed:?}");
    }
}

//! A client-side request rate limit shared by every call of the run (`--max-rps`).

use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// Spaces requests evenly at a fixed rate; callers wait for their slot.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next: Mutex<Instant>,
}

impl RateLimiter {
    /// A limiter for `rps` requests per second (values below 0.01 are raised to it).
    pub fn new(rps: f64) -> Self {
        RateLimiter {
            interval: Duration::from_secs_f64(1.0 / rps.max(0.01)),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits until this caller's slot.
    pub async fn acquire(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_at_the_configured_rate() {
        let limiter = RateLimiter::new(10.0);
        let start = Instant::now();
        for _ in 0..11 {
            limiter.acquire().await;
        }
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(1000), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(1100), "{elapsed:?}");
    }
}

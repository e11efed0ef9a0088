//! Latency, throttling and fault injection: decides, per call, what the scenario does to it.

use crate::sim::services::Service;
use crate::sim::world::dice::Dice;
use crate::sim::world::model::{Fault, FaultAction, Latency, Throttle};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What identifies a call for latency, throttle and fault rules.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallKey<'a> {
    pub service: Service,
    pub operation: &'a str,
    /// Access key id of a long-term caller; None for session keys.
    pub caller: Option<&'a str>,
    /// Target account (AssumeRoot target or the session's account).
    pub account: Option<&'a str>,
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Counters of one fault rule.
#[derive(Default, Clone, Copy)]
struct Counter {
    matched: u64,
    fired: u64,
}

/// The scenario's call-shaping rules and their counters.
pub(crate) struct Shaping {
    latency: Latency,
    throttles: Vec<Throttle>,
    buckets: Mutex<Vec<Bucket>>,
    faults: Vec<Fault>,
    counters: Mutex<Vec<Counter>>,
    dice: Arc<Dice>,
}

impl Shaping {
    /// Rules from a scenario; probabilities draw from `dice`.
    pub(crate) fn new(
        latency: Latency,
        throttles: Vec<Throttle>,
        faults: Vec<Fault>,
        dice: Arc<Dice>,
    ) -> Shaping {
        let now = Instant::now();
        let buckets = throttles
            .iter()
            .map(|t| Bucket {
                tokens: t.rps.unwrap_or(1.0).max(1.0),
                last: now,
            })
            .collect();
        Shaping {
            latency,
            throttles,
            buckets: Mutex::new(buckets),
            counters: Mutex::new(vec![Counter::default(); faults.len()]),
            faults,
            dice,
        }
    }

    /// Added latency: the operation's entry, else the service's.
    pub(crate) fn latency(&self, key: &CallKey<'_>) -> Option<Duration> {
        self.latency
            .get(key.operation)
            .or_else(|| self.latency.get(key.service.as_str()))
            .filter(|ms| **ms > 0)
            .map(|ms| Duration::from_millis(*ms))
    }

    /// Whether a throttle rule rejects this call.
    pub(crate) fn throttled(&self, key: &CallKey<'_>) -> bool {
        if self.throttles.is_empty() {
            return false;
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        for (rule, bucket) in self.throttles.iter().zip(buckets.iter_mut()) {
            if rule.target != key.operation && rule.target != key.service.as_str() {
                continue;
            }
            if rule.probability.is_some_and(|p| self.dice.chance(p)) {
                return true;
            }
            if let Some(rps) = rule.rps {
                let burst = rps.max(1.0);
                let elapsed = now.duration_since(bucket.last).as_secs_f64();
                bucket.tokens = (bucket.tokens + elapsed * rps).min(burst);
                bucket.last = now;
                if bucket.tokens < 1.0 {
                    return true;
                }
                bucket.tokens -= 1.0;
            }
        }
        false
    }

    /// The action of the first fault rule that fires for this call, if any.
    pub(crate) fn fault(&self, key: &CallKey<'_>) -> Option<FaultAction> {
        if self.faults.is_empty() {
            return None;
        }
        let mut counters = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        for (rule, counter) in self.faults.iter().zip(counters.iter_mut()) {
            if !matches(rule, key) {
                continue;
            }
            counter.matched += 1;
            if counter.matched <= rule.after || rule.times.is_some_and(|t| counter.fired >= t) {
                continue;
            }
            if self.dice.chance(rule.probability) {
                counter.fired += 1;
                return Some(rule.action.clone());
            }
        }
        None
    }
}

/// Whether every matcher the rule sets agrees with the call. `expire-session` matches session
/// calls only: long-term keys do not expire.
fn matches(rule: &Fault, key: &CallKey<'_>) -> bool {
    let eq =
        |want: &Option<String>, got: Option<&str>| want.as_deref().is_none_or(|w| Some(w) == got);
    (rule.action != FaultAction::ExpireSession || key.caller.is_none())
        && eq(&rule.operation, Some(key.operation))
        && eq(&rule.account, key.account)
        && eq(&rule.caller, key.caller)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(after: u64, times: Option<u64>) -> Fault {
        Fault {
            account: Some("333333333333".into()),
            caller: None,
            operation: Some("ListMFADevices".into()),
            action: FaultAction::Reset,
            after,
            times,
            probability: 1.0,
        }
    }

    fn shaping(latency: Latency, throttles: Vec<Throttle>, faults: Vec<Fault>) -> Shaping {
        Shaping::new(latency, throttles, faults, Arc::new(Dice::new(7)))
    }

    fn key(account: &str) -> CallKey<'_> {
        CallKey {
            service: Service::Iam,
            operation: "ListMFADevices",
            caller: None,
            account: Some(account),
        }
    }

    #[test]
    fn fault_fires_after_the_let_through_calls_and_at_most_times() {
        let s = shaping(Latency::new(), vec![], vec![rule(1, Some(2))]);
        let fired: Vec<bool> = (0..5)
            .map(|_| s.fault(&key("333333333333")).is_some())
            .collect();
        assert_eq!(fired, [false, true, true, false, false]);
    }

    #[test]
    fn fault_ignores_other_accounts_and_caller_matchers_skip_session_keys() {
        let s = shaping(Latency::new(), vec![], vec![rule(0, None)]);
        assert!(s.fault(&key("444444444444")).is_none());
        let mut by_caller = rule(0, None);
        by_caller.account = None;
        by_caller.caller = Some("AKIAMANAGEMENT000001".into());
        assert!(!matches(&by_caller, &key("333333333333")));
    }

    #[test]
    fn session_expiry_faults_pass_over_long_term_callers() {
        let mut expire = rule(0, Some(1));
        expire.action = FaultAction::ExpireSession;
        let s = shaping(Latency::new(), vec![], vec![expire]);
        let long_term = CallKey {
            caller: Some("AKIAMANAGEMENT000001"),
            ..key("333333333333")
        };
        assert_eq!(s.fault(&long_term), None);
        assert_eq!(
            s.fault(&key("333333333333")),
            Some(FaultAction::ExpireSession),
            "the first session call is the one affected"
        );
    }

    #[test]
    fn token_bucket_rejects_the_burst_excess() {
        let t = Throttle {
            target: "iam".into(),
            rps: Some(2.0),
            probability: None,
        };
        let s = shaping(Latency::new(), vec![t], vec![]);
        let throttled = (0..4).filter(|_| s.throttled(&key("333333333333"))).count();
        assert_eq!(throttled, 2);
    }

    #[test]
    fn operation_latency_wins_over_service_latency() {
        let latency = Latency::from([("iam".to_string(), 40), ("ListMFADevices".to_string(), 5)]);
        let s = shaping(latency, vec![], vec![]);
        assert_eq!(s.latency(&key("1")), Some(Duration::from_millis(5)));
    }

    #[test]
    fn probabilistic_throttles_replay_identically_under_the_same_seed() {
        let run = |seed: u64| {
            let t = Throttle {
                target: "iam".into(),
                rps: None,
                probability: Some(0.5),
            };
            let s = Shaping::new(Latency::new(), vec![t], vec![], Arc::new(Dice::new(seed)));
            (0..64)
                .map(|_| s.throttled(&key("333333333333")))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(11), run(11));
        assert_ne!(run(11), run(12));
    }
}

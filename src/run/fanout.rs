//! Bounded fan-out: at most N items in flight for the whole run, results folded by a single
//! consumer in completion order (no locks), and a stop condition that starts nothing new.

use futures::{Stream, StreamExt};
use std::future::Future;

/// Runs `work` on each item with at most `concurrency` in flight. Once `stop()` is true (a
/// signal, a report that cannot be written, refused credentials), items not yet started become
/// `not_started(item)`; items in flight finish. Every result reaches `sink`.
pub async fn fan_out<I, O, W, Fut, N, S, P>(
    items: impl Stream<Item = I>,
    concurrency: usize,
    stop: P,
    work: W,
    not_started: N,
    mut sink: S,
) where
    W: Fn(I) -> Fut,
    Fut: Future<Output = O>,
    N: Fn(I) -> O,
    S: FnMut(O),
    P: Fn() -> bool,
{
    let stop = &stop;
    let work = &work;
    let not_started = &not_started;
    let results = items
        .map(|item| async move {
            if stop() {
                not_started(item)
            } else {
                work(item).await
            }
        })
        .buffer_unordered(concurrency.max(1));
    let mut results = std::pin::pin!(results);
    while let Some(out) = results.next().await {
        sink(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::Cancel;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn never_more_than_the_bound_in_flight_and_every_item_reported() {
        let in_flight = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let mut seen = Vec::new();
        fan_out(
            futures::stream::iter(0..50),
            4,
            || false,
            |i| {
                let (in_flight, peak) = (&in_flight, &peak);
                async move {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    i
                }
            },
            |i| i + 1000,
            |o| seen.push(o),
        )
        .await;
        seen.sort();
        assert_eq!(seen, (0..50).collect::<Vec<_>>());
        assert_eq!(peak.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn after_cancel_nothing_new_starts_but_every_item_is_reported() {
        let cancel = Cancel::default();
        let mut results = Vec::new();
        fan_out(
            futures::stream::iter(0..20),
            2,
            || cancel.is_cancelled(),
            |i| {
                let cancel = cancel.clone();
                async move {
                    if i == 3 {
                        cancel.cancel(false);
                    }
                    (i, "done")
                }
            },
            |i| (i, "not-started"),
            |o| results.push(o),
        )
        .await;
        results.sort();
        assert_eq!(results.len(), 20);
        assert!(results.iter().filter(|r| r.1 == "done").count() <= 5);
        assert_eq!(results[19], (19, "not-started"));
    }
}

//! Tests of how calls are sent: which errors are retried and how often, and how the run's
//! interruption ends rate-limit, pacer and backoff waits, drops reads and lets changes finish.

use super::*;
use crate::aws::Settings;
use crate::cancel::Cancel;
use aws_credential_types::Credentials;
use aws_sdk_iam::operation::delete_login_profile::DeleteLoginProfileError;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::error::ErrorMetadata;
use std::cell::Cell;

/// What a real call's future yields: the SDK's own (large) error type, unboxed.
type Sent = Result<(), SdkError<DeleteLoginProfileError, HttpResponse>>;

/// An `Aws` that never reaches a network: every test call is a closure.
async fn aws(cancel: &Cancel, max_rps: Option<f64>) -> Aws {
    let settings = Settings {
        region: Some("us-east-1".into()),
        endpoint_url: Some("http://127.0.0.1:9".into()),
        max_attempts: 3,
        call_timeout: Duration::from_secs(30),
        max_rps,
        credentials: Some(Credentials::for_tests()),
        ..Settings::default()
    };
    Aws::connect(&settings, cancel.clone()).await
}

#[allow(clippy::result_large_err)] // the shape every SDK call returns
fn failure(code: &str, status: u16) -> Sent {
    let meta = ErrorMetadata::builder()
        .code(code)
        .message("from the test")
        .build();
    let raw = HttpResponse::new(
        StatusCode::try_from(status).expect("valid status"),
        SdkBody::empty(),
    );
    Err(SdkError::service_error(
        DeleteLoginProfileError::generic(meta),
        raw,
    ))
}

#[allow(clippy::result_large_err)] // the shape every SDK call returns
fn ok() -> Sent {
    Ok(())
}

/// Cancels the run `after` from now, as a signal would.
fn cancel_after(cancel: &Cancel, after: Duration) {
    let cancel = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(after).await;
        cancel.cancel(true);
    });
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_quota_error_fails_after_one_attempt() {
    let cancel = Cancel::default();
    let aws = aws(&cancel, None).await;
    let attempts = Cell::new(0);
    let err = aws
        .send_change("DeleteLoginProfile", || {
            attempts.set(attempts.get() + 1);
            async { failure("LimitExceeded", 409) }
        })
        .await
        .expect_err("quota");
    assert_eq!(attempts.get(), 1);
    assert_eq!(err.code, "LimitExceeded");
    assert_eq!(err.kind, ErrorKind::Quota);
    assert_eq!(aws.stats().retries(), 0);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn throttling_is_retried_for_the_whole_budget_then_reported() {
    let cancel = Cancel::default();
    let aws = aws(&cancel, None).await;
    let attempts = Cell::new(0u64);
    let start = Instant::now();
    let err = aws
        .send("ListMFADevices", || {
            attempts.set(attempts.get() + 1);
            async { failure("Throttling", 400) }
        })
        .await
        .expect_err("throttled throughout");
    assert_eq!(err.code, "Throttling");
    assert!(start.elapsed() >= THROTTLE_BUDGET, "{:?}", start.elapsed());
    assert!(start.elapsed() < THROTTLE_BUDGET + MAX_RETRY_WAIT * 2);
    // Backed off (up to 2 s, about 1 s on average), not hammering the throttled API.
    assert!(
        (100..1000).contains(&attempts.get()),
        "{} attempts",
        attempts.get()
    );
    assert_eq!(aws.stats().retries(), attempts.get() - 1);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn server_errors_are_tried_exactly_max_attempts_times() {
    let cancel = Cancel::default();
    let aws = aws(&cancel, None).await;
    let attempts = Cell::new(0);
    let err = aws
        .send("GetUser", || {
            attempts.set(attempts.get() + 1);
            async { failure("ServiceFailure", 500) }
        })
        .await
        .expect_err("always failing");
    assert_eq!(attempts.get(), 3);
    assert_eq!(err.code, "ServiceFailure");
    assert_eq!(aws.stats().retries(), 2);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_throttled_call_ends_at_once_when_cancelled_mid_wait() {
    let cancel = Cancel::default();
    let aws = aws(&cancel, None).await;
    cancel_after(&cancel, Duration::from_secs(120));
    let start = Instant::now();
    let err = aws
        .send("ListMFADevices", || async { failure("Throttling", 400) })
        .await
        .expect_err("interrupted");
    assert_eq!(start.elapsed(), Duration::from_secs(120));
    assert_eq!(err.code, "Interrupted");
    assert_eq!(err.kind, ErrorKind::Interrupted);
    assert_eq!(
        err.to_string(),
        "ListMFADevices: Interrupted: the run was interrupted (the last attempt failed with Throttling: from the test)"
    );
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_throttled_change_is_not_retried_after_the_interruption() {
    let cancel = Cancel::default();
    let aws = aws(&cancel, None).await;
    cancel_after(&cancel, Duration::from_secs(1));
    let attempts = Cell::new(0);
    let start = Instant::now();
    let err = aws
        .send_change("DeleteLoginProfile", || {
            attempts.set(attempts.get() + 1);
            async {
                // Answers throttled only after the interruption.
                tokio::time::sleep(Duration::from_secs(5)).await;
                failure("Throttling", 400)
            }
        })
        .await
        .expect_err("interrupted");
    assert_eq!(attempts.get(), 1);
    assert_eq!(start.elapsed(), Duration::from_secs(5));
    assert_eq!(err.kind, ErrorKind::Interrupted);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_read_on_the_wire_is_dropped_soon_after_the_interruption() {
    let cancel = Cancel::default();
    let aws = aws(&cancel, None).await;
    cancel_after(&cancel, Duration::from_secs(1));
    let finished = Cell::new(false);
    let start = Instant::now();
    let err = aws
        .send("GetLoginProfile", || async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            finished.set(true);
            ok()
        })
        .await
        .expect_err("dropped");
    assert_eq!(start.elapsed(), Duration::from_secs(1) + READ_GRACE);
    assert!(!finished.get());
    assert_eq!(
        err.to_string(),
        "GetLoginProfile: Interrupted: the run was interrupted"
    );
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_change_on_the_wire_completes_despite_the_interruption() {
    let cancel = Cancel::default();
    let aws = aws(&cancel, None).await;
    cancel_after(&cancel, Duration::from_secs(1));
    let start = Instant::now();
    aws.send_change("DeactivateMFADevice", || async {
        tokio::time::sleep(Duration::from_secs(60)).await;
        ok()
    })
    .await
    .expect("the change's answer is kept");
    assert_eq!(start.elapsed(), Duration::from_secs(60));
    assert!(cancel.is_cancelled());
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_call_that_needs_no_wait_still_runs_after_the_interruption() {
    let cancel = Cancel::default();
    let aws = aws(&cancel, None).await;
    cancel.cancel(false);
    aws.send("GetUser", || async { ok() })
        .await
        .expect("an account in flight can finish");
    let err = aws
        .send("GetUser", || async { failure("ServiceFailure", 500) })
        .await
        .expect_err("no retry after the interruption");
    assert_eq!(err.kind, ErrorKind::Interrupted);
    assert!(err.message.contains("ServiceFailure"), "{}", err.message);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_rate_limit_wait_ends_at_the_interruption() {
    let cancel = Cancel::default();
    // One request per 100 s: the second call waits for its slot.
    let aws = aws(&cancel, Some(0.01)).await;
    aws.send("GetUser", || async { ok() })
        .await
        .expect("first slot is free");
    cancel_after(&cancel, Duration::from_secs(3));
    let ran = Cell::new(false);
    let start = Instant::now();
    let err = aws
        .send_change("DeleteLoginProfile", || {
            ran.set(true);
            async { ok() }
        })
        .await
        .expect_err("interrupted while waiting");
    assert_eq!(start.elapsed(), Duration::from_secs(3));
    assert!(!ran.get(), "a change must not start after the interruption");
    assert_eq!(err.code, "Interrupted");
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_assume_root_pacer_wait_ends_at_the_interruption() {
    let cancel = Cancel::default();
    let aws = aws(&cancel, None).await;
    // A throttled window sets a pace; booking many slots pushes the next one far out.
    let t0 = Instant::now();
    for i in 0..20u64 {
        aws.assume_pacer.record(true, t0 + Duration::from_millis(i));
    }
    aws.assume_pacer
        .record(false, t0 + Duration::from_millis(1100));
    for _ in 0..100 {
        aws.assume_pacer.reserve().expect("paced");
    }
    cancel_after(&cancel, Duration::from_secs(2));
    let start = Instant::now();
    let err = aws
        .send_with(
            "AssumeRoot",
            Effect::Read,
            Some(&aws.assume_pacer),
            || async { ok() },
        )
        .await
        .expect_err("interrupted while paced");
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    assert_eq!(err.operation, "AssumeRoot");
    assert_eq!(err.kind, ErrorKind::Interrupted);
}

//! Counts API calls and retried attempts across the run, through an SDK interceptor.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Shared counters: SDK operations finished, HTTP attempts made, and retries rootsweep made itself
/// (attempts beyond the first of a call are retries: throttling, server errors and timeouts).
/// The SDK's own retries are off, so each retry is one more SDK operation, counted once here.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    inner: Arc<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    calls: AtomicU64,
    attempts: AtomicU64,
    own_retries: AtomicU64,
}

impl Stats {
    /// Operations started.
    pub fn calls(&self) -> u64 {
        let sent = self.inner.calls.load(Ordering::Relaxed);
        sent.saturating_sub(self.inner.own_retries.load(Ordering::Relaxed))
    }

    /// Counts a retry made by rootsweep's retry loop (the SDK makes none).
    pub(crate) fn own_retry(&self) {
        self.inner.own_retries.fetch_add(1, Ordering::Relaxed);
    }

    /// Attempts that repeated an operation: the SDK's own plus rootsweep's.
    pub fn retries(&self) -> u64 {
        let attempts = self.inner.attempts.load(Ordering::Relaxed);
        let sent = self.inner.calls.load(Ordering::Relaxed);
        attempts.saturating_sub(sent) + self.inner.own_retries.load(Ordering::Relaxed)
    }
}

impl Intercept for Stats {
    fn name(&self) -> &'static str {
        "rootsweep::CallStats"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.attempts.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn read_after_execution(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.calls.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

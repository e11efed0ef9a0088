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

/// Shared counters: operations started and HTTP attempts made (attempts beyond the first of an
/// operation are retries: throttling, server errors and timeouts).
#[derive(Debug, Clone, Default)]
pub struct CallStats {
    inner: Arc<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    calls: AtomicU64,
    attempts: AtomicU64,
    throttle_rounds: AtomicU64,
}

impl CallStats {
    /// Operations started.
    pub fn calls(&self) -> u64 {
        self.inner.calls.load(Ordering::Relaxed)
    }

    /// Counts a call that was retried after the SDK's attempts all ended in throttling.
    pub(crate) fn throttle_round(&self) {
        self.inner.throttle_rounds.fetch_add(1, Ordering::Relaxed);
    }

    /// Calls whose SDK attempts all ended in throttling and that rootsweep retried again.
    pub fn throttle_rounds(&self) -> u64 {
        self.inner.throttle_rounds.load(Ordering::Relaxed)
    }

    /// Attempts that repeated an operation.
    pub fn retries(&self) -> u64 {
        let attempts = self.inner.attempts.load(Ordering::Relaxed);
        attempts.saturating_sub(self.calls())
    }
}

impl Intercept for CallStats {
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

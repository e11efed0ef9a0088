//! The HTTP server: one loopback port for STS, IAM and Organizations plus `/_sim` introspection.

use crate::sim::scenario::Scenario;
use crate::sim::wire::calls::Log;
use crate::sim::wire::dispatch::{handle, handle_other, Sim};
use crate::sim::wire::faults::Shaping;
use crate::sim::wire::introspect;
use crate::sim::world::dice::Dice;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Starts simulator servers.
pub struct Server;

/// A simulator serving on a local port.
pub struct Running {
    addr: SocketAddr,
    seed: u64,
    stop: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port) and serves `scenario` in the background.
    ///
    /// Random decisions draw from the scenario's `seed`, or from a fresh one when it names
    /// none; [`Running::seed`] tells which.
    pub async fn start(scenario: Scenario, addr: SocketAddr) -> std::io::Result<Running> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, shutdown) = watch::channel(false);
        let seed = scenario.seed.unwrap_or_else(Dice::fresh_seed);
        let dice = Arc::new(Dice::new(seed));
        let sim = Arc::new(Sim {
            world: scenario.world(dice.clone()),
            shaping: Shaping::new(
                scenario.latency.clone(),
                scenario.throttles.clone(),
                scenario.faults.clone(),
                dice,
            ),
            calls: Log::default(),
            shutdown: shutdown.clone(),
        });
        let app = Router::new()
            .route("/_sim/state", get(state))
            .route("/_sim/calls", get(calls))
            .route("/_sim/sessions", get(sessions))
            .route("/_sim/seed", get(seed_json))
            .fallback(aws)
            .with_state(sim);
        let mut signal = shutdown;
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = signal.wait_for(|stop| *stop).await;
                })
                .await
        });
        Ok(Running {
            addr,
            seed,
            stop,
            task,
        })
    }
}

impl Running {
    /// Base URL, e.g. `http://127.0.0.1:4567`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The seed every random decision of this run draws from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, fails hanging calls and waits for open connections to finish.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(std::time::Duration::from_secs(5), self.task)
            .await
            .is_err()
        {
            tracing::warn!("simulator connections did not close within 5 s");
        }
    }

    /// Serves until SIGINT or SIGTERM, then shuts down.
    pub async fn wait(self) {
        terminated().await;
        self.shutdown().await;
    }
}

async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn state(State(sim): State<Arc<Sim>>) -> Response {
    let body = introspect::state(&sim.world).to_string();
    ([("content-type", "application/json")], body).into_response()
}

async fn seed_json(State(sim): State<Arc<Sim>>) -> Response {
    let body = serde_json::json!({ "seed": sim.world.dice.seed() }).to_string();
    ([("content-type", "application/json")], body).into_response()
}

async fn calls(State(sim): State<Arc<Sim>>) -> Response {
    ([("content-type", "application/json")], sim.calls.to_json()).into_response()
}

async fn sessions(State(sim): State<Arc<Sim>>) -> Response {
    let body = introspect::sessions(&sim.world).to_string();
    ([("content-type", "application/json")], body).into_response()
}

async fn aws(
    State(sim): State<Arc<Sim>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if method != Method::POST {
        return handle_other(&sim, &method, &uri, &headers).await;
    }
    handle(&sim, &headers, &body).await
}

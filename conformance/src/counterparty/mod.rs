//! The suite's own DSP endpoint: the counter-party the connector under test talks back to.
//!
//! Negotiation and transfer scenarios hand its URL out as `callbackAddress` (or, when the
//! connector is the consumer, as the provider's address); it records every message in a
//! per-run [`Store`] they can await, follows each process's state (refusing illegal
//! messages), answers state queries from that store, and serves the data of the transfers it
//! provides at the endpoint its `TransferStartMessage`s name.

mod process_routes;
mod record;
mod routes;
mod store;

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use url::Url;

use crate::urls;

pub use process_routes::Provided;
pub use record::{NegotiationRecord, ProcessRecord, TransferRecord};
pub use routes::DATA_PATH;
pub use store::{Grant, Kept, Processes, ReceivedMessage, Store};

/// A running counter-party server; it stops when dropped.
#[derive(Debug)]
pub struct CounterParty {
    addr: SocketAddr,
    base_url: Url,
    store: Arc<Store>,
    task: JoinHandle<()>,
}

impl CounterParty {
    /// Binds `bind` (port 0 picks a free port) and serves in the background.
    pub async fn start(bind: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let base_url = base_url(addr)?;
        let store = Arc::new(Store::default());
        let app = routes::router(routes::Shared { store: Arc::clone(&store), base_url: base_url.clone() });
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "counter-party server stopped");
            }
        });
        tracing::debug!(%addr, "counter-party server listening");
        Ok(Self { addr, base_url, store, task })
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Root URL of the server (what scenarios send as `callbackAddress`); an unspecified
    /// bind address (`0.0.0.0`, `::`) is reported as loopback.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The per-run store of received messages and served state.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The URL of the data of the transfer the counter-party provides under `provider_pid`.
    pub fn data_url(&self, provider_pid: &str) -> Result<Url, String> {
        urls::with_segments(&self.base_url, &[DATA_PATH.trim_start_matches('/'), provider_pid])
    }
}

/// `http://<addr>/`, with an unspecified IP replaced by loopback.
fn base_url(mut addr: SocketAddr) -> std::io::Result<Url> {
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() { Ipv4Addr::LOCALHOST.into() } else { Ipv6Addr::LOCALHOST.into() });
    }
    Url::parse(&format!("http://{addr}/")).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
}

impl Drop for CounterParty {
    fn drop(&mut self) {
        self.task.abort();
    }
}

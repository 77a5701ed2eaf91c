//! HTTP pull (a streaming proxy to the private backend) and HTTP push.
//!
//! Pull (`HttpData-PULL`): when a transfer is STARTED the shell [`Grants::open`]s a [`Grant`] and puts the
//! [`EndpointDataReference`] of [`Grants::issue`] in the TransferStartMessage's data address; the consumer then reads
//! through the [`router`] with the access token, refreshing it at the refresh endpoint. [`Grants::close`] on
//! suspension, completion or termination refuses new requests and cuts the responses still streaming; an agreement
//! that ends is reported as [`GrantExpired`]. Push (`HttpData-PUSH`): [`push`] streams the backend to the consumer's
//! [`Destination`].

mod address;
mod cut;
mod grants;
mod proxy;
mod push;
mod token;

use std::time::Duration;

pub use address::{EndpointDataReference, HTTP_ENDPOINT_TYPE, TokenResponse};
pub use grants::{Grant, GrantExpired, Granted, Grants, PullSettings, PullSetupError, Refused};
pub use proxy::router;
pub use push::{BadDestination, Destination, PushError, PushReport, Retry, push};
pub use token::{TokenError, TokenKind};

/// The HTTP client the data plane should use for backends and push destinations: bodies are passed on as they
/// come (no transparent decompression), redirects are not followed (they would take a streamed body elsewhere, or
/// lead the proxy to addresses the grant does not name), connections are kept for reuse, and there is no overall
/// timeout, since a transfer may take long.
pub fn data_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_gzip()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(90))
        .build()
}

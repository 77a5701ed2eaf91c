//! Requests a connector may refuse only because it has not caught up yet: it acts
//! asynchronously, so a legal message can arrive before it has processed its own last step.

use std::future::Future;
use std::time::Duration;

use serde_json::Value;
use url::Url;

use crate::http::{Auth, DspClient, Exchange};

/// Pauses before the second and third try of a request answered 4xx.
pub const BACKOFF: [Duration; 2] = [Duration::from_millis(200), Duration::from_millis(400)];

/// Sends a request with `send`, trying again after each [`BACKOFF`] pause while the answer
/// is 4xx (3 tries in all). Returns the last answer and how many tries it took; transport
/// errors end the attempt at once.
pub async fn while_client_error<F, Fut>(mut send: F) -> Result<(Exchange, usize), String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Exchange, String>>,
{
    let mut tries = 1;
    let mut exchange = send().await?;
    for pause in BACKOFF {
        if !exchange.status.is_client_error() {
            break;
        }
        tokio::time::sleep(pause).await;
        tries += 1;
        exchange = send().await?;
    }
    Ok((exchange, tries))
}

/// `POST url` with `body`, retried [`while_client_error`].
pub async fn post_json(client: &DspClient, url: &Url, body: &Value, auth: Auth) -> Result<(Exchange, usize), String> {
    while_client_error(|| client.post_json(url, body, auth)).await
}

/// `GET url`, retried [`while_client_error`].
pub async fn get(client: &DspClient, url: &Url, auth: Auth) -> Result<(Exchange, usize), String> {
    while_client_error(|| client.get(url, auth)).await
}

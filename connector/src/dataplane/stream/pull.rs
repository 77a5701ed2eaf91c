//! Pull (`MQTT-PULL`, `NATS-PULL`): a source read live as server-sent events — one-way, plain HTTP (proxies and
//! load balancers pass it), kept alive by comments, read by browsers' `EventSource` with no library.
//!
//! Each message is one event of type `message` whose data is a JSON object: `topic`, the message's name below the
//! source filter's fixed levels (absent when the filter has no wildcard: the provider's own names stay private),
//! and `payload`, the payload as text when it is UTF-8, else `payloadBase64` (standard alphabet, padded):
//!
//! ```text
//! event: message
//! data: {"topic":"a7/speed","payload":"{\"kmh\":48}"}
//! ```

use std::convert::Infallible;
use std::sync::Arc;

use axum::response::sse::{Event, KeepAlive, Sse};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use futures_util::{Stream, StreamExt as _, stream};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::connection::Subscription;
use super::names::SourceNames;
use super::{Message, Progress, Source, StreamError};

/// The data of one event.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Pulled<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    topic: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload_base64: Option<String>,
}

/// The messages of `source` as server-sent events, from now until `cancel` is cancelled (the response then ends)
/// or the reader goes away (the subscription then closes); `progress` counts the messages sent.
///
/// Subscribes before it returns, so an unreachable broker is an error here (for the caller to answer with a
/// status), and every message published from then on is sent. A reader slower than the source holds the source
/// back (MQTT, never buffering more than [`BUFFER`](super::BUFFER) messages) or, on NATS, is given a burst of up
/// to 64 MiB to catch up with and loses what comes beyond it.
pub async fn events(
    source: &Source,
    cancel: CancellationToken,
    progress: Arc<Progress>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>> + Send + 'static>, StreamError> {
    let names = SourceNames::new(source.endpoint().protocol(), source.filter());
    let subscription = Subscription::open(source).await?;
    let messages = stream::unfold(subscription, |mut subscription| async move {
        let message = subscription.next().await?;
        Some((message, subscription))
    });
    let events = messages.filter_map(move |message| {
        let event = event(&names, &message);
        if event.is_some() {
            progress.delivered(message.payload.len());
        }
        std::future::ready(event.map(Ok))
    });
    Ok(Sse::new(events.take_until(cancel.cancelled_owned())).keep_alive(KeepAlive::default()))
}

/// The event of one message.
fn event(names: &SourceNames, message: &Message) -> Option<Event> {
    let text = std::str::from_utf8(&message.payload).ok();
    let data = Pulled {
        topic: names.suffix(message.name.as_str()),
        payload: text,
        payload_base64: text.is_none().then(|| BASE64.encode(&message.payload)),
    };
    Event::default().event("message").json_data(&data).ok()
}

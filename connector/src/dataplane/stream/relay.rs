//! Relay (`MQTT-PUSH`, `NATS-PUSH`): every message of a source published on a sink — payload untouched, in order —
//! until cancelled. MQTT and NATS may be mixed (an MQTT source relayed to a NATS sink, and back).

use std::sync::Arc;

use tokio::task::JoinHandle;
use tokio_util::sync::{CancellationToken, DropGuard};
use tracing::{debug, warn};

use super::connection::{PublishError, Publisher, Subscription};
use super::names::SinkNames;
use super::{Progress, Sink, Source, StreamError};

/// A running relay. Dropping it stops the relay too (as cancelling its token does).
#[derive(Debug)]
pub struct RelayHandle {
    task: JoinHandle<()>,
    stop_on_drop: DropGuard,
}

/// Starts relaying `source` to `sink` until `cancel` is cancelled or the handle dropped; `progress` counts what
/// reached the sink.
///
/// Returns once the sink's broker has accepted the connection and the source's broker the subscription, so every
/// message published at the source from then on is relayed (an error says which broker failed and why). Each
/// message keeps its payload bytes and its order; when the source filter has wildcards its name is extended on the
/// sink (see [`Sink`]). MQTT messages that came with QoS 1 or 2 are published with QoS 1, others with QoS 0.
/// A connection lost later is made again with backoff; messages published meanwhile are lost, as are those in
/// flight. Messages are skipped (and counted as such) when their name makes no valid name on the sink's protocol,
/// or they are larger than the sink takes.
///
/// On cancellation the relay reads no further message; what it had already handed to the sink connection (at
/// most [`BUFFER`](super::BUFFER) messages) is sent within 50 ms, then both connections close and
/// [`RelayHandle::stopped`] returns: nothing reaches the sink after that. (A NATS sink that could not take those
/// messages in time is left to close in the background.)
pub async fn relay(
    source: &Source,
    sink: &Sink,
    cancel: CancellationToken,
    progress: Arc<Progress>,
) -> Result<RelayHandle, StreamError> {
    let names = SinkNames::new(source, sink);
    // The sink first: nothing is read before it can be delivered.
    let publisher = Publisher::connect(sink).await?;
    let subscription = Subscription::open(source).await?;
    let cancel = cancel.child_token();
    let task = tokio::spawn(forward(subscription, publisher, names, cancel.clone(), progress));
    Ok(RelayHandle { task, stop_on_drop: cancel.drop_guard() })
}

impl RelayHandle {
    /// Waits until the relay has ended — cancelled, or its source or sink gone for good — and its connections are
    /// closed.
    pub async fn stopped(self) {
        let RelayHandle { task, stop_on_drop } = self;
        if let Err(error) = task.await
            && error.is_panic()
        {
            std::panic::resume_unwind(error.into_panic());
        }
        drop(stop_on_drop);
    }

    /// Whether the relay has ended.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

/// Moves messages from `subscription` to `publisher` until cancelled, then closes both.
async fn forward(
    mut subscription: Subscription,
    publisher: Publisher,
    names: SinkNames,
    cancel: CancellationToken,
    progress: Arc<Progress>,
) {
    let cancelled = cancel.cancelled();
    tokio::pin!(cancelled);
    loop {
        let message = tokio::select! {
            biased;
            () = &mut cancelled => break,
            message = subscription.next() => message,
        };
        let Some(message) = message else {
            warn!("the stream's source is gone; the relay ends");
            break;
        };
        let Some(name) = names.name(message.name.as_str()) else {
            debug!(name = message.name.as_str(), "skipped a message whose name is not valid on the sink");
            progress.skipped();
            continue;
        };
        let bytes = message.payload.len();
        let published = tokio::select! {
            biased;
            () = &mut cancelled => break,
            published = publisher.publish(name, message) => published,
        };
        match published {
            Ok(()) => progress.delivered(bytes),
            Err(PublishError::TooLarge) => {
                debug!(bytes, "skipped a message larger than the sink takes");
                progress.skipped();
            }
            Err(PublishError::Closed) => {
                warn!("the stream's sink is gone; the relay ends");
                break;
            }
        }
    }
    drop(subscription);
    publisher.close().await;
}

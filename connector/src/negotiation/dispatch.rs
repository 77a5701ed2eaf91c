//! The outbox dispatcher: leases due messages, POSTs them to the peer, and records the outcome — delivered,
//! retried later with exponential backoff, or given up (the process is terminated). On the happy path it has
//! nothing to do: a message is leased by the commit that queues it (or that records the delivery of the message
//! before it) and sent right after. The dispatcher sends what falls due later — retries, and messages whose lease
//! ran out because the process that held it died — waking at the next one, when a failed attempt wakes it, or when
//! a commit queued a message behind one whose delivery may have been recorded meanwhile.

use std::time::Duration;

use chrono::Utc;
use tokio::task::JoinSet;

use super::machine::State;
use super::process::join_segments;
use super::service;
use crate::app::AppState;
use crate::dsp::client::ClientError;
use crate::store::entity::outbox;
use crate::store::outbox::{Queued, TRANSFER};
use crate::transfer;

/// Messages leased per round.
const BATCH: u64 = 64;

/// Runs until the connector stops ([`super::Processes::stop`]).
pub async fn run(state: AppState) {
    let stopped = state.processes.stopped();
    tokio::pin!(stopped);
    let lease = Duration::from_secs(state.config.negotiation.lease_secs);
    let mut sending = JoinSet::new();
    // On SQLite this is the only dispatcher: leases left by a run that crashed need not wait to run out.
    if !state.store.locks_rows()
        && let Err(error) = state.store.release_leases().await
    {
        tracing::error!(%error, "the outbox leases could not be released");
    }
    loop {
        match state.store.lease_due(BATCH, lease).await {
            Ok(rows) => {
                for row in rows {
                    sending.spawn(send_now(state.clone(), row));
                }
            }
            Err(error) => tracing::error!(%error, "the outbox could not be read"),
        }
        let wait = match state.store.next_due().await {
            Ok(Some(at)) => (at - Utc::now()).to_std().unwrap_or(Duration::ZERO).max(Duration::from_millis(5)),
            // Nothing waits; look again after a lease's time in case a commit left something unclaimed.
            Ok(None) => lease,
            Err(_) => Duration::from_secs(1),
        };
        tokio::select! {
            _ = state.processes.wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            Some(_) = sending.join_next(), if !sending.is_empty() => {}
            _ = &mut stopped => break,
        }
        while sending.try_join_next().is_some() {}
    }
    sending.shutdown().await;
}

/// After a commit: sends the messages it leased, and wakes the dispatcher when it queued one behind another.
pub fn send_queued(state: &AppState, queued: &mut Queued) {
    for row in queued.leased.drain(..) {
        tokio::spawn(send_now(state.clone(), row));
    }
    if std::mem::take(&mut queued.behind) {
        state.processes.wake.notify_one();
    }
}

/// Sends a leased message — by the dispatcher, or right after the commit that leased it (see
/// [`crate::store::outbox::enqueue`] and [`crate::store::outbox::claim_next`]) — and records what came of it; then
/// the process's next message, when recording the delivery leased it.
pub async fn send_now(state: AppState, row: outbox::Model) {
    let mut next = Some(row);
    while let Some(row) = next.take() {
        next = deliver(&state, &row).await;
    }
}

/// Sends one message and records what came of it; returns the process's next message when it was leased.
async fn deliver(state: &AppState, row: &outbox::Model) -> Option<outbox::Model> {
    let body: serde_json::Value = match serde_json::from_str(&row.body) {
        Ok(body) => body,
        Err(error) => {
            settle(give_up(state, row, &format!("unreadable message: {error}")).await);
            return None;
        }
    };
    let outcome = state.dsp_client.post_message(&row.url, &row.audience, &body).await;
    tracing::debug!(process = %row.process, kind = %row.kind, url = %row.url, ?outcome, "outbox delivery");
    match outcome {
        Ok((status, answer)) if (200..300).contains(&status) => {
            #[cfg(feature = "scenarios")]
            super::crash::point("posted");
            match delivered(state, row, &answer).await {
                Ok(next) => next,
                Err(error) => {
                    // Sent again soon rather than when the lease runs out; the peer recognises the repeat.
                    tracing::warn!(%error, process = %row.process, "a delivery could not be recorded");
                    retry(state, row, &error.to_string()).await;
                    None
                }
            }
        }
        Ok((status, answer)) if (400..500).contains(&status) && status != 408 && status != 429 => {
            if peer_has_it(state, row).await {
                settle(delivered(state, row, &serde_json::Value::Null).await).flatten()
            } else {
                let reason = format!("the peer refused it ({status}): {}", reason_of(&answer));
                settle(give_up(state, row, &reason).await);
                None
            }
        }
        Ok((status, _)) => {
            retry(state, row, &format!("the peer answered {status}")).await;
            None
        }
        Err(error @ (ClientError::BadAddress(_) | ClientError::Token(_))) => {
            settle(give_up(state, row, &error.to_string()).await);
            None
        }
        Err(error) => {
            retry(state, row, &error.to_string()).await;
            None
        }
    }
}

/// Whether the peer already holds the state this message leads to: a message delivered before a crash, sent again.
async fn peer_has_it(state: &AppState, row: &outbox::Model) -> bool {
    let Some((url, reached)) = peer_check(state, row).await else { return false };
    match state.dsp_client.get_object(&url, &row.audience).await {
        Ok(object) => object
            .get("state")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|name| reached(name.rsplit(':').next().unwrap_or(name))),
        Err(_) => false,
    }
}

/// Where the peer answers state queries about `row`'s process, and whether a state of that name shows it has what
/// `row` carries.
async fn peer_check(state: &AppState, row: &outbox::Model) -> Option<(String, Box<dyn Fn(&str) -> bool + Send>)> {
    if row.protocol == TRANSFER {
        let target = transfer::machine::State::parse(&row.target)?;
        let record = state.store.transfer_record(&row.process).await.ok()?;
        let reached = move |name: &str| {
            transfer::machine::State::parse(name).is_some_and(|peer| transfer::machine::has_reached(target, peer))
        };
        return Some((record.transfer.peer_process_url()?, Box::new(reached)));
    }
    let target = State::parse(&row.target)?;
    let record = state.store.negotiation_record(&row.process).await.ok()?;
    let peer_pid = record.negotiation.peer_pid.as_deref()?;
    let url = join_segments(&record.negotiation.peer_address, &["negotiations", peer_pid]);
    let reached = move |name: &str| State::parse(name).is_some_and(|peer| super::machine::has_reached(target, peer));
    Some((url, Box::new(reached)))
}

/// Records the delivery of `row` with its process's protocol; returns the process's next message when it was leased.
async fn delivered(
    state: &AppState,
    row: &outbox::Model,
    answer: &serde_json::Value,
) -> Result<Option<outbox::Model>, crate::store::StoreError> {
    if !teaches(row) {
        let lease = Duration::from_secs(state.config.negotiation.lease_secs);
        let next = state.store.forget_delivered(row.id, &row.process, lease).await?;
        #[cfg(feature = "scenarios")]
        super::crash::point("commit");
        return Ok(next);
    }
    if row.protocol == TRANSFER {
        transfer::service::delivered(state, row, answer).await
    } else {
        service::delivered(state, row, answer).await
    }
}

/// Whether recording the delivery of `row` needs its process: only the answer to a request (of either protocol)
/// carries something for it, the provider's pid. Any other delivery just leaves the outbox.
fn teaches(row: &outbox::Model) -> bool {
    row.kind == super::machine::Kind::Request.as_str() || row.kind == transfer::machine::Kind::Request.as_str()
}

/// Gives up on `row` with its process's protocol: the process is terminated with `reason`.
async fn give_up(state: &AppState, row: &outbox::Model, reason: &str) -> Result<(), crate::store::StoreError> {
    if row.protocol == TRANSFER {
        transfer::service::give_up(state, row, reason).await
    } else {
        service::give_up(state, row, reason).await
    }
}

/// Tries again later, or gives up past the deadline.
async fn retry(state: &AppState, row: &outbox::Model, error: &str) {
    let config = &state.config.negotiation;
    let backoff = Duration::from_millis(config.retry_initial_ms)
        .saturating_mul(1u32 << row.attempts.clamp(0, 16))
        .min(Duration::from_secs(config.retry_max_secs));
    let next = Utc::now() + backoff;
    if next > row.deadline {
        settle(give_up(state, row, &format!("gave up after {} attempts: {error}", row.attempts + 1)).await);
        return;
    }
    settle(state.store.retry_later(row.id, next, error).await);
    state.processes.wake.notify_one();
}

fn reason_of(answer: &serde_json::Value) -> String {
    match answer.get("reason") {
        Some(serde_json::Value::Array(reasons)) => reasons
            .iter()
            .map(|reason| reason.as_str().map_or_else(|| reason.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join("; "),
        Some(reason) => reason.to_string(),
        None => "no reason given".into(),
    }
}

/// What `result` holds; a failure is logged (the message stays leased and is retried when its lease runs out).
fn settle<T>(result: Result<T, crate::store::StoreError>) -> Option<T> {
    result
        .inspect_err(
            |error| tracing::error!(%error, "the outcome of a delivery could not be recorded; it will be retried"),
        )
        .ok()
}

//! The outbox dispatcher: leases due messages, POSTs them to the peer, and records the outcome — delivered,
//! retried later with exponential backoff, or given up (the process is terminated). It wakes on every commit that
//! queued something; its only timer is the next retry (or another replica's lease running out).

use std::time::Duration;

use chrono::Utc;
use tokio::task::JoinSet;

use super::machine::State;
use super::process::join_segments;
use super::service;
use crate::app::AppState;
use crate::dsp::client::ClientError;
use crate::store::entity::outbox;

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
            Ok(None) => Duration::from_secs(3600),
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

/// Sends a leased message — by the dispatcher, or right after the commit that queued it (see
/// [`crate::store::outbox::enqueue`]) — then lets the dispatcher look for the process's next one.
pub async fn send_now(state: AppState, row: outbox::Model) {
    deliver(&state, row).await;
    state.processes.wake.notify_one();
}

/// Sends one message and records what came of it.
async fn deliver(state: &AppState, row: outbox::Model) {
    let body: serde_json::Value = match serde_json::from_str(&row.body) {
        Ok(body) => body,
        Err(error) => return settle(service::give_up(state, &row, &format!("unreadable message: {error}")).await),
    };
    let outcome = state.dsp_client.post_message(&row.url, &row.audience, &body).await;
    tracing::debug!(process = %row.process, kind = %row.kind, url = %row.url, ?outcome, "outbox delivery");
    match outcome {
        Ok((status, answer)) if (200..300).contains(&status) => {
            #[cfg(feature = "scenarios")]
            super::crash::point("posted");
            if let Err(error) = service::delivered(state, &row, &answer).await {
                // Sent again soon rather than when the lease runs out; the peer recognises the repeat.
                tracing::warn!(%error, process = %row.process, "a delivery could not be recorded");
                retry(state, &row, &error.to_string()).await;
            }
        }
        Ok((status, answer)) if (400..500).contains(&status) && status != 408 && status != 429 => {
            if peer_has_it(state, &row).await {
                settle(service::delivered(state, &row, &serde_json::Value::Null).await);
            } else {
                let reason = format!("the peer refused it ({status}): {}", reason_of(&answer));
                settle(service::give_up(state, &row, &reason).await);
            }
        }
        Ok((status, _)) => retry(state, &row, &format!("the peer answered {status}")).await,
        Err(error @ (ClientError::BadAddress(_) | ClientError::Token(_))) => {
            settle(service::give_up(state, &row, &error.to_string()).await)
        }
        Err(error) => retry(state, &row, &error.to_string()).await,
    }
}

/// Whether the peer already holds the state this message leads to: a message delivered before a crash, sent again.
async fn peer_has_it(state: &AppState, row: &outbox::Model) -> bool {
    let Some(target) = State::parse(&row.target) else { return false };
    let Ok(record) = state.store.negotiation_record(&row.process).await else { return false };
    let Some(peer_pid) = record.negotiation.peer_pid.as_deref() else { return false };
    let url = join_segments(&record.negotiation.peer_address, &["negotiations", peer_pid]);
    match state.dsp_client.get_object(&url, &row.audience).await {
        Ok(object) => object
            .get("state")
            .and_then(serde_json::Value::as_str)
            .and_then(|name| State::parse(name.rsplit(':').next().unwrap_or(name)))
            .is_some_and(|peer_state| super::machine::has_reached(target, peer_state)),
        Err(_) => false,
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
        return settle(
            service::give_up(state, row, &format!("gave up after {} attempts: {error}", row.attempts + 1)).await,
        );
    }
    settle(state.store.retry_later(row.id, next, error).await);
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

/// Logs a failure to record a delivery outcome (the lease runs out and the message is tried again).
fn settle(result: Result<(), crate::store::StoreError>) {
    if let Err(error) = result {
        tracing::error!(%error, "the outcome of a delivery could not be recorded; it will be retried");
    }
}

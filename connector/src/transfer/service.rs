//! The shell around the transfer core: each message received, each operator action and each delivery is one
//! database transaction that moves the process, records the step and queues what is to be sent; after the commit
//! the data plane follows the new state ([`super::flow`]) and the messages leased to the transaction leave.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::Utc;
use ldt_identity::Caller;
use ldt_policy::eval::{Context, Outcome, Prepared};
use ldt_policy::validate::Scope;
use sea_orm::DatabaseTransaction;
use serde_json::{Value, json};

use super::error::TransferError;
use super::flow;
use super::machine::{Kind, Role, State};
use super::message::{DataAddress, Incoming, transfer_object};
use super::process::{Envelope, Transfer};
use crate::app::AppState;
pub use crate::negotiation::service::OperatorError;
use crate::negotiation::service::{callback_address, new_pid};
use crate::store::entity::outbox as outbox_row;
use crate::store::history::{BY_OPERATOR, BY_PEER, BY_US};
use crate::store::negotiations::StoredAgreement;
use crate::store::outbox::{self, Message, TRANSFER};
use crate::store::transfers::{self, TransferRecord};
use crate::store::{Store, StoreError};

/// What a side does by itself after a step: send a message (with a reason for a suspension or termination).
pub type Reaction = (Kind, Option<String>);

/// Handles a message from the peer at one of our endpoints (`path_pid`: our pid from the URL; `None` at the
/// request endpoint). Answers with the status and the `TransferProcess` acknowledgement.
pub async fn receive(
    state: &AppState,
    caller: &Caller,
    role: Role,
    path_pid: Option<&str>,
    message: Incoming,
) -> Result<(StatusCode, Value), TransferError> {
    match path_pid {
        None => begin(state, caller, message).await,
        Some(pid) => continue_process(state, caller, role, pid, message).await,
    }
}

/// What a provider checked before it takes a request: the agreement, and the distribution asked for.
struct Admitted {
    agreement: StoredAgreement,
    distribution: ldt_catalog::product::Distribution,
}

/// Checks a consumer's request: the agreement exists, is the caller's, and its policy allows a transfer now
/// (transfer scope: time window, count of transfers); the dataset has a distribution in the requested format.
async fn admit(state: &AppState, caller: &Caller, message: &Incoming) -> Result<Admitted, TransferError> {
    let Some(request) = &message.request else {
        return Err(TransferError::bad_request("InvalidMessage", "not a transfer request"));
    };
    let unknown = || {
        TransferError::bad_request(
            "UnknownAgreement",
            format!("`{}` is not an agreement of this provider with you", request.agreement_id),
        )
    };
    let agreement = match state.store.agreement(&request.agreement_id).await {
        Err(StoreError::NotFound { .. }) => return Err(unknown()),
        other => other?,
    };
    if agreement.role != crate::negotiation::machine::Role::Provider || agreement.consumer != caller.participant_id {
        return Err(unknown());
    }
    let transfers_so_far = state.store.count_transfers(&agreement.id).await?;
    // The purpose the consumer declared when it negotiated holds for the transfers under the agreement.
    let purpose = state.store.negotiation_record(&agreement.negotiation_pid).await?.negotiation.purpose;
    if let Err(reason) = allowed_now(state, caller, &agreement, purpose, transfers_so_far) {
        return Err(TransferError::bad_request("AgreementNotValid", reason));
    }
    let product = match state.store.product(&agreement.dataset_id).await {
        Err(StoreError::NotFound { .. }) => {
            return Err(TransferError::bad_request("UnknownDataset", "the agreement's dataset is no longer offered"));
        }
        other => other?,
    };
    let distribution = product
        .product
        .distributions
        .into_iter()
        .find(|distribution| distribution.format == request.format)
        .ok_or_else(|| {
            TransferError::bad_request(
                "UnsupportedFormat",
                format!("the dataset has no distribution in the format `{}`", request.format),
            )
        })?;
    flow::check_request(state, &distribution, message.data_address.as_ref())
        .map_err(|reason| TransferError::bad_request("InvalidDataAddress", reason))?;
    Ok(Admitted { agreement, distribution })
}

/// Whether `agreement`, made for `purpose`, allows `caller` a transfer now after `transfers_so_far` others; else
/// why not, in words.
pub fn allowed_now(
    state: &AppState,
    caller: &Caller,
    agreement: &StoredAgreement,
    purpose: Option<String>,
    transfers_so_far: u64,
) -> Result<(), String> {
    let policy = ldt_policy::read_policy(&agreement.policy).map_err(|_| "the agreement cannot be read".to_owned())?;
    let context = Context {
        action: Some("use".into()),
        now: Some(Utc::now().fixed_offset()),
        caller: Some(caller.participant_id.clone()),
        claims: caller.claims.clone(),
        target: Some(agreement.dataset_id.clone()),
        purpose,
        agreement_start: Some(agreement.signed_at.fixed_offset()),
        count: Some(transfers_so_far),
        scope: Some(Scope::Transfer),
        ..Context::default()
    };
    let prepared = Prepared::new(policy);
    if prepared.outcome(&context, &state.config.policy) == Outcome::Permit {
        return Ok(());
    }
    let decision = prepared.evaluate(&context, &state.config.policy);
    Err(format!("the agreement does not allow a transfer now: {}", ldt_policy::explain::reasons(&decision).join("; ")))
}

/// A consumer's request to us as provider.
async fn begin(state: &AppState, caller: &Caller, message: Incoming) -> Result<(StatusCode, Value), TransferError> {
    let consumer_pid = message.consumer_pid.clone();
    let refuse = |error: TransferError| error.with_pids(Some(&consumer_pid), None);
    if message.provider_pid.is_some() {
        return Err(refuse(TransferError::bad_request(
            "IllegalTransition",
            "a request naming a providerPid continues a transfer; it is not sent here",
        )));
    }
    let repeated = state
        .store
        .transact(async |txn| transfers::find_by_consumer_pid(txn, &caller.participant_id, &consumer_pid).await)
        .await
        .map_err(|error| refuse(error.into()))?;
    if let Some(existing) = repeated {
        // The same request again (the consumer did not see our answer): answer as before.
        return Ok((StatusCode::CREATED, acknowledgement(&existing.transfer, existing.transfer.state)));
    }
    let admitted = admit(state, caller, &message).await.map_err(refuse)?;
    let Some(transfer) = Transfer::from_request(new_pid(), caller.participant_id.clone(), &message) else {
        return Err(refuse(TransferError::bad_request("InvalidMessage", "not a transfer request")));
    };
    let mut record = TransferRecord::new(transfer, admitted.agreement.dataset_id.clone());
    let plan = flow::Plan::new(state, &admitted.agreement, &admitted.distribution);
    let reactions = reactions_to(&record, Kind::Request);
    let record = state
        .store
        .transact(async |txn| {
            if let Some(existing) = transfers::find_by_consumer_pid(txn, &caller.participant_id, &consumer_pid).await? {
                return Ok((existing, false));
            }
            transfers::record_step(&mut record, None, State::Requested, Kind::Request, BY_PEER, None);
            for (kind, reason) in reactions.clone() {
                send(state, txn, &mut record, kind, reason.as_deref(), BY_US, Some(&plan)).await?;
            }
            transfers::save(txn, &mut record, true).await?;
            Ok((record.clone(), true))
        })
        .await;
    let (mut record, created) = match record {
        Ok((record, true)) => (record, true),
        other => {
            plan.abandon(state);
            other.map_err(|error| refuse(error.into()))?
        }
    };
    if created {
        committed(state, &mut record, State::Requested);
    }
    Ok((StatusCode::CREATED, acknowledgement(&record.transfer, State::Requested)))
}

/// The `TransferProcess` acknowledgement of `transfer` in `state`.
fn acknowledgement(transfer: &Transfer, state: State) -> Value {
    transfer_object(transfer.consumer_pid().unwrap_or_default(), transfer.provider_pid().unwrap_or_default(), state)
}

/// What our side does by itself after `received`: a provider starts a transfer it accepted, unless a test
/// scenario scripts otherwise. Everything else waits for the operator or the data plane.
fn reactions_to(record: &TransferRecord, received: Kind) -> Vec<Reaction> {
    #[cfg(feature = "scenarios")]
    if let Some(script) = super::scenario::script(record.transfer.role, &record.dataset_id, received) {
        return script;
    }
    match (record.transfer.role, received) {
        (Role::Provider, Kind::Request) => vec![(Kind::Start, None)],
        _ => Vec::new(),
    }
}

/// A peer's message on a transfer we hold as `role` under our pid `pid`.
async fn continue_process(
    state: &AppState,
    caller: &Caller,
    role: Role,
    pid: &str,
    message: Incoming,
) -> Result<(StatusCode, Value), TransferError> {
    TransferError::unless_named(role, pid, &message.consumer_pid, message.provider_pid.as_deref())?;
    let pids = (Some(message.consumer_pid.clone()), message.provider_pid.clone());
    let refuse = |error: TransferError| error.with_pids(pids.0.as_deref(), pids.1.as_deref());
    let lock = state.store.locks_rows();
    let outcome = state
        .store
        .transact(async |txn| {
            let Some(mut record) = transfers::load(txn, Some(role), pid, lock).await? else {
                return Ok(Err(TransferError::not_found(pid)));
            };
            if record.transfer.counter_party != caller.participant_id {
                return Ok(Err(TransferError::not_found(pid)));
            }
            let from = match record.transfer.receive(&message) {
                Ok(from) => from,
                Err(refusal) => {
                    let transfer = &record.transfer;
                    return Ok(Err(TransferError::bad_request("IllegalTransition", refusal.to_string())
                        .with_pids(transfer.consumer_pid(), transfer.provider_pid())));
                }
            };
            let to = record.transfer.state;
            // What of ours still waits to be sent, the peer's legal move shows it has (or no longer needs).
            record.queued = outbox::forget_process(txn, pid).await?;
            explain(
                &mut record,
                message.kind,
                role.peer(),
                Some(message.reason.as_deref().unwrap_or("the peer gave no reason")),
            );
            transfers::record_step(&mut record, Some(from), to, message.kind, BY_PEER, message.reason.as_deref());
            let reactions = reactions_to(&record, message.kind);
            for (kind, reason) in reactions {
                send(state, txn, &mut record, kind, reason.as_deref(), BY_US, None).await?;
            }
            transfers::save(txn, &mut record, false).await?;
            Ok(Ok((record, from, to)))
        })
        .await
        .map_err(|error| refuse(error.into()))?;
    let (mut record, from, to) = outcome.map_err(refuse)?;
    committed(state, &mut record, from);
    Ok((StatusCode::OK, acknowledgement(&record.transfer, to)))
}

/// Records on `record` why it was suspended or terminated (a message of `kind` sent by `by`, with `reason`).
fn explain(record: &mut TransferRecord, kind: Kind, by: Role, reason: Option<&str>) {
    let done = match kind {
        Kind::Suspension => "suspended",
        Kind::Termination => "terminated",
        _ => return,
    };
    let reason = reason.unwrap_or("no reason given");
    record.explanation = Some(json!({"reason": format!("{done} by the {}: {reason}", by.as_str())}));
}

/// Sends a message of `kind` on `record`: a provider's start carries the data address its data plane issues
/// (`plan`, or one made from the record); moves it, queues the message, records the step. A move the protocol does
/// not allow now is logged and skipped (only a script or a race can ask for one).
async fn send(
    state: &AppState,
    txn: &DatabaseTransaction,
    record: &mut TransferRecord,
    kind: Kind,
    reason: Option<&str>,
    by: &str,
    plan: Option<&flow::Plan>,
) -> Result<(), StoreError> {
    let from = record.transfer.state;
    let data_address = match (record.transfer.role, kind) {
        (Role::Provider, Kind::Start) => match plan {
            Some(plan) => plan.start_address(state, &record.transfer.pid),
            None => flow::restart_address(state, record).await?,
        },
        _ => None,
    };
    let envelope = match record.transfer.send(kind, reason, data_address) {
        Ok(envelope) => envelope,
        Err(illegal) => {
            tracing::warn!(pid = %record.transfer.pid, %illegal, "a transfer message was not sent");
            return Ok(());
        }
    };
    let role = record.transfer.role;
    explain(record, kind, role, reason);
    queue(state, txn, record, &envelope).await?;
    transfers::record_step(record, Some(from), envelope.target, kind, by, reason);
    Ok(())
}

/// Writes `envelope` to the outbox of `record`'s process; what it means for sending after the commit is kept on the
/// record.
async fn queue(
    state: &AppState,
    txn: &DatabaseTransaction,
    record: &mut TransferRecord,
    envelope: &Envelope,
) -> Result<(), StoreError> {
    let transfer = &record.transfer;
    let message = Message::of(TRANSFER, &transfer.pid, &transfer.counter_party, envelope);
    outbox::enqueue_with(txn, message, &state.config.negotiation, &mut record.queued).await
}

/// After a commit that moved `record` from `before`: the data plane follows the new state, the messages leased to
/// the commit leave, and the event feed is told.
fn committed(state: &AppState, record: &mut TransferRecord, before: State) {
    flow::follow(state, record, before);
    crate::negotiation::dispatch::send_queued(state, &mut record.queued);
    state.processes.publish_transfer(record);
}

/// Why a consumer could not start a transfer.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// No agreement of ours as consumer with that id.
    #[error("there is no agreement `{0}` in which this connector is the consumer")]
    UnknownAgreement(String),
    /// The agreement's negotiation is gone (it tells where the provider is).
    #[error("the negotiation of agreement `{0}` is not known")]
    UnknownNegotiation(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a consumer's operator asks for: the data of `agreement_id` in `format`; for a push, delivered to
/// `data_address`.
#[derive(Debug, Clone)]
pub struct Start {
    /// The agreement.
    pub agreement_id: String,
    /// The format (a distribution's), e.g. `HttpData-PULL`.
    pub format: String,
    /// Where a push transfer delivers the data.
    pub data_address: Option<DataAddress>,
}

/// Starts a transfer as consumer: records the process and queues the request in one transaction. The provider is
/// the one the agreement was negotiated with, at the address the negotiation used.
pub async fn start(state: &AppState, start: Start) -> Result<TransferRecord, StartError> {
    let agreement = match state.store.agreement(&start.agreement_id).await {
        Err(StoreError::NotFound { .. }) => return Err(StartError::UnknownAgreement(start.agreement_id)),
        other => other?,
    };
    if agreement.role != crate::negotiation::machine::Role::Consumer {
        return Err(StartError::UnknownAgreement(start.agreement_id));
    }
    let negotiation = match state.store.negotiation_record(&agreement.negotiation_pid).await {
        Err(StoreError::NotFound { .. }) => return Err(StartError::UnknownNegotiation(agreement.id)),
        other => other?,
    };
    let transfer = Transfer {
        pid: new_pid(),
        peer_pid: None,
        role: Role::Consumer,
        state: State::Requested,
        counter_party: agreement.provider.clone(),
        peer_address: negotiation.negotiation.peer_address.clone(),
        agreement_id: agreement.id.clone(),
        format: start.format,
        data_address: start.data_address,
    };
    let mut record = TransferRecord::new(transfer, agreement.dataset_id);
    let callback = callback_address(state);
    let mut record = state
        .store
        .transact(async |txn| {
            let envelope = record.transfer.first_request(&callback);
            queue(state, txn, &mut record, &envelope).await?;
            transfers::record_step(&mut record, None, envelope.target, Kind::Request, BY_US, None);
            transfers::save(txn, &mut record, true).await?;
            Ok(record)
        })
        .await?;
    committed(state, &mut record, State::Requested);
    Ok(record)
}

/// Sends a message of `kind` on the transfer `pid` for its operator (suspend, resume with a start, complete,
/// terminate), decided on the process as locked in the same transaction.
pub async fn operate(
    state: &AppState,
    pid: &str,
    kind: Kind,
    reason: Option<String>,
) -> Result<TransferRecord, OperatorError> {
    act(state, pid, kind, reason, BY_OPERATOR).await
}

/// Sends a message of `kind` on the transfer `pid` in one transaction, as `by`.
pub(super) async fn act(
    state: &AppState,
    pid: &str,
    kind: Kind,
    reason: Option<String>,
    by: &str,
) -> Result<TransferRecord, OperatorError> {
    let lock = state.store.locks_rows();
    let (mut record, before) = state
        .store
        .transact(async |txn| {
            let Some(mut record) = transfers::load(txn, None, pid, lock).await? else {
                return Ok(Err(OperatorError::NotFound(TRANSFER, pid.to_owned())));
            };
            let before = record.transfer.state;
            if let Err(illegal) = super::machine::transition(Some(before), record.transfer.role, kind) {
                return Ok(Err(OperatorError::Conflict(format!("the transfer is {before}: {illegal}"))));
            }
            send(state, txn, &mut record, kind, reason.as_deref(), by, None).await?;
            transfers::save(txn, &mut record, false).await?;
            Ok(Ok((record, before)))
        })
        .await??;
    committed(state, &mut record, before);
    Ok(record)
}

/// After the request `row` of a transfer was delivered (answered 2xx with `answer`; other deliveries are recorded
/// by [`crate::store::Store::forget_delivered`]): forget it, take what the answer says — the provider's pid — and
/// return the process's next message, leased, if one waits.
pub async fn delivered(
    state: &AppState,
    row: &outbox_row::Model,
    answer: &Value,
) -> Result<Option<outbox_row::Model>, StoreError> {
    let lock = state.store.locks_rows();
    let lease = Duration::from_secs(state.config.negotiation.lease_secs);
    let (changed, next) = state
        .store
        .transact(async |txn| {
            // The process row first, then its outbox row: the order every transaction of a process takes its locks in.
            let record = transfers::load(txn, None, &row.process, lock).await?;
            Store::delivered(txn, row.id).await?;
            let changed = match record {
                Some(record) => learn_provider_pid(state, txn, record, answer).await?,
                None => None,
            };
            let claimed = changed.as_ref().is_some_and(|record| !record.queued.leased.is_empty());
            let next = if claimed { None } else { outbox::claim_next(txn, &row.process, lease).await? };
            Ok((changed, next))
        })
        .await?;
    if let Some(mut record) = changed {
        let before = record.transfer.state;
        committed(state, &mut record, before);
    }
    Ok(next)
}

/// The consumer's record once the acknowledgement `answer` of its request told it the provider's pid, or `None`
/// when the answer teaches nothing.
#[cfg_attr(not(feature = "scenarios"), allow(unused_variables))]
async fn learn_provider_pid(
    state: &AppState,
    txn: &DatabaseTransaction,
    mut record: TransferRecord,
    answer: &Value,
) -> Result<Option<TransferRecord>, StoreError> {
    if record.transfer.role != Role::Consumer || record.transfer.peer_pid.is_some() {
        return Ok(None);
    }
    let Some(provider_pid) = answer.get("providerPid").and_then(Value::as_str) else { return Ok(None) };
    record.transfer.peer_pid = Some(provider_pid.to_owned());
    #[cfg(feature = "scenarios")]
    if let Some((kind, reason)) = super::scenario::after_request(&record.dataset_id) {
        send(state, txn, &mut record, kind, reason.as_deref(), BY_US, None).await?;
    }
    transfers::save(txn, &mut record, false).await?;
    Ok(Some(record))
}

/// Gives up on the outbox message `row` of a transfer (refused by the peer, or past its deadline): the transfer is
/// terminated with `reason`, and the peer is told when the message was not itself a termination.
pub async fn give_up(state: &AppState, row: &outbox_row::Model, reason: &str) -> Result<(), StoreError> {
    let lock = state.store.locks_rows();
    let changed = state
        .store
        .transact(async |txn| {
            let record = transfers::load(txn, None, &row.process, lock).await?;
            let queued = outbox::forget_process(txn, &row.process).await?;
            let Some(mut record) = record else { return Ok(None) };
            record.queued = queued;
            let before = record.transfer.state;
            if before.is_terminal() || row.kind == Kind::Termination.as_str() {
                return Ok(None);
            }
            let reason = format!("the {} message could not be delivered: {reason}", row.kind);
            if record.transfer.peer_pid.is_some() {
                send(state, txn, &mut record, Kind::Termination, Some(&reason), BY_US, None).await?;
            } else {
                record.transfer.state = State::Terminated;
                transfers::record_step(
                    &mut record,
                    Some(before),
                    State::Terminated,
                    Kind::Termination,
                    BY_US,
                    Some(&reason),
                );
            }
            record.explanation = Some(json!({"reason": reason}));
            transfers::save(txn, &mut record, false).await?;
            Ok(Some((record, before)))
        })
        .await?;
    if let Some((mut record, before)) = changed {
        committed(state, &mut record, before);
    }
    Ok(())
}

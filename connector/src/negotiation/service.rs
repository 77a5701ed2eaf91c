//! The shell around the negotiation core: each message received, each decision and each delivery is one database
//! transaction that moves the process, records the step, and queues what is to be sent; the dispatcher is woken
//! after the commit.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::Utc;
use ldt_catalog::offer::parse_offer_iri;
use ldt_identity::Caller;
use ldt_policy::Policy;
use ldt_policy::eval::Context;
use sea_orm::DatabaseTransaction;
use serde_json::{Map, Value, json};

use super::error::NegotiationError;
use super::machine::{Kind, Role, State, transition};
use super::message::{Incoming, negotiation_object};
use super::process::{Envelope, Negotiation};
use super::react::{Reaction, react, terminate};
use super::terms::{Verdict, agreement_document, check_request, decide};
use crate::access::satisfies_access_policy;
use crate::app::AppState;
use crate::config::Approval;
use crate::store::catalog::RequestedOffer;
use crate::store::entity::outbox as outbox_row;
use crate::store::history::{BY_OPERATOR, BY_PEER, BY_US};
use crate::store::negotiations::{self, Record};
use crate::store::outbox::{self, Message, NEGOTIATION};
use crate::store::{Store, StoreError};

/// A fresh process id.
pub fn new_pid() -> String {
    format!("urn:uuid:{}", uuid::Uuid::new_v4())
}

/// What the provider made of a request's terms, worked out before its transaction (it reads the catalogue).
#[derive(Debug)]
pub struct Terms {
    /// The dataset requested.
    pub dataset_id: String,
    /// The offer as the catalogue publishes it, with the dataset as `target`.
    pub offered: Value,
    /// The offered policy.
    pub policy: Policy,
    /// Whether the request asks for exactly the offered rules (else why not).
    pub matched: Result<(), String>,
    /// Whether the caller meets the policy.
    pub verdict: Verdict,
}

/// Reads the offer a request names and evaluates it for `caller`; 400 when the offer is not one this caller can see.
pub async fn provider_terms(
    state: &AppState,
    caller: &Caller,
    requested: &Value,
    purpose: Option<&str>,
) -> Result<Terms, NegotiationError> {
    let offer_iri = requested.get("@id").and_then(Value::as_str).unwrap_or_default();
    let unknown =
        || NegotiationError::bad_request("UnknownOffer", format!("`{offer_iri}` is not an offer of this catalogue"));
    let (offer_id, dataset_id) = parse_offer_iri(offer_iri).ok_or_else(unknown)?;
    let RequestedOffer { rules, access_policy } = match state.store.requested_offer(&offer_id, &dataset_id).await {
        Err(StoreError::NotFound { .. }) => return Err(unknown()),
        other => other?,
    };
    if let Some((id, document)) = &access_policy
        && !satisfies_access_policy(state, caller, id, document)
    {
        return Err(unknown());
    }
    let mut offered = Map::from_iter([("@id".into(), offer_iri.into()), ("@type".into(), "Offer".into())]);
    offered.extend(rules);
    offered.insert("target".into(), dataset_id.clone().into());
    let offered = Value::Object(offered);
    let policy = ldt_policy::read_policy(&offered)
        .map_err(|_| NegotiationError::bad_request("UnknownOffer", "the offer's policy cannot be read"))?;
    let matched = check_request(requested, &offered, &dataset_id).map(|_| ());
    let context = Context {
        now: Some(Utc::now().fixed_offset()),
        caller: Some(caller.participant_id.clone()),
        claims: caller.claims.clone(),
        purpose: purpose.map(str::to_owned),
        target: Some(dataset_id.clone()),
        ..Context::default()
    };
    let verdict = decide(policy.clone(), context, &state.config.policy);
    Ok(Terms { dataset_id, offered, policy, matched, verdict })
}

/// The reactions a side's script or its rules call for after accepting `received`.
fn reactions_to(
    state: &AppState,
    negotiation: &Negotiation,
    received: Kind,
    asked: &Value,
    first: bool,
) -> Vec<Reaction> {
    #[cfg(feature = "scenarios")]
    if let Some(script) = super::scenario::script(negotiation.role, &negotiation.dataset_id, received, first) {
        return script;
    }
    react(negotiation, received, asked, &state.catalog_info.participant_id, first)
}

/// Carries out `reactions` on `record` inside `txn`: each sent message is queued, each step recorded.
async fn apply(
    state: &AppState,
    txn: &DatabaseTransaction,
    record: &mut Record,
    reactions: Vec<Reaction>,
    terms: Option<&Terms>,
    by: &str,
) -> Result<(), StoreError> {
    for reaction in reactions {
        match reaction {
            Reaction::AwaitOperator => record.awaiting = Some(BY_OPERATOR.into()),
            Reaction::Decide => {
                let Some(terms) = terms else { continue };
                let next = match (&terms.verdict, &terms.matched) {
                    (Verdict::Refuse { explanation, decision }, _) => {
                        record.explanation = Some(json!({"reason": explanation, "decision": decision}));
                        // The peer is told which conditions failed, not the whole evaluation of our policy.
                        let failed = ldt_policy::explain::reasons(decision).join("; ");
                        terminate(format!("the request does not meet the contract policy: {failed}"))
                    }
                    (Verdict::Agree, Err(_)) => {
                        record.negotiation.offer = terms.offered.clone();
                        Reaction::Send(Kind::Offer, None)
                    }
                    (Verdict::Agree, Ok(())) if state.config.negotiation.approval == Approval::Operator => {
                        Reaction::AwaitOperator
                    }
                    (Verdict::Agree, Ok(())) => {
                        agree(state, record, &terms.policy);
                        Reaction::Send(Kind::Agreement, None)
                    }
                };
                Box::pin(apply(state, txn, record, vec![next], None, by)).await?;
            }
            Reaction::Send(kind, reason) => {
                if kind == Kind::Agreement && record.negotiation.agreement.is_none() {
                    match ldt_policy::read_policy(&record.negotiation.offer) {
                        Ok(policy) => agree(state, record, &policy),
                        Err(_) => {
                            tracing::warn!(pid = %record.negotiation.pid, "the current offer cannot be read; no agreement");
                            continue;
                        }
                    }
                }
                send(state, txn, record, kind, reason.as_deref(), by).await?;
            }
        }
    }
    Ok(())
}

/// Makes the provider's agreement on `policy` for `record`.
fn agree(state: &AppState, record: &mut Record, policy: &Policy) {
    let negotiation = &mut record.negotiation;
    negotiation.agreement = Some(agreement_document(
        policy,
        new_pid(),
        &negotiation.dataset_id,
        &state.catalog_info.participant_id,
        &negotiation.counter_party,
        Utc::now(),
    ));
}

/// Sends a message of `kind` on `record`: moves it, queues the message, records the step. A move the protocol does
/// not allow now is logged and skipped (only a script or a race can ask for one).
async fn send(
    state: &AppState,
    txn: &DatabaseTransaction,
    record: &mut Record,
    kind: Kind,
    reason: Option<&str>,
    by: &str,
) -> Result<(), StoreError> {
    let from = record.negotiation.state;
    let callback = callback_address(state);
    let envelope = match record.negotiation.send(kind, reason, Some(&callback)) {
        Ok(envelope) => envelope,
        Err(illegal) => {
            tracing::warn!(pid = %record.negotiation.pid, %illegal, "a reaction was not sent");
            return Ok(());
        }
    };
    // Messages queued before a termination are not forgotten: they still go first, so the peer sees it all.
    if kind == Kind::Termination
        && let Some(reason) = reason
    {
        record.explanation.get_or_insert_with(|| json!({"reason": reason}));
    }
    queue(state, txn, record, &envelope).await?;
    negotiations::record_step(record, Some(from), envelope.target, kind, by, reason);
    if envelope.target == State::Finalized {
        negotiations::keep_agreement(txn, record).await?;
    }
    record.awaiting = None;
    Ok(())
}

/// Writes `envelope` to the outbox of `record`'s process; what it means for sending after the commit is kept on the
/// record.
async fn queue(
    state: &AppState,
    txn: &DatabaseTransaction,
    record: &mut Record,
    envelope: &Envelope,
) -> Result<(), StoreError> {
    let negotiation = &record.negotiation;
    let message = Message::of(NEGOTIATION, &negotiation.pid, &negotiation.counter_party, envelope);
    outbox::enqueue_with(txn, message, &state.config.negotiation, &mut record.queued).await
}

/// Our callback address: where providers send us messages of the negotiations we consume.
pub fn callback_address(state: &AppState) -> String {
    format!("{}/callback", state.dsp_base)
}

/// Runs `work` as one transaction; when it changed a negotiation, sends what it leased and tells the feed.
async fn change(
    state: &AppState,
    work: impl AsyncFnOnce(&DatabaseTransaction) -> Result<Option<Record>, StoreError>,
) -> Result<(), StoreError> {
    after_commit(state, state.store.transact(work).await?);
    Ok(())
}

/// After a commit that changed `record` (if any): see [`committed`]; a commit that changed no negotiation is a
/// crash point of its own.
fn after_commit(state: &AppState, record: Option<Record>) {
    match record {
        Some(mut record) => committed(state, &mut record),
        #[cfg(feature = "scenarios")]
        None => super::crash::point("commit"),
        #[cfg(not(feature = "scenarios"))]
        None => {}
    }
}

/// After a commit: send the messages it leased to us and tell the event feed.
fn committed(state: &AppState, record: &mut Record) {
    #[cfg(feature = "scenarios")]
    super::crash::point("commit");
    super::dispatch::send_queued(state, &mut record.queued);
    state.processes.publish(record);
}

/// Handles a message from the peer at one of our endpoints (`path_pid`: our pid from the URL; `None` at the
/// endpoints that begin a process). Answers with the status and the `ContractNegotiation` acknowledgement.
pub async fn receive(
    state: &AppState,
    caller: &Caller,
    role: Role,
    path_pid: Option<&str>,
    message: Incoming,
) -> Result<(StatusCode, Value), NegotiationError> {
    match path_pid {
        None => begin(state, caller, role, message).await,
        Some(pid) => continue_process(state, caller, role, pid, message).await,
    }
}

/// A peer's first message: a consumer's request to us as provider, or a provider's offer to us as consumer.
async fn begin(
    state: &AppState,
    caller: &Caller,
    role: Role,
    message: Incoming,
) -> Result<(StatusCode, Value), NegotiationError> {
    let pids = (Some(message.consumer_pid.clone()), message.provider_pid.clone());
    let refuse = |error: NegotiationError| error.with_pids(pids.0.as_deref(), pids.1.as_deref());
    let first_state = transition(None, role.peer(), message.kind)
        .map_err(|illegal| refuse(NegotiationError::bad_request("IllegalTransition", illegal.to_string())))?;
    if role == Role::Provider && message.provider_pid.is_some() {
        return Err(refuse(NegotiationError::bad_request(
            "IllegalTransition",
            "a request naming a providerPid continues a negotiation; it is not sent here",
        )));
    }
    let callback = message
        .callback_address
        .as_deref()
        .filter(|address| url::Url::parse(address).is_ok_and(|url| matches!(url.scheme(), "http" | "https")))
        .ok_or_else(|| {
            refuse(NegotiationError::bad_request(
                "InvalidCallbackAddress",
                "the first message needs a callbackAddress that is an http(s) URL (unrecoverable)",
            ))
        })?
        .to_owned();
    let offer = message.offer.clone().unwrap_or(Value::Null);
    let (dataset_id, terms) = match role {
        Role::Provider => {
            let terms = provider_terms(state, caller, &offer, message.purpose.as_deref()).await.map_err(refuse)?;
            (terms.dataset_id.clone(), Some(terms))
        }
        Role::Consumer => {
            let target = offer.get("target").and_then(Value::as_str).unwrap_or_default().to_owned();
            if target.is_empty() {
                return Err(refuse(NegotiationError::bad_request("InvalidMessage", "the offer needs a `target`")));
            }
            (target, None)
        }
    };
    let peer_pid = match role {
        Role::Provider => message.consumer_pid.clone(),
        Role::Consumer => message.provider_pid.clone().unwrap_or_default(),
    };
    let record = state
        .store
        .transact(async |txn| {
            if let Some(existing) = negotiations::find_by_peer(txn, role, &caller.participant_id, &peer_pid).await? {
                // The same first message again (the peer did not see our answer): answer as before.
                return Ok((existing, false));
            }
            let negotiation = Negotiation {
                pid: new_pid(),
                peer_pid: Some(peer_pid.clone()),
                role,
                state: first_state,
                counter_party: caller.participant_id.clone(),
                peer_address: callback,
                dataset_id,
                offer: offer.clone(),
                agreement: None,
                purpose: message.purpose.clone(),
            };
            let mut record = Record::new(negotiation);
            negotiations::record_step(&mut record, None, first_state, message.kind, BY_PEER, None);
            let reactions = reactions_to(state, &record.negotiation, message.kind, &offer, true);
            apply(state, txn, &mut record, reactions, terms.as_ref(), BY_US).await?;
            // Written once, with whatever its reactions changed.
            negotiations::save(txn, &mut record, true).await?;
            Ok((record, true))
        })
        .await
        .map_err(|error| refuse(error.into()))?;
    let (mut record, created) = record;
    if created {
        committed(state, &mut record);
    }
    let negotiation = &record.negotiation;
    let ack = negotiation_object(
        negotiation.consumer_pid().unwrap_or_default(),
        negotiation.provider_pid().unwrap_or_default(),
        if created { first_state } else { negotiation.state },
    );
    Ok((StatusCode::CREATED, ack))
}

/// A peer's message on a process we hold as `role` under our pid `pid`.
async fn continue_process(
    state: &AppState,
    caller: &Caller,
    role: Role,
    pid: &str,
    message: Incoming,
) -> Result<(StatusCode, Value), NegotiationError> {
    NegotiationError::unless_named(role, pid, &message.consumer_pid, message.provider_pid.as_deref())?;
    let pids = (Some(message.consumer_pid.clone()), message.provider_pid.clone());
    let refuse = |error: NegotiationError| error.with_pids(pids.0.as_deref(), pids.1.as_deref());
    let terms = match (role, message.kind, &message.offer) {
        (Role::Provider, Kind::Request, Some(offer)) => {
            Some(provider_terms(state, caller, offer, message.purpose.as_deref()).await.map_err(refuse)?)
        }
        _ => None,
    };
    let lock = state.store.locks_rows();
    let outcome = state
        .store
        .transact(async |txn| {
            let Some(mut record) = negotiations::load(txn, role, pid, lock).await? else {
                return Ok(Err(NegotiationError::not_found(pid)));
            };
            if record.negotiation.counter_party != caller.participant_id {
                return Ok(Err(NegotiationError::not_found(pid)));
            }
            let asked = record.negotiation.offer.clone();
            let from = match record.negotiation.receive(&message) {
                Ok(from) => from,
                Err(refusal) => {
                    let negotiation = &record.negotiation;
                    return Ok(Err(NegotiationError::bad_request("IllegalTransition", refusal.to_string())
                        .with_pids(negotiation.consumer_pid(), negotiation.provider_pid())));
                }
            };
            let to = record.negotiation.state;
            record.awaiting = None;
            // What of ours still waits to be sent, the peer evidently has: the sides take turns, so a legal move
            // from our state answers our last message (and after a termination nothing needs saying). Dropped here,
            // so that our answer leaves right after this commit instead of queueing behind it.
            record.queued = outbox::forget_process(txn, pid).await?;
            if message.kind == Kind::Termination {
                let reason = message.reason.as_deref().unwrap_or("the peer gave no reason");
                record.explanation =
                    Some(json!({"reason": format!("terminated by the {}: {reason}", role.peer().as_str())}));
            }
            if let Some(purpose) = &message.purpose {
                record.negotiation.purpose = Some(purpose.clone());
            }
            negotiations::record_step(&mut record, Some(from), to, message.kind, BY_PEER, message.reason.as_deref());
            if to == State::Finalized {
                negotiations::keep_agreement(txn, &record).await?;
            }
            let reactions = reactions_to(state, &record.negotiation, message.kind, &asked, false);
            apply(state, txn, &mut record, reactions, terms.as_ref(), BY_US).await?;
            negotiations::save(txn, &mut record, false).await?;
            Ok(Ok((record, to)))
        })
        .await
        .map_err(|error| refuse(error.into()))?;
    let (mut record, to) = outcome.map_err(refuse)?;
    committed(state, &mut record);
    let negotiation = &record.negotiation;
    let ack = negotiation_object(
        negotiation.consumer_pid().unwrap_or_default(),
        negotiation.provider_pid().unwrap_or_default(),
        to,
    );
    Ok((StatusCode::OK, ack))
}

/// Why a consumer could not start a negotiation.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The provider could not be asked for the dataset.
    #[error("{0}")]
    Provider(#[from] crate::dsp::client::ClientError),
    /// The dataset has no such offer.
    #[error("the dataset `{dataset}` has no offer `{offer}`")]
    NoSuchOffer {
        /// The dataset.
        dataset: String,
        /// The offer asked for.
        offer: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a consumer's operator asks for: a contract on `offer_id` of `dataset_id` at the provider `address`.
#[derive(Debug, Clone)]
pub struct Start {
    /// The provider's connector (root URL or DSP base).
    pub address: String,
    /// The provider's participant id; defaults to the `did:web` DID of its address.
    pub counter_party: Option<String>,
    /// The dataset.
    pub dataset_id: String,
    /// The offer's `@id` in the provider's catalogue.
    pub offer_id: String,
    /// The purpose declared to the provider.
    pub purpose: Option<String>,
}

/// Starts a negotiation as consumer: reads the offer from the provider's catalogue, then records the process and
/// queues the first request in one transaction.
pub async fn start(state: &AppState, start: Start) -> Result<Record, StartError> {
    let client = &state.dsp_client;
    let base = client.discover(&start.address).await?;
    let counter_party = match start.counter_party {
        Some(id) => id,
        None => crate::dsp::client::peer_did(&start.address)?,
    };
    let offers = client.dataset_offers(&base, &counter_party, &start.dataset_id).await?;
    let mut offer = offers
        .into_iter()
        .find(|offer| offer.get("@id").and_then(Value::as_str) == Some(start.offer_id.as_str()))
        .ok_or_else(|| StartError::NoSuchOffer { dataset: start.dataset_id.clone(), offer: start.offer_id.clone() })?;
    offer["target"] = Value::String(start.dataset_id.clone());
    let mut record = Record::new(Negotiation {
        pid: new_pid(),
        peer_pid: None,
        role: Role::Consumer,
        state: State::Requested,
        counter_party,
        peer_address: base.to_string(),
        dataset_id: start.dataset_id,
        offer,
        agreement: None,
        purpose: start.purpose,
    });
    let callback = callback_address(state);
    let mut record = state
        .store
        .transact(async |txn| {
            let envelope = record.negotiation.first_request(&callback);
            queue(state, txn, &mut record, &envelope).await?;
            negotiations::record_step(&mut record, None, envelope.target, Kind::Request, BY_US, None);
            negotiations::save(txn, &mut record, true).await?;
            Ok(record)
        })
        .await?;
    committed(state, &mut record);
    Ok(record)
}

/// What an operator does to a negotiation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorAction {
    /// End it, with a reason.
    Terminate(Option<String>),
    /// Provider, in operator-approval mode: agree to the request that waits.
    Approve,
    /// Provider, in operator-approval mode: refuse the request that waits.
    Reject(Option<String>),
    /// Consumer: accept a provider's unsolicited offer.
    Accept,
}

/// Why an operator's action on a negotiation or transfer was not carried out.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    /// No such process: its kind (`negotiation`, `transfer`) and pid.
    #[error("there is no {0} `{1}`")]
    NotFound(&'static str, String),
    /// The action does not fit the process's state.
    #[error("{0}")]
    Conflict(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Carries out `action` on the negotiation `pid`, decided on the process as locked in the same transaction.
pub async fn operate(state: &AppState, pid: &str, action: OperatorAction) -> Result<Record, OperatorError> {
    let lock = state.store.locks_rows();
    let mut record = state
        .store
        .transact(async |txn| {
            let Some(mut record) = negotiations::load_any(txn, pid, lock).await? else {
                return Ok(Err(OperatorError::NotFound(NEGOTIATION, pid.to_owned())));
            };
            let reaction = match operator_reaction(&record, action.clone()) {
                Ok(reaction) => reaction,
                Err(conflict) => return Ok(Err(OperatorError::Conflict(conflict))),
            };
            let before = record.negotiation.state;
            // An approved request matched the offer when it came: `Send(Agreement)` makes the agreement on it.
            apply(state, txn, &mut record, vec![reaction], None, BY_OPERATOR).await?;
            if record.negotiation.state == before {
                return Ok(Err(OperatorError::Conflict(format!(
                    "the negotiation is {before}; that cannot be done now"
                ))));
            }
            negotiations::save(txn, &mut record, false).await?;
            Ok(Ok(record))
        })
        .await??;
    committed(state, &mut record);
    Ok(record)
}

/// What `action` means for `record`, or why it does not fit it.
fn operator_reaction(record: &Record, action: OperatorAction) -> Result<Reaction, String> {
    let awaiting = record.awaiting.as_deref() == Some(BY_OPERATOR);
    let role = record.negotiation.role;
    match (action, role) {
        (OperatorAction::Terminate(reason), _) => {
            Ok(terminate(reason.unwrap_or_else(|| "terminated by the operator".into())))
        }
        (OperatorAction::Reject(reason), Role::Provider) if awaiting => {
            Ok(terminate(reason.unwrap_or_else(|| "the provider's operator rejected the request".into())))
        }
        (OperatorAction::Approve, Role::Provider) if awaiting => Ok(Reaction::Send(Kind::Agreement, None)),
        (OperatorAction::Accept, Role::Consumer) if awaiting => Ok(Reaction::Send(Kind::Accepted, None)),
        (action, _) => Err(format!(
            "cannot {action:?} this negotiation: it is {} and {}",
            record.negotiation.state,
            if awaiting { "waits for the operator" } else { "does not wait for the operator" }
        )),
    }
}

/// After the request `row` was delivered (answered 2xx with `answer`; other deliveries are recorded by
/// [`crate::store::Store::forget_delivered`]): forget it, take what the answer says — the provider's pid, from the
/// acknowledgement of a first request — and send the process's next message, if one waits: returned leased, for the
/// caller to send next.
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
            let record = negotiations::load_any(txn, &row.process, lock).await?;
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
    after_commit(state, changed);
    Ok(next)
}

/// The consumer's record once the acknowledgement `answer` of its first request told it the provider's pid, or
/// `None` when the answer teaches nothing.
#[cfg_attr(not(feature = "scenarios"), allow(unused_variables))]
async fn learn_provider_pid(
    state: &AppState,
    txn: &DatabaseTransaction,
    mut record: Record,
    answer: &Value,
) -> Result<Option<Record>, StoreError> {
    let negotiation = &record.negotiation;
    if negotiation.role != Role::Consumer || negotiation.peer_pid.is_some() {
        return Ok(None);
    }
    let Some(provider_pid) = answer.get("providerPid").and_then(Value::as_str) else {
        return Ok(None);
    };
    record.negotiation.peer_pid = Some(provider_pid.to_owned());
    #[cfg(feature = "scenarios")]
    if let Some(reaction) = super::scenario::after_first_request(&record.negotiation.dataset_id) {
        apply(state, txn, &mut record, vec![reaction], None, BY_US).await?;
    }
    negotiations::save(txn, &mut record, false).await?;
    Ok(Some(record))
}

/// Gives up on the outbox message `row` (refused by the peer, or past its deadline): the negotiation is terminated
/// with `reason`, and the peer is told when the message was not itself a termination.
pub async fn give_up(state: &AppState, row: &outbox_row::Model, reason: &str) -> Result<(), StoreError> {
    let lock = state.store.locks_rows();
    change(state, async |txn| {
        // The process row first, then its outbox rows (see `delivered`).
        let record = negotiations::load_any(txn, &row.process, lock).await?;
        let queued = outbox::forget_process(txn, &row.process).await?;
        let Some(mut record) = record else {
            return Ok(None);
        };
        record.queued = queued;
        if record.negotiation.state.is_terminal() || row.kind == Kind::Termination.as_str() {
            return Ok(None);
        }
        let reason = format!("the {} message could not be delivered: {reason}", row.kind);
        record.explanation = Some(json!({"reason": reason}));
        if record.negotiation.peer_pid.is_some() {
            send(state, txn, &mut record, Kind::Termination, Some(&reason), BY_US).await?;
        } else {
            let from = record.negotiation.state;
            record.negotiation.state = State::Terminated;
            negotiations::record_step(
                &mut record,
                Some(from),
                State::Terminated,
                Kind::Termination,
                BY_US,
                Some(&reason),
            );
        }
        negotiations::save(txn, &mut record, false).await?;
        Ok(Some(record))
    })
    .await
}

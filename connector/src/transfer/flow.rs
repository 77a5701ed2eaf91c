//! The data plane following a transfer's state, on the provider's side: a pull transfer's grant is opened when it
//! starts (its start message carries the endpoint and token the grant issues) and closed when it leaves STARTED —
//! suspended, completed or terminated — which refuses new requests at once and cuts responses still streaming. A
//! grant ends by itself when the agreement does, and the transfer is then terminated ([`watch_expiries`]).
//!
//! Each start opens a grant of its own (`<transfer pid>~<nonce>`, the last segment of the endpoint it gives), so
//! the endpoint and tokens of an earlier start stay refused after the transfer is resumed.

use chrono::{DateTime, Utc};
use ldt_catalog::product::{Backend, Distribution};
use url::Url;

use super::machine::{Kind, Role, State};
use super::message::DataAddress;
use super::movers::Mover;
use super::process::Transfer;
use crate::app::AppState;
use crate::dataplane::http::{Grant, GrantExpired, Granted};
use crate::dataplane::stream::Source;
use crate::store::history::BY_US;
use crate::store::negotiations::StoredAgreement;
use crate::store::transfers::TransferRecord;
use crate::store::{StoreError, now};

/// The format of an HTTP pull: the consumer reads through the provider's data plane.
pub const HTTP_PULL: &str = "HttpData-PULL";
/// The format of an MQTT stream the consumer reads from the provider's data plane as server-sent events.
pub const MQTT_PULL: &str = "MQTT-PULL";
/// The format of a NATS stream the consumer reads from the provider's data plane as server-sent events.
pub const NATS_PULL: &str = "NATS-PULL";

/// Between a transfer's pid and the nonce of one of its starts, in a grant id.
const GRANT_SEPARATOR: char = '~';

/// The transfer a grant id belongs to.
fn transfer_of(grant_id: &str) -> &str {
    grant_id.rsplit_once(GRANT_SEPARATOR).map_or(grant_id, |(pid, _)| pid)
}

/// The grant the data address of `transfer`'s latest start opens: the last segment of its endpoint.
fn grant_of(transfer: &Transfer) -> Option<String> {
    let endpoint = Url::parse(transfer.data_address.as_ref()?.endpoint.as_deref()?).ok()?;
    let segment = endpoint.path_segments()?.next_back()?;
    Some(percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned())
}

/// Whether a request for `distribution` can be served: its format is one the data plane moves, from a backend of
/// the kind it needs, to a destination it can reach (`data_address`, for the formats the provider delivers).
pub fn check_request(
    state: &AppState,
    distribution: &Distribution,
    data_address: Option<&DataAddress>,
) -> Result<(), String> {
    let format = distribution.format.as_str();
    if let Some(granted) = granted(state, distribution) {
        return granted.map(|_| ());
    }
    match Mover::of(state, format, &distribution.backend, data_address)? {
        Some(_) => Ok(()),
        None => Err(format!("this connector does not transfer the format `{format}` of this distribution")),
    }
}

/// What a pull of `distribution` opens to the consumer, when its format is a pull: its HTTP backend, or its live
/// stream on this connector's broker; why not, when that backend cannot be reached.
fn granted(state: &AppState, distribution: &Distribution) -> Option<Result<Granted, String>> {
    Some(match (distribution.format.as_str(), &distribution.backend) {
        (HTTP_PULL, Backend::Http { url }) => {
            Url::parse(url).map(Granted::Http).map_err(|error| format!("the backend URL is invalid: {error}"))
        }
        (MQTT_PULL, Backend::Mqtt { .. }) | (NATS_PULL, Backend::Nats { .. }) => {
            Source::from_backend(&distribution.backend, &state.brokers)
                .map(Granted::Stream)
                .map_err(|error| error.to_string())
        }
        _ => return None,
    })
}

/// What the data plane will open for a transfer once it starts.
#[derive(Debug)]
pub struct Plan {
    grant: Option<Grant>,
    /// The grant opened for the start, until the transaction that sends it has committed.
    opened: std::sync::Mutex<Option<String>>,
}

impl Plan {
    /// The plan of a transfer under `agreement`, reading `distribution` (the one in the transfer's format).
    pub fn new(state: &AppState, agreement: &StoredAgreement, distribution: &Distribution) -> Plan {
        let backend = granted(state, distribution).and_then(Result::ok);
        // A stream has no sub-resources or query of its own to pass on.
        let http = matches!(backend, Some(Granted::Http(_)));
        let grant = backend.map(|backend| Grant {
            backend,
            pass_path: http && state.config.dataplane.pass_path,
            pass_query: http && state.config.dataplane.pass_query,
            pass_methods: false,
            valid_until: agreement_end(agreement),
        });
        Plan { grant, opened: std::sync::Mutex::default() }
    }

    /// The data address of the transfer `pid`'s start: a new grant opened and a reference issued for it.
    pub fn start_address(&self, state: &AppState, pid: &str) -> Option<DataAddress> {
        let grant = self.grant.clone()?;
        let grant_id = format!("{pid}{GRANT_SEPARATOR}{}", uuid::Uuid::new_v4().simple());
        state.grants.open(&grant_id, grant);
        *self.opened.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(grant_id.clone());
        match state.grants.issue(&grant_id) {
            Ok(reference) => Some(reference.data_address()),
            Err(refused) => {
                tracing::warn!(pid, %refused, "no pull access could be issued");
                None
            }
        }
    }

    /// Closes the grant opened for a start whose transaction did not commit: no token of it was ever sent.
    pub fn abandon(&self, state: &AppState) {
        if let Some(grant_id) = self.opened.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take() {
            state.grants.close(&grant_id);
        }
    }
}

/// The data address of a provider's start that resumes `record`: its agreement and distribution read again.
pub async fn restart_address(state: &AppState, record: &TransferRecord) -> Result<Option<DataAddress>, StoreError> {
    let Some(plan) = plan_of(state, record).await? else { return Ok(None) };
    Ok(plan.start_address(state, &record.transfer.pid))
}

/// The plan of a stored transfer we provide, when its agreement and distribution still exist.
async fn plan_of(state: &AppState, record: &TransferRecord) -> Result<Option<Plan>, StoreError> {
    let provided = provided(state, record).await?;
    Ok(provided.map(|(agreement, distribution)| Plan::new(state, &agreement, &distribution)))
}

/// The agreement of a stored transfer we provide and the distribution in its format, when both still exist.
async fn provided(
    state: &AppState,
    record: &TransferRecord,
) -> Result<Option<(StoredAgreement, Distribution)>, StoreError> {
    let transfer = &record.transfer;
    let agreement = match state.store.agreement(&transfer.agreement_id).await {
        Err(StoreError::NotFound { .. }) => return Ok(None),
        other => other?,
    };
    let product = match state.store.product(&record.dataset_id).await {
        Err(StoreError::NotFound { .. }) => return Ok(None),
        other => other?,
    };
    let distribution =
        product.product.distributions.into_iter().find(|distribution| distribution.format == transfer.format);
    Ok(distribution.map(|distribution| (agreement, distribution)))
}

/// The end of `agreement`'s validity, when its policy sets one (see [`ldt_policy::expiry::valid_until`]).
fn agreement_end(agreement: &StoredAgreement) -> Option<DateTime<Utc>> {
    let policy = ldt_policy::read_policy(&agreement.policy).ok()?;
    ldt_policy::expiry::valid_until(&policy, agreement.signed_at.fixed_offset()).map(|at| at.to_utc())
}

/// After a commit that moved `record` from `before`: a provider's grant closes, and its push or relay stops, when the
/// transfer leaves STARTED; a push or relay begins when it enters STARTED. (A pull's grant was opened by the start
/// message's data address, in the transaction.)
pub fn follow(state: &AppState, record: &TransferRecord, before: State) {
    let transfer = &record.transfer;
    let left_started = transfer.state != State::Started && (before == State::Started || transfer.state.is_terminal());
    if transfer.role != Role::Provider {
        return;
    }
    if left_started {
        state.movers.stop(&transfer.pid);
        if let Some(grant_id) = grant_of(transfer) {
            state.grants.close(&grant_id);
        }
    } else if transfer.state == State::Started && before != State::Started {
        let (state, record) = (state.clone(), record.clone());
        tokio::spawn(async move {
            match provided(&state, &record).await {
                Ok(Some((agreement, distribution))) => start_mover(&state, &record, &agreement, &distribution),
                Ok(None) => tracing::warn!(pid = %record.transfer.pid, "the transfer's agreement or data is gone"),
                Err(error) => tracing::warn!(pid = %record.transfer.pid, %error, "the transfer cannot be moved"),
            }
        });
    }
}

/// Starts the push or relay of the started transfer `record`, if its format is one the provider delivers.
fn start_mover(state: &AppState, record: &TransferRecord, agreement: &StoredAgreement, distribution: &Distribution) {
    let transfer = &record.transfer;
    match Mover::of(state, &transfer.format, &distribution.backend, transfer.data_address.as_ref()) {
        Ok(Some(mover)) => state.movers.start(state, &transfer.pid, mover, agreement_end(agreement)),
        Ok(None) => {}
        Err(reason) => tracing::warn!(pid = %transfer.pid, %reason, "the transfer cannot be moved"),
    }
}

/// Takes up, at start, the transfers that were STARTED when the connector stopped: their pushes and relays begin
/// again, and the grants of pulls are opened under the ids their starts gave (grants live in memory; the tokens
/// issued before stay valid, being signed with the persistent secret).
pub async fn resume_started(state: &AppState) -> Result<(), StoreError> {
    for record in state.store.provided_transfers_in(State::Started).await? {
        let Some((agreement, distribution)) = provided(state, &record).await? else { continue };
        start_mover(state, &record, &agreement, &distribution);
        if let Some(grant) = Plan::new(state, &agreement, &distribution).grant
            && let Some(grant_id) = grant_of(&record.transfer)
        {
            state.grants.open(&grant_id, grant);
        }
    }
    Ok(())
}

/// Terminates each transfer whose grant expired with its agreement, as the data plane reports them, until the
/// connector stops.
pub async fn watch_expiries(state: AppState, mut expired: tokio::sync::mpsc::UnboundedReceiver<GrantExpired>) {
    let stopped = state.processes.stopped();
    tokio::pin!(stopped);
    loop {
        let report = tokio::select! {
            report = expired.recv() => report,
            () = &mut stopped => None,
        };
        let Some(GrantExpired { transfer_id: grant_id, valid_until }) = report else { return };
        let transfer_id = transfer_of(&grant_id);
        let reason = format!("the contract agreement ended at {valid_until}");
        tracing::info!(%transfer_id, %reason, at = %now(), "terminating a transfer");
        if let Err(error) = super::service::act(&state, transfer_id, Kind::Termination, Some(reason), BY_US).await {
            tracing::warn!(%transfer_id, %error, "an expired transfer could not be terminated");
        }
    }
}

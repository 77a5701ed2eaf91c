//! Negotiation records: the process rows, their state history and the agreements in force. The writes take the
//! caller's transaction, so a state change, its history entry, its outbox message and its agreement are committed
//! together or not at all.

use chrono::{DateTime, Utc};
use ldt_catalog::paging::{Cursor, Page};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::entity::{agreement, negotiation};
use super::{Store, StoreError, history, now, page_of};
use crate::negotiation::machine::{ContractNegotiation, Kind, Role, State};
use crate::negotiation::process::Negotiation;

/// A negotiation with what the connector keeps beside the protocol state.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The process itself.
    pub negotiation: Negotiation,
    /// What it waits for, e.g. `operator` (a decision through the management API).
    pub awaiting: Option<String>,
    /// Why it was refused or terminated: an explanation in words and, for a policy refusal, the decision.
    pub explanation: Option<Value>,
    /// When it began.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// What the current transaction queued: messages to send as soon as it commits (not stored).
    pub queued: super::outbox::Queued,
    /// The steps the current transaction made, written by [`save`].
    pub steps: history::Steps,
}

impl Record {
    /// A new record of `negotiation`, begun now.
    pub fn new(negotiation: Negotiation) -> Record {
        let at = now();
        Record {
            negotiation,
            awaiting: None,
            explanation: None,
            created_at: at,
            updated_at: at,
            queued: super::outbox::Queued::none_waiting(),
            steps: Default::default(),
        }
    }
}

/// One step of a negotiation's history.
pub type Step = history::Step<State, Kind>;

/// An agreement in force.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoredAgreement {
    /// Its `@id`.
    pub id: String,
    /// The negotiation it came from (our pid).
    pub negotiation_pid: String,
    /// Our role in it.
    pub role: Role,
    /// The dataset.
    pub dataset_id: String,
    /// The assigner.
    pub provider: String,
    /// The assignee.
    pub consumer: String,
    /// The agreement as exchanged (DSP compact JSON).
    #[schema(value_type = Object)]
    pub policy: Value,
    /// Its `timestamp`.
    pub signed_at: DateTime<Utc>,
    /// When it was finalized here.
    pub created_at: DateTime<Utc>,
}

fn corrupt(pid: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt("negotiation", pid, error)
}

fn from_row(row: negotiation::Model) -> Result<Record, StoreError> {
    let json = |text: &str| serde_json::from_str::<Value>(text).map_err(|error| corrupt(&row.pid, error));
    let negotiation = Negotiation {
        role: Role::parse(&row.role).ok_or_else(|| corrupt(&row.pid, format!("role `{}`", row.role)))?,
        state: State::parse(&row.state).ok_or_else(|| corrupt(&row.pid, format!("state `{}`", row.state)))?,
        offer: json(&row.offer)?,
        agreement: row.agreement.as_deref().map(json).transpose()?,
        pid: row.pid.clone(),
        peer_pid: row.peer_pid,
        counter_party: row.counter_party,
        peer_address: row.peer_address,
        dataset_id: row.dataset_id,
        purpose: row.purpose,
    };
    let explanation = row.explanation.as_deref().map(json).transpose()?;
    Ok(Record {
        negotiation,
        awaiting: row.awaiting,
        explanation,
        created_at: row.created_at,
        updated_at: row.updated_at,
        queued: Default::default(),
        steps: Default::default(),
    })
}

fn to_row(record: &Record) -> negotiation::ActiveModel {
    let negotiation = &record.negotiation;
    negotiation::ActiveModel {
        pid: Set(negotiation.pid.clone()),
        role: Set(negotiation.role.as_str().to_owned()),
        peer_pid: Set(negotiation.peer_pid.clone()),
        state: Set(negotiation.state.as_str().to_owned()),
        counter_party: Set(negotiation.counter_party.clone()),
        peer_address: Set(negotiation.peer_address.clone()),
        dataset_id: Set(negotiation.dataset_id.clone()),
        offer: Set(negotiation.offer.to_string()),
        agreement: Set(negotiation.agreement.as_ref().map(Value::to_string)),
        purpose: Set(negotiation.purpose.clone()),
        awaiting: Set(record.awaiting.clone()),
        explanation: Set(record.explanation.as_ref().map(Value::to_string)),
        created_at: Set(record.created_at),
        updated_at: Set(record.updated_at),
    }
}

/// The negotiation `pid` held in `role`, locked for this transaction on PostgreSQL.
pub async fn load(txn: &DatabaseTransaction, role: Role, pid: &str, lock: bool) -> Result<Option<Record>, StoreError> {
    if pid.chars().any(char::is_control) {
        return Ok(None);
    }
    let mut select = negotiation::Entity::find_by_id(pid).filter(negotiation::Column::Role.eq(role.as_str()));
    if lock {
        select = select.lock_exclusive();
    }
    select.one(txn).await?.map(from_row).transpose()
}

/// The negotiation `pid` in whichever role we hold it, locked for this transaction on PostgreSQL.
pub async fn load_any(txn: &DatabaseTransaction, pid: &str, lock: bool) -> Result<Option<Record>, StoreError> {
    let mut select = negotiation::Entity::find_by_id(pid);
    if lock {
        select = select.lock_exclusive();
    }
    select.one(txn).await?.map(from_row).transpose()
}

/// The negotiation held in `role` with `counter_party` whose process on the peer's side is `peer_pid`.
pub async fn find_by_peer(
    txn: &DatabaseTransaction,
    role: Role,
    counter_party: &str,
    peer_pid: &str,
) -> Result<Option<Record>, StoreError> {
    if peer_pid.chars().any(char::is_control) || counter_party.chars().any(char::is_control) {
        return Ok(None);
    }
    let row = negotiation::Entity::find()
        .filter(negotiation::Column::CounterParty.eq(counter_party))
        .filter(negotiation::Column::PeerPid.eq(peer_pid))
        .filter(negotiation::Column::Role.eq(role.as_str()))
        .one(txn)
        .await?;
    row.map(from_row).transpose()
}

/// Writes `record` (a new one when `new`), stamped as changed now, with the steps it made.
pub async fn save(txn: &DatabaseTransaction, record: &mut Record, new: bool) -> Result<(), StoreError> {
    record.updated_at = now();
    let row = to_row(record);
    if new {
        negotiation::Entity::insert(row).exec_without_returning(txn).await?;
    } else {
        row.update(txn).await?;
    }
    record.steps.write(txn).await
}

/// Adds a step to the history of `record`, written with it by [`save`].
pub fn record_step(record: &mut Record, from: Option<State>, to: State, kind: Kind, by: &str, detail: Option<&str>) {
    record.steps.add::<ContractNegotiation>(&record.negotiation.pid, from, to, kind, by, detail);
}

/// Stores the agreement of the finalized negotiation `record` (once: a repeat is ignored).
pub async fn keep_agreement(txn: &DatabaseTransaction, record: &Record) -> Result<(), StoreError> {
    let negotiation = &record.negotiation;
    let Some(document) = &negotiation.agreement else {
        return Err(corrupt(&negotiation.pid, "finalized without an agreement"));
    };
    let field = |name: &str| document.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
    let signed_at = DateTime::parse_from_rfc3339(&field("timestamp")).map_or_else(|_| now(), |at| at.to_utc());
    let row = agreement::ActiveModel {
        id: Set(field("@id")),
        negotiation_pid: Set(negotiation.pid.clone()),
        role: Set(negotiation.role.as_str().to_owned()),
        dataset_id: Set(negotiation.dataset_id.clone()),
        provider: Set(field("assigner")),
        consumer: Set(field("assignee")),
        document: Set(document.to_string()),
        signed_at: Set(signed_at),
        created_at: Set(now()),
    };
    agreement::Entity::insert(row)
        .on_conflict(OnConflict::column(agreement::Column::NegotiationPid).do_nothing().to_owned())
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

fn agreement_from_row(row: agreement::Model) -> Result<StoredAgreement, StoreError> {
    let policy =
        serde_json::from_str(&row.document).map_err(|error| StoreError::corrupt("agreement", &row.id, error))?;
    let role = Role::parse(&row.role).ok_or_else(|| StoreError::corrupt("agreement", &row.id, "role"))?;
    Ok(StoredAgreement {
        id: row.id,
        negotiation_pid: row.negotiation_pid,
        role,
        dataset_id: row.dataset_id,
        provider: row.provider,
        consumer: row.consumer,
        policy,
        signed_at: row.signed_at,
        created_at: row.created_at,
    })
}

impl Store {
    /// The negotiation `pid`, in either role.
    pub async fn negotiation_record(&self, pid: &str) -> Result<Record, StoreError> {
        StoreError::unless_storable("negotiation", pid)?;
        let row = negotiation::Entity::find_by_id(pid).one(&self.db).await?;
        from_row(row.ok_or_else(|| StoreError::not_found("negotiation", pid))?)
    }

    /// The negotiation `pid` (in either role) and its history, oldest step first.
    pub async fn negotiation(&self, pid: &str) -> Result<(Record, Vec<Step>), StoreError> {
        let record = self.negotiation_record(pid).await?;
        let steps = history::steps::<ContractNegotiation>(&self.db, pid).await?;
        Ok((record, steps))
    }

    /// A page of negotiations in pid order.
    pub async fn negotiations(&self, cursor: Option<&Cursor>, limit: usize) -> Result<Page<Record>, StoreError> {
        let page =
            page_of(&self.db, negotiation::Entity::find(), negotiation::Column::Pid, cursor, limit, |row| &row.pid)
                .await?;
        let items = page.items.into_iter().map(from_row).collect::<Result<_, _>>()?;
        Ok(Page { items, next: page.next, previous: page.previous })
    }

    /// A page of agreements in id order.
    pub async fn agreements(&self, cursor: Option<&Cursor>, limit: usize) -> Result<Page<StoredAgreement>, StoreError> {
        let page =
            page_of(&self.db, agreement::Entity::find(), agreement::Column::Id, cursor, limit, |row| &row.id).await?;
        let items = page.items.into_iter().map(agreement_from_row).collect::<Result<_, _>>()?;
        Ok(Page { items, next: page.next, previous: page.previous })
    }

    /// The agreement `id`.
    pub async fn agreement(&self, id: &str) -> Result<StoredAgreement, StoreError> {
        StoreError::unless_storable("agreement", id)?;
        let row = agreement::Entity::find_by_id(id).one(&self.db).await?;
        agreement_from_row(row.ok_or_else(|| StoreError::not_found("agreement", id))?)
    }
}

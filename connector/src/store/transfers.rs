//! Transfer records: the process rows and their state history. The writes take the caller's transaction, so a
//! state change, its history entry and its outbox message are committed together or not at all.

use chrono::{DateTime, Utc};
use ldt_catalog::paging::{Cursor, Page};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use serde_json::Value;

use super::entity::transfer;
use super::{Store, StoreError, history, now, page_of};
use crate::transfer::machine::{Kind, Role, State, TransferProcess};
use crate::transfer::message::DataAddress;
use crate::transfer::process::Transfer;

/// A transfer with what the connector keeps beside the protocol state.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferRecord {
    /// The process itself.
    pub transfer: Transfer,
    /// The dataset of its agreement.
    pub dataset_id: String,
    /// What it waits for, if anything.
    pub awaiting: Option<String>,
    /// Why it was refused, suspended or terminated, in words.
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

impl TransferRecord {
    /// A new record of `transfer` for `dataset_id`, begun now.
    pub fn new(transfer: Transfer, dataset_id: String) -> TransferRecord {
        let at = now();
        TransferRecord {
            transfer,
            dataset_id,
            awaiting: None,
            explanation: None,
            created_at: at,
            updated_at: at,
            queued: super::outbox::Queued::none_waiting(),
            steps: Default::default(),
        }
    }
}

/// One step of a transfer's history.
pub type TransferStep = history::Step<State, Kind>;

fn corrupt(pid: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt("transfer", pid, error)
}

fn from_row(row: transfer::Model) -> Result<TransferRecord, StoreError> {
    let pid = row.pid;
    let data_address = row
        .data_address
        .as_deref()
        .map(serde_json::from_str::<DataAddress>)
        .transpose()
        .map_err(|error| corrupt(&pid, error))?;
    let explanation = row
        .explanation
        .as_deref()
        .map(serde_json::from_str::<Value>)
        .transpose()
        .map_err(|error| corrupt(&pid, error))?;
    let transfer = Transfer {
        role: Role::parse(&row.role).ok_or_else(|| corrupt(&pid, format!("role `{}`", row.role)))?,
        state: State::parse(&row.state).ok_or_else(|| corrupt(&pid, format!("state `{}`", row.state)))?,
        pid,
        peer_pid: row.peer_pid,
        counter_party: row.counter_party,
        peer_address: row.peer_address,
        agreement_id: row.agreement_id,
        format: row.format,
        data_address,
    };
    Ok(TransferRecord {
        transfer,
        dataset_id: row.dataset_id,
        awaiting: row.awaiting,
        explanation,
        created_at: row.created_at,
        updated_at: row.updated_at,
        queued: Default::default(),
        steps: Default::default(),
    })
}

fn to_row(record: &TransferRecord) -> Result<transfer::ActiveModel, StoreError> {
    let transfer = &record.transfer;
    let data_address = transfer
        .data_address
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|error| corrupt(&transfer.pid, error))?;
    Ok(transfer::ActiveModel {
        pid: Set(transfer.pid.clone()),
        role: Set(transfer.role.as_str().to_owned()),
        peer_pid: Set(transfer.peer_pid.clone()),
        state: Set(transfer.state.as_str().to_owned()),
        counter_party: Set(transfer.counter_party.clone()),
        peer_address: Set(transfer.peer_address.clone()),
        agreement_id: Set(transfer.agreement_id.clone()),
        dataset_id: Set(record.dataset_id.clone()),
        format: Set(transfer.format.clone()),
        data_address: Set(data_address),
        awaiting: Set(record.awaiting.clone()),
        explanation: Set(record.explanation.as_ref().map(Value::to_string)),
        created_at: Set(record.created_at),
        updated_at: Set(record.updated_at),
    })
}

/// The transfer `pid`, held in `role` when one is given, locked for this transaction on PostgreSQL.
pub async fn load(
    txn: &DatabaseTransaction,
    role: Option<Role>,
    pid: &str,
    lock: bool,
) -> Result<Option<TransferRecord>, StoreError> {
    if pid.chars().any(char::is_control) {
        return Ok(None);
    }
    let mut select = transfer::Entity::find_by_id(pid);
    if let Some(role) = role {
        select = select.filter(transfer::Column::Role.eq(role.as_str()));
    }
    if lock {
        select = select.lock_exclusive();
    }
    select.one(txn).await?.map(from_row).transpose()
}

/// The transfer held as provider with `counter_party` whose consumer process is `consumer_pid` (a repeated
/// request).
pub async fn find_by_consumer_pid(
    txn: &DatabaseTransaction,
    counter_party: &str,
    consumer_pid: &str,
) -> Result<Option<TransferRecord>, StoreError> {
    if consumer_pid.chars().any(char::is_control) || counter_party.chars().any(char::is_control) {
        return Ok(None);
    }
    let row = transfer::Entity::find()
        .filter(transfer::Column::CounterParty.eq(counter_party))
        .filter(transfer::Column::PeerPid.eq(consumer_pid))
        .filter(transfer::Column::Role.eq(Role::Provider.as_str()))
        .one(txn)
        .await?;
    row.map(from_row).transpose()
}

/// Writes `record` (a new one when `new`), stamped as changed now, with the steps it made.
pub async fn save(txn: &DatabaseTransaction, record: &mut TransferRecord, new: bool) -> Result<(), StoreError> {
    record.updated_at = now();
    let row = to_row(record)?;
    if new {
        transfer::Entity::insert(row).exec_without_returning(txn).await?;
    } else {
        row.update(txn).await?;
    }
    record.steps.write(txn).await
}

/// Adds a step to the history of `record`, written with it by [`save`].
pub fn record_step(
    record: &mut TransferRecord,
    from: Option<State>,
    to: State,
    kind: Kind,
    by: &str,
    detail: Option<&str>,
) {
    record.steps.add::<TransferProcess>(&record.transfer.pid, from, to, kind, by, detail);
}

impl Store {
    /// The transfer `pid`, in either role.
    pub async fn transfer_record(&self, pid: &str) -> Result<TransferRecord, StoreError> {
        StoreError::unless_storable("transfer", pid)?;
        let row = transfer::Entity::find_by_id(pid).one(&self.db).await?;
        from_row(row.ok_or_else(|| StoreError::not_found("transfer", pid))?)
    }

    /// The transfer `pid` (in either role) and its history, oldest step first.
    pub async fn transfer(&self, pid: &str) -> Result<(TransferRecord, Vec<TransferStep>), StoreError> {
        let record = self.transfer_record(pid).await?;
        let steps = history::steps::<TransferProcess>(&self.db, pid).await?;
        Ok((record, steps))
    }

    /// A page of transfers in pid order.
    pub async fn transfers(&self, cursor: Option<&Cursor>, limit: usize) -> Result<Page<TransferRecord>, StoreError> {
        let page =
            page_of(&self.db, transfer::Entity::find(), transfer::Column::Pid, cursor, limit, |row| &row.pid).await?;
        let items = page.items.into_iter().map(from_row).collect::<Result<_, _>>()?;
        Ok(Page { items, next: page.next, previous: page.previous })
    }

    /// How many transfers were requested under `agreement_id` so far (the agreement's `count` of uses).
    pub async fn count_transfers(&self, agreement_id: &str) -> Result<u64, StoreError> {
        Ok(transfer::Entity::find().filter(transfer::Column::AgreementId.eq(agreement_id)).count(&self.db).await?)
    }

    /// Every transfer held as provider in `state` (at start: the pull grants to open again).
    pub async fn provided_transfers_in(&self, state: State) -> Result<Vec<TransferRecord>, StoreError> {
        let rows = transfer::Entity::find()
            .filter(transfer::Column::Role.eq(Role::Provider.as_str()))
            .filter(transfer::Column::State.eq(state.as_str()))
            .all(&self.db)
            .await?;
        rows.into_iter().map(from_row).collect()
    }
}

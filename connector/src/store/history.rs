//! The state history of every process, negotiation or transfer: one row per step, appended in the transaction
//! that makes the step.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set};

use super::entity::process_event;
use super::{StoreError, now};

/// [`StoredStep::by`] of a step the peer's message made.
pub const BY_PEER: &str = "peer";
/// [`StoredStep::by`] of a step this connector made by itself.
pub const BY_US: &str = "us";
/// [`StoredStep::by`] of a step the operator asked for through the management API.
pub const BY_OPERATOR: &str = "operator";

/// One step as stored: the state names and the message kind as the protocol writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStep {
    /// When.
    pub at: DateTime<Utc>,
    /// The state before (none for the first step).
    pub from: Option<String>,
    /// The state after.
    pub to: String,
    /// The message that moved it.
    pub kind: String,
    /// `peer`, `us` or `operator`.
    pub by: String,
    /// E.g. a termination's reason.
    pub detail: Option<String>,
}

/// Appends `step` to the history of `pid`.
pub async fn append(
    txn: &DatabaseTransaction,
    pid: &str,
    from: Option<&str>,
    to: &str,
    kind: &str,
    by: &str,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    let row = process_event::ActiveModel {
        pid: Set(pid.to_owned()),
        at: Set(now()),
        from_state: Set(from.map(str::to_owned)),
        to_state: Set(to.to_owned()),
        kind: Set(kind.to_owned()),
        by: Set(by.to_owned()),
        detail: Set(detail.map(str::to_owned)),
        ..Default::default()
    };
    process_event::Entity::insert(row).exec_without_returning(txn).await?;
    Ok(())
}

/// The history of `pid`, oldest step first.
pub async fn steps(db: &impl ConnectionTrait, pid: &str) -> Result<Vec<StoredStep>, StoreError> {
    let rows = process_event::Entity::find()
        .filter(process_event::Column::Pid.eq(pid))
        .order_by_asc(process_event::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| StoredStep {
            at: row.at,
            from: row.from_state,
            to: row.to_state,
            kind: row.kind,
            by: row.by,
            detail: row.detail,
        })
        .collect())
}

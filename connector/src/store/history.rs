//! The state history of every process, negotiation or transfer: one row per step, appended in the transaction
//! that makes the step.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;
use utoipa::ToSchema;

use crate::dsp::process_common::Protocol;

use super::entity::process_event;
use super::{StoreError, now};

/// [`StoredStep::by`] of a step the peer's message made.
pub const BY_PEER: &str = "peer";
/// [`StoredStep::by`] of a step this connector made by itself.
pub const BY_US: &str = "us";
/// [`StoredStep::by`] of a step the operator asked for through the management API.
pub const BY_OPERATOR: &str = "operator";

/// One step of a process's history: its states `S` and message kinds `K`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Step<S, K> {
    /// When.
    pub at: DateTime<Utc>,
    /// The state before (none for the first step).
    pub from: Option<S>,
    /// The state after.
    pub to: S,
    /// The message that moved it.
    pub message: K,
    /// `peer`, `us` or `operator`.
    pub by: String,
    /// E.g. a termination's reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The steps a transaction made, written together by the save of their process (not stored before).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Steps(Vec<process_event::ActiveModel>);

impl Steps {
    /// Adds a step of the process `pid` of protocol `P`: from `from` to `to` by a message of `kind`, made `by` the
    /// peer, us or the operator.
    pub fn add<P: Protocol>(
        &mut self,
        pid: &str,
        from: Option<P::State>,
        to: P::State,
        kind: P::Kind,
        by: &str,
        detail: Option<&str>,
    ) {
        self.0.push(process_event::ActiveModel {
            pid: Set(pid.to_owned()),
            at: Set(now()),
            from_state: Set(from.map(|state| P::state_name(state).to_owned())),
            to_state: Set(P::state_name(to).to_owned()),
            kind: Set(P::kind_name(kind).to_owned()),
            by: Set(by.to_owned()),
            detail: Set(detail.map(str::to_owned)),
            ..Default::default()
        });
    }

    /// Appends the steps added so far to their processes' histories, in the order they were made: one statement.
    pub async fn write(&mut self, txn: &DatabaseTransaction) -> Result<(), StoreError> {
        if self.0.is_empty() {
            return Ok(());
        }
        process_event::Entity::insert_many(std::mem::take(&mut self.0)).exec_without_returning(txn).await?;
        Ok(())
    }
}

/// The history of the process `pid` of protocol `P`, oldest step first.
pub async fn steps<P: Protocol>(
    db: &impl ConnectionTrait,
    pid: &str,
) -> Result<Vec<Step<P::State, P::Kind>>, StoreError> {
    let rows = process_event::Entity::find()
        .filter(process_event::Column::Pid.eq(pid))
        .order_by_asc(process_event::Column::Id)
        .all(db)
        .await?;
    let corrupt = |what: &str| StoreError::corrupt(P::PROCESS, pid, format!("history {what}"));
    rows.into_iter()
        .map(|row| {
            Ok(Step {
                at: row.at,
                from: row.from_state.as_deref().and_then(P::parse_state),
                to: P::parse_state(&row.to_state).ok_or_else(|| corrupt("state"))?,
                message: P::parse_kind(&row.kind).ok_or_else(|| corrupt("kind"))?,
                by: row.by,
                detail: row.detail,
            })
        })
        .collect()
}

//! One step in a process's history (a negotiation or a transfer): a state change and what caused it.

use sea_orm::entity::prelude::*;

/// A row of `process_event`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "process_event")]
pub struct Model {
    /// Order of recording.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The process (our pid).
    pub pid: String,
    /// When.
    pub at: DateTimeUtc,
    /// The state before; none for the first step.
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: String,
    /// The message that moved it.
    pub kind: String,
    /// Who acted: `peer`, `us` (our own reaction) or `operator`.
    pub by: String,
    /// Anything worth keeping, e.g. a termination's reason.
    #[sea_orm(column_type = "Text", nullable)]
    pub detail: Option<String>,
}

/// Relations of `process_event`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

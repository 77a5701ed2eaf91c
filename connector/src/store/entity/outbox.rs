//! A message waiting to be delivered to a peer, written in the same transaction as the state change it reports.

use sea_orm::entity::prelude::*;

/// A row of `outbox`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    /// Order of writing; messages of one process are delivered in this order.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The process it belongs to (our pid).
    pub process: String,
    /// The protocol of that process: `negotiation` or `transfer`.
    pub protocol: String,
    /// The message kind, e.g. `agreement`.
    pub kind: String,
    /// Where it is POSTed.
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// The peer's participant id (the audience of our token).
    pub audience: String,
    /// The DSP message (JSON).
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// The state the process reaches when it is delivered.
    pub target: String,
    /// Delivery attempts so far.
    pub attempts: i32,
    /// Not before.
    pub next_attempt_at: DateTimeUtc,
    /// Given up after.
    pub deadline: DateTimeUtc,
    /// A dispatcher holds it until then.
    pub leased_until: Option<DateTimeUtc>,
    /// Why the last attempt failed.
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// When it was written.
    pub created_at: DateTimeUtc,
}

/// Relations of `outbox`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

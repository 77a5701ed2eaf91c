//! A contract negotiation as this connector holds it, in either role.

use sea_orm::entity::prelude::*;

/// A row of `negotiation`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "negotiation")]
pub struct Model {
    /// Our process id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub pid: String,
    /// `provider` or `consumer`.
    pub role: String,
    /// The peer's process id, once known.
    pub peer_pid: Option<String>,
    /// The DSP state name.
    pub state: String,
    /// The peer's participant id.
    pub counter_party: String,
    /// Where messages to the peer go.
    #[sea_orm(column_type = "Text")]
    pub peer_address: String,
    /// The dataset negotiated for.
    pub dataset_id: String,
    /// The latest offer (JSON).
    #[sea_orm(column_type = "Text")]
    pub offer: String,
    /// The agreement (JSON), once there is one.
    #[sea_orm(column_type = "Text", nullable)]
    pub agreement: Option<String>,
    /// The purpose the consumer declared.
    #[sea_orm(column_type = "Text", nullable)]
    pub purpose: Option<String>,
    /// What the process waits for, e.g. `operator`.
    pub awaiting: Option<String>,
    /// Why it was refused or terminated (JSON), if it was.
    #[sea_orm(column_type = "Text", nullable)]
    pub explanation: Option<String>,
    /// When it began.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of `negotiation`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A transfer process as this connector holds it, in either role.

use sea_orm::entity::prelude::*;

/// A row of `transfer`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transfer")]
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
    /// The agreement the transfer is under.
    pub agreement_id: String,
    /// The dataset of that agreement.
    pub dataset_id: String,
    /// The transfer format, e.g. `HttpData-PULL`.
    pub format: String,
    /// The data address (JSON): for a provider, where the consumer wants data pushed; for a consumer, where it
    /// reads the data from.
    #[sea_orm(column_type = "Text", nullable)]
    pub data_address: Option<String>,
    /// What the process waits for, e.g. `operator`.
    pub awaiting: Option<String>,
    /// Why it was refused, suspended or terminated (JSON), if it was.
    #[sea_orm(column_type = "Text", nullable)]
    pub explanation: Option<String>,
    /// When it began.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of `transfer`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

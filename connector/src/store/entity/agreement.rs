//! A contract agreement in force: made when its negotiation was finalized.

use sea_orm::entity::prelude::*;

/// A row of `agreement`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement")]
pub struct Model {
    /// The agreement's `@id`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The negotiation it came from (our pid).
    #[sea_orm(unique)]
    pub negotiation_pid: String,
    /// Our role: `provider` or `consumer`.
    pub role: String,
    /// The dataset it is on.
    pub dataset_id: String,
    /// The assigner.
    pub provider: String,
    /// The assignee.
    pub consumer: String,
    /// The agreement (DSP compact JSON).
    #[sea_orm(column_type = "Text")]
    pub document: String,
    /// Its `timestamp`.
    pub signed_at: DateTimeUtc,
    /// When it was stored here (finalized).
    pub created_at: DateTimeUtc,
}

/// Relations of `agreement`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

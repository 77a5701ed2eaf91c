//! An offer: products under an access and a contract policy.

use sea_orm::entity::prelude::*;

/// A row of `offer`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer")]
pub struct Model {
    /// The offer id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The access policy, if any.
    pub access_policy_id: Option<String>,
    /// The contract policy.
    pub contract_policy_id: String,
    /// Which products it covers, as JSON.
    #[sea_orm(column_type = "Text")]
    pub selector: String,
    /// When it was registered.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of `offer`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

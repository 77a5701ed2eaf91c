//! An ODRL policy document, stored as given.

use sea_orm::entity::prelude::*;

/// A row of `policy`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "policy")]
pub struct Model {
    /// The policy id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The ODRL document as JSON.
    #[sea_orm(column_type = "Text")]
    pub document: String,
    /// When it was registered.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of `policy`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

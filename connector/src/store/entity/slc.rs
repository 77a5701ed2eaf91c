//! A Surface-level component registered for publication.

use sea_orm::entity::prelude::*;

/// A row of `slc`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "slc")]
pub struct Model {
    /// The component's id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Its descriptor as JSON.
    #[sea_orm(column_type = "Text")]
    pub descriptor: String,
    /// When it was registered.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of `slc`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A data product; its distributions and index terms live in their own tables.

use sea_orm::entity::prelude::*;

/// A row of `dataset`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset")]
pub struct Model {
    /// The product id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The product as JSON, without its distributions.
    #[sea_orm(column_type = "Text")]
    pub document: String,
    /// When it was registered.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of `dataset`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

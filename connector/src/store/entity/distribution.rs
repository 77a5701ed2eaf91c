//! A distribution of a data product, with its private backend.

use sea_orm::entity::prelude::*;

/// A row of `distribution`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "distribution")]
pub struct Model {
    /// The product it belongs to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub dataset_id: String,
    /// Its id within the product.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Its place in the product's list.
    pub position: i32,
    /// The DSP transfer format.
    pub format: String,
    /// The distribution as JSON, backend included.
    #[sea_orm(column_type = "Text")]
    pub document: String,
}

/// Relations of `distribution`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

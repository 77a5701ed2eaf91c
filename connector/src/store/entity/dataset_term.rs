//! The index of data products by keyword, theme, data model and kind.

use sea_orm::entity::prelude::*;

/// A row of `dataset_term`: the product `dataset_id` has the term (`kind`, `value`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset_term")]
pub struct Model {
    /// The product.
    #[sea_orm(primary_key, auto_increment = false)]
    pub dataset_id: String,
    /// What the term says (`keyword`, `theme`, `conformsTo`, `ldtKind`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// The term's value.
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
}

/// Relations of `dataset_term`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

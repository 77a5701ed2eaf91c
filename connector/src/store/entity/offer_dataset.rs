//! Which products each offer covers, kept up to date whenever an offer or a product changes.

use sea_orm::entity::prelude::*;

/// A row of `offer_dataset`: the offer `offer_id` covers the product `dataset_id`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_dataset")]
pub struct Model {
    /// The product.
    #[sea_orm(primary_key, auto_increment = false)]
    pub dataset_id: String,
    /// The offer.
    #[sea_orm(primary_key, auto_increment = false)]
    pub offer_id: String,
    /// The offer's access policy (copied from the offer), if it has one.
    pub access_policy_id: Option<String>,
}

/// Relations of `offer_dataset`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

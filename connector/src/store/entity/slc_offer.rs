//! Which offers a Surface-level component is published under.

use sea_orm::entity::prelude::*;

/// A row of `slc_offer`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "slc_offer")]
pub struct Model {
    /// The component.
    #[sea_orm(primary_key, auto_increment = false)]
    pub slc_id: String,
    /// The offer.
    #[sea_orm(primary_key, auto_increment = false)]
    pub offer_id: String,
    /// Its position among the component's offers.
    pub position: i32,
}

/// Relations of `slc_offer`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

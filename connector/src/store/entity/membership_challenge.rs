//! A challenge an applicant must sign to prove it controls its DID; used once.

use sea_orm::entity::prelude::*;

/// A row of `membership_challenge`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "membership_challenge")]
pub struct Model {
    /// The random challenge.
    #[sea_orm(primary_key, auto_increment = false)]
    pub challenge: String,
    /// The DID it was given to.
    pub did: String,
    /// Until when it may be answered.
    pub expires_at: DateTimeUtc,
}

/// Relations of `membership_challenge`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

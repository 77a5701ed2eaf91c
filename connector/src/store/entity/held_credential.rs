//! A verifiable credential this connector holds (its credential service presents it to verifiers).

use sea_orm::entity::prelude::*;

/// A row of `held_credential`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "held_credential")]
pub struct Model {
    /// The credential's id (its `id`, or one given on receipt).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Its most specific type, e.g. `MembershipCredential`.
    pub kind: String,
    /// The issuer's DID.
    pub issuer: String,
    /// `jwt` (VC 1.1 JWT) or `vc+jwt` (VC 2.0).
    pub format: String,
    /// The credential as received.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    /// When it arrived.
    pub received_at: DateTimeUtc,
}

/// Relations of `held_credential`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

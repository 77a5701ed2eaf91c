//! A self-issued token already accepted: its `jti` is never accepted again while the token could still be valid.

use sea_orm::entity::prelude::*;

/// A row of `seen_token`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "seen_token")]
pub struct Model {
    /// The DID that issued the token.
    #[sea_orm(primary_key, auto_increment = false)]
    pub issuer: String,
    /// The token's `jti`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub jti: String,
    /// When the token expires; the row may be forgotten after that.
    pub expires_at: DateTimeUtc,
}

/// Relations of `seen_token`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A holder's request for credentials to the authority's issuer service (DCP 1.0 credential issuance).

use sea_orm::entity::prelude::*;

/// A row of `issuance_request`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "issuance_request")]
pub struct Model {
    /// The issuer's id of the request (`issuerPid`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The requesting holder's DID.
    pub holder_did: String,
    /// The holder's id of the request (`holderPid`).
    pub holder_pid: String,
    /// The credential types requested (JSON array).
    #[sea_orm(column_type = "Text")]
    pub credentials: String,
    /// `RECEIVED`, `ISSUED` or `REJECTED`.
    pub status: String,
    /// When it was received.
    pub created_at: DateTimeUtc,
}

/// Relations of `issuance_request`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A participant of the data space, as its authority knows it: applicant, member, suspended or revoked.

use sea_orm::entity::prelude::*;

/// A row of `member`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member")]
pub struct Model {
    /// The participant's DID.
    #[sea_orm(primary_key, auto_increment = false)]
    pub did: String,
    /// Its legal name.
    pub legal_name: String,
    /// The Local Digital Twin it runs.
    pub ldt: String,
    /// Whom to contact.
    pub contact: String,
    /// Its connector's address (DSP).
    pub dsp_address: String,
    /// Its roles (JSON array of credential types).
    #[sea_orm(column_type = "Text")]
    pub roles: String,
    /// `pending`, `approved`, `rejected`, `suspended` or `revoked`.
    pub state: String,
    /// Its credentials' index in the authority's status lists.
    #[sea_orm(unique)]
    pub status_index: i64,
    /// When it applied.
    pub applied_at: DateTimeUtc,
    /// When its state last changed by a decision.
    pub decided_at: Option<DateTimeUtc>,
}

/// Relations of `member`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! The data-space authority's records: membership challenges, and the participant registry with each member's
//! state and its index in the authority's status lists.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::entity::{issuance_request, member, membership_challenge};
use super::{Store, StoreError, now};

/// What an applicant says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    /// Its DID.
    pub did: String,
    /// Its legal name.
    pub legal_name: String,
    /// The Local Digital Twin it runs.
    pub ldt: String,
    /// Whom to contact.
    pub contact: String,
    /// Its connector's address.
    pub dsp_address: String,
    /// The role credentials it asks for (`DataProviderCredential`, …).
    #[serde(default)]
    pub roles: Vec<String>,
}

/// A participant as the authority's registry holds it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// What it applied with.
    #[serde(flatten)]
    pub application: Application,
    /// `pending`, `approved`, `rejected`, `suspended` or `revoked`.
    pub state: String,
    /// Its index in the status lists.
    pub status_index: i64,
    /// When it applied.
    pub applied_at: DateTime<Utc>,
    /// When it was last decided on.
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<member::Model> for Member {
    fn from(row: member::Model) -> Member {
        Member {
            application: Application {
                roles: serde_json::from_str(&row.roles).unwrap_or_default(),
                did: row.did,
                legal_name: row.legal_name,
                ldt: row.ldt,
                contact: row.contact,
                dsp_address: row.dsp_address,
            },
            state: row.state,
            status_index: row.status_index,
            applied_at: row.applied_at,
            decided_at: row.decided_at,
        }
    }
}

impl Store {
    /// Keeps `challenge` for `did` until `expires_at`.
    pub async fn add_challenge(&self, challenge: &str, did: &str, expires_at: DateTime<Utc>) -> Result<(), StoreError> {
        StoreError::unless_storable("DID", did)?;
        let row = membership_challenge::ActiveModel {
            challenge: Set(challenge.to_owned()),
            did: Set(did.to_owned()),
            expires_at: Set(expires_at),
        };
        membership_challenge::Entity::insert(row).exec_without_returning(&self.db).await?;
        if rand::random_ratio(1, 50) {
            // Unanswered challenges are forgotten once expired.
            membership_challenge::Entity::delete_many()
                .filter(membership_challenge::Column::ExpiresAt.lt(now()))
                .exec(&self.db)
                .await?;
        }
        Ok(())
    }

    /// Uses up `challenge` given to `did`: `true` if it was there and unexpired.
    pub async fn take_challenge(&self, challenge: &str, did: &str) -> Result<bool, StoreError> {
        if challenge.chars().any(char::is_control) || did.chars().any(char::is_control) {
            return Ok(false);
        }
        let taken = membership_challenge::Entity::delete_many()
            .filter(membership_challenge::Column::Challenge.eq(challenge))
            .filter(membership_challenge::Column::Did.eq(did))
            .filter(membership_challenge::Column::ExpiresAt.gt(now()))
            .exec(&self.db)
            .await?;
        Ok(taken.rows_affected == 1)
    }

    /// Registers an application (state `pending`) with the next free status-list index.
    pub async fn add_applicant(&self, application: &Application) -> Result<Member, StoreError> {
        self.write(async |txn| {
            let last: Option<i64> = member::Entity::find()
                .select_only()
                .column(member::Column::StatusIndex)
                .order_by_desc(member::Column::StatusIndex)
                .into_tuple()
                .one(txn)
                .await?;
            let row = member::ActiveModel {
                did: Set(application.did.clone()),
                legal_name: Set(application.legal_name.clone()),
                ldt: Set(application.ldt.clone()),
                contact: Set(application.contact.clone()),
                dsp_address: Set(application.dsp_address.clone()),
                roles: Set(serde_json::to_string(&application.roles).unwrap_or_else(|_| "[]".into())),
                state: Set("pending".into()),
                status_index: Set(last.map_or(0, |index| index + 1)),
                applied_at: Set(now()),
                decided_at: Set(None),
            };
            let row = member::Entity::insert(row).exec_with_returning(txn).await.map_err(|error| {
                StoreError::from(error).or_duplicate(|| format!("`{}` has applied before", application.did))
            })?;
            Ok(row.into())
        })
        .await
    }

    /// The member `did`.
    pub async fn member(&self, did: &str) -> Result<Member, StoreError> {
        StoreError::unless_storable("member", did)?;
        member::Entity::find_by_id(did)
            .one(&self.db)
            .await?
            .map(Member::from)
            .ok_or_else(|| StoreError::not_found("member", did))
    }

    /// Every participant the authority knows, in `state` if given, oldest application first.
    pub async fn members(&self, state: Option<&str>) -> Result<Vec<Member>, StoreError> {
        let mut select = member::Entity::find().order_by_asc(member::Column::StatusIndex);
        if let Some(state) = state {
            select = select.filter(member::Column::State.eq(state));
        }
        Ok(select.all(&self.db).await?.into_iter().map(Member::from).collect())
    }

    /// Sets the state of the member `did` to `to`, which must be reached from one of `from`.
    pub async fn decide_member(&self, did: &str, from: &[&str], to: &str) -> Result<Member, StoreError> {
        let member = self.member(did).await?;
        if !from.contains(&member.state.as_str()) {
            return Err(StoreError::Conflict(format!("`{did}` is {}; it cannot become {to}", member.state)));
        }
        let updated = member::Entity::update_many()
            .col_expr(member::Column::State, sea_orm::sea_query::Expr::value(to))
            .col_expr(member::Column::DecidedAt, sea_orm::sea_query::Expr::value(now()))
            .filter(member::Column::Did.eq(did))
            .filter(member::Column::State.eq(member.state.as_str()))
            .exec(&self.db)
            .await?;
        if updated.rows_affected == 0 {
            return Err(StoreError::Conflict(format!("`{did}` changed meanwhile; try again")));
        }
        self.member(did).await
    }

    /// The status-list indexes of the members in `state` (`revoked`, `suspended`).
    pub async fn status_indexes(&self, state: &str) -> Result<Vec<i64>, StoreError> {
        Ok(member::Entity::find()
            .select_only()
            .column(member::Column::StatusIndex)
            .filter(member::Column::State.eq(state))
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// Records a credential request of `holder` (status `RECEIVED`); returns the issuer's id of it.
    pub async fn add_issuance_request(
        &self,
        holder: &str,
        holder_pid: &str,
        credentials: &[String],
    ) -> Result<String, StoreError> {
        StoreError::unless_storable("request", holder_pid)?;
        let id = uuid::Uuid::new_v4().to_string();
        let row = issuance_request::ActiveModel {
            id: Set(id.clone()),
            holder_did: Set(holder.to_owned()),
            holder_pid: Set(holder_pid.to_owned()),
            credentials: Set(serde_json::to_string(credentials).unwrap_or_else(|_| "[]".into())),
            status: Set("RECEIVED".into()),
            created_at: Set(now()),
        };
        issuance_request::Entity::insert(row).exec_without_returning(&self.db).await?;
        Ok(id)
    }

    /// Sets the status of the credential request `id`.
    pub async fn set_issuance_status(&self, id: &str, status: &str) -> Result<(), StoreError> {
        issuance_request::Entity::update_many()
            .col_expr(issuance_request::Column::Status, sea_orm::sea_query::Expr::value(status))
            .filter(issuance_request::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The credential request `id`.
    pub async fn issuance_request(&self, id: &str) -> Result<issuance_request::Model, StoreError> {
        StoreError::unless_storable("request", id)?;
        issuance_request::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found("credential request", id))
    }
}

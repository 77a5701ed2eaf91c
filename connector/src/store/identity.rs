//! Identity records: the `jti`s of self-issued tokens already accepted (replay protection that survives a
//! restart), and the credentials this connector holds.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::entity::{held_credential, seen_token};
use super::{Store, StoreError, now};

impl Store {
    /// Records that the token `jti` of `issuer`, valid until `expires_at`, was accepted. `false` if it had been
    /// accepted before: a replay. Tokens that have expired are forgotten along the way.
    pub async fn accept_token_once(
        &self,
        issuer: &str,
        jti: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        StoreError::unless_storable("token", issuer)?;
        StoreError::unless_storable("token", jti)?;
        let row = seen_token::ActiveModel {
            issuer: Set(issuer.to_owned()),
            jti: Set(jti.to_owned()),
            expires_at: Set(expires_at),
        };
        let turn = self.sqlite_turn().await;
        let inserted = seen_token::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([seen_token::Column::Issuer, seen_token::Column::Jti]).do_nothing().to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        drop(turn);
        if inserted > 0 && rand::random_ratio(1, 100) {
            self.forget_expired_tokens().await?;
        }
        Ok(inserted == 1)
    }

    /// Forgets accepted tokens that have expired (they would be refused for their expiry anyway).
    pub async fn forget_expired_tokens(&self) -> Result<u64, StoreError> {
        let _turn = self.sqlite_turn().await;
        let deleted =
            seen_token::Entity::delete_many().filter(seen_token::Column::ExpiresAt.lt(now())).exec(&self.db).await?;
        Ok(deleted.rows_affected)
    }

    /// Keeps a credential this connector was issued, replacing one with the same id.
    pub async fn hold_credential(
        &self,
        id: &str,
        kind: &str,
        issuer: &str,
        format: &str,
        payload: &str,
    ) -> Result<(), StoreError> {
        let row = held_credential::ActiveModel {
            id: Set(id.to_owned()),
            kind: Set(kind.to_owned()),
            issuer: Set(issuer.to_owned()),
            format: Set(format.to_owned()),
            payload: Set(payload.to_owned()),
            received_at: Set(now()),
        };
        held_credential::Entity::insert(row)
            .on_conflict(
                OnConflict::column(held_credential::Column::Id)
                    .update_columns([
                        held_credential::Column::Kind,
                        held_credential::Column::Issuer,
                        held_credential::Column::Format,
                        held_credential::Column::Payload,
                        held_credential::Column::ReceivedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// The credentials this connector holds of the given kinds (all when `kinds` is empty), oldest first.
    pub async fn held_credentials(&self, kinds: &[String]) -> Result<Vec<held_credential::Model>, StoreError> {
        let mut select = held_credential::Entity::find().order_by_asc(held_credential::Column::ReceivedAt);
        if !kinds.is_empty() {
            select = select.filter(held_credential::Column::Kind.is_in(kinds.iter().cloned()));
        }
        Ok(select.all(&self.db).await?)
    }
}

//! ODRL policy documents, stored as the operator gave them.

use chrono::{DateTime, Utc};
use ldt_catalog::paging::{Cursor, Page};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::entity::{offer, policy};
use super::{Store, StoreError, now, page_of};

/// A policy document and its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyDocument {
    /// Stable id chosen by the operator.
    pub id: String,
    /// The ODRL 2.2 policy, in DSP compact JSON-LD (e.g. `{"@type": "Set", "permission": [...]}`).
    #[schema(value_type = Object)]
    pub policy: Value,
}

/// A policy as stored, with when it was registered and last changed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoredPolicy {
    /// The policy.
    #[serde(flatten)]
    pub document: PolicyDocument,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

const KIND: &str = "policy";

impl Store {
    /// Registers a new policy; `Conflict` if its id is taken.
    pub async fn create_policy(&self, document: &PolicyDocument) -> Result<StoredPolicy, StoreError> {
        let now = now();
        policy::Entity::insert(policy::ActiveModel {
            id: Set(document.id.clone()),
            document: Set(document.policy.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(&self.db)
        .await
        .map_err(|error| StoreError::from(error).or_duplicate(|| format!("{KIND} `{}` already exists", document.id)))?;
        Ok(StoredPolicy { document: document.clone(), created_at: now, updated_at: now })
    }

    /// Replaces a policy's document; `NotFound` if there is none. Offers under it publish the new rules at once.
    pub async fn replace_policy(&self, document: &PolicyDocument) -> Result<StoredPolicy, StoreError> {
        let existing = policy::Entity::find_by_id(&document.id)
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(KIND, &document.id))?;
        let now = now();
        policy::Entity::update(policy::ActiveModel {
            id: Set(document.id.clone()),
            document: Set(document.policy.to_string()),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec(&self.db)
        .await?;
        Ok(StoredPolicy { document: document.clone(), created_at: existing.created_at, updated_at: now })
    }

    /// The policy `id`.
    pub async fn policy(&self, id: &str) -> Result<StoredPolicy, StoreError> {
        StoreError::unless_storable(KIND, id)?;
        let row = policy::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::not_found(KIND, id))?;
        stored(row)
    }

    /// Removes the policy `id`; `Conflict` while an offer uses it.
    pub async fn delete_policy(&self, id: &str) -> Result<(), StoreError> {
        StoreError::unless_storable(KIND, id)?;
        self.write(async |txn| {
            let users: Vec<String> = offer::Entity::find()
                .select_only()
                .column(offer::Column::Id)
                .filter(offer::Column::ContractPolicyId.eq(id).or(offer::Column::AccessPolicyId.eq(id)))
                .limit(10)
                .into_tuple()
                .all(txn)
                .await?;
            if !users.is_empty() {
                return Err(StoreError::Conflict(format!("policy `{id}` is used by the offers {}", users.join(", "))));
            }
            if policy::Entity::delete_by_id(id).exec(txn).await?.rows_affected == 0 {
                return Err(StoreError::not_found(KIND, id));
            }
            Ok(())
        })
        .await
    }

    /// A page of policies in id order.
    pub async fn policies(&self, cursor: Option<&Cursor>, limit: usize) -> Result<Page<StoredPolicy>, StoreError> {
        let page = page_of(&self.db, policy::Entity::find(), policy::Column::Id, cursor, limit, |row| &row.id).await?;
        page.try_map(stored)
    }

    /// Whether some offer uses the policy `id` as its access policy, and whether some uses it as its contract
    /// policy.
    pub async fn policy_uses(&self, id: &str) -> Result<(bool, bool), StoreError> {
        let used_as = |column: offer::Column| offer::Entity::find().filter(column.eq(id)).one(&self.db);
        let access = used_as(offer::Column::AccessPolicyId).await?.is_some();
        let contract = used_as(offer::Column::ContractPolicyId).await?.is_some();
        Ok((access, contract))
    }

    /// True if the policy `id` exists.
    pub async fn policy_exists(&self, id: &str) -> Result<bool, StoreError> {
        Ok(policy::Entity::find_by_id(id).count(&self.db).await? > 0)
    }
}

/// The stored document `text` of the policy `id`, read; `Corrupt` if it is not JSON.
pub(super) fn read_document(id: &str, text: &str) -> Result<Value, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::corrupt(KIND, id, error))
}

fn stored(row: policy::Model) -> Result<StoredPolicy, StoreError> {
    let policy = read_document(&row.id, &row.document)?;
    Ok(StoredPolicy {
        document: PolicyDocument { id: row.id, policy },
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

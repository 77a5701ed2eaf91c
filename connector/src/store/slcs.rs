//! Surface-level components registered for publication, each under offers of the catalogue (whose access policy
//! decides who sees it and whose contract policy it is offered under, as for data products).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ldt_catalog::FieldError;
use ldt_catalog::paging::{Cursor, Page};
use ldt_catalog::product::{MAX_LIST_LEN, Problems};
use ldt_catalog::slc::SlcDescriptor;
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::catalog::{CatalogOffer, offer_rules};
use super::entity::{offer, slc, slc_offer};
use super::{Store, StoreError, is_in, now, page_of};

/// A component and the offers it is published under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SlcRegistration {
    /// The component's descriptor.
    pub descriptor: SlcDescriptor,
    /// The ids of the offers it is published under (their access and contract policies apply; their dataset
    /// selectors do not); at least one.
    pub offers: Vec<String>,
}

impl SlcRegistration {
    /// Checks the descriptor and the offer list; each problem names its field (`/descriptor/inputs/0/name`).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = self.descriptor.validate_at("/descriptor").err().unwrap_or_default();
        let mut problems = Problems::default();
        if RESERVED_IDS.contains(&self.descriptor.id.as_str()) {
            problems
                .add("/descriptor/id", format!("`{}` names an action of /slcs; choose another id", self.descriptor.id));
        }
        if self.offers.is_empty() {
            problems.add("/offers", "needs at least one offer id: the component is published under offers");
        }
        problems.check_len("/offers", &self.offers);
        if self.offers.len() <= MAX_LIST_LEN {
            let mut seen = std::collections::HashSet::new();
            for (index, id) in self.offers.iter().enumerate() {
                problems.check_id(&format!("/offers/{index}"), id);
                if !seen.insert(id) {
                    problems.add(format!("/offers/{index}"), format!("`{id}` is listed twice"));
                }
            }
        }
        errors.extend(problems.into_result().err().unwrap_or_default());
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// A component as stored, with when it was registered and last changed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoredSlc {
    /// The registration.
    #[serde(flatten)]
    pub registration: SlcRegistration,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A component as the catalogue shows it to one caller: with the offers the caller may see.
#[derive(Debug, Clone)]
pub struct CatalogSlc {
    /// The descriptor.
    pub descriptor: SlcDescriptor,
    /// Its offers the caller may see.
    pub offers: Vec<CatalogOffer>,
}

const KIND: &str = "slc";

/// Ids a component cannot have: the paths of the `/slcs` actions.
const RESERVED_IDS: [&str; 2] = ["assess", "discover"];

impl Store {
    /// Registers a component; `Conflict` if its id is taken, `BadReference` if an offer does not exist.
    pub async fn create_slc(&self, registration: &SlcRegistration) -> Result<StoredSlc, StoreError> {
        let now = now();
        let id = &registration.descriptor.id;
        self.write(async |txn| {
            check_offers(txn, &registration.offers).await?;
            slc::Entity::insert(row(registration, now, now))
                .exec(txn)
                .await
                .map_err(|error| StoreError::from(error).or_duplicate(|| format!("{KIND} `{id}` already exists")))?;
            link(txn, registration).await
        })
        .await?;
        Ok(StoredSlc { registration: registration.clone(), created_at: now, updated_at: now })
    }

    /// Replaces a component's registration; `NotFound` if there is none.
    pub async fn replace_slc(&self, registration: &SlcRegistration) -> Result<StoredSlc, StoreError> {
        let now = now();
        let id = &registration.descriptor.id;
        let created_at = self
            .write(async |txn| {
                let existing =
                    slc::Entity::find_by_id(id).one(txn).await?.ok_or_else(|| StoreError::not_found(KIND, id))?;
                check_offers(txn, &registration.offers).await?;
                slc::Entity::update(row(registration, existing.created_at, now)).exec(txn).await?;
                slc_offer::Entity::delete_many().filter(slc_offer::Column::SlcId.eq(id)).exec(txn).await?;
                link(txn, registration).await?;
                Ok(existing.created_at)
            })
            .await?;
        Ok(StoredSlc { registration: registration.clone(), created_at, updated_at: now })
    }

    /// The component `id`.
    pub async fn slc(&self, id: &str) -> Result<StoredSlc, StoreError> {
        StoreError::unless_storable(KIND, id)?;
        let row = slc::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::not_found(KIND, id))?;
        let mut stored = self.with_offer_ids(vec![row]).await?;
        Ok(stored.remove(0))
    }

    /// Removes the component `id`.
    pub async fn delete_slc(&self, id: &str) -> Result<(), StoreError> {
        StoreError::unless_storable(KIND, id)?;
        self.write(async |txn| {
            slc_offer::Entity::delete_many().filter(slc_offer::Column::SlcId.eq(id)).exec(txn).await?;
            if slc::Entity::delete_by_id(id).exec(txn).await?.rows_affected == 0 {
                return Err(StoreError::not_found(KIND, id));
            }
            Ok(())
        })
        .await
    }

    /// A page of components in id order.
    pub async fn slcs(&self, cursor: Option<&Cursor>, limit: usize) -> Result<Page<StoredSlc>, StoreError> {
        let page = page_of(&self.db, slc::Entity::find(), slc::Column::Id, cursor, limit, |row| &row.id).await?;
        let items = self.with_offer_ids(page.items).await?;
        Ok(Page { items, next: page.next, previous: page.previous })
    }

    /// Every component a caller sees in the catalogue — under at least one offer whose access policy is among
    /// `visible` or that has none — with those offers' rules; four queries.
    pub async fn catalog_slcs(&self, visible: &[String]) -> Result<Vec<CatalogSlc>, StoreError> {
        let offers: Vec<offer::Model> = offer::Entity::find()
            .filter(
                Condition::any()
                    .add(offer::Column::AccessPolicyId.is_null())
                    .add(is_in(offer::Column::AccessPolicyId, visible.iter().cloned())),
            )
            .filter(
                offer::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(slc_offer::Column::OfferId)
                        .from(slc_offer::Entity)
                        .to_owned(),
                ),
            )
            .all(&self.db)
            .await?;
        if offers.is_empty() {
            return Ok(Vec::new());
        }
        let rules =
            offer_rules(&self.db, offers.iter().map(|offer| offer.contract_policy_id.clone()).collect()).await?;
        let body_of: HashMap<&str, &Arc<Map<String, Value>>> = offers
            .iter()
            .filter_map(|offer| Some((offer.id.as_str(), rules.get(&offer.contract_policy_id)?)))
            .collect();
        let links = self.links(is_in(slc_offer::Column::OfferId, body_of.keys().map(|id| id.to_string()))).await?;
        let mut offers_of: HashMap<String, Vec<CatalogOffer>> = HashMap::new();
        for (slc_id, offer_id) in links {
            let body = Arc::clone(body_of[offer_id.as_str()]);
            offers_of.entry(slc_id).or_default().push((offer_id, body));
        }
        let rows = slc::Entity::find()
            .filter(is_in(slc::Column::Id, offers_of.keys().cloned()))
            .order_by_asc(slc::Column::Id)
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|row| {
                let descriptor = descriptor_of(&row)?;
                Ok(CatalogSlc { offers: offers_of.remove(&row.id).unwrap_or_default(), descriptor })
            })
            .collect()
    }

    /// The links between components and offers that meet `condition`, as (component id, offer id), by component
    /// in publication order.
    async fn links(&self, condition: SimpleExpr) -> Result<Vec<(String, String)>, StoreError> {
        Ok(slc_offer::Entity::find()
            .select_only()
            .column(slc_offer::Column::SlcId)
            .column(slc_offer::Column::OfferId)
            .filter(condition)
            .order_by_asc(slc_offer::Column::SlcId)
            .order_by_asc(slc_offer::Column::Position)
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// The stored components of `rows` with their offer ids.
    async fn with_offer_ids(&self, rows: Vec<slc::Model>) -> Result<Vec<StoredSlc>, StoreError> {
        let links = self.links(is_in(slc_offer::Column::SlcId, rows.iter().map(|row| row.id.clone()))).await?;
        let mut offers_of: HashMap<String, Vec<String>> = HashMap::new();
        for (slc_id, offer_id) in links {
            offers_of.entry(slc_id).or_default().push(offer_id);
        }
        rows.into_iter()
            .map(|row| {
                let descriptor = descriptor_of(&row)?;
                let offers = offers_of.remove(&row.id).unwrap_or_default();
                Ok(StoredSlc {
                    registration: SlcRegistration { descriptor, offers },
                    created_at: row.created_at,
                    updated_at: row.updated_at,
                })
            })
            .collect()
    }
}

fn descriptor_of(row: &slc::Model) -> Result<SlcDescriptor, StoreError> {
    serde_json::from_str(&row.descriptor).map_err(|error| StoreError::corrupt(KIND, &row.id, error))
}

fn row(registration: &SlcRegistration, created_at: DateTime<Utc>, updated_at: DateTime<Utc>) -> slc::ActiveModel {
    slc::ActiveModel {
        id: Set(registration.descriptor.id.clone()),
        descriptor: Set(serde_json::to_string(&registration.descriptor).unwrap_or_default()),
        created_at: Set(created_at),
        updated_at: Set(updated_at),
    }
}

/// `BadReference` naming the first offer of `ids` that does not exist.
async fn check_offers(txn: &DatabaseTransaction, ids: &[String]) -> Result<(), StoreError> {
    let known: BTreeSet<String> = offer::Entity::find()
        .select_only()
        .column(offer::Column::Id)
        .filter(is_in(offer::Column::Id, ids.iter().cloned()))
        .into_tuple()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    match ids.iter().enumerate().find(|(_, id)| !known.contains(*id)) {
        Some((index, missing)) => Err(StoreError::BadReference {
            pointer: format!("/offers/{index}"),
            detail: format!("there is no offer `{missing}`"),
        }),
        None => Ok(()),
    }
}

/// Writes the component's links to its offers, in one insert.
async fn link(txn: &DatabaseTransaction, registration: &SlcRegistration) -> Result<(), StoreError> {
    let rows = registration.offers.iter().enumerate().map(|(position, offer_id)| slc_offer::ActiveModel {
        slc_id: Set(registration.descriptor.id.clone()),
        offer_id: Set(offer_id.clone()),
        position: Set(position as i32),
    });
    slc_offer::Entity::insert_many(rows).exec(txn).await?;
    Ok(())
}

/// The ids of the components published under the offer `id` (at most ten).
pub(super) async fn published_under(txn: &DatabaseTransaction, id: &str) -> Result<Vec<String>, StoreError> {
    Ok(slc_offer::Entity::find()
        .select_only()
        .column(slc_offer::Column::SlcId)
        .filter(slc_offer::Column::OfferId.eq(id))
        .limit(10)
        .into_tuple()
        .all(txn)
        .await?)
}

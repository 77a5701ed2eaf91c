//! Offers, and the `offer_dataset` table that says which products each one covers.
//!
//! Coverage is worked out when something is written — an offer against all products with one `INSERT … SELECT`, a
//! product against all offers in memory — so reading a catalogue page is a plain indexed join.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use ldt_catalog::offer::{DatasetSelector, Offer};
use ldt_catalog::paging::{Cursor, Page};
use ldt_catalog::terms::Term;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};
use serde::Serialize;

use super::catalog::term_condition;
use super::entity::{dataset, offer, offer_dataset, policy};
use super::{Store, StoreError, is_in, now, page_of};

/// An offer as stored, with when it was registered and last changed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoredOffer {
    /// The offer.
    #[serde(flatten)]
    pub offer: Offer,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

const KIND: &str = "offer";

impl Store {
    /// Registers a new offer and puts every product it selects under it; `Conflict` if its id is taken,
    /// `BadReference` if a policy or listed product does not exist.
    pub async fn create_offer(&self, offer: &Offer) -> Result<StoredOffer, StoreError> {
        let now = now();
        let covered = self
            .write(async |txn| {
                check_references(txn, offer).await?;
                offer::Entity::insert(row(offer, now, now)).exec(txn).await.map_err(|error| {
                    StoreError::from(error).or_duplicate(|| format!("{KIND} `{}` already exists", offer.id))
                })?;
                link_offer(txn, offer).await
            })
            .await?;
        self.refresh_statistics_after(covered).await?;
        Ok(StoredOffer { offer: offer.clone(), created_at: now, updated_at: now })
    }

    /// Replaces an offer and works out again which products it covers; `NotFound` if there is none.
    pub async fn replace_offer(&self, offer: &Offer) -> Result<StoredOffer, StoreError> {
        let now = now();
        let (created_at, covered) = self
            .write(async |txn| {
                let existing = offer::Entity::find_by_id(&offer.id)
                    .one(txn)
                    .await?
                    .ok_or_else(|| StoreError::not_found(KIND, &offer.id))?;
                check_references(txn, offer).await?;
                offer::Entity::update(row(offer, existing.created_at, now)).exec(txn).await?;
                offer_dataset::Entity::delete_many()
                    .filter(offer_dataset::Column::OfferId.eq(&offer.id))
                    .exec(txn)
                    .await?;
                Ok((existing.created_at, link_offer(txn, offer).await?))
            })
            .await?;
        self.refresh_statistics_after(covered).await?;
        Ok(StoredOffer { offer: offer.clone(), created_at, updated_at: now })
    }

    /// The offer `id`.
    pub async fn offer(&self, id: &str) -> Result<StoredOffer, StoreError> {
        StoreError::unless_storable(KIND, id)?;
        let row = offer::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::not_found(KIND, id))?;
        stored(row)
    }

    /// Withdraws the offer `id` from every product.
    pub async fn delete_offer(&self, id: &str) -> Result<(), StoreError> {
        StoreError::unless_storable(KIND, id)?;
        self.write(async |txn| {
            let components = super::slcs::published_under(txn, id).await?;
            if !components.is_empty() {
                let list = components.join(", ");
                return Err(StoreError::Conflict(format!("offer `{id}` publishes the components {list}")));
            }
            offer_dataset::Entity::delete_many().filter(offer_dataset::Column::OfferId.eq(id)).exec(txn).await?;
            if offer::Entity::delete_by_id(id).exec(txn).await?.rows_affected == 0 {
                return Err(StoreError::not_found(KIND, id));
            }
            Ok(())
        })
        .await
    }

    /// A page of offers in id order.
    pub async fn offers(&self, cursor: Option<&Cursor>, limit: usize) -> Result<Page<StoredOffer>, StoreError> {
        let page = page_of(&self.db, offer::Entity::find(), offer::Column::Id, cursor, limit, |row| &row.id).await?;
        page.try_map(stored)
    }
}

fn row(offer: &Offer, created_at: DateTime<Utc>, updated_at: DateTime<Utc>) -> offer::ActiveModel {
    offer::ActiveModel {
        id: Set(offer.id.clone()),
        access_policy_id: Set(offer.access_policy_id.clone()),
        contract_policy_id: Set(offer.contract_policy_id.clone()),
        selector: Set(serde_json::to_string(&offer.datasets).unwrap_or_default()),
        created_at: Set(created_at),
        updated_at: Set(updated_at),
    }
}

fn stored(row: offer::Model) -> Result<StoredOffer, StoreError> {
    let datasets = serde_json::from_str(&row.selector).map_err(|error| StoreError::corrupt(KIND, &row.id, error))?;
    let offer = Offer {
        id: row.id,
        access_policy_id: row.access_policy_id,
        contract_policy_id: row.contract_policy_id,
        datasets,
    };
    Ok(StoredOffer { offer, created_at: row.created_at, updated_at: row.updated_at })
}

/// Fails with `BadReference` unless the offer's policies and listed products exist.
async fn check_references(txn: &DatabaseTransaction, offer: &Offer) -> Result<(), StoreError> {
    let policies =
        [("/contractPolicyId", Some(&offer.contract_policy_id)), ("/accessPolicyId", offer.access_policy_id.as_ref())];
    for (pointer, id) in policies {
        if let Some(id) = id
            && policy::Entity::find_by_id(id).one(txn).await?.is_none()
        {
            return Err(StoreError::BadReference {
                pointer: pointer.into(),
                detail: format!("there is no policy `{id}`"),
            });
        }
    }
    if let DatasetSelector::Ids(ids) = &offer.datasets {
        let known: HashSet<String> = dataset::Entity::find()
            .select_only()
            .column(dataset::Column::Id)
            .filter(is_in(dataset::Column::Id, ids.iter().cloned()))
            .into_tuple()
            .all(txn)
            .await?
            .into_iter()
            .collect();
        if let Some((index, missing)) = ids.iter().enumerate().find(|(_, id)| !known.contains(*id)) {
            return Err(StoreError::BadReference {
                pointer: format!("/datasets/ids/{index}"),
                detail: format!("there is no dataset `{missing}`"),
            });
        }
    }
    Ok(())
}

/// Puts every product the offer selects under it, with one `INSERT … SELECT`.
/// Returns how many products it covers.
async fn link_offer(txn: &DatabaseTransaction, offer: &Offer) -> Result<u64, StoreError> {
    let condition = match &offer.datasets {
        DatasetSelector::Ids(ids) => Condition::all().add(is_in(dataset::Column::Id, ids.iter().cloned())),
        DatasetSelector::Matching(filters) => term_condition(filters, None),
    };
    let selected = Query::select()
        .column(dataset::Column::Id)
        .expr(Expr::val(offer.id.as_str()))
        .expr(Expr::val(offer.access_policy_id.clone()))
        .from(dataset::Entity)
        .cond_where(condition)
        .to_owned();
    let insert = Query::insert()
        .into_table(offer_dataset::Entity)
        .columns([
            offer_dataset::Column::DatasetId,
            offer_dataset::Column::OfferId,
            offer_dataset::Column::AccessPolicyId,
        ])
        .select_from(selected)
        .map_err(|error| StoreError::Database(sea_orm::DbErr::Custom(error.to_string())))?
        .to_owned();
    Ok(txn.execute(txn.get_database_backend().build(&insert)).await?.rows_affected())
}

/// Takes the product `id` out of every offer that lists it by id, so that a product registered later under the
/// same id does not silently join them.
pub(super) async fn forget_product(db: &impl ConnectionTrait, id: &str) -> Result<(), StoreError> {
    for OfferSelector { id: offer_id, selector, .. } in selectors(db).await? {
        if let DatasetSelector::Ids(ids) = selector
            && ids.iter().any(|listed| listed == id)
        {
            let remaining = DatasetSelector::Ids(ids.into_iter().filter(|listed| listed != id).collect());
            offer::Entity::update(offer::ActiveModel {
                id: Set(offer_id),
                selector: Set(serde_json::to_string(&remaining).unwrap_or_default()),
                updated_at: Set(now()),
                ..Default::default()
            })
            .exec(db)
            .await?;
        }
    }
    Ok(())
}

/// What a product being written needs to know of an offer: which products it selects.
pub(super) struct OfferSelector {
    id: String,
    access_policy_id: Option<String>,
    selector: DatasetSelector,
}

/// Every offer's selector, for working out which offers a product being written falls under.
pub(super) async fn selectors(db: &impl ConnectionTrait) -> Result<Vec<OfferSelector>, StoreError> {
    let rows: Vec<(String, Option<String>, String)> = offer::Entity::find()
        .select_only()
        .column(offer::Column::Id)
        .column(offer::Column::AccessPolicyId)
        .column(offer::Column::Selector)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(id, access_policy_id, selector)| match serde_json::from_str(&selector) {
            Ok(selector) => Ok(OfferSelector { id, access_policy_id, selector }),
            Err(error) => Err(StoreError::corrupt(KIND, &id, error)),
        })
        .collect()
}

/// The `offer_dataset` rows that put the product `id`, with its sorted `terms`, under the offers that select it.
pub(super) fn selecting(offers: &[OfferSelector], id: &str, terms: &[Term]) -> Vec<offer_dataset::ActiveModel> {
    offers
        .iter()
        .filter(|offer| offer.selector.selects(id, terms))
        .map(|offer| offer_dataset::ActiveModel {
            dataset_id: Set(id.to_owned()),
            offer_id: Set(offer.id.clone()),
            access_policy_id: Set(offer.access_policy_id.clone()),
        })
        .collect()
}

//! Data products: their rows, distributions and index terms, written together in one transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ldt_catalog::paging::{Cursor, Page};
use ldt_catalog::terms::product_terms;
use ldt_catalog::{DataProduct, Distribution};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entity::{dataset, dataset_term, distribution, offer_dataset};
use super::{Store, StoreError, is_in, now, offers, page_of};

/// A product as stored, with when it was registered and last changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoredProduct {
    /// The product.
    #[serde(flatten)]
    pub product: DataProduct,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

const KIND: &str = "dataset";

/// The most products written in one batch statement; keeps every statement under the databases' parameter limits.
const BATCH: usize = 500;

impl Store {
    /// Registers a new product; `Conflict` if its id is taken.
    pub async fn create_product(&self, product: &DataProduct) -> Result<StoredProduct, StoreError> {
        let now = now();
        self.write(async |txn| {
            let offers = offers::selectors(txn).await?;
            insert_products(txn, std::slice::from_ref(product), &offers, now, now)
                .await
                .map_err(|error| error.or_duplicate(|| format!("{KIND} `{}` already exists", product.id)))
        })
        .await?;
        Ok(StoredProduct { product: product.clone(), created_at: now, updated_at: now })
    }

    /// Registers many new products in one transaction (seeding, imports); `Conflict` if an id is taken.
    pub async fn create_products(&self, products: &[DataProduct]) -> Result<(), StoreError> {
        self.write(async |txn| {
            let offers = offers::selectors(txn).await?;
            let now = now();
            for chunk in products.chunks(BATCH) {
                insert_products(txn, chunk, &offers, now, now)
                    .await
                    .map_err(|error| error.or_duplicate(|| "a dataset of the batch already exists".to_owned()))?;
            }
            Ok(())
        })
        .await?;
        self.refresh_statistics_after(products.len() as u64).await
    }

    /// Replaces a product with a new version of it; `NotFound` if there is none.
    pub async fn replace_product(&self, product: &DataProduct) -> Result<StoredProduct, StoreError> {
        self.write(async |txn| {
            let existing = dataset::Entity::find_by_id(&product.id)
                .one(txn)
                .await?
                .ok_or_else(|| StoreError::not_found(KIND, &product.id))?;
            remove_product(txn, &product.id).await?;
            let now = now();
            let offers = offers::selectors(txn).await?;
            insert_products(txn, std::slice::from_ref(product), &offers, existing.created_at, now).await?;
            Ok(StoredProduct { product: product.clone(), created_at: existing.created_at, updated_at: now })
        })
        .await
    }

    /// The product `id`.
    pub async fn product(&self, id: &str) -> Result<StoredProduct, StoreError> {
        StoreError::unless_storable(KIND, id)?;
        let row =
            dataset::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::not_found(KIND, id))?;
        let mut products = assemble(&self.db, vec![row]).await?;
        Ok(products.remove(0))
    }

    /// Removes the product `id` and, with it, its place in every offer.
    pub async fn delete_product(&self, id: &str) -> Result<(), StoreError> {
        StoreError::unless_storable(KIND, id)?;
        self.write(async |txn| {
            if remove_product(txn, id).await? == 0 {
                return Err(StoreError::not_found(KIND, id));
            }
            offers::forget_product(txn, id).await
        })
        .await
    }

    /// A page of products in id order.
    pub async fn products(&self, cursor: Option<&Cursor>, limit: usize) -> Result<Page<StoredProduct>, StoreError> {
        let page =
            page_of(&self.db, dataset::Entity::find(), dataset::Column::Id, cursor, limit, |row| &row.id).await?;
        let items = assemble(&self.db, page.items).await?;
        Ok(Page { items, next: page.next, previous: page.previous })
    }
}

/// Writes products, their distributions and their index terms, and puts them under those of `offers` that select
/// them.
async fn insert_products(
    db: &impl ConnectionTrait,
    products: &[DataProduct],
    offers: &[offers::OfferSelector],
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut rows = Vec::with_capacity(products.len());
    let mut distributions = Vec::new();
    let mut terms = Vec::new();
    let mut links = Vec::new();
    for product in products {
        let without_distributions = DataProduct { distributions: Vec::new(), ..product.clone() };
        rows.push(dataset::ActiveModel {
            id: Set(product.id.clone()),
            document: Set(to_json(&without_distributions)),
            created_at: Set(created_at),
            updated_at: Set(updated_at),
        });
        for (position, item) in product.distributions.iter().enumerate() {
            distributions.push(distribution::ActiveModel {
                dataset_id: Set(product.id.clone()),
                id: Set(item.id.clone()),
                position: Set(position as i32),
                format: Set(item.format.clone()),
                document: Set(to_json(item)),
            });
        }
        let product_terms = product_terms(product);
        links.extend(offers::selecting(offers, &product.id, &product_terms));
        terms.extend(product_terms.into_iter().map(|term| dataset_term::ActiveModel {
            dataset_id: Set(product.id.clone()),
            kind: Set(term.kind.as_str().to_owned()),
            value: Set(term.value),
        }));
    }
    dataset::Entity::insert_many(rows).exec(db).await?;
    for chunk in distributions.chunks(BATCH) {
        distribution::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    for chunk in terms.chunks(BATCH) {
        dataset_term::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    for chunk in links.chunks(BATCH) {
        offer_dataset::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    Ok(())
}

/// Deletes a product and everything that hangs off it; returns how many products were deleted (0 or 1).
async fn remove_product(db: &impl ConnectionTrait, id: &str) -> Result<u64, StoreError> {
    offer_dataset::Entity::delete_many().filter(offer_dataset::Column::DatasetId.eq(id)).exec(db).await?;
    dataset_term::Entity::delete_many().filter(dataset_term::Column::DatasetId.eq(id)).exec(db).await?;
    distribution::Entity::delete_many().filter(distribution::Column::DatasetId.eq(id)).exec(db).await?;
    Ok(dataset::Entity::delete_by_id(id).exec(db).await?.rows_affected)
}

/// Reads the distributions of `rows` with one query and puts the products back together, in the order of `rows`.
pub(super) async fn assemble(
    db: &impl ConnectionTrait,
    rows: Vec<dataset::Model>,
) -> Result<Vec<StoredProduct>, StoreError> {
    let ids = rows.iter().map(|row| row.id.clone());
    let distribution_rows = distribution::Entity::find()
        .filter(is_in(distribution::Column::DatasetId, ids))
        .order_by_asc(distribution::Column::DatasetId)
        .order_by_asc(distribution::Column::Position)
        .all(db)
        .await?;
    let mut by_product: HashMap<String, Vec<Distribution>> = HashMap::with_capacity(rows.len());
    for row in distribution_rows {
        let item: Distribution =
            serde_json::from_str(&row.document).map_err(|error| StoreError::corrupt("distribution", &row.id, error))?;
        by_product.entry(row.dataset_id).or_default().push(item);
    }
    rows.into_iter()
        .map(|row| {
            let mut product: DataProduct =
                serde_json::from_str(&row.document).map_err(|error| StoreError::corrupt(KIND, &row.id, error))?;
            product.distributions = by_product.remove(&row.id).unwrap_or_default();
            Ok(StoredProduct { product, created_at: row.created_at, updated_at: row.updated_at })
        })
        .collect()
}

/// `value` as JSON text; the types written here always serialise.
fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

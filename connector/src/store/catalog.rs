//! Reading the catalogue: pages of offered products with their offers, in a fixed number of queries per page
//! whatever the size of the catalogue — products, their distributions, their offers, the offers' policies.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use ldt_catalog::DataProduct;
use ldt_catalog::paging::{Cursor, Page};
use ldt_catalog::terms::TermFilter;
use sea_orm::sea_query::{Alias, Expr, JoinType, Query, SelectStatement, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter};
use serde_json::{Map, Value};

use super::entity::{dataset, dataset_term, offer, offer_dataset, policy};
use super::policies::read_document;
use super::products::assemble;
use super::{Store, StoreError, is_in, page_of};

/// How many products [`Store::own_products`] reads per query.
const OWN_PAGE: usize = 1000;

/// An offer of a catalogue entry: its id and the rules of its contract policy as a catalogue offer.
pub type CatalogOffer = (String, Arc<Map<String, Value>>);

/// A product as a catalogue shows it: with each offer it is under and the catalogue form of that offer's rules.
#[derive(Debug, Clone)]
pub struct CatalogEntry {
    /// The product.
    pub product: DataProduct,
    /// Its offers.
    pub offers: Vec<CatalogOffer>,
}

/// An offer as a contract request on one of its products is checked against.
#[derive(Debug, Clone)]
pub struct RequestedOffer {
    /// The rules of the offer's contract policy, as the catalogue shows them.
    pub rules: Map<String, Value>,
    /// The offer's access policy, if it has one: its id and document.
    pub access_policy: Option<(String, Value)>,
}

/// A coverage row with its contract policy and its access policy: dataset, offer, contract policy id and document,
/// access policy id and document.
type CoverageWithAccess = (String, String, String, String, Option<String>, Option<String>);

/// Coverage rows joined with their offers and the offers' contract policies, selecting the dataset, the offer, and
/// the contract policy's id and document, in that order.
fn coverage_with_contracts() -> SelectStatement {
    Query::select()
        .column((offer_dataset::Entity, offer_dataset::Column::DatasetId))
        .column((offer_dataset::Entity, offer_dataset::Column::OfferId))
        .column((policy::Entity, policy::Column::Id))
        .column((policy::Entity, policy::Column::Document))
        .from(offer_dataset::Entity)
        .inner_join(
            offer::Entity,
            Expr::col((offer::Entity, offer::Column::Id))
                .equals((offer_dataset::Entity, offer_dataset::Column::OfferId)),
        )
        .inner_join(
            policy::Entity,
            Expr::col((policy::Entity, policy::Column::Id)).equals((offer::Entity, offer::Column::ContractPolicyId)),
        )
        .to_owned()
}

/// The rules each of the contract policies `ids` gives the offers under it, as a catalogue shows them, by policy
/// id; one query.
pub(super) async fn offer_rules(
    db: &impl ConnectionTrait,
    ids: BTreeSet<String>,
) -> Result<HashMap<String, Arc<Map<String, Value>>>, StoreError> {
    let mut rules = HashMap::with_capacity(ids.len());
    for row in policy::Entity::find().filter(is_in(policy::Column::Id, ids)).all(db).await? {
        rules.insert(row.id.clone(), Arc::new(catalogue_rules(&row.id, &row.document)?));
    }
    Ok(rules)
}

/// The rules the contract policy `id` with the stored document `text` gives an offer, as a catalogue shows them.
fn catalogue_rules(id: &str, text: &str) -> Result<Map<String, Value>, StoreError> {
    Ok(ldt_policy::catalogue_offer_body(&read_document(id, text)?))
}

/// The condition "the product has every term of `filters`", one indexed sub-select per filter, each bounded by
/// `cursor` like the page itself (see [`offered`]).
pub(super) fn term_condition(filters: &[TermFilter], cursor: Option<&Cursor>) -> Condition {
    filters.iter().fold(Condition::all(), |all, filter| {
        let term = filter.term();
        let mut having = Query::select()
            .column(dataset_term::Column::DatasetId)
            .from(dataset_term::Entity)
            .and_where(dataset_term::Column::Kind.eq(term.kind.as_str()))
            .and_where(dataset_term::Column::Value.eq(term.value))
            .to_owned();
        if let Some(bound) = keyset_bound(Expr::col(dataset_term::Column::DatasetId), cursor) {
            having.and_where(bound);
        }
        all.add(dataset::Column::Id.in_subquery(having))
    })
}

/// `column` on the cursor's side of its key, if there is a cursor.
fn keyset_bound(column: Expr, cursor: Option<&Cursor>) -> Option<SimpleExpr> {
    match cursor? {
        Cursor::After(after) => Some(column.gt(after.as_str())),
        Cursor::Before(before) => Some(column.lt(before.as_str())),
    }
}

/// The condition "the product is under at least one offer". The page's keyset bound is repeated inside the
/// sub-select: PostgreSQL answers `EXISTS` with a merge semi-join, which without it scans `offer_dataset` from its
/// first row up to the page, making deep pages cost more the larger the catalogue.
fn offered(cursor: Option<&Cursor>, visible: &[String]) -> Condition {
    let link = (offer_dataset::Entity, offer_dataset::Column::DatasetId);
    let mut offers = Query::select()
        .expr(Expr::val(1))
        .from(offer_dataset::Entity)
        .and_where(Expr::col(link).equals((dataset::Entity, dataset::Column::Id)))
        .cond_where(visible_to(visible))
        .to_owned();
    if let Some(bound) = keyset_bound(Expr::col(link), cursor) {
        offers.and_where(bound);
    }
    Condition::all().add(Expr::exists(offers))
}

/// The condition "the coverage row's offer is visible": it has no access policy, or one of `visible`.
fn visible_to(visible: &[String]) -> Condition {
    Condition::any()
        .add(offer_dataset::Column::AccessPolicyId.is_null())
        .add(is_in(offer_dataset::Column::AccessPolicyId, visible.iter().cloned()))
}

impl Store {
    /// Every policy that some offer uses as its access policy, with its document.
    pub async fn access_policies(&self) -> Result<Vec<(String, Value)>, StoreError> {
        // Per policy, one probe of the `offer_by_access_policy` index: proportional to the policies, not the offers.
        let used = Query::select()
            .expr(Expr::val(1))
            .from(offer::Entity)
            .and_where(
                Expr::col((offer::Entity, offer::Column::AccessPolicyId)).equals((policy::Entity, policy::Column::Id)),
            )
            .to_owned();
        let rows = policy::Entity::find().filter(Expr::exists(used)).all(&self.db).await?;
        rows.into_iter()
            .map(|row| {
                let document = read_document(&row.id, &row.document)?;
                Ok((row.id, document))
            })
            .collect()
    }

    /// A page of the catalogue a caller sees: products under at least one offer whose access policy is among
    /// `visible` (or that has none), passing every filter, in id order, with those offers.
    pub async fn catalog_page(
        &self,
        filters: &[TermFilter],
        visible: &[String],
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<CatalogEntry>, StoreError> {
        let select = dataset::Entity::find().filter(offered(cursor, visible)).filter(term_condition(filters, cursor));
        let page = page_of(&self.db, select, dataset::Column::Id, cursor, limit, |row| &row.id).await?;
        let items = self.with_offers(page.items, Some(visible)).await?;
        Ok(Page { items, next: page.next, previous: page.previous })
    }

    /// All this LDT's products, offered or not, each with every offer it is under whatever the offer's access
    /// policy: the LDT's own view of its catalogue (its capability profile is derived from it). Read in pages of
    /// [`OWN_PAGE`], three queries each.
    pub async fn own_products(&self) -> Result<Vec<CatalogEntry>, StoreError> {
        let mut entries = Vec::new();
        let mut cursor = None;
        loop {
            let page =
                page_of(&self.db, dataset::Entity::find(), dataset::Column::Id, cursor.as_ref(), OWN_PAGE, |row| {
                    &row.id
                })
                .await?;
            entries.extend(self.with_offers(page.items, None).await?);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(entries),
            }
        }
    }

    /// The offer `offer_id` as a request for the product `dataset_id` under it is checked against; `NotFound` if
    /// the product is not under that offer. One query: the coverage row joined with the offer and its policies.
    pub async fn requested_offer(&self, offer_id: &str, dataset_id: &str) -> Result<RequestedOffer, StoreError> {
        StoreError::unless_storable("offer", offer_id)?;
        StoreError::unless_storable("dataset", dataset_id)?;
        let access = Alias::new("access");
        let select = coverage_with_contracts()
            .column((offer_dataset::Entity, offer_dataset::Column::AccessPolicyId))
            .column((access.clone(), policy::Column::Document))
            .join_as(
                JoinType::LeftJoin,
                policy::Entity,
                access.clone(),
                Expr::col((access, policy::Column::Id))
                    .equals((offer_dataset::Entity, offer_dataset::Column::AccessPolicyId)),
            )
            .and_where(Expr::col((offer_dataset::Entity, offer_dataset::Column::DatasetId)).eq(dataset_id))
            .and_where(Expr::col((offer_dataset::Entity, offer_dataset::Column::OfferId)).eq(offer_id))
            .to_owned();
        let row = self.db.query_one(self.db.get_database_backend().build(&select)).await?;
        let row = row.ok_or_else(|| StoreError::not_found("offer", offer_id))?;
        let (_, _, contract_id, contract, access_id, access): CoverageWithAccess = row.try_get_many_by_index()?;
        let rules = catalogue_rules(&contract_id, &contract)?;
        let access_policy = match access_id {
            None => None,
            Some(id) => {
                let document = read_document(&id, access.as_deref().unwrap_or_default())?;
                Some((id, document))
            }
        };
        Ok(RequestedOffer { rules, access_policy })
    }

    /// The product `id` as the catalogue shows it to a caller who may see offers under the access policies
    /// `visible`; `NotFound` if it does not exist or is under no such offer.
    pub async fn catalog_entry(&self, id: &str, visible: &[String]) -> Result<CatalogEntry, StoreError> {
        StoreError::unless_storable("dataset", id)?;
        let row = dataset::Entity::find_by_id(id).filter(offered(None, visible)).one(&self.db).await?;
        let row = row.ok_or_else(|| StoreError::not_found("dataset", id))?;
        let mut entries = self.with_offers(vec![row], Some(visible)).await?;
        Ok(entries.remove(0))
    }

    /// Puts the products of `rows` together and attaches their offers — those under the access policies `visible`
    /// (or none), or all of them when `visible` is `None`: two queries, each bounded by the page — distributions,
    /// and the page's links to offers joined with the offers' contract policies (each policy read once however
    /// many products share it).
    async fn with_offers(
        &self,
        rows: Vec<dataset::Model>,
        visible: Option<&[String]>,
    ) -> Result<Vec<CatalogEntry>, StoreError> {
        let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
        let products = assemble(&self.db, rows).await?;
        let links = coverage_with_contracts()
            .cond_where(is_in(offer_dataset::Column::DatasetId, ids))
            .cond_where(visible.map_or_else(Condition::all, visible_to))
            .order_by((offer_dataset::Entity, offer_dataset::Column::DatasetId), Order::Asc)
            .order_by((offer_dataset::Entity, offer_dataset::Column::OfferId), Order::Asc)
            .to_owned();
        let mut rules: HashMap<String, Arc<Map<String, Value>>> = HashMap::new();
        let mut offers: HashMap<String, Vec<CatalogOffer>> = HashMap::new();
        for row in self.db.query_all(self.db.get_database_backend().build(&links)).await? {
            let (dataset_id, offer_id, policy_id, document): (String, String, String, String) =
                row.try_get_many_by_index()?;
            let body = match rules.get(&policy_id) {
                Some(body) => Arc::clone(body),
                None => {
                    let body = Arc::new(catalogue_rules(&policy_id, &document)?);
                    rules.insert(policy_id, Arc::clone(&body));
                    body
                }
            };
            offers.entry(dataset_id).or_default().push((offer_id, body));
        }
        Ok(products
            .into_iter()
            .map(|stored| {
                let offers = offers.remove(&stored.product.id).unwrap_or_default();
                CatalogEntry { product: stored.product, offers }
            })
            .collect())
    }
}

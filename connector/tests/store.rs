//! The store against both databases: products, policies, offers and the catalogue read.
//!
//! Every test is an `async fn name(db: Db)`; `both!` runs each as `sqlite::name` and `postgres::name`, each on a
//! database of its own, so tests run in parallel and in any order.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use common::{Db, policy, product, test_config};
use ldt_catalog::offer::{DatasetSelector, Offer};
use ldt_catalog::paging::{Cursor, Page};
use ldt_catalog::product::{Backend, Standard};
use ldt_catalog::terms::TermFilter;
use ldt_catalog::{DataProduct, Distribution, LdtKind};
use ldt_connector::store::policies::PolicyDocument;
use ldt_connector::store::{Store, StoreError};
use serde_json::{Value, json};
use tempfile::TempDir;

/// Generates `sqlite::name` and `postgres::name` tokio tests for each `async fn name(db: Db)`.
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        both!(@backend sqlite, Sqlite; $($name),*);
        both!(@backend postgres, Postgres; $($name),*);
    };
    (@backend $module:ident, $db:ident; $($name:ident),*) => {
        mod $module {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Db::$db).await
                }
            )*
        }
    };
}

both!(
    products_round_trip,
    a_taken_product_id_is_a_conflict,
    replacing_a_product_keeps_created_at,
    unknown_products_are_not_found,
    deleting_a_product_withdraws_it,
    a_large_batch_pages_both_ways,
    policies_crud,
    a_policy_in_use_cannot_be_deleted,
    offers_must_reference_existing_records,
    matching_offers_follow_their_products,
    replacing_an_offer_recomputes_its_coverage,
    deleting_an_offer_withdraws_it,
    the_catalogue_shows_only_offered_products,
    catalogue_filters,
    catalogue_entries_carry_their_offers_rules,
    the_catalogue_pages_with_a_filter,
    a_replaced_policy_shows_in_the_catalogue,
    test_databases_are_isolated,
    writes_return_the_stored_timestamps,
    concurrent_writes_succeed_and_keep_coverage,
    a_failed_write_never_blocks_the_next,
    a_deleted_product_leaves_the_offers_that_list_it,
    offers_behind_an_access_policy_are_shown_only_to_callers_satisfying_it,
    migrating_copies_each_offers_access_policy_onto_its_coverage,
);

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/// A freshly migrated store of its own; keep the directory alive while the store is used.
async fn open(db: Db) -> (Store, TempDir) {
    let (config, dir) = test_config(db).await;
    let store = Store::open(&config).await.expect("the store opens");
    (store, dir)
}

/// An offer under `contract`, with no access policy.
fn offer(id: &str, contract: &str, datasets: DatasetSelector) -> Offer {
    Offer { id: id.into(), access_policy_id: None, contract_policy_id: contract.into(), datasets }
}

/// The selector of these products.
fn ids(ids: &[&str]) -> DatasetSelector {
    DatasetSelector::Ids(ids.iter().map(|id| (*id).to_owned()).collect())
}

/// Filters as the API reads them, e.g. `json!([{"keyword": "traffic"}, {"ldtKind": "raw"}])`.
fn filters(value: Value) -> Vec<TermFilter> {
    serde_json::from_value(value).expect("well-formed filters")
}

/// The selector of every product passing all `filters` (JSON, as in [`filters`]).
fn matching(value: Value) -> DatasetSelector {
    DatasetSelector::Matching(filters(value))
}

fn distribution(value: Value) -> Distribution {
    serde_json::from_value(value).expect("well-formed distribution")
}

/// Walks a keyset-paged list forward from the start; returns every page.
async fn walk_forward<T, F, Fut>(mut read: F) -> Vec<Page<T>>
where
    F: FnMut(Option<Cursor>) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, StoreError>>,
{
    let mut pages = vec![read(None).await.expect("first page")];
    assert_eq!(pages[0].previous, None, "the first page has no previous page");
    while let Some(next) = pages.last().unwrap().next.clone() {
        pages.push(read(Some(next)).await.expect("next page"));
        assert!(pages.len() < 10_000, "paging does not end");
    }
    pages
}

/// Every catalogue entry the `filters` (JSON) let through: product id → the ids of its offers.
async fn catalogue(store: &Store, filter_json: Value) -> BTreeMap<String, Vec<String>> {
    let filters = filters(filter_json);
    let pages = walk_forward(|cursor| {
        let filters = filters.clone();
        async move { store.catalog_page(&filters, &every_access_policy(store).await, cursor.as_ref(), 7).await }
    })
    .await;
    let mut entries = BTreeMap::new();
    for entry in pages.into_iter().flat_map(|page| page.items) {
        let offers = entry.offers.iter().map(|(id, _)| id.clone()).collect();
        assert!(entries.insert(entry.product.id.clone(), offers).is_none(), "{} listed twice", entry.product.id);
    }
    entries
}

/// Which offers each offered product is under: the whole catalogue, unfiltered.
async fn coverage(store: &Store) -> BTreeMap<String, Vec<String>> {
    catalogue(store, json!([])).await
}

/// The ids of every access policy in use: what a caller satisfying them all may see.
async fn every_access_policy(store: &Store) -> Vec<String> {
    store.access_policies().await.unwrap().into_iter().map(|(id, _)| id).collect()
}

/// A coverage map from literals.
fn covered(entries: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    entries
        .iter()
        .map(|(product, offers)| ((*product).to_owned(), offers.iter().map(|id| (*id).to_owned()).collect()))
        .collect()
}

/// The ids of the catalogue entries the `filters` (JSON) let through.
async fn catalogue_ids(store: &Store, filter_json: Value) -> Vec<String> {
    catalogue(store, filter_json).await.into_keys().collect()
}

#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>, want_kind: &str, want_id: &str) {
    match result {
        Err(StoreError::NotFound { kind, id }) => {
            assert_eq!((kind, id.as_str()), (want_kind, want_id));
        }
        other => panic!("expected NotFound {want_kind} `{want_id}`, got {other:?}"),
    }
}

/// Asserts a `Conflict` and returns its message.
#[track_caller]
fn assert_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>) -> String {
    match result {
        Err(StoreError::Conflict(message)) => message,
        other => panic!("expected Conflict, got {other:?}"),
    }
}

#[track_caller]
fn assert_bad_reference<T: std::fmt::Debug>(result: Result<T, StoreError>, want_pointer: &str, mentions: &str) {
    match result {
        Err(StoreError::BadReference { pointer, detail }) => {
            assert_eq!(pointer, want_pointer);
            assert!(detail.contains(mentions), "`{detail}` should mention `{mentions}`");
        }
        other => panic!("expected BadReference at {want_pointer}, got {other:?}"),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// Long enough for two `Utc::now()` to differ at the databases' (microsecond) precision.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

// ---------------------------------------------------------------------------------------------------------------
// Products

async fn products_round_trip(db: Db) {
    let (store, _dir) = open(db).await;
    let mut small = product("urn:ldt:test:small", LdtKind::Raw, &["traffic"]);
    assert_eq!(small.validate(), Ok(()), "the common builder makes valid products");
    small.distributions = vec![
        distribution(json!({"id": "z-stream", "format": "MQTT-PUSH",
            "backend": {"type": "mqtt", "topic": "city/traffic/#"}})),
        distribution(
            json!({"id": "a-file", "title": {"en": "CSV"}, "format": "HttpData-PULL", "mediaType": "text/csv",
            "backend": {"type": "http", "url": "http://backend.internal/counts.csv"}}),
        ),
        distribution(json!({"id": "m-bus", "format": "NATS-PULL",
            "backend": {"type": "nats", "subject": "city.traffic.>"}})),
    ];
    let full: DataProduct = serde_json::from_value(json!({
        "id": "urn:ldt:traffic:counts-hourly",
        "title": {"en": "Hourly traffic counts", "nl": "Verkeerstellingen per uur"},
        "description": {"en": "Vehicles per hour per road segment."},
        "keywords": {"en": ["traffic", "mobility"], "nl": ["verkeer"]},
        "themes": ["http://publications.europa.eu/resource/authority/data-theme/TRAN"],
        "publisher": {"id": "https://example.city/", "name": "Example City"},
        "contactPoint": {"name": "Mobility desk", "email": "mobility@example.city"},
        "license": "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        "spatial": {"geometry": {"type": "Polygon", "coordinates": [[[5.4, 51.4], [5.5, 51.4], [5.5, 51.5], [5.4, 51.4]]]}},
        "temporal": {"start": "2024-01-01T00:00:00Z"},
        "accrualPeriodicity": "http://publications.europa.eu/resource/authority/frequency/HOURLY",
        "conformsTo": ["https://smartdatamodels.org/dataModel.Transportation/TrafficFlowObserved"],
        "ldtKind": "raw",
        "distributions": [{"id": "csv", "format": "HttpData-PULL", "mediaType": "text/csv",
                           "backend": {"type": "http", "url": "http://backend.internal/counts.csv"}}]
    }))
    .unwrap();
    for original in [&small, &full] {
        assert_eq!(original.validate(), Ok(()));
        let created = store.create_product(original).await.unwrap();
        assert_eq!(&created.product, original);
        assert_eq!(created.created_at, created.updated_at);
        let read = store.product(&original.id).await.unwrap();
        assert_eq!(&read.product, original);
        assert_eq!(read.created_at, read.updated_at);
        let drift = (read.created_at - created.created_at).num_microseconds().unwrap().abs();
        assert!(drift < 1, "stored created_at {} vs returned {}", read.created_at, created.created_at);
    }
    let read = store.product(&small.id).await.unwrap();
    let order: Vec<&str> = read.product.distributions.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(order, ["z-stream", "a-file", "m-bus"], "distributions keep their order");
    assert_eq!(read.product.distributions[0].backend, Backend::Mqtt { topic: "city/traffic/#".into() });
    assert_eq!(read.product.distributions[2].backend, Backend::Nats { subject: "city.traffic.>".into() });

    let page = store.products(None, 10).await.unwrap();
    let listed: Vec<&DataProduct> = page.items.iter().map(|stored| &stored.product).collect();
    assert_eq!(listed, [&small, &full], "listed in id order (`urn:ldt:te…` < `urn:ldt:tr…`), whole");
    assert_eq!((page.next, page.previous), (None, None));
}

async fn a_taken_product_id_is_a_conflict(db: Db) {
    let (store, _dir) = open(db).await;
    let first = product("p1", LdtKind::Raw, &["traffic"]);
    store.create_product(&first).await.unwrap();
    let mut second = product("p1", LdtKind::ModelOutput, &["air"]);
    second.title.insert("en".into(), "Another".into());
    let message = assert_conflict(store.create_product(&second).await);
    assert!(message.contains("p1"), "{message}");
    assert_eq!(store.product("p1").await.unwrap().product, first, "the first product is untouched");

    // A batch with a taken id, or the same id twice, writes nothing.
    assert_conflict(store.create_products(&[product("p0", LdtKind::Raw, &[]), second.clone()]).await);
    assert_not_found(store.product("p0").await, "dataset", "p0");
    let twice = product("p2", LdtKind::Raw, &[]);
    assert_conflict(store.create_products(&[twice.clone(), twice]).await);
    assert_not_found(store.product("p2").await, "dataset", "p2");
    assert_eq!(store.product("p1").await.unwrap().product, first);
    assert_eq!(store.products(None, 10).await.unwrap().items.len(), 1);
}

async fn replacing_a_product_keeps_created_at(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_product(&product("p", LdtKind::Raw, &["old"])).await.unwrap();
    let before = store.product("p").await.unwrap();
    tick().await;
    let mut new = product("p", LdtKind::Transformed, &["new"]);
    new.distributions = vec![
        distribution(json!({"id": "second", "format": "NATS-PUSH", "backend": {"type": "nats", "subject": "a.b"}})),
        distribution(json!({"id": "first", "format": "HttpData-PUSH",
            "backend": {"type": "http", "url": "https://backend.internal/push"}})),
    ];
    let replaced = store.replace_product(&new).await.unwrap();
    assert_eq!(replaced.product, new);
    assert_eq!(replaced.created_at, before.created_at);
    assert!(replaced.updated_at > before.updated_at, "{} > {}", replaced.updated_at, before.updated_at);

    let read = store.product("p").await.unwrap();
    assert_eq!(read.product, new, "the new version, old distributions gone");
    assert_eq!(read.created_at, before.created_at, "created_at is kept");
    assert!(read.updated_at > read.created_at, "updated_at moves on");
    let drift = (read.updated_at - replaced.updated_at).num_microseconds().unwrap().abs();
    assert!(drift < 1, "stored updated_at {} vs returned {}", read.updated_at, replaced.updated_at);
    assert_eq!(store.products(None, 10).await.unwrap().items, vec![read], "still one product");
}

async fn unknown_products_are_not_found(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_product(&product("known", LdtKind::Raw, &[])).await.unwrap();
    assert_not_found(store.product("nope").await, "dataset", "nope");
    assert_not_found(store.replace_product(&product("nope", LdtKind::Raw, &[])).await, "dataset", "nope");
    assert_not_found(store.product("nope").await, "dataset", "nope");
    assert_not_found(store.delete_product("nope").await, "dataset", "nope");
    assert_eq!(store.products(None, 10).await.unwrap().items.len(), 1);
}

async fn deleting_a_product_withdraws_it(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_policy(&policy("terms")).await.unwrap();
    store.create_product(&product("p1", LdtKind::Raw, &["traffic"])).await.unwrap();
    store.create_product(&product("p2", LdtKind::Raw, &["traffic"])).await.unwrap();
    let listed = offer("by-id", "terms", ids(&["p1", "p2"]));
    store.create_offer(&listed).await.unwrap();
    store.create_offer(&offer("by-keyword", "terms", matching(json!([{"keyword": "traffic"}])))).await.unwrap();
    assert_eq!(coverage(&store).await, covered(&[("p1", &["by-id", "by-keyword"]), ("p2", &["by-id", "by-keyword"])]));

    store.delete_product("p1").await.unwrap();
    assert_not_found(store.product("p1").await, "dataset", "p1");
    assert_not_found(store.catalog_entry("p1", &every_access_policy(&store).await).await, "dataset", "p1");
    assert_eq!(coverage(&store).await, covered(&[("p2", &["by-id", "by-keyword"])]));
    let left: Vec<String> = store.products(None, 10).await.unwrap().items.into_iter().map(|p| p.product.id).collect();
    assert_eq!(left, ["p2"]);
    assert_eq!(
        store.offer("by-id").await.unwrap().offer.datasets,
        ids(&["p2"]),
        "the deleted product leaves the offer's list"
    );
    assert_not_found(store.delete_product("p1").await, "dataset", "p1");
}

async fn a_large_batch_pages_both_ways(db: Db) {
    const TOTAL: usize = 1_200;
    let (store, _dir) = open(db).await;
    store.create_policy(&policy("terms")).await.unwrap();
    store.create_offer(&offer("batch", "terms", matching(json!([{"keyword": "batch"}])))).await.unwrap();
    // Written in a scrambled order (7919 is prime to 1200), read back in id order.
    let batch: Vec<DataProduct> = (0..TOTAL)
        .map(|i| (i * 7919) % TOTAL)
        .map(|n| {
            let own = format!("k{n}");
            let mut p = product(&format!("p-{n:04}"), LdtKind::ALL[n % 5], &["batch", &own]);
            p.distributions[0].id = format!("d{n}");
            p
        })
        .collect();
    store.create_products(&batch).await.unwrap();
    let expected: HashMap<&str, &DataProduct> = batch.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut sorted: Vec<String> = batch.iter().map(|p| p.id.clone()).collect();
    sorted.sort();

    let pages = walk_forward(|cursor| {
        let store = &store;
        async move { store.products(cursor.as_ref(), 100).await }
    })
    .await;
    assert_eq!(pages.len(), TOTAL / 100);
    assert!(pages.iter().all(|page| page.items.len() == 100));
    let forward: Vec<String> = pages.iter().flat_map(|page| page.items.iter().map(|p| p.product.id.clone())).collect();
    assert_eq!(forward, sorted, "every product once, in id order");
    for stored in pages.iter().flat_map(|page| &page.items) {
        assert_eq!(&&stored.product, expected.get(stored.product.id.as_str()).unwrap(), "whole product");
    }

    // Back from the last page: the same pages, in reverse.
    let mut at = pages.last().unwrap().clone();
    let mut back = vec![at.items.iter().map(|p| p.product.id.clone()).collect::<Vec<_>>()];
    while let Some(previous) = at.previous.clone() {
        at = store.products(Some(&previous), 100).await.unwrap();
        back.push(at.items.iter().map(|p| p.product.id.clone()).collect());
        assert!(back.len() <= pages.len(), "paging back does not end");
    }
    let mut forward_pages: Vec<Vec<String>> =
        pages.iter().map(|page| page.items.iter().map(|p| p.product.id.clone()).collect()).collect();
    forward_pages.reverse();
    assert_eq!(back, forward_pages);

    // The offer written before the batch covers all of it, and each product's own keyword finds it alone.
    let offered = coverage(&store).await;
    assert_eq!(offered.len(), TOTAL);
    assert!(offered.values().all(|offers| offers == &["batch"]));
    assert_eq!(catalogue_ids(&store, json!([{"keyword": "K1199"}])).await, ["p-1199"]);
    assert_eq!(
        catalogue_ids(&store, json!([{"keyword": "k7"}, {"ldtKind": "modelOutput"}])).await,
        Vec::<String>::new()
    );
    assert_eq!(catalogue_ids(&store, json!([{"keyword": "k8"}, {"ldtKind": "modelOutput"}])).await, ["p-0008"]);
}

// ---------------------------------------------------------------------------------------------------------------
// Policies

async fn policies_crud(db: Db) {
    let (store, _dir) = open(db).await;
    let open_data = policy("open");
    let research = PolicyDocument {
        id: "research".into(),
        policy: json!({"@type": "Set", "permission": [{"action": "use",
            "constraint": [{"leftOperand": "purpose", "operator": "eq", "rightOperand": "research"}]}]}),
    };
    let created = store.create_policy(&research).await.unwrap();
    assert_eq!(created.document, research);
    store.create_policy(&open_data).await.unwrap();

    let read = store.policy("research").await.unwrap();
    assert_eq!(read.document, research);
    assert_eq!(read.created_at, read.updated_at);
    assert!(store.policy_exists("open").await.unwrap());
    assert!(!store.policy_exists("closed").await.unwrap());
    assert_not_found(store.policy("closed").await, "policy", "closed");

    let all = store.policies(None, 10).await.unwrap();
    let documents: Vec<&PolicyDocument> = all.items.iter().map(|p| &p.document).collect();
    assert_eq!(documents, [&open_data, &research], "in id order");
    let first = store.policies(None, 1).await.unwrap();
    assert_eq!(first.items[0].document.id, "open");
    let second = store.policies(first.next.as_ref(), 1).await.unwrap();
    assert_eq!(second.items[0].document.id, "research");
    assert_eq!(second.next, None);
    let back = store.policies(second.previous.as_ref(), 1).await.unwrap();
    assert_eq!(back.items[0].document.id, "open");
    assert_eq!(back.previous, None);

    // A taken id is a conflict and changes nothing.
    let message = assert_conflict(store.create_policy(&PolicyDocument { id: "open".into(), policy: json!({}) }).await);
    assert!(message.contains("open"), "{message}");
    assert_eq!(store.policy("open").await.unwrap().document, open_data);

    tick().await;
    let stricter = PolicyDocument {
        id: "open".into(),
        policy: json!({"@type": "Set", "permission": [{"action": "use"}], "prohibition": [{"action": "distribute"}]}),
    };
    let replaced = store.replace_policy(&stricter).await.unwrap();
    let read = store.policy("open").await.unwrap();
    assert_eq!(read.document, stricter);
    assert_eq!(read.created_at, replaced.created_at);
    assert!(read.updated_at > read.created_at);
    assert_not_found(store.replace_policy(&policy("closed")).await, "policy", "closed");
    assert!(!store.policy_exists("closed").await.unwrap(), "replacing does not create");

    store.delete_policy("research").await.unwrap();
    assert!(!store.policy_exists("research").await.unwrap());
    assert_not_found(store.policy("research").await, "policy", "research");
    assert_not_found(store.delete_policy("research").await, "policy", "research");
    let left: Vec<String> = store.policies(None, 10).await.unwrap().items.into_iter().map(|p| p.document.id).collect();
    assert_eq!(left, ["open"]);
}

async fn a_policy_in_use_cannot_be_deleted(db: Db) {
    let (store, _dir) = open(db).await;
    for id in ["contract", "access", "unused"] {
        store.create_policy(&policy(id)).await.unwrap();
    }
    store.create_product(&product("p", LdtKind::Raw, &[])).await.unwrap();
    store.create_offer(&offer("o-contract", "contract", ids(&["p"]))).await.unwrap();
    store
        .create_offer(&Offer { access_policy_id: Some("access".into()), ..offer("o-access", "contract", ids(&["p"])) })
        .await
        .unwrap();

    let message = assert_conflict(store.delete_policy("contract").await);
    assert!(message.contains("o-contract") && message.contains("o-access"), "{message}");
    let message = assert_conflict(store.delete_policy("access").await);
    assert!(message.contains("o-access") && !message.contains("o-contract"), "{message}");
    assert!(store.policy_exists("contract").await.unwrap() && store.policy_exists("access").await.unwrap());
    assert_eq!(coverage(&store).await, covered(&[("p", &["o-access", "o-contract"])]));
    store.delete_policy("unused").await.unwrap();

    store.delete_offer("o-access").await.unwrap();
    store.delete_policy("access").await.unwrap();
    let message = assert_conflict(store.delete_policy("contract").await);
    assert!(message.contains("o-contract") && !message.contains("o-access"), "{message}");
    store.delete_offer("o-contract").await.unwrap();
    store.delete_policy("contract").await.unwrap();
    assert!(store.policies(None, 10).await.unwrap().items.is_empty());
}

// ---------------------------------------------------------------------------------------------------------------
// Offers

async fn offers_must_reference_existing_records(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_policy(&policy("contract")).await.unwrap();
    store.create_product(&product("p1", LdtKind::Raw, &[])).await.unwrap();
    store.create_product(&product("p2", LdtKind::Raw, &[])).await.unwrap();

    assert_bad_reference(
        store.create_offer(&offer("o", "missing", ids(&["p1"]))).await,
        "/contractPolicyId",
        "missing",
    );
    let no_access = Offer { access_policy_id: Some("gone".into()), ..offer("o", "contract", ids(&["p1"])) };
    assert_bad_reference(store.create_offer(&no_access).await, "/accessPolicyId", "gone");
    assert_bad_reference(
        store.create_offer(&offer("o", "contract", ids(&["p1", "nope", "p2"]))).await,
        "/datasets/ids/1",
        "nope",
    );
    assert_bad_reference(
        store.create_offer(&offer("o", "contract", ids(&["p1", "p2", "x"]))).await,
        "/datasets/ids/2",
        "x",
    );
    assert_not_found(store.offer("o").await, "offer", "o");
    assert!(store.offers(None, 10).await.unwrap().items.is_empty());
    assert!(coverage(&store).await.is_empty(), "a refused offer covers nothing");

    let good = offer("o", "contract", ids(&["p1"]));
    let created = store.create_offer(&good).await.unwrap();
    assert_eq!(created.offer, good);
    assert_eq!(store.offer("o").await.unwrap().offer, good);
    let message = assert_conflict(store.create_offer(&offer("o", "contract", ids(&["p2"]))).await);
    assert!(message.contains("offer `o`"), "{message}");

    // A refused replacement changes nothing.
    assert_bad_reference(
        store.replace_offer(&offer("o", "contract", ids(&["p2", "nope"]))).await,
        "/datasets/ids/1",
        "nope",
    );
    assert_bad_reference(
        store.replace_offer(&offer("o", "missing", ids(&["p2"]))).await,
        "/contractPolicyId",
        "missing",
    );
    assert_eq!(store.offer("o").await.unwrap().offer, good);
    assert_eq!(coverage(&store).await, covered(&[("p1", &["o"])]));
    assert_not_found(store.replace_offer(&offer("other", "contract", ids(&["p1"]))).await, "offer", "other");
    assert_not_found(store.offer("other").await, "offer", "other");
}

async fn matching_offers_follow_their_products(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_policy(&policy("terms")).await.unwrap();
    store.create_product(&product("m1", LdtKind::ModelOutput, &["traffic"])).await.unwrap();
    store.create_product(&product("m2", LdtKind::ModelOutput, &["air"])).await.unwrap();
    store.create_product(&product("r1", LdtKind::Raw, &["Traffic"])).await.unwrap();
    store.create_product(&product("r2", LdtKind::Raw, &["air"])).await.unwrap();
    store.create_offer(&offer("outputs", "terms", matching(json!([{"ldtKind": "modelOutput"}])))).await.unwrap();
    store.create_offer(&offer("traffic", "terms", matching(json!([{"keyword": "traffic"}])))).await.unwrap();
    assert_eq!(
        coverage(&store).await,
        covered(&[("m1", &["outputs", "traffic"]), ("m2", &["outputs"]), ("r1", &["traffic"])])
    );

    // Registered after the offers, one at a time or in a batch.
    store.create_product(&product("m3", LdtKind::ModelOutput, &[])).await.unwrap();
    store
        .create_products(&[
            product("r3", LdtKind::Raw, &["TRAFFIC"]),
            product("s1", LdtKind::SimulationResult, &["air"]),
        ])
        .await
        .unwrap();
    assert_eq!(
        coverage(&store).await,
        covered(&[
            ("m1", &["outputs", "traffic"]),
            ("m2", &["outputs"]),
            ("m3", &["outputs"]),
            ("r1", &["traffic"]),
            ("r3", &["traffic"]),
        ])
    );

    // Replaced so that they no longer match, or now match.
    store.replace_product(&product("m1", LdtKind::Raw, &["air"])).await.unwrap();
    store.replace_product(&product("m2", LdtKind::ModelOutput, &["Traffic", "air"])).await.unwrap();
    store.replace_product(&product("r2", LdtKind::ModelOutput, &["air"])).await.unwrap();
    store.replace_product(&product("r3", LdtKind::Raw, &["TRAFFIC", "bus"])).await.unwrap();
    assert_eq!(
        coverage(&store).await,
        covered(&[
            ("m2", &["outputs", "traffic"]),
            ("m3", &["outputs"]),
            ("r1", &["traffic"]),
            ("r2", &["outputs"]),
            ("r3", &["traffic"]),
        ])
    );
    assert_not_found(store.catalog_entry("m1", &every_access_policy(&store).await).await, "dataset", "m1");
}

async fn replacing_an_offer_recomputes_its_coverage(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_policy(&policy("open")).await.unwrap();
    let strict = PolicyDocument {
        id: "strict".into(),
        policy: json!({"@type": "Set", "permission": [{"action": "use"}], "prohibition": [{"action": "distribute"}]}),
    };
    store.create_policy(&strict).await.unwrap();
    store.create_product(&product("p1", LdtKind::Raw, &["traffic"])).await.unwrap();
    store.create_product(&product("p2", LdtKind::ModelOutput, &["traffic"])).await.unwrap();
    store.create_product(&product("p3", LdtKind::Raw, &["air"])).await.unwrap();

    let created = store.create_offer(&offer("o", "open", ids(&["p1", "p3"]))).await.unwrap();
    let created_at = store.offer("o").await.unwrap().created_at;
    assert_eq!(coverage(&store).await, covered(&[("p1", &["o"]), ("p3", &["o"])]));

    tick().await;
    let by_keyword = Offer {
        access_policy_id: Some("open".into()),
        ..offer("o", "strict", matching(json!([{"keyword": "traffic"}])))
    };
    let replaced = store.replace_offer(&by_keyword).await.unwrap();
    assert_eq!(replaced.created_at, created_at);
    assert!(replaced.updated_at > created.updated_at);
    let read = store.offer("o").await.unwrap();
    assert_eq!(read.offer, by_keyword);
    assert_eq!(read.created_at, created_at);
    assert!(read.updated_at > read.created_at);
    assert_eq!(coverage(&store).await, covered(&[("p1", &["o"]), ("p2", &["o"])]));
    let entry = store.catalog_entry("p2", &every_access_policy(&store).await).await.unwrap();
    assert_eq!(
        Value::Object((*entry.offers[0].1).clone()),
        json!({"permission": [{"action": "use"}], "prohibition": [{"action": "distribute"}]}),
        "the new contract policy's rules"
    );

    store
        .replace_offer(&offer("o", "open", matching(json!([{"ldtKind": "modelOutput"}, {"keyword": "air"}]))))
        .await
        .unwrap();
    assert!(coverage(&store).await.is_empty(), "no product matches both");
    store.create_product(&product("p4", LdtKind::ModelOutput, &["AIR"])).await.unwrap();
    assert_eq!(coverage(&store).await, covered(&[("p4", &["o"])]));

    store.replace_offer(&offer("o", "open", ids(&["p3"]))).await.unwrap();
    assert_eq!(coverage(&store).await, covered(&[("p3", &["o"])]));
    assert_eq!(store.offers(None, 10).await.unwrap().items.len(), 1);
}

async fn deleting_an_offer_withdraws_it(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_policy(&policy("terms")).await.unwrap();
    store.create_product(&product("p1", LdtKind::Raw, &["traffic"])).await.unwrap();
    store.create_product(&product("p2", LdtKind::Raw, &["air"])).await.unwrap();
    let first = offer("first", "terms", ids(&["p1", "p2"]));
    let second = offer("second", "terms", matching(json!([{"keyword": "traffic"}])));
    store.create_offer(&second).await.unwrap();
    store.create_offer(&first).await.unwrap();
    let listed: Vec<Offer> = store.offers(None, 10).await.unwrap().items.into_iter().map(|o| o.offer).collect();
    assert_eq!(listed, [first.clone(), second.clone()], "in id order");
    assert_eq!(coverage(&store).await, covered(&[("p1", &["first", "second"]), ("p2", &["first"])]));

    store.delete_offer("first").await.unwrap();
    assert_not_found(store.offer("first").await, "offer", "first");
    assert_eq!(coverage(&store).await, covered(&[("p1", &["second"])]));
    assert_not_found(store.catalog_entry("p2", &every_access_policy(&store).await).await, "dataset", "p2");
    assert_not_found(store.delete_offer("first").await, "offer", "first");

    store.delete_offer("second").await.unwrap();
    assert!(coverage(&store).await.is_empty());
    assert!(store.offers(None, 10).await.unwrap().items.is_empty());
    assert_eq!(store.products(None, 10).await.unwrap().items.len(), 2, "the products stay");
    // A later product no longer joins a withdrawn offer.
    store.create_product(&product("p3", LdtKind::Raw, &["traffic"])).await.unwrap();
    assert!(coverage(&store).await.is_empty());
}

// ---------------------------------------------------------------------------------------------------------------
// Catalogue

async fn the_catalogue_shows_only_offered_products(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_policy(&policy("terms")).await.unwrap();
    for id in ["a", "b", "c"] {
        store.create_product(&product(id, LdtKind::Raw, &["traffic"])).await.unwrap();
    }
    assert!(coverage(&store).await.is_empty(), "nothing offered yet");
    store.create_offer(&offer("o", "terms", ids(&["a", "c"]))).await.unwrap();
    assert_eq!(catalogue_ids(&store, json!([])).await, ["a", "c"]);
    assert_eq!(catalogue_ids(&store, json!([{"keyword": "traffic"}])).await, ["a", "c"]);
    let entry = store.catalog_entry("a", &every_access_policy(&store).await).await.unwrap();
    assert_eq!(entry.product, product("a", LdtKind::Raw, &["traffic"]), "the whole product, distributions included");
    assert_not_found(store.catalog_entry("b", &every_access_policy(&store).await).await, "dataset", "b");
    assert_not_found(store.catalog_entry("nope", &every_access_policy(&store).await).await, "dataset", "nope");
}

async fn catalogue_filters(db: Db) {
    const TRAN: &str = "http://publications.europa.eu/resource/authority/data-theme/TRAN";
    const ENVI: &str = "http://publications.europa.eu/resource/authority/data-theme/ENVI";
    const FLOW: &str = "https://smartdatamodels.org/dataModel.Transportation/TrafficFlowObserved";
    const AIR: &str = "https://smartdatamodels.org/dataModel.Environment/AirQualityObserved";
    let (store, _dir) = open(db).await;
    store.create_policy(&policy("terms")).await.unwrap();
    let with = |id: &str, kind, keywords: &[&str], themes: &[&str], models: &[&str]| {
        let mut p = product(id, kind, keywords);
        p.themes = strings(themes);
        p.conforms_to = models.iter().map(|id| Standard { id: id.to_string(), version: None }).collect();
        assert_eq!(p.validate(), Ok(()));
        p
    };
    store
        .create_products(&[
            with("a", LdtKind::Raw, &["Traffic", "Mobility"], &[TRAN], &[FLOW]),
            with("b", LdtKind::ModelOutput, &["traffic"], &[TRAN, ENVI], &[]),
            with("c", LdtKind::Raw, &["air"], &[ENVI], &[AIR]),
            with("d", LdtKind::Raw, &["traffic"], &[TRAN], &[FLOW]),
            with("e", LdtKind::SimulationResult, &[], &[], &[]),
        ])
        .await
        .unwrap();
    store.create_offer(&offer("o", "terms", ids(&["a", "b", "c", "e"]))).await.unwrap();

    let cases = [
        (json!([]), vec!["a", "b", "c", "e"]),
        (json!([{"keyword": "TRAFFIC"}]), vec!["a", "b"]),
        (json!([{"keyword": "traffic"}]), vec!["a", "b"]),
        (json!([{"keyword": " mobility "}]), vec!["a"]),
        (json!([{"keyword": "traf"}]), vec![]),
        (json!([{"theme": TRAN}]), vec!["a", "b"]),
        (json!([{"theme": ENVI}]), vec!["b", "c"]),
        (json!([{"conformsTo": FLOW}]), vec!["a"]),
        (json!([{"conformsTo": AIR}]), vec!["c"]),
        (json!([{"ldtKind": "raw"}]), vec!["a", "c"]),
        (json!([{"ldtKind": "simulationResult"}]), vec!["e"]),
        (json!([{"ldtKind": "transformed"}]), vec![]),
        (json!([{"keyword": "traffic"}, {"ldtKind": "raw"}]), vec!["a"]),
        (json!([{"theme": ENVI}, {"ldtKind": "modelOutput"}]), vec!["b"]),
        (json!([{"theme": TRAN}, {"conformsTo": FLOW}]), vec!["a"]),
        (json!([{"keyword": "traffic"}, {"keyword": "air"}]), vec![]),
        (json!([{"keyword": "nothing"}]), vec![]),
    ];
    for (filter, want) in cases {
        assert_eq!(catalogue_ids(&store, filter.clone()).await, want, "filters {filter}");
    }
}

async fn catalogue_entries_carry_their_offers_rules(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_policy(&policy("open")).await.unwrap();
    let rich = PolicyDocument {
        id: "rich".into(),
        policy: json!({
            "@context": ["https://w3id.org/dspace/2025/1/context.jsonld"],
            "@id": "urn:policy:rich", "@type": "Offer", "assigner": "did:web:city.example", "target": "urn:x",
            "permission": [{"action": "use", "target": "urn:x",
                "duty": [{"action": "delete", "target": "urn:x"}],
                "constraint": [{"leftOperand": "purpose", "operator": "eq", "rightOperand": "research"}]}],
            "prohibition": [{"action": "distribute", "target": "urn:x"}]
        }),
    };
    store.create_policy(&rich).await.unwrap();
    store.create_product(&product("p", LdtKind::Raw, &["traffic"])).await.unwrap();
    store.create_product(&product("q", LdtKind::Raw, &["air"])).await.unwrap();
    store.create_offer(&offer("b-open", "open", ids(&["p", "q"]))).await.unwrap();
    // The access policy ("open") decides who sees the offer; the catalogue shows the contract policy's rules.
    store
        .create_offer(&Offer { access_policy_id: Some("open".into()), ..offer("a-rich", "rich", ids(&["p"])) })
        .await
        .unwrap();

    let rich_body = json!({
        "permission": [{"action": "use", "duty": [{"action": "delete"}],
            "constraint": [{"leftOperand": "purpose", "operator": "eq", "rightOperand": "research"}]}],
        "prohibition": [{"action": "distribute"}]
    });
    let open_body = json!({"permission": [{"action": "use"}]});
    let bodies = |entry: &ldt_connector::store::catalog::CatalogEntry| -> Vec<(String, Value)> {
        entry.offers.iter().map(|(id, body)| (id.clone(), Value::Object((**body).clone()))).collect()
    };
    let want_p = vec![("a-rich".to_owned(), rich_body.clone()), ("b-open".to_owned(), open_body.clone())];
    let entry = store.catalog_entry("p", &every_access_policy(&store).await).await.unwrap();
    assert_eq!(bodies(&entry), want_p, "every offer, by offer id, with its contract policy's catalogue body");
    assert!(!serde_json::to_string(&bodies(&entry)).unwrap().contains("target"), "no target anywhere");

    let page = store.catalog_page(&[], &every_access_policy(&store).await, None, 10).await.unwrap();
    let by_product: Vec<(String, Vec<(String, Value)>)> =
        page.items.iter().map(|entry| (entry.product.id.clone(), bodies(entry))).collect();
    assert_eq!(by_product, [("p".to_owned(), want_p), ("q".to_owned(), vec![("b-open".to_owned(), open_body)])]);
    assert_eq!(store.policy("rich").await.unwrap().document, rich, "the stored policy keeps everything");
}

async fn the_catalogue_pages_with_a_filter(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_policy(&policy("terms")).await.unwrap();
    let mut batch = Vec::new();
    for n in 0..25 {
        let parity = if n % 2 == 0 { "even" } else { "odd" };
        batch.push(product(&format!("c-{n:02}"), LdtKind::Raw, &[parity]));
        // Un-offered products that pass the filter must not show up, nor disturb paging.
        batch.push(product(&format!("c-{n:02}-hidden"), LdtKind::Transformed, &[parity]));
    }
    store.create_products(&batch).await.unwrap();
    store.create_offer(&offer("raw", "terms", matching(json!([{"ldtKind": "raw"}])))).await.unwrap();
    let even = filters(json!([{"keyword": "EVEN"}]));
    let want: Vec<String> = (0..25).step_by(2).map(|n| format!("c-{n:02}")).collect();

    let pages = walk_forward(|cursor| {
        let (store, even) = (&store, &even);
        async move { store.catalog_page(even, &every_access_policy(store).await, cursor.as_ref(), 4).await }
    })
    .await;
    let sizes: Vec<usize> = pages.iter().map(|page| page.items.len()).collect();
    assert_eq!(sizes, [4, 4, 4, 1]);
    let ids_of = |page: &Page<ldt_connector::store::catalog::CatalogEntry>| -> Vec<String> {
        page.items.iter().map(|entry| entry.product.id.clone()).collect()
    };
    let forward: Vec<String> = pages.iter().flat_map(ids_of).collect();
    assert_eq!(forward, want);
    assert!(
        pages.iter().flat_map(|page| &page.items).all(|entry| entry.offers.len() == 1 && entry.offers[0].0 == "raw")
    );

    let mut at = pages.last().unwrap().clone();
    let mut back = vec![ids_of(&at)];
    while let Some(previous) = at.previous.clone() {
        at = store.catalog_page(&even, &every_access_policy(&store).await, Some(&previous), 4).await.unwrap();
        back.push(ids_of(&at));
        assert!(back.len() <= pages.len(), "paging back does not end");
    }
    let mut expected: Vec<Vec<String>> = pages.iter().map(ids_of).collect();
    expected.reverse();
    assert_eq!(back, expected);
}

async fn a_replaced_policy_shows_in_the_catalogue(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_policy(&policy("terms")).await.unwrap();
    store.create_product(&product("p", LdtKind::Raw, &[])).await.unwrap();
    store.create_offer(&offer("o", "terms", ids(&["p"]))).await.unwrap();
    let body = |entry: &ldt_connector::store::catalog::CatalogEntry| Value::Object((*entry.offers[0].1).clone());
    assert_eq!(
        body(&store.catalog_entry("p", &every_access_policy(&store).await).await.unwrap()),
        json!({"permission": [{"action": "use"}]})
    );

    let new_rules = json!({"@type": "Set", "permission": [{"action": "use", "target": "p",
        "constraint": [{"leftOperand": "dateTime", "operator": "lt", "rightOperand": "2030-01-01T00:00:00Z"}]}]});
    store.replace_policy(&PolicyDocument { id: "terms".into(), policy: new_rules }).await.unwrap();
    let want = json!({"permission": [{"action": "use",
        "constraint": [{"leftOperand": "dateTime", "operator": "lt", "rightOperand": "2030-01-01T00:00:00Z"}]}]});
    assert_eq!(body(&store.catalog_entry("p", &every_access_policy(&store).await).await.unwrap()), want);
    let page = store.catalog_page(&[], &every_access_policy(&store).await, None, 10).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(body(&page.items[0]), want);
}

async fn test_databases_are_isolated(db: Db) {
    let ((one, _one_dir), (two, _two_dir)) = tokio::join!(open(db), open(db));
    one.create_policy(&policy("terms")).await.unwrap();
    one.create_product(&product("p", LdtKind::Raw, &[])).await.unwrap();
    two.create_product(&product("p", LdtKind::ModelOutput, &[])).await.unwrap();
    assert_eq!(one.product("p").await.unwrap().product.ldt_kind, LdtKind::Raw);
    assert_eq!(two.product("p").await.unwrap().product.ldt_kind, LdtKind::ModelOutput);
    assert!(!two.policy_exists("terms").await.unwrap());

    let (a, _a_dir) = test_config(db).await;
    let (b, _b_dir) = test_config(db).await;
    assert_ne!(a.data_dir, b.data_dir);
    if db == Db::Postgres {
        assert!(a.database.schema.is_some());
        assert_ne!(a.database.schema, b.database.schema);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Consistency under concurrency and precision

/// Deleting a product takes it out of offers that list it by id: recreating it does not silently re-offer it,
/// and the offer can be replaced as it is.
async fn a_deleted_product_leaves_the_offers_that_list_it(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_policy(&policy("terms")).await.unwrap();
    for id in ["a", "b"] {
        store.create_product(&product(id, LdtKind::Raw, &[])).await.unwrap();
    }
    store.create_offer(&offer("o", "terms", ids(&["a", "b"]))).await.unwrap();
    store.delete_product("a").await.unwrap();
    let stored = store.offer("o").await.unwrap();
    assert_eq!(stored.offer.datasets, ids(&["b"]));
    store.replace_offer(&stored.offer).await.unwrap();
    store.create_product(&product("a", LdtKind::Raw, &[])).await.unwrap();
    assert!(
        store.catalog_entry("a", &every_access_policy(&store).await).await.is_err(),
        "a re-created product must not silently rejoin the offer"
    );
    assert!(store.catalog_entry("b", &every_access_policy(&store).await).await.is_ok());
}

/// What a write returns is what a read gives back, timestamps included.
async fn writes_return_the_stored_timestamps(db: Db) {
    let (store, _dir) = open(db).await;
    let created = store.create_product(&product("p", LdtKind::Raw, &[])).await.unwrap();
    assert_eq!(store.product("p").await.unwrap(), created, "product after create");
    let replaced = store.replace_product(&product("p", LdtKind::Transformed, &[])).await.unwrap();
    assert_eq!(store.product("p").await.unwrap(), replaced, "product after replace");
    let created = store.create_policy(&policy("terms")).await.unwrap();
    assert_eq!(store.policy("terms").await.unwrap(), created, "policy after create");
    let created = store.create_offer(&offer("o", "terms", ids(&["p"]))).await.unwrap();
    assert_eq!(store.offer("o").await.unwrap(), created, "offer after create");
}

/// Writes that run at the same time all succeed, and a product written while a matching offer is being created
/// ends up under it.
async fn concurrent_writes_succeed_and_keep_coverage(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_policy(&policy("terms")).await.unwrap();
    for n in 0..50 {
        let keyword = format!("k{n}");
        let matched = product(&format!("p{n:02}"), LdtKind::Raw, &[&keyword]);
        let other = product(&format!("q{n:02}"), LdtKind::Raw, &[]);
        let under = offer(&format!("o{n:02}"), "terms", matching(json!([{ "keyword": keyword }])));
        let (a, b, c) =
            tokio::join!(store.create_product(&matched), store.create_product(&other), store.create_offer(&under));
        a.unwrap();
        b.unwrap();
        c.unwrap();
        let entry = store.catalog_entry(&matched.id, &[]).await;
        assert!(entry.is_ok(), "round {n}: {} is not under {}: {entry:?}", matched.id, under.id);
    }
}

/// Migration 2 copies each offer's access policy onto the coverage rows written before it existed.
async fn migrating_copies_each_offers_access_policy_onto_its_coverage(db: Db) {
    use ldt_connector::store::migration::Migrator;
    use sea_orm::{ConnectOptions, ConnectionTrait, Database};
    use sea_orm_migration::MigratorTrait;

    let (config, _dir) = test_config(db).await;
    let url = config.database_url();
    if let Some(schema) = &config.database.schema {
        let admin = Database::connect(url.as_str()).await.unwrap();
        admin.execute_unprepared(&format!("CREATE SCHEMA \"{schema}\"")).await.unwrap();
    }
    let mut options = ConnectOptions::new(url.as_str());
    if let Some(schema) = &config.database.schema {
        options.set_schema_search_path(schema.as_str());
    }
    let connection = Database::connect(options).await.unwrap();
    Migrator::up(&connection, Some(1)).await.unwrap();
    let now = "'2026-01-01T00:00:00Z'";
    for statement in [
        format!("INSERT INTO policy (id, document, created_at, updated_at) VALUES ('members', '{{}}', {now}, {now})"),
        format!("INSERT INTO policy (id, document, created_at, updated_at) VALUES ('use', '{{}}', {now}, {now})"),
        format!("INSERT INTO dataset (id, document, created_at, updated_at) VALUES ('d', '{{}}', {now}, {now})"),
        format!(
            "INSERT INTO offer (id, access_policy_id, contract_policy_id, selector, created_at, updated_at) \
                 VALUES ('restricted', 'members', 'use', '{{}}', {now}, {now})"
        ),
        format!(
            "INSERT INTO offer (id, access_policy_id, contract_policy_id, selector, created_at, updated_at) \
                 VALUES ('open', NULL, 'use', '{{}}', {now}, {now})"
        ),
        "INSERT INTO offer_dataset (dataset_id, offer_id) VALUES ('d', 'restricted')".to_owned(),
        "INSERT INTO offer_dataset (dataset_id, offer_id) VALUES ('d', 'open')".to_owned(),
    ] {
        connection.execute_unprepared(&statement).await.unwrap_or_else(|error| panic!("{statement}: {error}"));
    }
    Migrator::up(&connection, None).await.unwrap();
    let backend = connection.get_database_backend();
    let rows = connection
        .query_all(sea_orm::Statement::from_string(
            backend,
            "SELECT offer_id, access_policy_id FROM offer_dataset ORDER BY offer_id",
        ))
        .await
        .unwrap();
    let copied: Vec<(String, Option<String>)> = rows
        .iter()
        .map(|row| (row.try_get("", "offer_id").unwrap(), row.try_get("", "access_policy_id").unwrap()))
        .collect();
    assert_eq!(copied, [("open".to_owned(), None), ("restricted".to_owned(), Some("members".to_owned()))]);
}

/// An offer with an access policy shows its products only to callers who satisfy it (the policy's id is among
/// `visible`); an offer without one shows them to every caller.
async fn offers_behind_an_access_policy_are_shown_only_to_callers_satisfying_it(db: Db) {
    let (store, _dir) = open(db).await;
    for id in ["terms", "members"] {
        store.create_policy(&policy(id)).await.unwrap();
    }
    for id in ["hidden", "shared"] {
        store.create_product(&product(id, LdtKind::Raw, &[])).await.unwrap();
    }
    let mut restricted = offer("restricted", "terms", ids(&["hidden", "shared"]));
    restricted.access_policy_id = Some("members".into());
    store.create_offer(&restricted).await.unwrap();
    store.create_offer(&offer("open", "terms", ids(&["shared"]))).await.unwrap();
    assert_eq!(every_access_policy(&store).await, ["members"]);

    let page_ids = |page: Page<ldt_connector::store::catalog::CatalogEntry>| -> Vec<(String, Vec<String>)> {
        page.items.into_iter().map(|e| (e.product.id, e.offers.into_iter().map(|(id, _)| id).collect())).collect()
    };
    let member = vec!["members".to_owned()];
    assert_eq!(
        page_ids(store.catalog_page(&[], &member, None, 10).await.unwrap()),
        [
            ("hidden".to_owned(), vec!["restricted".to_owned()]),
            ("shared".to_owned(), vec!["open".to_owned(), "restricted".to_owned()])
        ]
    );
    assert_eq!(
        page_ids(store.catalog_page(&[], &[], None, 10).await.unwrap()),
        [("shared".to_owned(), vec!["open".to_owned()])]
    );
    assert_not_found(store.catalog_entry("hidden", &[]).await, "dataset", "hidden");
    // A product registered later takes the offer's access policy along.
    store.create_product(&product("later", LdtKind::Raw, &[])).await.unwrap();
    restricted.datasets = ids(&["hidden", "shared", "later"]);
    store.replace_offer(&restricted).await.unwrap();
    assert_not_found(store.catalog_entry("later", &[]).await, "dataset", "later");
    assert!(store.catalog_entry("later", &member).await.is_ok());
    // The LDT's own view: every product, offered or not, with every offer whatever its access policy.
    store.create_product(&product("unoffered", LdtKind::Raw, &[])).await.unwrap();
    let own: Vec<(String, Vec<String>)> = store
        .own_products()
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.product.id, e.offers.into_iter().map(|(id, _)| id).collect()))
        .collect();
    let expected = [
        ("hidden", vec!["restricted"]),
        ("later", vec!["restricted"]),
        ("shared", vec!["open", "restricted"]),
        ("unoffered", vec![]),
    ]
    .map(|(id, offers)| (id.to_owned(), offers.into_iter().map(str::to_owned).collect::<Vec<_>>()));
    assert_eq!(own, expected);
}

/// A write that fails part-way (a duplicate in a batch) is rolled back before the next write begins: the writes
/// right after it succeed (SQLite used to answer "database is locked" while the failed transaction's rollback was
/// still pending on another pooled connection).
async fn a_failed_write_never_blocks_the_next(db: Db) {
    let (store, _dir) = open(db).await;
    store.create_product(&product("taken", LdtKind::Raw, &[])).await.unwrap();
    for round in 0..40 {
        let batch = [product(&format!("new-{round}"), LdtKind::Raw, &[]), product("taken", LdtKind::Raw, &[])];
        assert_conflict(store.create_products(&batch).await);
        store
            .create_product(&product(&format!("after-{round}"), LdtKind::Raw, &[]))
            .await
            .unwrap_or_else(|error| panic!("round {round}: the write after a failed one failed: {error}"));
        assert_not_found(store.product(&format!("new-{round}")).await, "dataset", &format!("new-{round}"));
    }
}

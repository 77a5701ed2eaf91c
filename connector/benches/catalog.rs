//! Catalogue page cost as the catalogue and the number of offers grow, on SQLite and PostgreSQL.
//!
//! For 1,000 / 10,000 / 100,000 datasets it measures one page of 100 from the middle of the catalogue, twice:
//! with 10 offers in the store (each dataset under one), then with 1,010 (each dataset under two). Three figures per
//! case: the store query alone (`store`), the same with a keyword filter that every dataset matches
//! (`store_filtered`), and the whole DSP request over loopback HTTP — authentication, JSON-LD fast path, queries,
//! serialisation (`http`). PostgreSQL comes from `LDT_TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/test`); `LDT_BENCH_SIZES=1000,10000` and
//! `LDT_BENCH_BACKENDS=sqlite` run fewer cases.
//!
//! `cargo bench -p ldt-connector --bench catalog`

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ldt_catalog::DataProduct;
use ldt_catalog::offer::{DatasetSelector, Offer};
use ldt_catalog::paging::Cursor;
use ldt_catalog::product::{Backend, Distribution, LdtKind};
use ldt_catalog::terms::TermFilter;
use ldt_connector::app::{self, RunningConnector};
use ldt_connector::config::{Config, StaticToken};
use ldt_connector::store::policies::PolicyDocument;
use serde_json::json;
use tokio::runtime::Runtime;

const TOKEN: &str = "benchmark-token-0123456789";
const PAGE: usize = 100;

fn product(index: usize) -> DataProduct {
    serde_json::from_value(json!({
        "id": format!("dataset-{index:07}"),
        "title": {"en": format!("Traffic counts of segment {index}"), "nl": format!("Verkeerstellingen wegvak {index}")},
        "description": {"en": "Vehicles per hour on one monitored road segment, from induction loops."},
        "keywords": {"en": ["traffic", format!("shard-{}", index % 10), format!("slice-{}", index % 1000)]},
        "themes": ["http://publications.europa.eu/resource/authority/data-theme/TRAN"],
        "publisher": {"name": "Gemeente Eindhoven"},
        "license": "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        "accrualPeriodicity": "http://publications.europa.eu/resource/authority/frequency/HOURLY",
        "conformsTo": ["https://smartdatamodels.org/dataModel.Transportation/TrafficFlowObserved"],
        "ldtKind": LdtKind::ALL[index % LdtKind::ALL.len()],
        "distributions": [Distribution {
            id: "csv".into(),
            title: Default::default(),
            format: "HttpData-PULL".into(),
            media_type: Some("text/csv".into()),
            backend: Backend::Http { url: format!("http://backend.internal/segments/{index}.csv") },
        }]
    }))
    .expect("a valid product")
}

async fn start(database: Option<String>, data_dir: &std::path::Path) -> RunningConnector {
    let mut config = Config { data_dir: data_dir.to_owned(), ..Config::default() };
    config.server.bind = ([127, 0, 0, 1], 0).into();
    config.database.url = database;
    if config.database.url.is_some() {
        config.database.schema = Some(format!("bench_{}", uuid::Uuid::new_v4().simple()));
    }
    config.dsp.tokens =
        vec![StaticToken { token: TOKEN.into(), participant: "did:web:bench".into(), claims: Default::default() }];
    app::start(config).await.expect("connector starts")
}

async fn add_offers(connector: &RunningConnector, prefix: &str, count: usize) {
    let store = &connector.state.store;
    for index in 0..count {
        let offer = Offer {
            id: format!("{prefix}-{index}"),
            access_policy_id: None,
            contract_policy_id: "use".into(),
            datasets: DatasetSelector::Matching(vec![TermFilter::Keyword(format!("{prefix}-{index}"))]),
        };
        store.create_offer(&offer).await.expect("offer");
    }
}

fn catalog_pages(c: &mut Criterion) {
    let runtime = Runtime::new().expect("runtime");
    let postgres =
        std::env::var("LDT_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let sizes: Vec<usize> = std::env::var("LDT_BENCH_SIZES")
        .ok()
        .map(|sizes| sizes.split(',').filter_map(|size| size.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    let http = reqwest::Client::new();
    let request =
        json!({"@context": ["https://w3id.org/dspace/2025/1/context.jsonld"], "@type": "CatalogRequestMessage"});
    let mut group = c.benchmark_group("catalog_page");
    group.sample_size(30).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    let backends = std::env::var("LDT_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    for (backend, database) in [("sqlite", None), ("postgres", Some(postgres))] {
        if !backends.split(',').any(|name| name.trim() == backend) {
            continue;
        }
        for &size in &sizes {
            let dir = tempfile::tempdir().expect("temp dir");
            let connector = runtime.block_on(async {
                let connector = start(database.clone(), dir.path()).await;
                let store = &connector.state.store;
                store
                    .create_policy(&PolicyDocument {
                        id: "use".into(),
                        policy: json!({"@type": "Set", "permission": [{"action": "use"}]}),
                    })
                    .await
                    .expect("policy");
                let products: Vec<DataProduct> = (0..size).map(product).collect();
                store.create_products(&products).await.expect("products");
                connector
            });
            let middle = Cursor::After(format!("dataset-{:07}", size / 2));
            let url = format!("{}/dsp/catalog/request?cursor={}", connector.url(), middle.encode());
            for (offers, prefix, count) in [(10, "shard", 10), (1010, "slice", 1000)] {
                runtime.block_on(add_offers(&connector, prefix, count));
                let case = format!("{backend}/{size}_datasets/{offers}_offers");
                let store = connector.state.store.clone();
                group.bench_function(BenchmarkId::new("store", &case), |b| {
                    b.to_async(&runtime).iter(|| async {
                        let page = store.catalog_page(&[], &[], Some(&middle), PAGE).await.expect("page");
                        assert_eq!(page.items.len(), PAGE);
                    })
                });
                let traffic = [TermFilter::Keyword("traffic".into())];
                group.bench_function(BenchmarkId::new("store_filtered", &case), |b| {
                    b.to_async(&runtime).iter(|| async {
                        let page = store.catalog_page(&traffic, &[], Some(&middle), PAGE).await.expect("page");
                        assert_eq!(page.items.len(), PAGE);
                    })
                });
                group.bench_function(BenchmarkId::new("http", &case), |b| {
                    b.to_async(&runtime).iter(|| async {
                        let response = http.post(&url).bearer_auth(TOKEN).json(&request).send().await.expect("send");
                        assert!(response.status().is_success());
                        response.bytes().await.expect("body")
                    })
                });
            }
            runtime.block_on(connector.stop()).expect("stop");
        }
    }
    group.finish();
}

criterion_group!(benches, catalog_pages);
criterion_main!(benches);

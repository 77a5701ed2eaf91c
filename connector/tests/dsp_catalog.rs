//! The DSP catalogue end to end over HTTP: version discovery, bearer-token authentication, `Link`-header paging,
//! gzip, filters, JSON-LD forms of the request, single datasets, and the consumer side (one connector reading
//! another's catalogue through the management API).
//!
//! Each test starts its own connectors on free ports with their own SQLite databases (see `common::connector`).

mod common;

use std::collections::{BTreeSet, HashSet};

use common::connector::{
    Answer, Body, DSP_CONTEXT, DSP_TOKEN, MAX_BODY_BYTES, TestConnector, client, enc, start, start_with,
};
use common::{Db, product};
use ldt_catalog::offer::{DatasetSelector, offer_iri};
use ldt_catalog::product::Backend;
use ldt_catalog::{DataProduct, Distribution, LdtKind};
use ldt_connector::config::StaticToken;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The DSP 2025-1 namespace.
const DSPACE: &str = "https://w3id.org/dspace/2025/1/";
/// The participant id of every provider in these tests.
const PROVIDER_ID: &str = "did:web:provider.example";
/// Text that is in the private parts of the seeded data and must never be published.
const SECRETS: [&str; 4] = ["secret-backend.internal", "secret/topic", "urn:ldt:should-not-appear", "\"backend\""];

// The seeded catalogue, as a model: product `i` of `0..n` and what the catalogue must say about it.

fn id(i: usize) -> String {
    format!("urn:ldt:test:p{i:03}")
}

fn offered(i: usize) -> bool {
    i % 7 != 3
}

/// The offers product `i` is under, in id order.
fn offers_of(i: usize) -> Vec<&'static str> {
    let mut offers = Vec::new();
    if offered(i) && i.is_multiple_of(2) {
        offers.push("members");
    }
    if offered(i) && (i % 2 == 1 || i.is_multiple_of(10)) {
        offers.push("open-data");
    }
    offers
}

fn has_traffic(i: usize) -> bool {
    i.is_multiple_of(2) || i % 4 == 1
}

fn kind(i: usize) -> LdtKind {
    if i.is_multiple_of(3) { LdtKind::ModelOutput } else { LdtKind::Raw }
}

/// Product `i`: keywords after [`has_traffic`] (`mobility` for the even offered ones, which the `members` offer
/// selects), kind after [`kind`], an HTTP distribution with a private backend URL and, for every fifth, an MQTT one.
fn seeded_product(i: usize) -> DataProduct {
    let mut keywords = Vec::new();
    if has_traffic(i) {
        keywords.push(if i.is_multiple_of(8) { "Traffic" } else { "traffic" });
    }
    if i.is_multiple_of(2) && offered(i) {
        keywords.push("mobility");
    }
    if i % 2 == 1 {
        keywords.push("air quality");
    }
    let mut product = product(&id(i), kind(i), &keywords);
    product.distributions = vec![Distribution {
        id: "api".into(),
        title: Default::default(),
        format: "HttpData-PULL".into(),
        media_type: Some("application/json".into()),
        backend: Backend::Http { url: format!("http://secret-backend.internal:7070/p{i}") },
    }];
    if i.is_multiple_of(5) {
        product.distributions.push(Distribution {
            id: "live".into(),
            title: [("en".to_owned(), "Live feed".to_owned())].into(),
            format: "MQTT-PUSH".into(),
            media_type: None,
            backend: Backend::Mqtt { topic: format!("secret/topic/p{i}") },
        });
    }
    product
}

/// Stores products `0..n` with their policies and offers.
async fn seed(c: &TestConnector, n: usize) {
    let products: Vec<DataProduct> = (0..n).map(seeded_product).collect();
    c.seed_products(&products).await;
    c.seed_policy(
        "members-only",
        json!({"@type": "Set", "permission": [{
            "action": "use",
            "target": "urn:ldt:should-not-appear",
            "constraint": [{"leftOperand": "https://w3id.org/ldt-connector/claims/membership",
                            "operator": "eq", "rightOperand": "active"}]
        }]}),
    )
    .await;
    c.seed_policy("open-use", json!({"@type": "Set", "permission": [{"action": "use"}]})).await;
    c.seed_offer(
        "members",
        "members-only",
        DatasetSelector::Matching(vec![serde_json::from_value(json!({"keyword": "mobility"})).unwrap()]),
    )
    .await;
    let open: Vec<String> = (0..n).filter(|&i| offers_of(i).contains(&"open-data")).map(id).collect();
    c.seed_offer("open-data", "open-use", DatasetSelector::Ids(open)).await;
}

/// A provider on SQLite with `n` seeded products and catalogue pages of `page_size`.
async fn provider(n: usize, page_size: usize) -> TestConnector {
    provider_on(Db::Sqlite, n, page_size).await
}

/// A provider on `db` with `n` seeded products and catalogue pages of `page_size`.
async fn provider_on(db: Db, n: usize, page_size: usize) -> TestConnector {
    let c = start_with(db, |config| {
        config.catalog.page_size = page_size;
        config.participant.id = Some(PROVIDER_ID.to_owned());
    })
    .await;
    seed(&c, n).await;
    c
}

/// The ids of the products `0..n` that pass `keep`, in catalogue (id) order.
fn expected(n: usize, keep: impl Fn(usize) -> bool) -> Vec<String> {
    (0..n).filter(|&i| offered(i) && keep(i)).map(id).collect()
}

/// A `CatalogRequestMessage` in compact form.
fn request(filter: Value) -> Value {
    json!({"@context": [DSP_CONTEXT], "@type": "CatalogRequestMessage", "filter": filter})
}

fn datasets(page: &Value) -> Vec<Value> {
    match page.get("dataset") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(other) => panic!("dataset is not an array: {other}"),
    }
}

fn ids(datasets: &[Value]) -> Vec<String> {
    datasets.iter().map(|dataset| dataset["@id"].as_str().expect("a dataset @id").to_owned()).collect()
}

/// The dataset ids of every page, in order.
fn page_ids(pages: &[Answer]) -> Vec<String> {
    pages.iter().flat_map(|page| ids(&datasets(&page.json()))).collect()
}

/// True if `value` has a member `key` anywhere inside.
fn has_key(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(members) => members.iter().any(|(k, v)| k == key || has_key(v, key)),
        Value::Array(items) => items.iter().any(|item| has_key(item, key)),
        _ => false,
    }
}

fn product_index(id: &str) -> usize {
    id.strip_prefix("urn:ldt:test:p").and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("not a seeded id: {id}"))
}

/// Checks one published dataset against the model.
fn check_dataset(dataset: &Value, dsp_base: &str) {
    let id = dataset["@id"].as_str().unwrap();
    let i = product_index(id);
    assert!(offered(i), "{id} is not offered but published");
    assert_eq!(dataset["@type"], "Dataset", "{dataset}");
    let policies = dataset["hasPolicy"].as_array().expect("hasPolicy is an array");
    let published: BTreeSet<&str> = policies.iter().map(|offer| offer["@id"].as_str().expect("an offer @id")).collect();
    let wanted: BTreeSet<String> = offers_of(i).into_iter().map(|offer| offer_iri(offer, id)).collect();
    assert_eq!(published, wanted.iter().map(String::as_str).collect(), "{id}: hasPolicy");
    assert_eq!(policies.len(), wanted.len(), "{id}: an offer twice");
    for offer in policies {
        assert!(offer["@id"].as_str().unwrap().starts_with("urn:ldt:offer:"), "{offer}");
        assert_eq!(offer["@type"], "Offer", "{offer}");
        assert!(!has_key(offer, "target"), "{id}: an offer with a target: {offer}");
        assert!(offer["permission"].is_array(), "{id}: no rules: {offer}");
    }
    let distributions = dataset["distribution"].as_array().expect("distribution");
    let product = seeded_product(i);
    assert_eq!(distributions.len(), product.distributions.len(), "{id}");
    for (published, stored) in distributions.iter().zip(&product.distributions) {
        assert_eq!(published["format"], json!(stored.format), "{id}: {published}");
        assert_eq!(published["accessService"]["endpointURL"], json!(dsp_base), "{id}: {published}");
        assert_eq!(published["accessService"]["@type"], "DataService");
    }
}

/// Checks the envelope of one catalogue page.
fn check_catalog(page: &Value, dsp_base: &str) {
    assert_eq!(page["@type"], "Catalog", "{page}");
    assert!(
        page["@context"].as_array().is_some_and(|c| c.contains(&json!(DSP_CONTEXT))),
        "@context: {}",
        page["@context"]
    );
    assert_eq!(page["participantId"], PROVIDER_ID);
    assert_eq!(page["service"][0]["endpointURL"], json!(dsp_base));
}

#[tokio::test]
async fn version_discovery_is_open_and_names_the_dsp_path() {
    let c = start(Db::Sqlite).await;
    let answer = client().get(format!("{}/.well-known/dspace-version", c.url())).send().await.unwrap();
    let answer = Answer::read(answer).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let versions = answer.json();
    let list = versions["protocolVersions"].as_array().expect("protocolVersions");
    let v2025 = list.iter().find(|v| v["version"] == "2025-1").unwrap_or_else(|| panic!("no 2025-1: {versions}"));
    assert_eq!(v2025["path"], "/dsp");
    assert_eq!(v2025["binding"], "HTTPS");
    c.stop().await;

    // Behind a proxy, the advertised path is below the public URL's path.
    let proxied = start_with(Db::Sqlite, |config| {
        config.server.public_url = Some("https://ldt.example/connector/".parse().unwrap());
    })
    .await;
    let answer = client().get(format!("{}/.well-known/dspace-version", proxied.local_url())).send().await.unwrap();
    let versions = Answer::read(answer).await.json();
    assert_eq!(versions["protocolVersions"][0]["path"], "/connector/dsp");
    proxied.stop().await;
}

#[tokio::test]
async fn catalogue_requests_need_a_known_bearer_token() {
    let c = provider(20, 100).await;
    let url = format!("{}/catalog/request", c.dsp_base());
    let body = request(json!([]));
    let wrong = [None, Some("wrong-token-0123456789abcdef"), Some(&DSP_TOKEN[..DSP_TOKEN.len() - 1]), Some("")];
    for token in wrong {
        for answer in [
            c.dsp_post(&url, token, Body::Json(&body), false).await,
            c.dsp_get(&format!("/catalog/datasets/{}", enc(&id(0))), token).await,
        ] {
            let error = answer.catalog_error(401);
            assert!(
                answer.header("www-authenticate").is_some_and(|h| h.starts_with("Bearer")),
                "token {token:?}: WWW-Authenticate {:?}",
                answer.header("www-authenticate")
            );
            assert!(!has_key(&error, "dataset"), "{error}");
        }
    }
    // The token under another scheme is not a bearer token.
    let basic =
        c.http().post(&url).header("Authorization", format!("Basic {DSP_TOKEN}")).json(&body).send().await.unwrap();
    Answer::read(basic).await.catalog_error(401);
    // The right token is let in.
    assert_eq!(c.catalog_request(&body).await.status, StatusCode::OK);
    c.stop().await;
}

#[tokio::test]
async fn the_catalogue_pages_with_link_headers_both_ways() {
    let n = 250;
    let c = provider(n, 100).await;
    let body = request(json!([]));
    let pages = c.walk_catalog(&body).await;
    let want = expected(n, |_| true);
    assert_eq!(want.len(), 214);
    assert_eq!(pages.len(), 3, "214 datasets in pages of 100");
    assert_eq!(page_ids(&pages), want, "every offered product once, in id order");
    let unique: HashSet<String> = page_ids(&pages).into_iter().collect();
    assert_eq!(unique.len(), want.len());

    let base = c.dsp_base();
    for (index, page) in pages.iter().enumerate() {
        assert_eq!(page.header("content-type").as_deref(), Some("application/json"));
        let json = page.json();
        check_catalog(&json, &base);
        let list = datasets(&json);
        assert_eq!(list.len(), if index < 2 { 100 } else { 14 });
        for dataset in &list {
            check_dataset(dataset, &base);
        }
        let text = page.text();
        for secret in SECRETS {
            assert!(!text.contains(secret), "page {index} publishes {secret}");
        }
        assert_eq!(page.link("previous").is_some(), index > 0, "page {index}");
        assert_eq!(page.link("next").is_some(), index < 2, "page {index}");
        for rel in ["next", "previous"] {
            if let Some(link) = page.link(rel) {
                assert!(link.starts_with(&format!("{base}/catalog/request?cursor=")), "{link}");
            }
        }
    }
    // Each page's previous link leads back to the page before it.
    for index in 1..pages.len() {
        let previous = pages[index].link("previous").unwrap();
        let back = c.dsp_post(&previous, Some(DSP_TOKEN), Body::Json(&body), false).await;
        assert_eq!(back.status, StatusCode::OK, "{}", back.text());
        assert_eq!(ids(&datasets(&back.json())), ids(&datasets(&pages[index - 1].json())), "previous of page {index}");
        assert_eq!(back.link("previous").is_some(), index > 1);
        assert_eq!(back.link("next"), pages[index - 1].link("next"));
    }
    // A link does not stand in for the token.
    let next = pages[0].link("next").unwrap();
    let without_token = c.dsp_post(&next, None, Body::Json(&body), false).await;
    without_token.catalog_error(401);
    c.stop().await;
}

#[tokio::test]
async fn answers_are_gzipped_when_asked() {
    let c = provider(120, 100).await;
    let url = format!("{}/catalog/request", c.dsp_base());
    let body = request(json!([]));
    let plain = c.dsp_post(&url, Some(DSP_TOKEN), Body::Json(&body), false).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header("content-encoding"), None);
    let plain_json: Value = serde_json::from_slice(&plain.body).expect("a plain JSON body");
    assert!(datasets(&plain_json).len() > 50);

    let gzipped = c.dsp_post(&url, Some(DSP_TOKEN), Body::Json(&body), true).await;
    assert_eq!(gzipped.status, StatusCode::OK);
    assert_eq!(gzipped.header("content-encoding").as_deref(), Some("gzip"));
    assert_eq!(&gzipped.body[..2], &[0x1f, 0x8b], "not gzip data");
    assert!(
        gzipped.body.len() * 3 < plain.body.len(),
        "gzip did not shrink the catalogue: {} vs {} bytes",
        gzipped.body.len(),
        plain.body.len()
    );
    assert_eq!(gzipped.json(), plain_json, "the gunzipped catalogue differs");
    assert_eq!(gzipped.link("next"), plain.link("next"));

    // A single dataset too.
    let path = format!("/catalog/datasets/{}", enc(&id(0)));
    let request = c
        .http()
        .get(format!("{}{path}", c.dsp_base()))
        .bearer_auth(DSP_TOKEN)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    let one = Answer::read(request).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.header("content-encoding").as_deref(), Some("gzip"));
    assert_eq!(one.json(), c.dsp_get(&path, Some(DSP_TOKEN)).await.json());
    c.stop().await;
}

#[tokio::test]
async fn filters_select_the_right_subsets() {
    let n = 250;
    let c = provider(n, 100).await;
    let traffic = expected(n, has_traffic);
    let model_output = expected(n, |i| kind(i) == LdtKind::ModelOutput);
    let both = expected(n, |i| has_traffic(i) && kind(i) == LdtKind::ModelOutput);
    let everything = expected(n, |_| true);
    for subset in [&traffic, &model_output, &both] {
        assert!(!subset.is_empty() && subset.len() < everything.len());
    }
    assert!(both.len() < traffic.len() && both.len() < model_output.len());
    for (filter, want) in [
        (json!([{"keyword": "traffic"}]), &traffic),
        (json!([{"keyword": "TRAFFIC"}]), &traffic),
        (json!([{"ldtKind": "modelOutput"}]), &model_output),
        (json!([{"keyword": "traffic"}, {"ldtKind": "modelOutput"}]), &both),
        (json!([{"ldtKind": "modelOutput"}, {"keyword": "traffic"}]), &both),
        (json!([]), &everything),
    ] {
        let pages = c.walk_catalog(&request(filter.clone())).await;
        assert_eq!(&page_ids(&pages), want, "filter {filter}");
        for page in &pages {
            for dataset in datasets(&page.json()) {
                check_dataset(&dataset, &c.dsp_base());
            }
        }
    }
    // A filter nothing passes: an empty catalogue, no further pages.
    let none = c.catalog_request(&request(json!([{"keyword": "no such keyword"}]))).await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(datasets(&none.json()).is_empty());
    assert_eq!(none.link("next"), None);
    check_catalog(&none.json(), &c.dsp_base());
    c.stop().await;
}

#[tokio::test]
async fn bad_catalogue_requests_are_catalog_errors() {
    let c = provider(30, 10).await;
    let url = format!("{}/catalog/request", c.dsp_base());
    let unsupported = [
        json!([{"colour": "red"}]),
        json!(["free text"]),
        json!([{"keyword": "traffic", "ldtKind": "raw"}]),
        json!([{"ldtKind": "cooked"}]),
        json!([{"keyword": 5}]),
        json!([{}]),
    ];
    for filter in unsupported {
        let answer = c.catalog_request(&request(filter.clone())).await;
        let error = answer.catalog_error(400);
        assert_eq!(error["code"], "UnsupportedFilter", "{filter}: {error}");
    }
    // In JSON-LD a null is no value: `[null]` is no filter at all.
    let nothing = c.catalog_request(&request(json!([null]))).await;
    assert_eq!(nothing.status, StatusCode::OK, "{}", nothing.text());
    assert_eq!(datasets(&nothing.json()).len(), datasets(&c.catalog_request(&request(json!([]))).await.json()).len());
    let unfiltered = page_ids(&c.walk_catalog(&request(json!([]))).await);
    assert_eq!(unfiltered, expected(30, |_| true), "the unfiltered catalogue is every offered product");
    assert_eq!(page_ids(&c.walk_catalog(&request(json!([null]))).await), unfiltered, "`[null]` filters nothing out");
    let bodies: Vec<Vec<u8>> = vec![
        b"{\"@context\": [".to_vec(),
        b"not json".to_vec(),
        b"".to_vec(),
        b"42".to_vec(),
        b"\"CatalogRequestMessage\"".to_vec(),
        json!({"@context": [DSP_CONTEXT], "@type": "ContractRequestMessage", "filter": []}).to_string().into_bytes(),
        json!({"@context": [DSP_CONTEXT], "@type": "CatalogError", "code": "x", "reason": ["y"]})
            .to_string()
            .into_bytes(),
        json!({"@context": [DSP_CONTEXT], "filter": []}).to_string().into_bytes(),
        json!({"@type": "CatalogRequestMessage", "filter": []}).to_string().into_bytes(),
        json!({"@context": [DSP_CONTEXT], "@type": "CatalogRequestMessage", "filter": "traffic"})
            .to_string()
            .into_bytes(),
    ];
    for raw in bodies {
        let answer = c.dsp_post(&url, Some(DSP_TOKEN), Body::Raw(raw.clone()), false).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}: {}", String::from_utf8_lossy(&raw), answer.text());
        answer.catalog_error(400);
    }
    // Over the body limit.
    let mut big = request(json!([]));
    big["padding"] = json!("x".repeat(MAX_BODY_BYTES));
    let answer = c.dsp_post(&url, Some(DSP_TOKEN), Body::Json(&big), false).await;
    answer.catalog_error(413);
    // Cursors that this connector did not hand out.
    for cursor in ["junk!", "emtleQ", "%FF", ""] {
        let answer = c
            .dsp_post(&format!("{url}?cursor={cursor}"), Some(DSP_TOKEN), Body::Json(&request(json!([]))), false)
            .await;
        let error = answer.catalog_error(400);
        assert_eq!(error["code"], "InvalidCursor", "cursor {cursor:?}: {error}");
    }
    c.stop().await;
}

#[tokio::test]
async fn every_json_ld_form_of_the_request_reads_the_same_catalogue() {
    let n = 120;
    let c = provider(n, 50).await;
    let compact = c.walk_catalog(&request(json!([]))).await;
    let compact: Vec<Value> = compact.iter().map(Answer::json).collect();
    assert_eq!(compact.len(), 3);
    let forms = [
        json!({"@type": [format!("{DSPACE}CatalogRequestMessage")],
               format!("{DSPACE}filter"): []}),
        json!({"@type": [format!("{DSPACE}CatalogRequestMessage")]}),
        json!([{"@type": [format!("{DSPACE}CatalogRequestMessage")],
                format!("{DSPACE}filter"): []}]),
        json!({"@context": {"ds": DSPACE}, "@type": "ds:CatalogRequestMessage"}),
        json!({"@context": {"ds": DSPACE}, "@type": "ds:CatalogRequestMessage", "ds:filter": []}),
        json!({"@context": DSP_CONTEXT, "@type": "CatalogRequestMessage"}),
        json!({"@context": [DSP_CONTEXT], "@type": "dspace:CatalogRequestMessage", "dspace:filter": []}),
    ];
    for form in forms {
        let pages = c.walk_catalog(&form).await;
        let pages: Vec<Value> = pages.iter().map(Answer::json).collect();
        assert_eq!(pages, compact, "form {form}");
    }
    c.stop().await;
}

/// A filter written in another JSON-LD form must select what the compact filter selects, or be refused; it must
/// never be dropped silently (which would publish the unfiltered catalogue).
#[tokio::test]
async fn filters_in_other_json_ld_forms_are_applied_or_refused() {
    let n = 60;
    let c = provider(n, 100).await;
    let traffic = expected(n, has_traffic);
    let forms = [
        json!({"@type": [format!("{DSPACE}CatalogRequestMessage")],
               format!("{DSPACE}filter"): [{"keyword": "traffic"}]}),
        json!({"@context": {"ds": DSPACE}, "@type": "ds:CatalogRequestMessage",
               "ds:filter": [{"keyword": "traffic"}]}),
        // Compact, but not in the exact shape of the fast path: a single filter not in an array, an extra
        // prefixed member.
        json!({"@context": DSP_CONTEXT, "@type": "CatalogRequestMessage",
               "filter": {"keyword": "traffic"}}),
        json!({"@context": [DSP_CONTEXT], "@type": "CatalogRequestMessage",
               "filter": [{"keyword": "traffic"}], "dct:description": "only traffic, please"}),
    ];
    let mut dropped = Vec::new();
    for form in forms {
        let answer = c.catalog_request(&form).await;
        if answer.status == StatusCode::OK {
            let got = ids(&datasets(&answer.json()));
            if got != traffic {
                dropped.push(format!(
                    "{form} -> 200 with {} datasets, not the {} with the keyword",
                    got.len(),
                    traffic.len()
                ));
            }
        } else {
            answer.catalog_error(400);
        }
    }
    assert!(dropped.is_empty(), "filters dropped:\n{}", dropped.join("\n"));
    c.stop().await;
}

/// With a prefixed `@type` the DSP context's type-scoped terms do not apply, so plain JSON-LD expansion would drop
/// `filter` and the connector would answer the unfiltered catalogue. It expands in JSON-LD's safe mode instead and
/// refuses the message, naming the undefined term.
#[tokio::test]
async fn a_filter_under_a_prefixed_type_is_refused_not_dropped() {
    let n = 60;
    let c = provider(n, 100).await;
    let form = json!({"@context": [DSP_CONTEXT], "@type": "dspace:CatalogRequestMessage",
                      "filter": [{"keyword": "traffic"}]});
    let answer = c.catalog_request(&form).await;
    let error = answer.catalog_error(400);
    assert!(error.to_string().contains("`filter` is not defined"), "{error}");
    c.stop().await;
}

#[tokio::test]
async fn unknown_remote_contexts_are_refused_without_fetching() {
    let c = provider(5, 100).await;
    // A context server that must never be called.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let context = format!("http://{}/context.jsonld", listener.local_addr().unwrap());
    for body in [
        json!({"@context": context, "@type": "CatalogRequestMessage"}),
        json!({"@context": [DSP_CONTEXT, context], "@type": "CatalogRequestMessage", "filter": []}),
        json!({"@context": "https://w3id.org/dspace/2024/1/context.jsonld",
               "@type": "CatalogRequestMessage"}),
    ] {
        let answer = c.catalog_request(&body).await;
        let error = answer.catalog_error(400);
        let reasons = error["reason"].to_string();
        assert!(reasons.contains("context"), "the reason names the context: {error}");
    }
    match listener.accept() {
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
        Ok((_, peer)) => {
            panic!("the connector fetched the remote context (connection from {peer})")
        }
        Err(error) => panic!("{error}"),
    }
    c.stop().await;
}

#[tokio::test]
async fn single_datasets_are_served_with_their_context() {
    let n = 30;
    let c = provider(n, 100).await;
    let catalogue = c.catalog_request(&request(json!([]))).await.json();
    let listed = datasets(&catalogue);
    assert_eq!(listed.len(), expected(n, |_| true).len());
    for entry in listed.iter().take(8) {
        let dataset_id = entry["@id"].as_str().unwrap();
        for path in [format!("/catalog/datasets/{}", enc(dataset_id)), format!("/catalog/datasets/{dataset_id}")] {
            let answer = c.dsp_get(&path, Some(DSP_TOKEN)).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.text());
            let mut dataset = answer.json();
            assert_eq!(dataset["@context"], json!([DSP_CONTEXT]), "{dataset}");
            check_dataset(&dataset, &c.dsp_base());
            for secret in SECRETS {
                assert!(!answer.text().contains(secret), "{path} publishes {secret}");
            }
            dataset.as_object_mut().unwrap().remove("@context");
            assert_eq!(&dataset, entry, "{path} differs from the catalogue's entry");
        }
    }
    let unoffered = id(3);
    assert!(!offered(3));
    for missing in [unoffered.as_str(), "urn:ldt:test:p999", "no such dataset"] {
        let answer = c.dsp_get(&format!("/catalog/datasets/{}", enc(missing)), Some(DSP_TOKEN)).await;
        let error = answer.catalog_error(404);
        assert_eq!(error["code"], "NotFound", "{missing}: {error}");
    }
    c.stop().await;
}

/// Filter values go into database queries; odd ones (NUL, which PostgreSQL text cannot hold, or very long) are
/// answered like any other value — an empty selection — or refused with a 400 `CatalogError`, never a 5xx.
async fn odd_filter_values_are_not_server_errors(db: Db) {
    let c = provider_on(db, 10, 100).await;
    let long = "k".repeat(3000);
    let mut failures = Vec::new();
    for filter in [
        json!([{"keyword": "traffic\u{0}jam"}]),
        json!([{"theme": "http://example.org/\u{0}"}]),
        json!([{"keyword": long}]),
    ] {
        let answer = c.catalog_request(&request(filter.clone())).await;
        match answer.status.as_u16() {
            200 => assert!(datasets(&answer.json()).is_empty(), "{filter}"),
            400 => {
                answer.catalog_error(400);
            }
            _ => failures.push(format!(
                "filter {}: {} {}",
                &filter.to_string()[..60.min(filter.to_string().len())],
                answer.status,
                answer.text()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    c.stop().await;
}

#[tokio::test]
async fn odd_filter_values_are_not_server_errors_on_sqlite() {
    odd_filter_values_are_not_server_errors(Db::Sqlite).await;
}

#[tokio::test]
async fn odd_filter_values_are_not_server_errors_on_postgres() {
    odd_filter_values_are_not_server_errors(Db::Postgres).await;
}

/// A dataset id that is not UTF-8 once decoded is answered like every other DSP error: a `CatalogError`.
#[tokio::test]
async fn undecodable_dataset_ids_are_catalog_errors() {
    let c = provider(5, 100).await;
    let answer = c.dsp_get("/catalog/datasets/%FF", Some(DSP_TOKEN)).await;
    assert!(answer.status.is_client_error(), "{}", answer.status);
    answer.catalog_error(answer.status.as_u16());
    c.stop().await;
}

// The consumer side.

const B_TOKEN: &str = "token-of-connector-b-0123456789";

/// Connector A (36 offered products of 42, pages of 10, trusting [`B_TOKEN`]) and connector B, which presents
/// `b_token` to peers.
async fn pair(b_token: Option<&str>) -> (TestConnector, TestConnector) {
    let a = start_with(Db::Sqlite, |config| {
        config.catalog.page_size = 10;
        config.participant.id = Some(PROVIDER_ID.to_owned());
        config.dsp.tokens.push(StaticToken {
            token: B_TOKEN.to_owned(),
            participant: "did:web:b.example".to_owned(),
            claims: Default::default(),
        });
    })
    .await;
    seed(&a, 42).await;
    assert_eq!(expected(42, |_| true).len(), 36);
    let b = start_with(Db::Sqlite, |config| {
        config.dsp.outbound_token = b_token.map(str::to_owned);
        config.participant.id = Some("did:web:b.example".to_owned());
    })
    .await;
    (a, b)
}

#[tokio::test]
async fn a_peer_catalogue_is_read_whole_across_pages() {
    let (a, b) = pair(Some(B_TOKEN)).await;
    let want = expected(42, |_| true);
    let pages = a.walk_catalog(&request(json!([]))).await;
    assert_eq!(pages.len(), 4, "A's catalogue spans several pages");
    let direct: Vec<Value> = pages.iter().flat_map(|p| datasets(&p.json())).collect();

    for address in [a.url().to_owned(), a.dsp_base(), format!("{}/", a.url())] {
        let answer = b.post("/catalog/request", &json!({"counterPartyAddress": address})).await;
        assert_eq!(answer.status, StatusCode::OK, "{address}: {}", answer.text());
        let catalog = answer.json();
        assert_eq!(catalog["@type"], "Catalog", "{address}");
        assert_eq!(catalog["participantId"], PROVIDER_ID);
        let merged = datasets(&catalog);
        assert_eq!(ids(&merged), want, "{address}: every page, merged in order");
        for (merged, direct) in merged.iter().zip(&direct) {
            assert_eq!(merged["hasPolicy"], direct["hasPolicy"], "{address}");
            assert_eq!(
                merged["distribution"].as_array().map(Vec::len),
                direct["distribution"].as_array().map(Vec::len)
            );
        }
        for secret in SECRETS {
            assert!(!answer.text().contains(secret), "{secret}");
        }
    }
    // Filters are passed on.
    let answer = b
        .post("/catalog/request", &json!({"counterPartyAddress": a.url(), "filter": [{"ldtKind": "modelOutput"}]}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(ids(&datasets(&answer.json())), expected(42, |i| kind(i) == LdtKind::ModelOutput));
    b.stop().await;
    a.stop().await;
}

#[tokio::test]
async fn peer_failures_are_424_and_bad_addresses_400() {
    let (a, b) = pair(Some(B_TOKEN)).await;
    let problem = b.post("/catalog/request", &json!({"counterPartyAddress": "http://127.0.0.1:9"})).await.problem(424);
    assert!(problem["detail"].as_str().unwrap().contains("127.0.0.1:9"), "{problem}");
    for address in ["not a url", "", "ftp://127.0.0.1/dsp", "mailto:a@b.example", "127.0.0.1:8181"] {
        b.post("/catalog/request", &json!({"counterPartyAddress": address}))
            .await
            .invalid_field("/counterPartyAddress");
    }
    // A filter the peer does not support: its 400 is passed on as a 424.
    let problem = b
        .post("/catalog/request", &json!({"counterPartyAddress": a.url(), "filter": [{"colour": "red"}]}))
        .await
        .problem(424);
    assert!(problem["detail"].as_str().unwrap().contains("400"), "{problem}");
    b.stop().await;
    a.stop().await;
}

#[tokio::test]
async fn a_peer_that_refuses_the_token_is_a_424_naming_the_401() {
    for token in [None, Some("not-a-token-that-a-knows-0000")] {
        let (a, b) = pair(token).await;
        let problem = b.post("/catalog/request", &json!({"counterPartyAddress": a.url()})).await.problem(424);
        assert!(problem["detail"].as_str().unwrap().contains("401"), "token {token:?}: {problem}");
        b.stop().await;
        a.stop().await;
    }
}

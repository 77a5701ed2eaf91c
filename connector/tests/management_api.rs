//! The management API end to end over HTTP: CRUD round trips, cursor paging, and every error answer — each an RFC
//! 9457 problem with the right status, never a 5xx.
//!
//! Each test starts its own connector on a free port with its own database (see `common::connector`); the key ones
//! run on SQLite and PostgreSQL (`sqlite::…`, `postgres::…`), the rest on SQLite.

mod common;

use chrono::{DateTime, Utc};
use common::connector::{API_KEY, Answer, Body, DSP_TOKEN, MANAGEMENT, MAX_BODY_BYTES, TestConnector, enc, start};
use common::{Db, product};
use ldt_catalog::LdtKind;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Generates `sqlite::name` and `postgres::name` tokio tests for each `async fn name(db: Db)`.
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Db::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Db::Postgres).await
                }
            )*
        }
    };
}

both!(
    datasets_round_trip,
    policies_round_trip,
    offers_round_trip,
    lists_page_both_ways,
    taken_ids_are_conflicts,
    a_policy_in_use_cannot_be_deleted,
    offers_must_name_existing_records,
    keywords_with_a_nul_character_are_stored_or_refused,
    very_long_keywords_are_stored_or_refused,
);

const DEMO: &str = include_str!("../src/demo/traffic-ldt.json");

fn demo(kind: &str, index: usize) -> Value {
    let demo: Value = serde_json::from_str(DEMO).expect("the demo data is JSON");
    demo[kind][index].clone()
}

/// A small valid product document with the id `id`.
fn product_json(id: &str) -> Value {
    serde_json::to_value(product(id, LdtKind::Raw, &["traffic"])).unwrap()
}

/// A valid policy document with the id `id`.
fn policy_json(id: &str) -> Value {
    json!({"id": id, "policy": {"@type": "Set", "permission": [{"action": "use"}]}})
}

/// A valid offer of `datasets` under the contract policy `policy`.
fn offer_json(id: &str, policy: &str, datasets: &[&str]) -> Value {
    json!({"id": id, "contractPolicyId": policy, "datasets": {"ids": datasets}})
}

/// `record` without the timestamps the store adds.
fn without_timestamps(record: &Value) -> Value {
    let mut record = record.clone();
    let object = record.as_object_mut().expect("a record is an object");
    for key in ["createdAt", "updatedAt"] {
        assert!(object.remove(key).is_some_and(|t| t.is_string()), "{key} missing");
    }
    record
}

fn timestamp(record: &Value, key: &str) -> DateTime<Utc> {
    record[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {record}"))
        .parse()
        .unwrap_or_else(|error| panic!("{key} is not RFC 3339 ({error}): {record}"))
}

/// The path below `/management/v1` that a `Location` header names.
fn location_path(answer: &Answer) -> String {
    let location = answer.header("location").expect("a Location header");
    location
        .strip_prefix(MANAGEMENT)
        .unwrap_or_else(|| panic!("Location `{location}` is not below {MANAGEMENT}"))
        .to_owned()
}

/// POST → 201 + Location, GET, PUT, GET, DELETE → 204, then 404 on GET, PUT and DELETE — for one collection.
async fn round_trip(c: &TestConnector, collection: &str, document: Value, changed: Value) {
    let id = document["id"].as_str().unwrap().to_owned();
    let created = c.post(&format!("/{collection}"), &document).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.header("content-type").as_deref(), Some("application/json"));
    let path = location_path(&created);
    assert_eq!(path, format!("/{collection}/{}", enc(&id)));
    let created = created.json();
    assert_eq!(without_timestamps(&created), document);
    assert_eq!(created["createdAt"], created["updatedAt"]);

    let read = c.get(&path).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text());
    let read = read.json();
    assert_eq!(without_timestamps(&read), document);
    assert_eq!(
        timestamp(&read, "createdAt"),
        timestamp(&created, "createdAt"),
        "the stored createdAt differs from the one the 201 answered: {created} vs {read}"
    );

    let replaced = c.put(&path, &changed).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
    let replaced = replaced.json();
    assert_eq!(without_timestamps(&replaced), changed);
    assert_eq!(timestamp(&replaced, "createdAt"), timestamp(&read, "createdAt"));
    assert!(timestamp(&replaced, "updatedAt") >= timestamp(&read, "updatedAt"));

    let reread = c.get(&path).await;
    assert_eq!(reread.status, StatusCode::OK);
    assert_eq!(without_timestamps(&reread.json()), changed);

    let deleted = c.delete(&path).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text());
    assert!(deleted.body.is_empty());
    let gone = c.get(&path).await.problem(404);
    assert!(gone["detail"].as_str().unwrap().contains(&id), "{gone}");
    c.delete(&path).await.problem(404);
    c.put(&path, &changed).await.problem(404);
    let listed = c.get(&format!("/{collection}")).await.json();
    assert!(!listed["items"].as_array().unwrap().iter().any(|item| item["id"] == json!(id)), "{listed}");
}

async fn datasets_round_trip(db: Db) {
    let c = start(db).await;
    let mut dataset = demo("datasets", 0);
    dataset["id"] = json!("urn:ldt:eindhoven/traffic:counts-hourly");
    let mut changed = dataset.clone();
    changed["title"] = json!({"en": "Traffic counts per hour"});
    changed["keywords"]["en"] = json!(["traffic"]);
    changed["distributions"].as_array_mut().unwrap().pop();
    round_trip(&c, "datasets", dataset, changed).await;
    c.stop().await;
}

async fn policies_round_trip(db: Db) {
    let c = start(db).await;
    let mut policy = demo("policies", 1);
    policy["id"] = json!("https://city.example/policies/air-quality?days=30");
    let mut changed = policy.clone();
    changed["policy"]["prohibition"] = json!([]);
    round_trip(&c, "policies", policy, changed).await;
    c.stop().await;
}

async fn offers_round_trip(db: Db) {
    let c = start(db).await;
    for dataset in 0..3 {
        c.create("/datasets", &demo("datasets", dataset)).await;
    }
    for policy in 0..2 {
        c.create("/policies", &demo("policies", policy)).await;
    }
    // No access policy: every caller sees the offer (access policies are tested in policy_engine.rs).
    let offer = json!({
        "id": "urn:ldt:offer/prediction",
        "contractPolicyId": "air-quality-modelling-30-days",
        "datasets": {"ids": ["traffic-prediction-24h"]}
    });
    let mut changed = demo("offers", 0);
    changed["id"] = offer["id"].clone();

    // While the offer exists, its products are in the catalogue; after it is withdrawn they are not.
    let created = c.create("/offers", &offer).await;
    assert_eq!(without_timestamps(&created), offer);
    let prediction = "/catalog/datasets/traffic-prediction-24h";
    let counts = "/catalog/datasets/traffic-counts-hourly";
    assert_eq!(c.dsp_get(prediction, Some(DSP_TOKEN)).await.status, 200);
    assert_eq!(c.dsp_get(counts, Some(DSP_TOKEN)).await.status, 404);
    let withdrawn = c.delete(&format!("/offers/{}", enc("urn:ldt:offer/prediction"))).await;
    assert_eq!(withdrawn.status, StatusCode::NO_CONTENT);
    assert_eq!(c.dsp_get(prediction, Some(DSP_TOKEN)).await.status, 404);

    round_trip(&c, "offers", offer, changed).await;
    c.stop().await;
}

/// Creates 25 datasets, policies and offers (in scrambled order) and pages through each list.
async fn lists_page_both_ways(db: Db) {
    let c = start(db).await;
    let ids = |prefix: &str| -> Vec<String> { (0..25).map(|i| format!("{prefix}-{i:02}")).collect() };
    let scrambled = |i: usize| (i * 7) % 25;
    for i in 0..25 {
        let n = scrambled(i);
        c.create("/datasets", &product_json(&format!("ds-{n:02}"))).await;
        c.create("/policies", &policy_json(&format!("pol-{n:02}"))).await;
    }
    for i in 0..25 {
        let n = scrambled(i);
        let offer = offer_json(&format!("off-{n:02}"), "pol-00", &["ds-00"]);
        c.create("/offers", &offer).await;
    }
    for (collection, prefix) in [("datasets", "ds"), ("policies", "pol"), ("offers", "off")] {
        let expected = ids(prefix);
        let page = |query: String| {
            let c = &c;
            async move {
                let answer = c.get(&format!("/{collection}?{query}")).await;
                assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text());
                let body = answer.json();
                let items: Vec<String> = body["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .map(|item| item["id"].as_str().unwrap().to_owned())
                    .collect();
                let cursor = |key: &str| body.get(key).map(|c| c.as_str().unwrap().to_owned());
                (items, cursor("next"), cursor("previous"))
            }
        };
        let (first, next, previous) = page("limit=10".into()).await;
        assert_eq!(first, expected[..10], "{collection}");
        assert_eq!(previous, None);
        let (second, next, previous) = page(format!("limit=10&cursor={}", next.unwrap())).await;
        assert_eq!(second, expected[10..20], "{collection}");
        assert!(previous.is_some());
        let (third, last_next, previous) = page(format!("limit=10&cursor={}", next.unwrap())).await;
        assert_eq!(third, expected[20..], "{collection}");
        assert_eq!(last_next, None, "{collection}: a next cursor after the end");
        let (back, next, previous) = page(format!("limit=10&cursor={}", previous.unwrap())).await;
        assert_eq!(back, expected[10..20], "{collection}: previous of page 3");
        assert!(next.is_some());
        let (front, next, previous) = page(format!("limit=10&cursor={}", previous.unwrap())).await;
        assert_eq!(front, expected[..10], "{collection}: previous of page 2");
        assert_eq!(previous, None, "{collection}: a previous cursor before the start");
        assert!(next.is_some());

        let (all, next, previous) = page(String::new()).await;
        assert_eq!(all, expected, "{collection}: the default page holds all 25");
        assert_eq!((next, previous), (None, None));
        let (exact, next, _) = page("limit=25".into()).await;
        assert_eq!(exact.len(), 25);
        assert_eq!(next, None, "{collection}: a next cursor for an exactly full page");
        let (_, next, _) = page("limit=24".into()).await;
        let (rest, next, _) = page(format!("limit=24&cursor={}", next.unwrap())).await;
        assert_eq!(rest, expected[24..]);
        assert_eq!(next, None);
    }
    c.stop().await;
}

async fn taken_ids_are_conflicts(db: Db) {
    let c = start(db).await;
    let dataset = product_json("urn:ldt:dup");
    c.create("/datasets", &dataset).await;
    let mut other = dataset.clone();
    other["title"] = json!({"en": "Another product under the same id"});
    let conflict = c.post("/datasets", &other).await.problem(409);
    assert!(conflict["detail"].as_str().unwrap().contains("urn:ldt:dup"), "{conflict}");
    c.create("/policies", &policy_json("p")).await;
    c.post("/policies", &policy_json("p")).await.problem(409);
    c.create("/offers", &offer_json("o", "p", &["urn:ldt:dup"])).await;
    c.post("/offers", &offer_json("o", "p", &["urn:ldt:dup"])).await.problem(409);
    // The first versions are untouched.
    let stored = c.get(&format!("/datasets/{}", enc("urn:ldt:dup"))).await.json();
    assert_eq!(without_timestamps(&stored), dataset);
    c.stop().await;
}

async fn a_policy_in_use_cannot_be_deleted(db: Db) {
    let c = start(db).await;
    c.create("/datasets", &product_json("d")).await;
    c.create("/policies", &policy_json("contract")).await;
    c.create("/policies", &policy_json("access")).await;
    let mut offer = offer_json("uses-both", "contract", &["d"]);
    offer["accessPolicyId"] = json!("access");
    c.create("/offers", &offer).await;
    for policy in ["contract", "access"] {
        let conflict = c.delete(&format!("/policies/{policy}")).await.problem(409);
        assert!(conflict["detail"].as_str().unwrap().contains("uses-both"), "the conflict names the offer: {conflict}");
        assert_eq!(c.get(&format!("/policies/{policy}")).await.status, 200);
    }
    assert_eq!(c.delete("/offers/uses-both").await.status, 204);
    for policy in ["contract", "access"] {
        assert_eq!(c.delete(&format!("/policies/{policy}")).await.status, 204);
    }
    c.stop().await;
}

async fn offers_must_name_existing_records(db: Db) {
    let c = start(db).await;
    c.create("/datasets", &product_json("d1")).await;
    c.create("/policies", &policy_json("p")).await;
    let cases = [
        (offer_json("o", "no-such-policy", &["d1"]), "/contractPolicyId"),
        (
            {
                let mut offer = offer_json("o", "p", &["d1"]);
                offer["accessPolicyId"] = json!("no-such-policy");
                offer
            },
            "/accessPolicyId",
        ),
        (offer_json("o", "p", &["d1", "no-such-dataset"]), "/datasets/ids/1"),
    ];
    for (offer, pointer) in &cases {
        let body = c.post("/offers", offer).await.invalid_field(pointer);
        assert!(body["detail"].as_str().unwrap().contains("no-such"), "{body}");
    }
    c.get("/offers/o").await.problem(404);
    // The same checks on replace.
    c.create("/offers", &offer_json("o", "p", &["d1"])).await;
    for (offer, pointer) in &cases {
        c.put("/offers/o", offer).await.invalid_field(pointer);
    }
    let stored = c.get("/offers/o").await.json();
    assert_eq!(without_timestamps(&stored), offer_json("o", "p", &["d1"]));
    c.stop().await;
}

/// PostgreSQL text cannot hold NUL; a keyword is indexed as text. The answer may be 201 or 400, never a 5xx.
async fn keywords_with_a_nul_character_are_stored_or_refused(db: Db) {
    let c = start(db).await;
    let mut dataset = product_json("nul-keyword");
    dataset["keywords"] = json!({"en": ["traffic\u{0}jam"]});
    let mut offer = offer_json("nul-filter", "p", &[]);
    offer["datasets"] = json!({"matching": [{"keyword": "a\u{0}b"}]});
    c.create("/policies", &policy_json("p")).await;
    let mut failures = Vec::new();
    for (path, body) in [("/datasets", &dataset), ("/offers", &offer)] {
        let answer = c.post(path, body).await;
        if answer.status != StatusCode::CREATED && answer.status != StatusCode::BAD_REQUEST {
            failures.push(format!("POST {path} {body}: {} {}", answer.status, answer.text()));
        } else if answer.status == StatusCode::BAD_REQUEST {
            answer.problem(400);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    c.stop().await;
}

/// A keyword is indexed; a very long one (3500 characters, within the body limit) must be stored or refused with
/// a 400, never a 5xx (PostgreSQL btree entries are limited to about 2700 bytes).
async fn very_long_keywords_are_stored_or_refused(db: Db) {
    let c = start(db).await;
    // Hard to compress, so the database cannot squeeze it under its index limit.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let keyword: String = (0..3500)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[(state % 36) as usize])
        })
        .collect();
    let mut dataset = product_json("long-keyword");
    dataset["keywords"] = json!({"en": [keyword]});
    let answer = c.post("/datasets", &dataset).await;
    if answer.status == StatusCode::CREATED {
        let stored = c.get("/datasets/long-keyword").await.json();
        assert_eq!(stored["keywords"], dataset["keywords"]);
    } else {
        answer.problem(400);
    }
    c.stop().await;
}

/// Every endpoint that takes a body, with a valid body for it.
fn body_endpoints() -> Vec<(Method, &'static str, Value)> {
    vec![
        (Method::POST, "/datasets", product_json("ds-1")),
        (Method::PUT, "/datasets/ds-1", product_json("ds-1")),
        (Method::POST, "/policies", policy_json("p-1")),
        (Method::PUT, "/policies/p-1", policy_json("p-1")),
        (Method::POST, "/offers", offer_json("o-1", "p-1", &["ds-1"])),
        (Method::PUT, "/offers/o-1", offer_json("o-1", "p-1", &["ds-1"])),
        (Method::POST, "/catalog/request", json!({"counterPartyAddress": "http://127.0.0.1:9"})),
    ]
}

/// `valid` with the member at `pointer` set to `value`.
fn with(valid: &Value, pointer: &str, value: Value) -> Value {
    let mut body = valid.clone();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent =
        if parent.is_empty() { &mut body } else { body.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}")) };
    match parent {
        Value::Object(members) => {
            members.insert(key.to_owned(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        other => panic!("cannot set {pointer} in {other}"),
    }
    body
}

/// Wrong types, per collection: where in the valid body, the wrong value, and the pointer the problem must name.
fn wrong_types(path: &str) -> Vec<(&'static str, Value, &'static str)> {
    if path.starts_with("/datasets") {
        vec![
            ("/title", json!(5), "/title"),
            ("/distributions", json!({}), "/distributions"),
            ("/ldtKind", json!("cooked"), "/ldtKind"),
            ("/keywords", json!({"en": "traffic"}), "/keywords/en"),
            ("/title", json!({"en": ["a"]}), "/title/en"),
            ("/distributions/0/format", json!(7), "/distributions/0/format"),
            ("/id", json!(null), "/id"),
            ("/spatial", json!({"place": 5}), "/spatial/place"),
        ]
    } else if path.starts_with("/policies") {
        vec![("/id", json!(5), "/id"), ("/id", json!(["p-1"]), "/id"), ("/policy", json!("use it"), "/policy")]
    } else if path.starts_with("/offers") {
        vec![
            ("/contractPolicyId", json!(5), "/contractPolicyId"),
            ("/accessPolicyId", json!([]), "/accessPolicyId"),
            ("/datasets", json!([]), "/datasets"),
            ("/datasets", json!({"ids": "ds-1"}), "/datasets/ids"),
            ("/datasets", json!({"matching": [{"keyword": 5}]}), "/datasets/matching/0/keyword"),
        ]
    } else {
        vec![("/counterPartyAddress", json!(5), "/counterPartyAddress"), ("/filter", json!({}), "/filter")]
    }
}

#[tokio::test]
async fn malformed_bodies_are_400_problems() {
    let c = start(Db::Sqlite).await;
    for (method, path, valid) in body_endpoints() {
        let mut truncated = valid.to_string();
        truncated.truncate(truncated.len() / 2);
        let trailing = format!("{valid} {{}}");
        for raw in [truncated.as_str(), "", "not json", "{'id': 'single quotes'}", trailing.as_str(), "\u{feff}{}"] {
            let answer = c.api(method.clone(), path, Body::Raw(raw.as_bytes().to_vec())).await;
            let problem = answer.problem(400);
            assert!(problem["detail"].as_str().unwrap().contains("JSON"), "{method} {path} {raw:?}: {problem}");
        }
    }
    c.stop().await;
}

#[tokio::test]
async fn wrong_types_are_400_problems_naming_the_field() {
    let c = start(Db::Sqlite).await;
    let mut wrong = Vec::new();
    for (method, path, valid) in body_endpoints() {
        for (at, value, pointer) in wrong_types(path) {
            let body = with(&valid, at, value.clone());
            let answer = c.api(method.clone(), path, Body::Json(&body)).await;
            let problem = answer.problem(400);
            if problem["errors"][0]["pointer"] != json!(pointer) {
                wrong.push(format!(
                    "{method} {path} with {at} = {value}: expected the pointer {pointer}, got {problem}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Nothing was created along the way.
    for collection in ["datasets", "policies", "offers"] {
        let list = c.get(&format!("/{collection}")).await.json();
        assert_eq!(list["items"], json!([]), "{collection}");
    }
    c.stop().await;
}

#[tokio::test]
async fn unknown_fields_are_400_problems() {
    let c = start(Db::Sqlite).await;
    for (method, path, valid) in body_endpoints() {
        let mut body = valid.clone();
        body["colour"] = json!("red");
        let problem = c.api(method.clone(), path, Body::Json(&body)).await.problem(400);
        assert!(problem.to_string().contains("colour"), "{method} {path}: the problem names the field: {problem}");
    }
    // Nested unknown fields too.
    let mut dataset = product_json("ds-1");
    dataset["distributions"][0]["colour"] = json!("red");
    let problem = c.post("/datasets", &dataset).await.problem(400);
    assert!(problem.to_string().contains("colour"), "{problem}");
    c.stop().await;
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_problems() {
    let c = start(Db::Sqlite).await;
    for (method, path, valid) in body_endpoints() {
        // Exactly at the limit the body is read (and refused for its unknown field); one byte more is too large.
        let base = {
            let mut body = valid.clone();
            body["padding"] = json!("");
            body.to_string().len()
        };
        let padded = |size: usize| {
            let mut body = valid.clone();
            body["padding"] = json!("x".repeat(size - base));
            let bytes = body.to_string().into_bytes();
            assert_eq!(bytes.len(), size);
            bytes
        };
        let at_limit = c.api(method.clone(), path, Body::Raw(padded(MAX_BODY_BYTES))).await;
        at_limit.problem(400);
        let over = c.api(method.clone(), path, Body::Raw(padded(MAX_BODY_BYTES + 1))).await;
        over.problem(413);
        let far_over = c.api(method.clone(), path, Body::Raw(padded(MAX_BODY_BYTES * 20))).await;
        far_over.problem(413);
    }
    c.stop().await;
}

#[tokio::test]
async fn put_with_another_id_in_the_body_is_a_400_on_id() {
    let c = start(Db::Sqlite).await;
    c.create("/datasets", &product_json("a")).await;
    c.create("/datasets", &product_json("b")).await;
    c.create("/policies", &policy_json("a")).await;
    c.create("/offers", &offer_json("a", "a", &["a"])).await;
    let bodies =
        [("datasets", product_json("b")), ("policies", policy_json("b")), ("offers", offer_json("b", "a", &["a"]))];
    for (collection, body) in &bodies {
        let problem = c.put(&format!("/{collection}/a"), body).await.invalid_field("/id");
        assert!(problem["detail"].as_str().unwrap().contains("`b`"), "{problem}");
    }
    let a = c.get("/datasets/a").await.json();
    assert_eq!(without_timestamps(&a), product_json("a"));
    c.stop().await;
}

#[tokio::test]
async fn bad_list_parameters_are_400_problems() {
    let c = start(Db::Sqlite).await;
    c.create("/datasets", &product_json("a")).await;
    // Base64url of "zkey": well-formed base64 but not a cursor of this connector.
    let foreign = "emtleQ";
    for collection in ["datasets", "policies", "offers"] {
        assert_eq!(c.get(&format!("/{collection}?limit=1000")).await.status, StatusCode::OK);
        assert_eq!(c.get(&format!("/{collection}?limit=1")).await.status, StatusCode::OK);
        for (query, names) in [
            ("limit=0", "limit"),
            ("limit=1001", "limit"),
            ("limit=5000", "limit"),
            ("limit=x", "limit"),
            ("limit=-1", "limit"),
            ("limit=", "limit"),
            ("limit=99999999999999999999999", "limit"),
            ("cursor=not%20a%20cursor!", "cursor"),
            ("cursor=%FF%FE", "cursor"),
            ("cursor=", "cursor"),
        ] {
            let problem = c.get(&format!("/{collection}?{query}")).await.problem(400);
            assert!(problem.to_string().contains(names), "{collection}?{query}: {problem}");
        }
        let problem = c.get(&format!("/{collection}?cursor={foreign}")).await.problem(400);
        assert!(problem.to_string().contains("cursor"), "{problem}");
    }
    c.stop().await;
}

#[tokio::test]
async fn unknown_ids_are_404_problems() {
    let c = start(Db::Sqlite).await;
    let id = "urn:ldt:no/such:record";
    let bodies =
        [("datasets", product_json(id)), ("policies", policy_json(id)), ("offers", offer_json(id, "p", &["d"]))];
    for (collection, body) in &bodies {
        let path = format!("/{collection}/{}", enc(id));
        for answer in [c.get(&path).await, c.put(&path, body).await, c.delete(&path).await] {
            let problem = answer.problem(404);
            assert!(problem["detail"].as_str().unwrap().contains(id), "{problem}");
        }
    }
    c.get("/no-such-endpoint").await.problem(404);
    c.stop().await;
}

/// A path id that is not UTF-8 once decoded is a 4xx problem.
#[tokio::test]
async fn undecodable_path_ids_are_400_problems() {
    let c = start(Db::Sqlite).await;
    for collection in ["datasets", "policies", "offers"] {
        c.get(&format!("/{collection}/%FF")).await.problem(400);
        c.delete(&format!("/{collection}/%FF")).await.problem(400);
    }
    c.stop().await;
}

/// Whatever id the API accepts, the `Location` it answers leads back to the record.
#[tokio::test]
async fn every_accepted_id_is_reachable_at_its_location() {
    let c = start(Db::Sqlite).await;
    let mut unreachable = Vec::new();
    for id in ["urn:ldt:a:b", "city/traffic/counts", "a+b", "a%20b", "q?x=1#frag", "ünïcödé", "..", "."] {
        let answer = c.post("/datasets", &product_json(id)).await;
        if answer.status != StatusCode::CREATED {
            answer.problem(400);
            continue;
        }
        let path = location_path(&answer);
        let read = c.get(&path).await;
        if read.status != StatusCode::OK || read.json()["id"] != json!(id) {
            unreachable.push(format!("id {id:?}: GET of its Location {path} answered {} {}", read.status, read.text()));
        } else {
            assert_eq!(c.delete(&path).await.status, StatusCode::NO_CONTENT, "{id:?}");
        }
    }
    assert!(unreachable.is_empty(), "{}", unreachable.join("\n"));
    c.stop().await;
}

#[tokio::test]
async fn the_api_key_is_required_on_every_route() {
    let c = start(Db::Sqlite).await;
    let routes: Vec<(Method, &str, Option<Value>)> = vec![
        (Method::GET, "/datasets", None),
        (Method::POST, "/datasets", Some(product_json("x"))),
        (Method::GET, "/datasets/x", None),
        (Method::PUT, "/datasets/x", Some(product_json("x"))),
        (Method::DELETE, "/datasets/x", None),
        (Method::GET, "/policies", None),
        (Method::POST, "/policies", Some(policy_json("x"))),
        (Method::GET, "/policies/x", None),
        (Method::PUT, "/policies/x", Some(policy_json("x"))),
        (Method::DELETE, "/policies/x", None),
        (Method::GET, "/offers", None),
        (Method::POST, "/offers", Some(offer_json("x", "x", &["x"]))),
        (Method::GET, "/offers/x", None),
        (Method::PUT, "/offers/x", Some(offer_json("x", "x", &["x"]))),
        (Method::DELETE, "/offers/x", None),
        (Method::POST, "/catalog/request", Some(json!({"counterPartyAddress": "http://127.0.0.1:9"}))),
        (Method::GET, "/authority/members", None),
        (Method::POST, "/authority/members/did%3Aweb%3Ax/approve", None),
        (Method::POST, "/membership/apply", Some(json!({"authorityAddress": "http://127.0.0.1:9"}))),
        (Method::POST, "/participants/request", Some(json!({"authorityAddress": "http://127.0.0.1:9"}))),
        (Method::POST, "/membership/credentials/request", Some(json!({"authorityAddress": "http://127.0.0.1:9"}))),
        (Method::GET, "/openapi.json", None),
    ];
    let wrong_keys =
        [None, Some(""), Some("wrong-key-0123456789abcdef"), Some(&API_KEY[..API_KEY.len() - 1]), Some(DSP_TOKEN)];
    let longer = format!("{API_KEY}x");
    let upper = API_KEY.to_uppercase();
    for (method, path, body) in &routes {
        for key in wrong_keys.iter().copied().chain([Some(longer.as_str()), Some(upper.as_str())]) {
            let body = match body {
                Some(body) => Body::Json(body),
                None => Body::None,
            };
            let answer = c.api_with_key(method.clone(), path, key, body).await;
            let problem = answer.problem(401);
            assert!(problem["detail"].as_str().unwrap().contains("X-Api-Key"), "{method} {path}: {problem}");
        }
        // An over-limit body without the key is refused for the key, not read.
        if body.is_some() {
            let big = vec![b'x'; MAX_BODY_BYTES * 2];
            c.api_with_key(method.clone(), path, None, Body::Raw(big)).await.problem(401);
        }
    }
    // The key in another header does not count.
    let answer = c.http().get(format!("{}{MANAGEMENT}/datasets", c.url())).bearer_auth(API_KEY).send().await.unwrap();
    Answer::read(answer).await.problem(401);
    // Nothing was written by the refused requests.
    for collection in ["datasets", "policies", "offers"] {
        let list = c.get(&format!("/{collection}")).await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(list.json()["items"], json!([]), "{collection}");
    }
    c.stop().await;
}

#[tokio::test]
async fn the_openapi_document_describes_every_path_and_the_key() {
    let c = start(Db::Sqlite).await;
    let answer = c.get("/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.header("content-type").is_some_and(|t| t.starts_with("application/json")),
        "{:?}",
        answer.header("content-type")
    );
    let document = answer.json();
    assert!(document["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "openapi: {}", document["openapi"]);
    assert!(document["info"]["title"].is_string());
    let paths = document["paths"].as_object().expect("paths");
    for (path, methods) in [
        ("/datasets", &["get", "post"][..]),
        ("/datasets/{id}", &["get", "put", "delete"][..]),
        ("/policies", &["get", "post"][..]),
        ("/policies/{id}", &["get", "put", "delete"][..]),
        ("/policies/evaluate", &["post"][..]),
        ("/offers", &["get", "post"][..]),
        ("/offers/{id}", &["get", "put", "delete"][..]),
        ("/catalog/request", &["post"][..]),
        ("/authority/members", &["get"][..]),
        ("/authority/members/{did}/{decision}", &["post"][..]),
        ("/membership/apply", &["post"][..]),
        ("/participants/request", &["post"][..]),
        ("/membership/credentials/request", &["post"][..]),
        ("/negotiations", &["get", "post"][..]),
        ("/negotiations/{pid}", &["get"][..]),
        ("/negotiations/{pid}/{action}", &["post"][..]),
        ("/agreements", &["get"][..]),
        ("/agreements/{id}", &["get"][..]),
        ("/events", &["get"][..]),
        ("/transfers", &["get", "post"][..]),
        ("/transfers/{pid}", &["get"][..]),
        ("/transfers/{pid}/{action}", &["post"][..]),
        ("/slcs", &["get", "post"][..]),
        ("/slcs/{id}", &["get", "put", "delete"][..]),
        ("/slcs/assess", &["post"][..]),
        ("/slcs/discover", &["post"][..]),
    ] {
        let item = paths.get(path).unwrap_or_else(|| panic!("{path} is missing: {:?}", paths.keys()));
        for method in methods {
            assert!(item.get(*method).is_some(), "{method} {path} is missing");
        }
    }
    assert_eq!(paths.len(), 26, "unexpected paths: {:?}", paths.keys());
    let scheme = &document["components"]["securitySchemes"]["api_key"];
    assert_eq!(scheme["type"], "apiKey", "{scheme}");
    assert_eq!(scheme["in"], "header", "{scheme}");
    assert!(scheme["name"].as_str().is_some_and(|name| name.eq_ignore_ascii_case("x-api-key")), "{scheme}");
    assert!(
        document["security"].as_array().is_some_and(|all| all.iter().any(|s| s.get("api_key").is_some())),
        "the key is not required globally: {}",
        document["security"]
    );
    assert!(
        document["servers"][0]["url"].as_str().is_some_and(|url| url.ends_with(MANAGEMENT)),
        "{}",
        document["servers"]
    );
    c.stop().await;
}

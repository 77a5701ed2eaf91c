//! Running connectors for end-to-end HTTP tests: each test starts its own connector on `127.0.0.1:0` with its own
//! data directory, a known management API key and a known DSP token, and talks to it over real HTTP.
//!
//! [`TestConnector`] wraps a [`RunningConnector`] with a small client: management calls (`X-Api-Key`), DSP calls
//! (bearer token, optional gzip), `Link`-header paging, and seeding through the store. [`Answer`] is a fully read
//! HTTP answer with checks for RFC 9457 problems and DSP `CatalogError` bodies.

#![allow(dead_code)]

use std::io::Read as _;
use std::net::SocketAddr;

use flate2::read::GzDecoder;
use ldt_catalog::DataProduct;
use ldt_catalog::offer::{DatasetSelector, Offer};
use ldt_connector::app::{self, AppState, RunningConnector};
use ldt_connector::config::{Config, StaticToken};
use ldt_connector::store::Store;
use ldt_connector::store::policies::PolicyDocument;
use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;

use super::{Db, test_config};

/// The management API key of every test connector.
pub const API_KEY: &str = "test-management-api-key-0123456789";
/// The DSP bearer token every test connector accepts, for [`PEER_ID`].
pub const DSP_TOKEN: &str = "test-dsp-token-abcdefghijklmnop";
/// The participant that presents [`DSP_TOKEN`].
pub const PEER_ID: &str = "did:web:consumer.example";
/// The request body limit of every test connector (`server.max_body_bytes`).
pub const MAX_BODY_BYTES: usize = 4096;
/// The DSP 2025-1 context IRI.
pub const DSP_CONTEXT: &str = "https://w3id.org/dspace/2025/1/context.jsonld";
/// The management API path.
pub const MANAGEMENT: &str = "/management/v1";

/// The custom left operand test connectors read from a caller's `membership.status` claim.
pub const MEMBERSHIP_CLAIM: &str = "https://w3id.org/ldt-connector/claims/membership";

/// A connector serving on a free local port, with the directory that holds its data.
pub struct TestConnector {
    running: RunningConnector,
    http: reqwest::Client,
    _dir: TempDir,
}

/// Starts a connector on `db` with the test defaults (see [`start_with`]).
pub async fn start(db: Db) -> TestConnector {
    start_with(db, |_| {}).await
}

/// Starts a connector on `db`: port 0 on 127.0.0.1, API key [`API_KEY`], DSP token [`DSP_TOKEN`] for [`PEER_ID`],
/// body limit [`MAX_BODY_BYTES`]; `adjust` may change anything before it starts.
pub async fn start_with(db: Db, adjust: impl FnOnce(&mut Config)) -> TestConnector {
    let (mut config, dir) = test_config(db).await;
    config.server.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    config.server.max_body_bytes = MAX_BODY_BYTES;
    config.management.api_key = Some(API_KEY.to_owned());
    config.dsp.tokens =
        vec![StaticToken { token: DSP_TOKEN.to_owned(), participant: PEER_ID.to_owned(), claims: Default::default() }];
    config.participant.id = Some("did:web:provider.example".to_owned());
    config.policy.claims.insert(MEMBERSHIP_CLAIM.to_owned(), "/membership/status".to_owned());
    adjust(&mut config);
    config.validate().expect("the test configuration is valid");
    let running = app::start(config).await.expect("the test connector starts");
    assert_eq!(&*running.state.management_key, API_KEY);
    TestConnector { running, http: client(), _dir: dir }
}

/// An HTTP client that neither asks for nor undoes compression, so tests see exactly what was sent.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_gzip().build().expect("an HTTP client")
}

/// `id` percent-encoded for use as one path segment.
pub fn enc(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

/// A request body.
pub enum Body<'a> {
    /// No body.
    None,
    /// A JSON value.
    Json(&'a Value),
    /// Bytes sent as they are, labelled `application/json`.
    Raw(Vec<u8>),
}

impl TestConnector {
    /// Its root URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        self.running.url()
    }

    /// The URL it really listens on (differs from [`TestConnector::url`] when `server.public_url` is set).
    pub fn local_url(&self) -> String {
        format!("http://{}", self.running.local_addr)
    }

    /// Its DSP base URL.
    pub fn dsp_base(&self) -> String {
        format!("{}/dsp", self.url())
    }

    /// Its shared state.
    pub fn state(&self) -> &AppState {
        &self.running.state
    }

    /// Its store.
    pub fn store(&self) -> &Store {
        &self.running.state.store
    }

    /// The client the test talks through.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Stops it and closes its database.
    pub async fn stop(self) {
        let TestConnector { running, http, .. } = self;
        drop(http);
        running.stop().await.expect("the connector stops cleanly");
    }

    /// Stops it and starts it again on the same port, data directory and database.
    pub async fn restart(self) -> TestConnector {
        self.restart_with(async |_| {}).await
    }

    /// Stops it, runs `between` with its configuration, and starts it again on the same port, data directory and
    /// database.
    pub async fn restart_with(self, between: impl AsyncFnOnce(&Config)) -> TestConnector {
        let TestConnector { running, http, _dir } = self;
        let mut config = (*running.state.config).clone();
        config.server.bind = running.local_addr;
        running.stop().await.expect("the connector stops cleanly");
        between(&config).await;
        let running = app::start(config).await.expect("the test connector starts again");
        TestConnector { running, http, _dir }
    }

    /// A management call with the right API key; `path` is relative to `/management/v1`.
    pub async fn api(&self, method: Method, path: &str, body: Body<'_>) -> Answer {
        self.api_with_key(method, path, Some(API_KEY), body).await
    }

    /// A management call with `key` (or none) in `X-Api-Key`.
    pub async fn api_with_key(&self, method: Method, path: &str, key: Option<&str>, body: Body<'_>) -> Answer {
        let url = format!("{}{MANAGEMENT}{path}", self.url());
        let mut request = self.http.request(method, url);
        if let Some(key) = key {
            request = request.header("X-Api-Key", key);
        }
        request = match body {
            Body::None => request,
            Body::Json(value) => request.json(value),
            Body::Raw(bytes) => request.header(header::CONTENT_TYPE, "application/json").body(bytes),
        };
        Answer::read(request.send().await.expect("the connector answers")).await
    }

    /// `GET /management/v1{path}`.
    pub async fn get(&self, path: &str) -> Answer {
        self.api(Method::GET, path, Body::None).await
    }

    /// `POST /management/v1{path}` with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.api(Method::POST, path, Body::Json(body)).await
    }

    /// `PUT /management/v1{path}` with a JSON body.
    pub async fn put(&self, path: &str, body: &Value) -> Answer {
        self.api(Method::PUT, path, Body::Json(body)).await
    }

    /// `DELETE /management/v1{path}`.
    pub async fn delete(&self, path: &str) -> Answer {
        self.api(Method::DELETE, path, Body::None).await
    }

    /// `POST /management/v1{path}`, expecting 201; returns the created record.
    pub async fn create(&self, path: &str, body: &Value) -> Value {
        let answer = self.post(path, body).await;
        assert_eq!(answer.status, StatusCode::CREATED, "POST {path}: {}", answer.text());
        answer.json()
    }

    /// A DSP `POST` of `body` to the absolute `url` with `token` (or none) as bearer token; `gzip` adds
    /// `Accept-Encoding: gzip`.
    pub async fn dsp_post(&self, url: &str, token: Option<&str>, body: Body<'_>, gzip: bool) -> Answer {
        let mut request = self.http.post(url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if gzip {
            request = request.header(header::ACCEPT_ENCODING, "gzip");
        }
        request = match body {
            Body::None => request,
            Body::Json(value) => request.json(value),
            Body::Raw(bytes) => request.header(header::CONTENT_TYPE, "application/json").body(bytes),
        };
        Answer::read(request.send().await.expect("the connector answers")).await
    }

    /// A DSP `GET` of `path` below the DSP base with `token` (or none).
    pub async fn dsp_get(&self, path: &str, token: Option<&str>) -> Answer {
        let mut request = self.http.get(format!("{}{path}", self.dsp_base()));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Answer::read(request.send().await.expect("the connector answers")).await
    }

    /// The first page of the catalogue for the request message `body`, with [`DSP_TOKEN`].
    pub async fn catalog_request(&self, body: &Value) -> Answer {
        let url = format!("{}/catalog/request", self.dsp_base());
        self.dsp_post(&url, Some(DSP_TOKEN), Body::Json(body), false).await
    }

    /// Every page of the catalogue for `body`, following `Link: rel="next"` (POSTing the same body each time);
    /// panics on an answer that is not 200 or on more than 1000 pages.
    pub async fn walk_catalog(&self, body: &Value) -> Vec<Answer> {
        let mut url = format!("{}/catalog/request", self.dsp_base());
        let mut pages = Vec::new();
        for _ in 0..1000 {
            let page = self.dsp_post(&url, Some(DSP_TOKEN), Body::Json(body), false).await;
            assert_eq!(page.status, StatusCode::OK, "{url}: {}", page.text());
            let next = page.link("next");
            pages.push(page);
            match next {
                Some(next) => url = next,
                None => return pages,
            }
        }
        panic!("the catalogue has more than 1000 pages");
    }

    /// Stores `products` in one batch.
    pub async fn seed_products(&self, products: &[DataProduct]) {
        self.store().create_products(products).await.expect("the products are stored");
    }

    /// Stores the policy `id` with the ODRL document `policy`.
    pub async fn seed_policy(&self, id: &str, policy: Value) {
        self.store().create_policy(&PolicyDocument { id: id.to_owned(), policy }).await.expect("the policy is stored");
    }

    /// Stores the offer `id` of `datasets` under the contract policy `policy_id`.
    pub async fn seed_offer(&self, id: &str, policy_id: &str, datasets: DatasetSelector) {
        self.store()
            .create_offer(&Offer {
                id: id.to_owned(),
                access_policy_id: None,
                contract_policy_id: policy_id.to_owned(),
                datasets,
            })
            .await
            .expect("the offer is stored");
    }
}

/// A whole HTTP answer.
#[derive(Debug)]
pub struct Answer {
    /// Its status.
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body, as sent (not decompressed).
    pub body: Vec<u8>,
}

impl Answer {
    /// Reads the whole answer.
    pub async fn read(response: reqwest::Response) -> Answer {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("the answer's body is readable").to_vec();
        Answer { status, headers, body }
    }

    /// The header `name` as text, if present.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|value| value.to_str().expect("a text header").to_owned())
    }

    /// The body as text (lossy), gunzipped when the answer says it is gzip.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.decoded()).into_owned()
    }

    /// The body, gunzipped when `Content-Encoding: gzip`.
    pub fn decoded(&self) -> Vec<u8> {
        if self.header("content-encoding").as_deref() == Some("gzip") {
            let mut out = Vec::new();
            GzDecoder::new(&self.body[..]).read_to_end(&mut out).expect("the body gunzips");
            out
        } else {
            self.body.clone()
        }
    }

    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.decoded())
            .unwrap_or_else(|error| panic!("status {}: the body is not JSON ({error}): {}", self.status, self.text()))
    }

    /// The target of the `Link` header with `rel="<rel>"`, if any.
    pub fn link(&self, rel: &str) -> Option<String> {
        let wanted = format!("rel=\"{rel}\"");
        let mut found = self
            .headers
            .get_all(header::LINK)
            .iter()
            .map(|value| value.to_str().expect("a text Link header"))
            .flat_map(|value| value.split(','))
            .filter_map(|link| {
                let (target, params) = link.trim().split_once(';')?;
                params.split(';').any(|param| param.trim() == wanted).then(|| {
                    target
                        .trim()
                        .strip_prefix('<')
                        .and_then(|t| t.strip_suffix('>'))
                        .expect("a Link target in <…>")
                        .to_owned()
                })
            });
        let first = found.next();
        assert!(found.next().is_none(), "two Link headers with {wanted}");
        first
    }

    /// Asserts an RFC 9457 problem with `status` (HTTP status, `application/problem+json`, a JSON body whose
    /// `status` is the same and whose `detail` is a non-empty string); returns the body.
    #[track_caller]
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "expected a {status} problem, got {}: {}", self.status, self.text());
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "status {}: {}",
            self.status,
            self.text()
        );
        let body = self.json();
        assert_eq!(body["status"], json!(status), "{body}");
        assert!(body["detail"].as_str().is_some_and(|d| !d.trim().is_empty()), "no detail: {body}");
        assert!(body["title"].is_string(), "no title: {body}");
        body
    }

    /// Asserts a 400 problem whose first field error points at `pointer`; returns the body.
    #[track_caller]
    pub fn invalid_field(&self, pointer: &str) -> Value {
        let body = self.problem(400);
        assert_eq!(body["errors"][0]["pointer"], json!(pointer), "wrong pointer: {body}");
        assert!(body["errors"][0]["detail"].as_str().is_some_and(|d| !d.is_empty()), "{body}");
        body
    }

    /// Asserts a DSP `CatalogError` with `status` (`@type`, a `code` and a non-empty `reason` array of strings);
    /// returns the body.
    #[track_caller]
    pub fn catalog_error(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "expected a {status} CatalogError, got {}: {}",
            self.status,
            self.text()
        );
        let body = self.json();
        assert_eq!(body["@type"], "CatalogError", "{body}");
        assert!(body["code"].as_str().is_some_and(|code| !code.is_empty()), "no code: {body}");
        let reasons = body["reason"].as_array().expect("reason is an array");
        assert!(!reasons.is_empty(), "no reason: {body}");
        assert!(reasons.iter().all(|reason| reason.as_str().is_some_and(|r| !r.is_empty())), "{body}");
        body
    }
}

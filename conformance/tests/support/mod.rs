//! A small fake DSP connector served on 127.0.0.1, in several flavours of (mis)behaviour.

pub mod negotiation;
pub mod process;
pub mod transfer;

use std::io::Write as _;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ldt_conformance::negotiation::Negotiation;
use ldt_conformance::transfer::Transfer;
use serde_json::{Value, json};
use url::Url;

pub use process::TRIGGER_KEY;

pub const TOKEN: &str = "secret-token";
pub const DATASET: &str = "urn:ldt:dataset/1 with:odd chars";

pub fn example(path: &str) -> Value {
    let file = format!("{}/../../shared/dsp-2025-1/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// How the fake connector behaves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fake {
    /// Spec-conforming: paginated, gzip-compressed catalogue, token required.
    Good,
    /// Catalogue answers 500, datasets answer non-JSON 200s.
    Broken,
    /// Version endpoint missing (404).
    NoVersion,
    /// Catalogue lacks `participantId`; unknown datasets answer 404 with an empty body; its
    /// data addresses lack the HTTP endpoint type and `authType`.
    Sloppy,
    /// Like `Good`, but takes every negotiation and transfer message, legal or not.
    Lax,
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn catalog_error() -> Value {
    example("catalog/example/catalog-error.json")
}

fn dataset() -> Value {
    dataset_with_id(DATASET)
}

/// The example dataset under `id`, with the fake's offer for it.
fn dataset_with_id(id: &str) -> Value {
    let mut dataset = example("catalog/example/dataset.json");
    dataset["@id"] = json!(id);
    dataset["hasPolicy"][0]["@id"] = json!(negotiation::offer_id(id));
    dataset
}

fn authorised(headers: &HeaderMap) -> bool {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"))
}

async fn version(State(fake): State<Fake>, headers: HeaderMap) -> Response {
    if fake == Fake::NoVersion {
        return StatusCode::NOT_FOUND.into_response();
    }
    if headers.contains_key(header::AUTHORIZATION) {
        return (StatusCode::BAD_REQUEST, "the version endpoint is unauthenticated").into_response();
    }
    json_response(
        StatusCode::OK,
        &json!({"protocolVersions": [
            {"version": "2024-1", "path": "/old", "binding": "HTTPS"},
            {"version": "2025-1", "path": "/dsp/", "binding": "HTTPS"}
        ]}),
    )
}

async fn catalog(State(fake): State<Fake>, request: Request) -> Response {
    if fake == Fake::Broken {
        return (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response();
    }
    if !authorised(request.headers()) {
        return json_response(StatusCode::UNAUTHORIZED, &catalog_error());
    }
    let second_page = request.uri().query() == Some("page=2");
    let Ok(body) = axum::body::to_bytes(request.into_body(), 1 << 20).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Ok(message) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if message["@type"] != "CatalogRequestMessage" {
        return json_response(StatusCode::BAD_REQUEST, &catalog_error());
    }
    let mut catalog = example("catalog/example/catalog.json");
    if fake == Fake::Sloppy {
        catalog.as_object_mut().map(|c| c.remove("participantId"));
    }
    if !second_page {
        // First page: someone else's dataset, gzip-compressed, with a relative next link.
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        if encoder.write_all(catalog.to_string().as_bytes()).is_err() {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        let Ok(gzipped) = encoder.finish() else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        return (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_ENCODING, "gzip"),
                (header::LINK, "</dsp/catalog/request?page=2>; rel=\"next\""),
            ],
            gzipped,
        )
            .into_response();
    }
    catalog["dataset"] = json!([dataset()]);
    json_response(StatusCode::OK, &catalog)
}

async fn dataset_by_id(State(fake): State<Fake>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if fake == Fake::Broken {
        return (StatusCode::OK, "<html>not json</html>").into_response();
    }
    if !authorised(&headers) {
        return json_response(StatusCode::UNAUTHORIZED, &catalog_error());
    }
    if id == DATASET || id.starts_with("cn-") || id.starts_with("tp-") {
        json_response(StatusCode::OK, &dataset_with_id(&id))
    } else if fake == Fake::Sloppy {
        StatusCode::NOT_FOUND.into_response()
    } else {
        json_response(StatusCode::NOT_FOUND, &catalog_error())
    }
}

/// Serves `fake` on an ephemeral loopback port; returns its root URL. Its webhooks are at
/// [`trigger_url`] and [`transfer_trigger_url`].
pub async fn serve(fake: Fake) -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let root = Url::parse(&format!("http://{addr}/")).expect("url");
    let agreements = process::Agreements::default();
    let app = Router::new()
        .route("/.well-known/dspace-version", get(version))
        .route("/dsp/catalog/request", post(catalog))
        .route("/dsp/catalog/datasets/{id}", get(dataset_by_id))
        .with_state(fake)
        .merge(process::router::<Negotiation>(root.clone(), fake, agreements.clone()))
        .merge(process::router::<Transfer>(root.clone(), fake, agreements));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Url::parse(&format!("http://{addr}")).expect("url")
}

/// The negotiation webhook of the fake served at `root`.
pub fn trigger_url(root: &Url) -> Url {
    root.join(<Negotiation as process::Scripted>::TRIGGER).expect("url")
}

/// The transfer webhook of the fake served at `root`.
pub fn transfer_trigger_url(root: &Url) -> Url {
    root.join(<Transfer as process::Scripted>::TRIGGER).expect("url")
}

//! The catalogue, provider side: `POST <base>/catalog/request` (paged with `Link` headers) and
//! `GET <base>/catalog/datasets/:id`.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use ldt_catalog::dsp::{DatasetEntry, catalog, dataset};
use ldt_catalog::paging::Cursor;
use ldt_catalog::terms::TermFilter;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::caller::Authenticated;
use super::error::DspError;
use super::message::DspMessage;
use crate::app::AppState;
use crate::store::catalog::CatalogEntry;

/// A `CatalogRequestMessage`.
#[derive(Debug, Deserialize)]
pub struct CatalogRequestMessage {
    /// Must be `CatalogRequestMessage`.
    #[serde(rename = "@type")]
    pub message_type: String,
    /// Filters: each a one-member object such as `{"keyword": "traffic"}`, `{"theme": IRI}`,
    /// `{"conformsTo": IRI}` or `{"ldtKind": "modelOutput"}`; all must hold.
    #[serde(default)]
    pub filter: Vec<Value>,
}

/// Where a catalogue page starts.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    /// An opaque cursor from a `Link` header.
    pub cursor: Option<String>,
}

/// `POST <base>/catalog/request`: a page of the catalogue, with `Link` headers to the next and previous pages.
pub async fn request_catalog(
    State(state): State<AppState>,
    Extension(Authenticated(caller)): Extension<Authenticated>,
    Query(page): Query<PageQuery>,
    DspMessage(message): DspMessage<CatalogRequestMessage>,
) -> Result<Response, DspError> {
    if message.message_type != "CatalogRequestMessage" {
        return Err(DspError::bad_request(
            "InvalidMessage",
            format!(
                "expected a CatalogRequestMessage, got `{}`",
                message.message_type
            ),
        ));
    }
    let filters = read_filters(&message.filter)?;
    let cursor = match page.cursor.as_deref() {
        None => None,
        Some(token) => Some(Cursor::decode(token).ok_or_else(|| {
            DspError::bad_request(
                "InvalidCursor",
                "the cursor is not one this connector handed out",
            )
        })?),
    };
    let page = state
        .store
        .catalog_page(&filters, cursor.as_ref(), state.config.catalog.page_size)
        .await?;
    tracing::debug!(caller = %caller.participant_id, datasets = page.items.len(), "catalogue page served");
    let offers: Vec<Vec<(&str, &Map<String, Value>)>> =
        page.items.iter().map(borrowed_offers).collect();
    let entries: Vec<DatasetEntry> = page
        .items
        .iter()
        .zip(&offers)
        .map(|(item, offers)| DatasetEntry {
            product: &item.product,
            offers,
        })
        .collect();
    let body = serde_json::to_vec(&catalog(&state.catalog_info, &entries)).map_err(internal)?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (relation, cursor) in [("next", &page.next), ("previous", &page.previous)] {
        if let Some(cursor) = cursor {
            let link = format!(
                "<{}/catalog/request?cursor={}>; rel=\"{relation}\"",
                state.dsp_base,
                cursor.encode()
            );
            headers.append(
                header::LINK,
                HeaderValue::from_str(&link).map_err(internal)?,
            );
        }
    }
    Ok((headers, body).into_response())
}

/// `GET <base>/catalog/datasets/:id`: one dataset of the catalogue.
pub async fn get_dataset(
    State(state): State<AppState>,
    Extension(Authenticated(_caller)): Extension<Authenticated>,
    Path(id): Path<String>,
) -> Result<Json<Value>, DspError> {
    let entry = state.store.catalog_entry(&id).await?;
    let offers = borrowed_offers(&entry);
    let body = serde_json::to_value(dataset(
        &state.catalog_info,
        DatasetEntry {
            product: &entry.product,
            offers: &offers,
        },
    ))
    .map_err(internal)?;
    Ok(Json(body))
}

fn borrowed_offers(entry: &CatalogEntry) -> Vec<(&str, &Map<String, Value>)> {
    entry
        .offers
        .iter()
        .map(|(id, rules)| (id.as_str(), rules.as_ref()))
        .collect()
}

/// The filters of a catalogue request; 400 naming the first one this connector does not support.
fn read_filters(filters: &[Value]) -> Result<Vec<TermFilter>, DspError> {
    filters
        .iter()
        .enumerate()
        .map(|(index, filter)| {
            serde_json::from_value(filter.clone()).map_err(|_| {
                DspError::bad_request(
                    "UnsupportedFilter",
                    format!(
                        "filter {index} is not supported: use one-member objects such as {{\"keyword\": \"traffic\"}}, \
                         {{\"theme\": IRI}}, {{\"conformsTo\": IRI}} or {{\"ldtKind\": \"raw\"}}"
                    ),
                )
            })
        })
        .collect()
}

fn internal(error: impl std::fmt::Display) -> DspError {
    tracing::error!(%error, "could not write a catalogue answer");
    DspError {
        status: axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        code: "InternalError",
        reason: "the connector could not write its answer".into(),
    }
}

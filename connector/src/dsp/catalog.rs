//! The catalogue, provider side: `POST <base>/catalog/request` (paged with `Link` headers) and
//! `GET <base>/catalog/datasets/:id`.

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ldt_catalog::dsp::{DatasetEntry, SlcEntry, catalog, dataset};
use ldt_catalog::paging::Cursor;
use ldt_catalog::product::Problems;
use ldt_catalog::terms::TermFilter;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::caller::Authenticated;
use super::error::DspError;
use super::message::{DspMessage, DspPath, DspQuery};
use crate::access::visible_access_policies;
use crate::app::AppState;
use crate::store::catalog::CatalogOffer;

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
    DspQuery(page): DspQuery<PageQuery>,
    DspMessage(message): DspMessage<CatalogRequestMessage>,
) -> Result<Response, DspError> {
    if message.message_type != "CatalogRequestMessage" {
        return Err(DspError::bad_request(
            "InvalidMessage",
            format!("expected a CatalogRequestMessage, got `{}`", message.message_type),
        ));
    }
    let filters = read_filters(&message.filter)?;
    let cursor = match page.cursor.as_deref() {
        None => None,
        Some(token) => Some(Cursor::decode(token).ok_or_else(|| {
            DspError::bad_request("InvalidCursor", "the cursor is not one this connector handed out")
        })?),
    };
    let visible = visible_access_policies(&state, &caller).await?;
    let page = state.store.catalog_page(&filters, &visible, cursor.as_ref(), state.config.catalog.page_size).await?;
    tracing::debug!(caller = %caller.participant_id, datasets = page.items.len(), "catalogue page served");
    let offers: Vec<Vec<(&str, &Map<String, Value>)>> = page.items.iter().map(|entry| borrow(&entry.offers)).collect();
    let entries: Vec<DatasetEntry> =
        page.items.iter().zip(&offers).map(|(item, offers)| DatasetEntry { product: &item.product, offers }).collect();
    // Components are listed once, on the first page of an unfiltered catalogue (the filters are product terms).
    let first_page = page.previous.is_none();
    let components =
        if first_page && filters.is_empty() { state.store.catalog_slcs(&visible).await? } else { Vec::new() };
    let component_offers: Vec<Vec<(&str, &Map<String, Value>)>> =
        components.iter().map(|component| borrow(&component.offers)).collect();
    let component_entries: Vec<SlcEntry> = components
        .iter()
        .zip(&component_offers)
        .map(|(component, offers)| SlcEntry { descriptor: &component.descriptor, offers })
        .collect();
    let mut response = json_response(&catalog(&state.catalog_info, &entries, &component_entries))?;
    for (relation, cursor) in [("next", &page.next), ("previous", &page.previous)] {
        if let Some(cursor) = cursor {
            let link = format!("<{}/catalog/request?cursor={}>; rel=\"{relation}\"", state.dsp_base, cursor.encode());
            response.headers_mut().append(header::LINK, HeaderValue::from_str(&link).map_err(internal)?);
        }
    }
    Ok(response)
}

/// `GET <base>/catalog/datasets/:id`: one dataset of the catalogue.
pub async fn get_dataset(
    State(state): State<AppState>,
    Extension(Authenticated(caller)): Extension<Authenticated>,
    DspPath(id): DspPath<String>,
) -> Result<Response, DspError> {
    let visible = visible_access_policies(&state, &caller).await?;
    let entry = state.store.catalog_entry(&id, &visible).await?;
    let offers = borrow(&entry.offers);
    json_response(&dataset(&state.catalog_info, DatasetEntry { product: &entry.product, offers: &offers }))
}

/// A 200 answer with `body` serialised straight into the response bytes.
fn json_response(body: &impl serde::Serialize) -> Result<Response, DspError> {
    let bytes = serde_json::to_vec(body).map_err(internal)?;
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], bytes).into_response())
}

/// Offers as the catalogue serialiser takes them, borrowed.
fn borrow(offers: &[CatalogOffer]) -> Vec<(&str, &Map<String, Value>)> {
    offers.iter().map(|(id, rules)| (id.as_str(), rules.as_ref())).collect()
}

/// The filters of a catalogue request; 400 naming the first one this connector does not support or whose value
/// is not acceptable.
fn read_filters(filters: &[Value]) -> Result<Vec<TermFilter>, DspError> {
    filters
        .iter()
        .enumerate()
        .map(|(index, filter)| {
            let filter: TermFilter = serde_json::from_value(filter.clone()).map_err(|_| {
                DspError::bad_request(
                    "UnsupportedFilter",
                    format!(
                        "filter {index} is not supported: use one-member objects such as {{\"keyword\": \"traffic\"}}, \
                         {{\"theme\": IRI}}, {{\"conformsTo\": IRI}} or {{\"ldtKind\": \"raw\"}}"
                    ),
                )
            })?;
            let mut problems = Problems::default();
            filter.check(&format!("/filter/{index}"), &mut problems);
            problems.into_result().map_err(|errors| {
                let reasons: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.pointer, e.detail)).collect();
                DspError::bad_request("InvalidFilter", reasons.join("; "))
            })?;
            Ok(filter)
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

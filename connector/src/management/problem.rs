//! RFC 9457 problem details: the body of every management API error.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ldt_catalog::FieldError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::StoreError;

/// An RFC 9457 problem: what went wrong, and for invalid input, which fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The status's reason phrase.
    pub title: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, in plain words.
    pub detail: String,
    /// For invalid input: each bad field, with a JSON pointer into the request body.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// A problem with `status` and `detail`.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// 400: the request body has invalid fields.
    pub fn invalid(errors: Vec<FieldError>) -> Problem {
        let detail = match errors.as_slice() {
            [one] => format!("{}: {}", one.pointer, one.detail),
            many => format!("{} fields are invalid", many.len()),
        };
        Problem { errors, ..Problem::new(StatusCode::BAD_REQUEST, detail) }
    }

    /// 400: one field is invalid.
    pub fn invalid_field(pointer: impl Into<String>, detail: impl Into<String>) -> Problem {
        Problem::invalid(vec![FieldError { pointer: pointer.into(), detail: detail.into() }])
    }
}

impl From<StoreError> for Problem {
    fn from(error: StoreError) -> Problem {
        match error {
            StoreError::NotFound { .. } => Problem::new(StatusCode::NOT_FOUND, error.to_string()),
            StoreError::Conflict(detail) => Problem::new(StatusCode::CONFLICT, detail),
            StoreError::BadReference { pointer, detail } => Problem::invalid_field(pointer, detail),
            StoreError::Database(_) | StoreError::Corrupt { .. } => {
                tracing::error!(%error, "store failed while answering a management request");
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "the connector's database failed; see its log")
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(&self)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/problem+json"));
        response
    }
}

//! DSP error answers: an HTTP status and a typed error body with a code and plain-language reasons.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::store::StoreError;

/// A refused or failed DSP request, answered with a `CatalogError` body.
#[derive(Debug)]
pub struct DspError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A short machine-readable code, e.g. `NotFound`.
    pub code: &'static str,
    /// Why, in plain words.
    pub reason: String,
}

impl DspError {
    /// 400 with `code` and `reason`.
    pub fn bad_request(code: &'static str, reason: impl Into<String>) -> DspError {
        DspError { status: StatusCode::BAD_REQUEST, code, reason: reason.into() }
    }

    /// 401: the caller could not be identified.
    pub fn unauthorized(reason: impl Into<String>) -> DspError {
        DspError { status: StatusCode::UNAUTHORIZED, code: "Unauthorized", reason: reason.into() }
    }
}

impl From<PathRejection> for DspError {
    fn from(rejection: PathRejection) -> DspError {
        DspError { status: rejection.status(), code: "BadRequest", reason: rejection.body_text() }
    }
}

impl From<QueryRejection> for DspError {
    fn from(rejection: QueryRejection) -> DspError {
        DspError { status: rejection.status(), code: "BadRequest", reason: rejection.body_text() }
    }
}

impl From<StoreError> for DspError {
    fn from(error: StoreError) -> DspError {
        match error {
            StoreError::NotFound { kind, id } => DspError {
                status: StatusCode::NOT_FOUND,
                code: "NotFound",
                reason: format!("there is no {kind} `{id}` in this catalogue"),
            },
            other => {
                tracing::error!(error = %other, "store failed while answering a DSP request");
                DspError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    code: "InternalError",
                    reason: "the connector could not read its catalogue; try again later".into(),
                }
            }
        }
    }
}

impl IntoResponse for DspError {
    fn into_response(self) -> Response {
        let body = ldt_catalog::dsp::catalog_error(self.code, &[&self.reason]);
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

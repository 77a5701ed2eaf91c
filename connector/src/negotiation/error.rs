//! Refusals of negotiation messages: an HTTP status and a `ContractNegotiationError` with both pids.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::message::negotiation_error;
use crate::dsp::error::DspError;
use crate::store::StoreError;

/// A refused negotiation message.
#[derive(Debug)]
pub struct NegotiationError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A short code, e.g. `IllegalTransition`.
    pub code: &'static str,
    /// Why, in plain words.
    pub reason: String,
    /// The consumer's pid, when known.
    pub consumer_pid: Option<String>,
    /// The provider's pid, when known.
    pub provider_pid: Option<String>,
}

impl NegotiationError {
    /// 400 with `code` and `reason`.
    pub fn bad_request(code: &'static str, reason: impl Into<String>) -> NegotiationError {
        NegotiationError {
            status: StatusCode::BAD_REQUEST,
            code,
            reason: reason.into(),
            consumer_pid: None,
            provider_pid: None,
        }
    }

    /// 404: no such negotiation, or not one with this caller (the two are not told apart).
    pub fn not_found(pid: &str) -> NegotiationError {
        NegotiationError {
            status: StatusCode::NOT_FOUND,
            code: "NotFound",
            reason: format!("there is no negotiation `{pid}` with this participant"),
            consumer_pid: None,
            provider_pid: None,
        }
    }

    /// The same error naming the two processes; pids it already names are kept.
    pub fn with_pids(mut self, consumer_pid: Option<&str>, provider_pid: Option<&str>) -> NegotiationError {
        self.consumer_pid = self.consumer_pid.or_else(|| consumer_pid.map(str::to_owned));
        self.provider_pid = self.provider_pid.or_else(|| provider_pid.map(str::to_owned));
        self
    }
}

impl From<StoreError> for NegotiationError {
    fn from(error: StoreError) -> NegotiationError {
        tracing::error!(%error, "store failed while handling a negotiation message");
        NegotiationError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "Unavailable",
            reason: "the connector could not record the message; send it again later".into(),
            consumer_pid: None,
            provider_pid: None,
        }
    }
}

impl From<DspError> for NegotiationError {
    fn from(error: DspError) -> NegotiationError {
        NegotiationError {
            status: error.status,
            code: error.code,
            reason: error.reason,
            consumer_pid: None,
            provider_pid: None,
        }
    }
}

impl IntoResponse for NegotiationError {
    fn into_response(self) -> Response {
        let body =
            negotiation_error(self.consumer_pid.as_deref(), self.provider_pid.as_deref(), self.code, &self.reason);
        (self.status, axum::Json(body)).into_response()
    }
}

//! Refusals of process messages (contract negotiation, transfer process): an HTTP status and the protocol's error
//! body (`ContractNegotiationError`, `TransferError`) with both pids.

use std::marker::PhantomData;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::error::DspError;
use super::process_common::{Protocol, process_error};
use crate::negotiation::machine::Role;
use crate::store::StoreError;

/// A refused message of protocol `P`.
#[derive(Debug)]
pub struct ProcessError<P: Protocol> {
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
    protocol: PhantomData<P>,
}

impl<P: Protocol> ProcessError<P> {
    /// An error with `status`, `code` and `reason`, naming no process yet.
    pub fn new(status: StatusCode, code: &'static str, reason: impl Into<String>) -> Self {
        ProcessError {
            status,
            code,
            reason: reason.into(),
            consumer_pid: None,
            provider_pid: None,
            protocol: PhantomData,
        }
    }

    /// 400 with `code` and `reason`.
    pub fn bad_request(code: &'static str, reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, reason)
    }

    /// 404: no such process, or not one with this caller (the two are not told apart).
    pub fn not_found(pid: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("there is no {} `{pid}` with this participant", P::PROCESS),
        )
    }

    /// Refuses a message to our process `pid` (of the URL it was posted to, held as `role`) that names another
    /// process of ours.
    pub fn unless_named(role: Role, pid: &str, consumer_pid: &str, provider_pid: Option<&str>) -> Result<(), Self> {
        let named = match role {
            Role::Provider => provider_pid,
            Role::Consumer => Some(consumer_pid),
        };
        if named == Some(pid) {
            return Ok(());
        }
        let reason = format!("the message names process `{}`, not `{pid}` of the URL", named.unwrap_or_default());
        Err(Self::bad_request("InvalidMessage", reason).with_pids(Some(consumer_pid), provider_pid))
    }

    /// The same error naming the two processes; pids it already names are kept.
    pub fn with_pids(mut self, consumer_pid: Option<&str>, provider_pid: Option<&str>) -> Self {
        self.consumer_pid = self.consumer_pid.or_else(|| consumer_pid.map(str::to_owned));
        self.provider_pid = self.provider_pid.or_else(|| provider_pid.map(str::to_owned));
        self
    }
}

impl<P: Protocol> From<StoreError> for ProcessError<P> {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, process = P::PROCESS, "store failed while handling a process message");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Unavailable",
            "the connector could not record the message; send it again later",
        )
    }
}

impl<P: Protocol> From<DspError> for ProcessError<P> {
    fn from(error: DspError) -> Self {
        Self::new(error.status, error.code, error.reason)
    }
}

impl<P: Protocol> IntoResponse for ProcessError<P> {
    fn into_response(self) -> Response {
        let (consumer_pid, provider_pid) = (self.consumer_pid.as_deref(), self.provider_pid.as_deref());
        let body = process_error(P::ERROR_TYPE, consumer_pid, provider_pid, self.code, &self.reason);
        (self.status, axum::Json(body)).into_response()
    }
}

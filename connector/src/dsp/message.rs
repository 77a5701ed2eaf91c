//! The extractor for incoming DSP messages: read the body (within the size limit), parse it as JSON, normalise its
//! JSON-LD to the DSP compact form, and deserialise it — every failure a 4xx with a DSP error body.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::error::DspError;
use super::jsonld::NormaliseError;
use crate::app::AppState;

/// Path parameters of a DSP route; a bad one is a 400 with a DSP error body.
#[derive(Debug, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(DspError))]
pub struct DspPath<T>(pub T);

/// Query parameters of a DSP route; a bad one is a 400 with a DSP error body.
#[derive(Debug, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(DspError))]
pub struct DspQuery<T>(pub T);

/// A DSP message of type `T`, normalised and deserialised.
#[derive(Debug)]
pub struct DspMessage<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for DspMessage<T> {
    type Rejection = DspError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, DspError> {
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| DspError {
            status: rejection.status(),
            code: if rejection.status().as_u16() == 413 { "PayloadTooLarge" } else { "BadRequest" },
            reason: rejection.body_text(),
        })?;
        let document: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|error| DspError::bad_request("MalformedJson", format!("the body is not JSON: {error}")))?;
        let normalised = state.normaliser.normalise(document).await.map_err(|error| match error {
            NormaliseError::Internal(_) => {
                tracing::error!(%error, "JSON-LD normalisation failed on a bundled context");
                DspError::bad_request("InvalidJsonLd", "the message could not be read as JSON-LD")
            }
            other => DspError::bad_request("InvalidJsonLd", other.to_string()),
        })?;
        serde_path_to_error::deserialize(normalised).map(DspMessage).map_err(|error| {
            let path = error.path().to_string();
            DspError::bad_request("InvalidMessage", format!("`{path}`: {}", error.into_inner()))
        })
    }
}

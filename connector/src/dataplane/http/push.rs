//! HTTP push (`HttpData-PUSH`): the backend's answer to a GET streamed as the body of a POST or PUT to the
//! consumer's endpoint, never held whole. A failed attempt is retried with a fresh read of the backend, after an
//! exponentially growing pause, a bounded number of times; a destination refusing with a 4xx other than 408 or
//! 429 is not retried. Cancellation stops an attempt or a pause at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::TryStreamExt;
use reqwest::header::{self, HeaderValue};
use reqwest::{Client, Method, StatusCode};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::address::HTTP_ENDPOINT_TYPE;
use crate::transfer::message::DataAddress;

/// Where to push (POSTed): the consumer's endpoint and the `Authorization` header it asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The consumer's HTTP(S) endpoint.
    pub endpoint: Url,
    /// The whole `Authorization` header value, e.g. `Bearer <token>`.
    pub authorization: Option<HeaderValue>,
}

/// Why a data address is not a push destination.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadDestination {
    /// Another transport.
    #[error("the data address's endpointType is `{0}`, not `{HTTP_ENDPOINT_TYPE}`")]
    EndpointType(String),
    /// No usable endpoint.
    #[error("the data address's endpoint is missing or not an http(s) URL")]
    Endpoint,
    /// An `authType` other than `bearer`.
    #[error("the data address's authType `{0}` is not supported (only `bearer` is)")]
    AuthType(String),
    /// An `authorization` that cannot be sent in a header.
    #[error("the data address's authorization cannot be sent as an HTTP header")]
    Authorization,
}

impl Destination {
    /// The destination of a consumer's data address: its `endpoint`, and its `authorization` endpoint property
    /// sent as `Bearer <authorization>` when `authType` is `bearer`, as it is when there is no `authType`.
    pub fn from_data_address(address: &DataAddress) -> Result<Destination, BadDestination> {
        if address.endpoint_type != HTTP_ENDPOINT_TYPE {
            return Err(BadDestination::EndpointType(address.endpoint_type.clone()));
        }
        let endpoint = address
            .endpoint
            .as_deref()
            .and_then(|endpoint| Url::parse(endpoint).ok())
            .filter(|endpoint| matches!(endpoint.scheme(), "http" | "https"))
            .ok_or(BadDestination::Endpoint)?;
        let authorization = match (address.authorization(), address.auth_type()) {
            (None, _) => None,
            (Some(token), Some(kind)) if kind.eq_ignore_ascii_case("bearer") => Some(format!("Bearer {token}")),
            (Some(_), Some(kind)) => return Err(BadDestination::AuthType(kind.to_owned())),
            (Some(value), None) => Some(value.to_owned()),
        };
        let authorization = authorization
            .map(|value| HeaderValue::try_from(value).map_err(|_| BadDestination::Authorization))
            .transpose()?;
        Ok(Destination { endpoint, authorization })
    }
}

/// How often and how patiently to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    /// Attempts in all (at least one is made).
    pub attempts: u32,
    /// The pause after the first failure; it doubles after each further one.
    pub first_pause: Duration,
    /// The longest pause, also for a destination's `Retry-After`.
    pub max_pause: Duration,
}

impl Default for Retry {
    /// 5 attempts, pausing 1 s, 2 s, 4 s, 8 s.
    fn default() -> Retry {
        Retry { attempts: 5, first_pause: Duration::from_secs(1), max_pause: Duration::from_secs(30) }
    }
}

/// A finished push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushReport {
    /// Bytes sent in the attempt that succeeded.
    pub bytes: u64,
    /// Attempts made, that one included.
    pub attempts: u32,
}

/// Why a push did not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    /// Cancelled by the caller.
    #[error("the push was cancelled during attempt {attempts}")]
    Cancelled {
        /// Attempts made, the cancelled one included.
        attempts: u32,
    },
    /// The backend refused to give the data (a status not worth retrying).
    #[error("the data source answered {status}")]
    Source {
        /// Its status.
        status: StatusCode,
        /// Attempts made.
        attempts: u32,
    },
    /// The destination refused the data (a 4xx other than 408 and 429, or a redirect).
    #[error("the destination refused the data with {status}")]
    Refused {
        /// Its status.
        status: StatusCode,
        /// Attempts made.
        attempts: u32,
    },
    /// Every attempt failed transiently.
    #[error("gave up after {attempts} attempts; the last failed with: {last}")]
    GaveUp {
        /// Attempts made.
        attempts: u32,
        /// The last attempt's failure, in plain words.
        last: String,
    },
}

/// How one attempt failed.
enum Failure {
    /// Worth another attempt, after at least `retry_after` if the destination asked for it.
    Transient { reason: String, retry_after: Option<Duration> },
    /// The backend's answer, not worth retrying.
    Source(StatusCode),
    /// The destination's answer, not worth retrying.
    Refused(StatusCode),
}

/// Streams `backend` into `destination` with `client` (make it with [`super::data_client`]), retrying as `retry`
/// says, until done or `cancel` fires.
pub async fn push(
    client: &Client,
    backend: &Url,
    destination: &Destination,
    retry: &Retry,
    cancel: &CancellationToken,
) -> Result<PushReport, PushError> {
    let attempts = retry.attempts.max(1);
    let mut attempt = 0;
    let mut pause = retry.first_pause;
    loop {
        attempt += 1;
        let outcome = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(PushError::Cancelled { attempts: attempt }),
            outcome = push_once(client, backend, destination) => outcome,
        };
        let (reason, retry_after) = match outcome {
            Ok(bytes) => return Ok(PushReport { bytes, attempts: attempt }),
            Err(Failure::Source(status)) => return Err(PushError::Source { status, attempts: attempt }),
            Err(Failure::Refused(status)) => return Err(PushError::Refused { status, attempts: attempt }),
            Err(Failure::Transient { reason, retry_after }) => (reason, retry_after),
        };
        if attempt == attempts {
            return Err(PushError::GaveUp { attempts, last: reason });
        }
        let wait = pause.max(retry_after.unwrap_or_default()).min(retry.max_pause);
        tracing::warn!(attempt, %reason, ?wait, "push attempt failed; retrying");
        tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(PushError::Cancelled { attempts: attempt }),
            () = tokio::time::sleep(wait) => {}
        }
        pause = pause.saturating_mul(2);
    }
}

/// One attempt: a fresh GET of the backend, its body streamed to the destination; the bytes sent.
async fn push_once(client: &Client, backend: &Url, destination: &Destination) -> Result<u64, Failure> {
    let source = client.get(backend.clone()).send().await.map_err(|error| Failure::Transient {
        reason: format!("the data source could not be read: {}", error.without_url()),
        retry_after: None,
    })?;
    let status = source.status();
    if !status.is_success() {
        return Err(if is_transient(status) {
            Failure::Transient { reason: format!("the data source answered {status}"), retry_after: None }
        } else {
            Failure::Source(status)
        });
    }
    let mut request = client.request(Method::POST, destination.endpoint.clone());
    for name in [header::CONTENT_TYPE, header::CONTENT_LENGTH, header::CONTENT_ENCODING] {
        if let Some(value) = source.headers().get(&name) {
            request = request.header(name, value.clone());
        }
    }
    if let Some(authorization) = &destination.authorization {
        request = request.header(header::AUTHORIZATION, authorization.clone());
    }
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let body = source.bytes_stream().inspect_ok(move |chunk| {
        counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
    });
    let answer = request.body(reqwest::Body::wrap_stream(body)).send().await.map_err(|error| Failure::Transient {
        reason: format!("sending to the destination failed: {}", error.without_url()),
        retry_after: None,
    })?;
    let status = answer.status();
    if status.is_success() {
        Ok(sent.load(Ordering::Relaxed))
    } else if is_transient(status) {
        let retry_after = answer
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok()?.trim().parse().ok())
            .map(Duration::from_secs);
        Err(Failure::Transient { reason: format!("the destination answered {status}"), retry_after })
    } else {
        Err(Failure::Refused(status))
    }
}

/// Whether an answer with `status` is worth another attempt.
fn is_transient(status: StatusCode) -> bool {
    status.is_server_error() || matches!(status, StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::message::EndpointProperty;

    fn address(endpoint: &str, properties: &[(&str, &str)]) -> DataAddress {
        DataAddress {
            endpoint_type: HTTP_ENDPOINT_TYPE.into(),
            endpoint: Some(endpoint.into()),
            endpoint_properties: properties
                .iter()
                .map(|(name, value)| EndpointProperty { name: (*name).into(), value: (*value).into() })
                .collect(),
        }
    }

    #[test]
    fn a_data_address_names_the_destination_and_its_authorization() {
        let bearer = address("https://consumer.example/in", &[("authorization", "t0k"), ("authType", "bearer")]);
        let destination = Destination::from_data_address(&bearer).unwrap();
        assert_eq!(destination.endpoint.as_str(), "https://consumer.example/in");
        assert_eq!(destination.authorization.unwrap(), "Bearer t0k");
        let raw = address("http://consumer.example/in", &[("authorization", "Basic YTpi")]);
        assert_eq!(Destination::from_data_address(&raw).unwrap().authorization.unwrap(), "Basic YTpi");
        let open = address("http://consumer.example/in", &[]);
        assert_eq!(Destination::from_data_address(&open).unwrap().authorization, None);
    }

    #[test]
    fn a_data_address_that_is_not_an_http_destination_is_refused() {
        let refused = |address: DataAddress| Destination::from_data_address(&address).unwrap_err();
        assert_eq!(refused(address("ftp://consumer.example/in", &[])), BadDestination::Endpoint);
        assert_eq!(refused(address("not a url", &[])), BadDestination::Endpoint);
        let mut mqtt = address("mqtt://broker", &[]);
        mqtt.endpoint_type = "https://w3id.org/idsa/v4.1/MQTT".into();
        assert_eq!(refused(mqtt), BadDestination::EndpointType("https://w3id.org/idsa/v4.1/MQTT".into()));
        let basic = address("https://c.example", &[("authorization", "x"), ("authType", "basic")]);
        assert_eq!(refused(basic), BadDestination::AuthType("basic".into()));
        let newline = address("https://c.example", &[("authorization", "a\nb")]);
        assert_eq!(refused(newline), BadDestination::Authorization);
    }

    #[test]
    fn only_server_trouble_and_throttling_are_retried() {
        for status in [500, 502, 503, 504, 408, 429] {
            assert!(is_transient(StatusCode::from_u16(status).unwrap()), "{status}");
        }
        for status in [400, 401, 403, 404, 409, 413, 301] {
            assert!(!is_transient(StatusCode::from_u16(status).unwrap()), "{status}");
        }
    }
}

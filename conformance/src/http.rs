//! HTTP client for talking DSP to the connector under test; every exchange is recorded.

use std::error::Error as _;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::Value;
use url::Url;

/// Upper bound on every request the suite sends, from connect to the last body byte.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest response body the suite reads; anything longer is a failure, not a crash.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Whether a request carries the configured `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Send the configured credential (if any).
    Send,
    /// Send no `Authorization` header (e.g. for the unauthenticated version endpoint).
    Omit,
}

/// One request and the answer to it, as received (bodies already gzip-decoded).
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Request method.
    pub method: Method,
    /// Request URL.
    pub url: Url,
    /// Response status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Response body bytes.
    pub body: Vec<u8>,
}

impl Exchange {
    /// `METHOD url`, for failure reasons.
    pub fn describe(&self) -> String {
        format!("{} {}", self.method, self.url)
    }

    /// The body as (lossy) UTF-8 text, cut to `max` characters for use in reasons.
    pub fn body_snippet(&self, max: usize) -> String {
        let text = String::from_utf8_lossy(&self.body);
        match text.char_indices().nth(max) {
            Some((end, _)) => format!("{}…", &text[..end]),
            None => text.into_owned(),
        }
    }

    /// The `Content-Type` header, if present and readable.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok())
    }

    /// Every readable value of the header `name`.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers.get_all(name).iter().filter_map(|value| value.to_str().ok()).collect()
    }

    /// The body parsed as JSON, or a reason naming the request and quoting the body.
    pub fn json(&self) -> Result<Value, String> {
        if self.body.is_empty() {
            return Err(format!("{}: empty response body, expected JSON", self.describe()));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| format!("{}: response body is not JSON ({e}): {:?}", self.describe(), self.body_snippet(200)))
    }
}

/// Sends DSP requests with the configured credential, a timeout, JSON and gzip acceptance.
#[derive(Debug, Clone)]
pub struct DspClient {
    http: reqwest::Client,
    authorization: Option<HeaderValue>,
}

impl DspClient {
    /// A client sending `authorization` (a complete header value) on authenticated requests.
    pub fn new(authorization: Option<&str>) -> Result<Self, String> {
        let authorization = authorization
            .map(|value| {
                let mut value = HeaderValue::from_str(value)
                    .map_err(|_| "the token is not a valid HTTP header value".to_owned())?;
                value.set_sensitive(true);
                Ok::<_, String>(value)
            })
            .transpose()?;
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .gzip(true)
            .user_agent(concat!("ldt-conformance/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {}", error_chain(e)))?;
        Ok(Self { http, authorization })
    }

    /// `GET url`.
    pub async fn get(&self, url: &Url, auth: Auth) -> Result<Exchange, String> {
        let request = self.http.get(url.clone());
        self.send(request, Method::GET, url, auth).await
    }

    /// `POST url` with `body` as `application/json`.
    pub async fn post_json(&self, url: &Url, body: &Value, auth: Auth) -> Result<Exchange, String> {
        let request = self.http.post(url.clone()).header(CONTENT_TYPE, "application/json").body(body.to_string());
        self.send(request, Method::POST, url, auth).await
    }

    /// `POST url` with `body` as `application/json` and the extra `headers`.
    pub async fn post_json_with_headers(
        &self,
        url: &Url,
        body: &Value,
        auth: Auth,
        headers: &[(&'static str, &str)],
    ) -> Result<Exchange, String> {
        let mut request = self.http.post(url.clone()).header(CONTENT_TYPE, "application/json").body(body.to_string());
        for (name, value) in headers {
            let mut value = HeaderValue::from_str(value)
                .map_err(|_| format!("POST {url}: the {name} value cannot be sent as an HTTP header"))?;
            value.set_sensitive(true);
            request = request.header(*name, value);
        }
        self.send(request, Method::POST, url, auth).await
    }

    /// Sends `request`, then reads the whole (bounded) answer.
    async fn send(
        &self,
        mut request: RequestBuilder,
        method: Method,
        url: &Url,
        auth: Auth,
    ) -> Result<Exchange, String> {
        request = request.header(ACCEPT, "application/json");
        if let (Auth::Send, Some(value)) = (auth, &self.authorization) {
            request = request.header(AUTHORIZATION, value.clone());
        }
        tracing::debug!(%method, %url, "sending DSP request");
        let describe = || format!("{method} {url}");
        let mut response = request.send().await.map_err(|e| format!("{}: {}", describe(), error_chain(e)))?;
        let status = response.status();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) =
            response.chunk().await.map_err(|e| format!("{}: reading the body: {}", describe(), error_chain(e)))?
        {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(format!("{}: response body exceeds {MAX_BODY_BYTES} bytes", describe()));
            }
            body.extend_from_slice(&chunk);
        }
        tracing::debug!(%method, %url, %status, bytes = body.len(), "DSP answer");
        Ok(Exchange { method, url: url.clone(), status, headers, body })
    }
}

/// Describes a transport error with its causes (the URL is already in the reason's prefix);
/// timeouts say so plainly.
fn error_chain(error: reqwest::Error) -> String {
    if error.is_timeout() {
        return format!("no answer within {} s (timed out)", REQUEST_TIMEOUT.as_secs());
    }
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

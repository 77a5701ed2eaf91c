//! The pull proxy: `/{transfer_id}` and `/{transfer_id}/{*suffix}` forward a consumer's request to the transfer's
//! private backend and stream the answer back, after checking the bearer token and the transfer's grant; `/token`
//! exchanges a refresh token for new tokens (RFC 6749 §6). Bodies stream both ways and are cut when the grant
//! ends. Refusals are RFC 9457 problems: 401 no valid token, 403 a token for another transfer or a grant closed or
//! expired, 404 an unknown transfer (or a sub-path the grant does not pass on), 400 a query the grant does not pass
//! on, 405 a method it does not pass on, 502 the backend unreachable, 504 the backend timing out.

use std::borrow::Cow;
use std::sync::Arc;

use axum::body::{Body, HttpBody};
use axum::extract::rejection::FormRejection;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use axum::{Form, Json, Router};
use http_body_util::BodyDataStream;
use percent_encoding::{percent_decode, percent_decode_str};
use serde::Deserialize;
use url::{Position, Url};

use super::address::TokenResponse;
use super::cut::Cut;
use super::grants::{Entry, Grant, Granted, Grants, REFRESH_SEGMENT, Refused};
use crate::dataplane::stream::{self, Progress, Source};
use crate::management::problem::Problem;

/// Request headers passed on to the backend (never the consumer's `authorization`, cookies or hop-by-hop headers).
const REQUEST_HEADERS: &[HeaderName] = &[
    header::ACCEPT,
    header::ACCEPT_ENCODING,
    header::ACCEPT_LANGUAGE,
    header::CACHE_CONTROL,
    header::CONTENT_ENCODING,
    header::CONTENT_LANGUAGE,
    header::CONTENT_LENGTH,
    header::CONTENT_TYPE,
    header::IF_MATCH,
    header::IF_MODIFIED_SINCE,
    header::IF_NONE_MATCH,
    header::IF_RANGE,
    header::IF_UNMODIFIED_SINCE,
    header::RANGE,
];

/// Response headers passed back to the consumer (never cookies, the backend's other addresses or hop-by-hop
/// headers).
const RESPONSE_HEADERS: &[HeaderName] = &[
    header::ACCEPT_RANGES,
    header::CACHE_CONTROL,
    header::CONTENT_DISPOSITION,
    header::CONTENT_ENCODING,
    header::CONTENT_LANGUAGE,
    header::CONTENT_LENGTH,
    header::CONTENT_RANGE,
    header::CONTENT_TYPE,
    header::ETAG,
    header::EXPIRES,
    header::LAST_MODIFIED,
    header::RETRY_AFTER,
    header::VARY,
];

/// The proxy's routes, for the shell to serve under the path of [`super::PullSettings::public_endpoint`] (e.g.
/// nested at `/data`), outside any response compression or body limit layer. `client` reaches the backends; make
/// it with [`super::data_client`].
pub fn router(grants: Grants, client: reqwest::Client) -> Router {
    let proxy = Arc::new(Proxy { grants, client });
    Router::new()
        .route(&format!("/{REFRESH_SEGMENT}"), post(refresh))
        .route("/{transfer_id}", any(pull))
        .route("/{transfer_id}/", any(pull))
        .route("/{transfer_id}/{*suffix}", any(pull))
        .with_state(proxy)
}

struct Proxy {
    grants: Grants,
    client: reqwest::Client,
}

/// Why the proxy did not forward a request.
#[derive(Debug, thiserror::Error)]
enum NotForwarded {
    #[error("a bearer token is required (`Authorization: Bearer <token>` from the transfer's data address)")]
    NoToken,
    #[error(transparent)]
    Refused(#[from] Refused),
    #[error("the transfer id in the path is not valid UTF-8 once percent-decoded")]
    BadTransferId,
    #[error("this transfer's data has no sub-resources")]
    NoSubPath,
    #[error("the sub-path leaves this transfer's data")]
    PathEscapes,
    #[error("this transfer's data takes no query parameters")]
    NoQuery,
    #[error("this transfer's data can only be read (GET or HEAD)")]
    ReadOnly,
    #[error("this transfer's stream is read with GET (as server-sent events)")]
    StreamOnly,
    #[error("the data source did not answer in time")]
    BackendTimeout,
    #[error("the data source could not be reached")]
    BackendUnreachable,
}

impl IntoResponse for NotForwarded {
    fn into_response(self) -> Response {
        let status = match &self {
            NotForwarded::NoToken | NotForwarded::Refused(Refused::Token(_)) => StatusCode::UNAUTHORIZED,
            NotForwarded::Refused(Refused::Unknown) | NotForwarded::NoSubPath => StatusCode::NOT_FOUND,
            NotForwarded::Refused(Refused::OtherTransfer | Refused::Closed | Refused::Expired(_)) => {
                StatusCode::FORBIDDEN
            }
            NotForwarded::BadTransferId | NotForwarded::PathEscapes | NotForwarded::NoQuery => StatusCode::BAD_REQUEST,
            NotForwarded::ReadOnly | NotForwarded::StreamOnly => StatusCode::METHOD_NOT_ALLOWED,
            NotForwarded::BackendTimeout => StatusCode::GATEWAY_TIMEOUT,
            NotForwarded::BackendUnreachable => StatusCode::BAD_GATEWAY,
        };
        let mut response = Problem::new(status, self.to_string()).into_response();
        let headers = response.headers_mut();
        match self {
            NotForwarded::NoToken => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            NotForwarded::Refused(Refused::Token(_)) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(r#"Bearer error="invalid_token""#));
            }
            NotForwarded::ReadOnly => {
                headers.insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            }
            NotForwarded::StreamOnly => {
                headers.insert(header::ALLOW, HeaderValue::from_static("GET"));
            }
            _ => {}
        }
        response
    }
}

async fn pull(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    match proxy.forward(request).await {
        Ok(response) => response,
        Err(not_forwarded) => not_forwarded.into_response(),
    }
}

impl Proxy {
    /// Checks the request against the token and the grant, sends it to the backend, and returns the backend's
    /// answer with its body streaming.
    async fn forward(&self, request: Request) -> Result<Response, NotForwarded> {
        let (parts, body) = request.into_parts();
        let (raw_transfer_id, suffix) = split_path(parts.uri.path());
        let transfer_id = percent_decode_str(raw_transfer_id).decode_utf8().map_err(|_| NotForwarded::BadTransferId)?;
        let token = bearer_token(&parts.headers).ok_or(NotForwarded::NoToken)?;
        let entry = self.grants.authorize(&transfer_id, token)?;
        let grant = &entry.grant;
        let base = match &grant.backend {
            Granted::Http(base) => base,
            Granted::Stream(source) => return live(source, &entry, &parts.method, suffix, parts.uri.query()).await,
        };
        if !grant.pass_methods && !matches!(parts.method, Method::GET | Method::HEAD) {
            return Err(NotForwarded::ReadOnly);
        }
        let mut outgoing = reqwest::Request::new(parts.method, backend_url(grant, base, suffix, parts.uri.query())?);
        *outgoing.headers_mut() = kept(parts.headers, REQUEST_HEADERS);
        if !body.is_end_stream() {
            let upload = BodyDataStream::new(Cut::new(body, entry.cancel.clone()));
            *outgoing.body_mut() = Some(reqwest::Body::wrap_stream(upload));
        }
        let answer = tokio::select! {
            answer = self.client.execute(outgoing) => answer,
            () = entry.cancel.cancelled() => return Err(Refused::Closed.into()),
        };
        let answer = answer.map_err(|error| {
            tracing::warn!(transfer_id = &*transfer_id, error = %error, "pull proxy: backend request failed");
            if error.is_timeout() { NotForwarded::BackendTimeout } else { NotForwarded::BackendUnreachable }
        })?;
        let status = answer.status();
        let answer = axum::http::Response::<reqwest::Body>::from(answer);
        let (backend_parts, backend_body) = answer.into_parts();
        let mut response = Response::new(Body::new(Cut::new(backend_body, entry.cancel.clone())));
        *response.status_mut() = status;
        *response.headers_mut() = kept(backend_parts.headers, RESPONSE_HEADERS);
        Ok(response)
    }
}

/// A granted live stream as server-sent events (see [`stream::events`]), for a plain GET; it ends when the grant
/// closes or expires.
async fn live(
    source: &Source,
    entry: &Entry,
    method: &Method,
    suffix: &str,
    query: Option<&str>,
) -> Result<Response, NotForwarded> {
    if method != Method::GET {
        return Err(NotForwarded::StreamOnly);
    }
    if !suffix.is_empty() {
        return Err(NotForwarded::NoSubPath);
    }
    if query.is_some_and(|query| !query.is_empty()) {
        return Err(NotForwarded::NoQuery);
    }
    let events =
        stream::events(source, entry.cancel.clone(), Arc::new(Progress::default())).await.map_err(|error| {
            tracing::warn!(%error, "pull proxy: the stream could not be read");
            NotForwarded::BackendUnreachable
        })?;
    Ok(events.into_response())
}

/// The raw (still percent-encoded) transfer id and sub-path of a path `/{transfer_id}[/{suffix}]`.
fn split_path(path: &str) -> (&str, &str) {
    let path = path.strip_prefix('/').unwrap_or(path);
    path.split_once('/').unwrap_or((path, ""))
}

/// The token of an `Authorization: Bearer <token>` header.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|token| !token.is_empty())
}

/// The backend URL for a request with the raw sub-path `suffix` and query, if the grant passes them on. The
/// sub-path is kept percent-encoded as received and must stay under the backend's path (no `..` out of it), also
/// as a backend might read it (see [`may_escape`]).
fn backend_url(grant: &Grant, base: &Url, suffix: &str, query: Option<&str>) -> Result<Url, NotForwarded> {
    let query = query.filter(|query| !query.is_empty());
    if !suffix.is_empty() && !grant.pass_path {
        return Err(NotForwarded::NoSubPath);
    }
    if query.is_some() && !grant.pass_query {
        return Err(NotForwarded::NoQuery);
    }
    if may_escape(suffix) {
        return Err(NotForwarded::PathEscapes);
    }
    if suffix.is_empty() && query.is_none() {
        return Ok(base.clone());
    }
    let base_path = &base[..Position::AfterPath];
    let mut url = String::with_capacity(base.as_str().len() + suffix.len() + query.map_or(0, str::len) + 2);
    url.push_str(base_path);
    if !suffix.is_empty() {
        if !url.ends_with('/') {
            url.push('/');
        }
        url.push_str(suffix);
    }
    let mut separator = '?';
    for part in [base.query(), query].into_iter().flatten() {
        url.push(separator);
        url.push_str(part);
        separator = '&';
    }
    let url = Url::parse(&url).map_err(|_| NotForwarded::PathEscapes)?;
    let under = base.path().strip_suffix('/').unwrap_or(base.path());
    if !url.path().strip_prefix(under).is_some_and(|rest| rest.starts_with('/')) {
        return Err(NotForwarded::PathEscapes);
    }
    Ok(url)
}

/// Whether a backend could read the raw sub-path `suffix` as leaving the directory it is appended to. Backends
/// differ: some decode percent-escapes before splitting a path (once, or again and again), some take a backslash
/// for a separator (Windows servers, and URL parsers for a raw `\`). So the sub-path is read as every one of them
/// might: as received and after each further round of percent-decoding, split at `/` and `\`; if a `..` climbs
/// above its start in any of these readings, it may escape. (The URL sent still carries the sub-path as received.)
fn may_escape(suffix: &str) -> bool {
    let mut reading = Cow::Borrowed(suffix.as_bytes());
    loop {
        if climbs_out(&reading) {
            return true;
        }
        match Cow::from(percent_decode(&reading)) {
            Cow::Owned(decoded) => reading = Cow::Owned(decoded),
            Cow::Borrowed(_) => return false,
        }
    }
}

/// Whether the path `path`, split at `/` and `\`, has more `..` segments than segments before them at some point
/// (`.` and empty segments do not count).
fn climbs_out(path: &[u8]) -> bool {
    let mut depth = 0usize;
    for segment in path.split(|byte| matches!(byte, b'/' | b'\\')) {
        match segment {
            b"" | b"." => {}
            b".." => match depth.checked_sub(1) {
                Some(up) => depth = up,
                None => return true,
            },
            _ => depth += 1,
        }
    }
    false
}

/// The values in `headers` of the names in `allowed`.
fn kept(headers: HeaderMap, allowed: &[HeaderName]) -> HeaderMap {
    let mut kept = HeaderMap::with_capacity(allowed.len());
    let mut current: Option<HeaderName> = None;
    // `into_iter` names a header once, before its first value.
    for (name, value) in headers {
        if let Some(name) = name {
            current = allowed.contains(&name).then_some(name);
        }
        if let Some(name) = &current {
            kept.append(name, value);
        }
    }
    kept
}

/// The form of a refresh request (RFC 6749 §6).
#[derive(Deserialize)]
struct RefreshRequest {
    grant_type: String,
    refresh_token: String,
}

async fn refresh(State(proxy): State<Arc<Proxy>>, form: Result<Form<RefreshRequest>, FormRejection>) -> Response {
    let request = match form {
        Ok(Form(request)) => request,
        Err(rejection) => {
            let detail = format!(
                "expected a form with `grant_type=refresh_token` and `refresh_token`: {}",
                rejection.body_text()
            );
            return Problem::new(StatusCode::BAD_REQUEST, detail).into_response();
        }
    };
    if request.grant_type != "refresh_token" {
        return Problem::new(StatusCode::BAD_REQUEST, "`grant_type` must be `refresh_token`").into_response();
    }
    match proxy.grants.refresh(&request.refresh_token) {
        Ok(reference) => {
            let no_store = [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))];
            (no_store, Json(TokenResponse::from(reference))).into_response()
        }
        Err(refused) => NotForwarded::Refused(refused).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(backend: &str, pass: bool) -> Grant {
        Grant {
            backend: Granted::Http(Url::parse(backend).unwrap()),
            pass_path: pass,
            pass_query: pass,
            pass_methods: false,
            valid_until: None,
        }
    }

    fn url(grant: &Grant, suffix: &str, query: Option<&str>) -> Result<String, String> {
        let Granted::Http(base) = &grant.backend else { panic!("an HTTP grant") };
        backend_url(grant, base, suffix, query).map(String::from).map_err(|error| error.to_string())
    }

    #[test]
    fn a_path_names_the_transfer_and_a_raw_sub_path() {
        assert_eq!(split_path("/urn:uuid:1"), ("urn:uuid:1", ""));
        assert_eq!(split_path("/urn%3Auuid%3A1/a/b%2Fc"), ("urn%3Auuid%3A1", "a/b%2Fc"));
        assert_eq!(split_path("/t/"), ("t", ""));
    }

    #[test]
    fn sub_paths_and_queries_pass_only_when_granted() {
        let open = grant("http://backend:8080/api/data?key=1", true);
        assert_eq!(url(&open, "", None).unwrap(), "http://backend:8080/api/data?key=1");
        assert_eq!(
            url(&open, "2024/01%2F02", Some("a=b&c")).unwrap(),
            "http://backend:8080/api/data/2024/01%2F02?key=1&a=b&c"
        );
        assert_eq!(url(&grant("http://backend/api/", true), "x", None).unwrap(), "http://backend/api/x");
        let closed = grant("http://backend/api", false);
        assert_eq!(url(&closed, "", Some("")).unwrap(), "http://backend/api");
        assert_eq!(url(&closed, "x", None).unwrap_err(), "this transfer's data has no sub-resources");
        assert_eq!(url(&closed, "", Some("a=b")).unwrap_err(), "this transfer's data takes no query parameters");
    }

    #[test]
    fn a_sub_path_cannot_leave_the_backend_path() {
        let open = grant("http://backend/api/data", true);
        let escapes = [
            "..",
            "../admin",
            "x/../../admin",
            "%2e%2e/admin",
            "%2E%2E",
            "..%5cadmin",
            "..%5Cadmin",
            "..\\admin",
            "x\\..\\..\\admin",
            "x%2f..%2f..%2fadmin",
            "%252e%252e%252fadmin",
            ".%2e/admin",
        ];
        for escape in escapes {
            assert_eq!(url(&open, escape, None).unwrap_err(), "the sub-path leaves this transfer's data", "{escape}");
        }
        assert_eq!(url(&open, "x/../y", None).unwrap(), "http://backend/api/data/y");
        assert_eq!(url(&open, "x%5c..%5cy", None).unwrap(), "http://backend/api/data/x%5c..%5cy");
        assert_eq!(url(&open, ".../a%25zz", None).unwrap(), "http://backend/api/data/.../a%25zz");
        assert_eq!(url(&grant("http://backend/", true), "a/../b", None).unwrap(), "http://backend/b");
    }

    #[test]
    fn only_safe_headers_are_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer secret"));
        headers.insert(header::COOKIE, HeaderValue::from_static("a=b"));
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        headers.insert(header::RANGE, HeaderValue::from_static("bytes=0-9"));
        headers.append(header::ACCEPT, HeaderValue::from_static("text/csv"));
        headers.append(header::ACCEPT, HeaderValue::from_static("application/json"));
        let kept = kept(headers, REQUEST_HEADERS);
        assert_eq!(kept.len(), 3);
        assert_eq!(kept.get_all(header::ACCEPT).iter().count(), 2);
        assert_eq!(kept[header::RANGE], "bytes=0-9");
    }

    #[test]
    fn a_bearer_token_is_read_from_its_header() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
            bearer_token(&headers).map(str::to_owned)
        };
        assert_eq!(with("Bearer abc").as_deref(), Some("abc"));
        assert_eq!(with("bearer  abc ").as_deref(), Some("abc"));
        assert_eq!(with("Basic abc"), None);
        assert_eq!(with("Bearer "), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }
}

//! The consumer side of DSP: reading another connector's catalogue — version discovery, every `Link` page, gzip —
//! normalised to the DSP compact form.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap};
use serde_json::{Value, json};
use url::Url;

use super::jsonld::{DSP_CONTEXT, Normaliser};
use crate::dcp::Identity;

/// The most catalogue pages followed from one peer; stops a peer that links pages in a circle.
const MAX_PAGES: usize = 10_000;

/// A DSP client with this connector's outbound credentials.
#[derive(Debug, Clone)]
pub struct DspClient {
    http: reqwest::Client,
    outbound: Outbound,
    normaliser: Normaliser,
    max_datasets: usize,
}

/// How this connector authenticates to peers.
#[derive(Debug, Clone)]
pub enum Outbound {
    /// A DCP self-issued token for each request, minted for the peer's DID.
    Dcp(Arc<Identity>),
    /// A static bearer token (peers that accept only those).
    Static(String),
}

/// Why a peer's catalogue could not be read; the message says what the peer did.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The address is not usable.
    #[error("`{0}` is not an http(s) URL")]
    BadAddress(String),
    /// The peer could not be reached or did not answer in time.
    #[error("could not reach {url}: {reason}")]
    Unreachable {
        /// What was asked for.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The peer answered with an error status.
    #[error("{url} answered {status}: {body}")]
    Refused {
        /// What was asked for.
        url: String,
        /// The status.
        status: u16,
        /// The start of its body.
        body: String,
    },
    /// The peer's answer is not a DSP message of the expected kind.
    #[error("{url} answered something that is not a DSP {expected}: {reason}")]
    Invalid {
        /// What was asked for.
        url: String,
        /// What was expected.
        expected: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// This connector could not make its token for the peer.
    #[error("could not sign a token for {0}")]
    Token(String),
    /// The peer offers no DSP 2025-1 endpoint over HTTPS.
    #[error("{0} does not speak DSP 2025-1")]
    NoCommonVersion(String),
}

impl DspClient {
    /// A client authenticating as `outbound` says, giving up on a request after `timeout`, reading at most
    /// `max_datasets` datasets of one catalogue.
    pub fn new(outbound: Outbound, timeout: Duration, max_datasets: usize, normaliser: Normaliser) -> DspClient {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .gzip(true)
            .user_agent(concat!("ldt-connector/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        DspClient { http, outbound, normaliser, max_datasets }
    }

    /// The HTTP client, for other calls to peers.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The DSP base URL of the connector at `address`: from its version endpoint when it has one, else `address`
    /// itself (a DSP base given directly).
    pub async fn discover(&self, address: &str) -> Result<Url, ClientError> {
        let address = Url::parse(address)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https"))
            .ok_or_else(|| ClientError::BadAddress(address.to_owned()))?;
        let mut well_known = address.clone();
        well_known.set_path("/.well-known/dspace-version");
        well_known.set_query(None);
        let response =
            self.http.get(well_known.clone()).send().await.map_err(|error| unreachable(&well_known, error))?;
        if response.status().is_client_error() {
            // No version endpoint (404, or a server that answers only POSTs there): the address is taken as the DSP
            // base itself.
            return Ok(address);
        }
        let versions: Value = read_json(response, &well_known, "version list").await?;
        let path = versions["protocolVersions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|version| version["version"] == "2025-1" && version["binding"] == "HTTPS")
            .and_then(|version| version["path"].as_str())
            .ok_or_else(|| ClientError::NoCommonVersion(address.to_string()))?;
        let mut base = address.clone();
        base.set_path(path);
        base.set_query(None);
        Ok(base)
    }

    /// The whole catalogue of the connector at `address` (all pages, up to the dataset limit), as one DSP
    /// `Catalog` in compact form. `filter` is passed through as the request's `filter`. `peer` is the other
    /// participant's DID; when not given, the `did:web` DID of `address` (an ldt-connector's DID is that of its
    /// public URL).
    pub async fn catalog(&self, address: &str, peer: Option<&str>, filter: &[Value]) -> Result<Value, ClientError> {
        let base = self.discover(address).await?;
        let peer = match peer {
            Some(peer) => peer.to_owned(),
            None => peer_did(address)?,
        };
        let request = json!({"@context": [DSP_CONTEXT], "@type": "CatalogRequestMessage", "filter": filter});
        let mut url = join(&base, "catalog/request");
        let mut merged: Option<Value> = None;
        let mut datasets: Vec<Value> = Vec::new();
        for _ in 0..MAX_PAGES {
            let response = self
                .authorised(self.http.post(url.clone()), &peer)?
                .json(&request)
                .send()
                .await
                .map_err(|error| unreachable(&url, error))?;
            let next = next_link(response.headers(), &url);
            let page = read_json(response, &url, "Catalog").await?;
            let mut page = self.normaliser.normalise(page).await.map_err(|error| invalid(&url, "Catalog", error))?;
            if page["@type"] != "Catalog" {
                return Err(invalid(&url, "Catalog", format!("its @type is {}", page["@type"])));
            }
            if let Some(Value::Array(items)) = page.as_object_mut().and_then(|page| page.remove("dataset")) {
                datasets.extend(items);
            }
            merged.get_or_insert(page);
            match next {
                Some(next) if datasets.len() < self.max_datasets => url = next,
                _ => break,
            }
        }
        datasets.truncate(self.max_datasets);
        let mut catalog = merged.unwrap_or_default();
        if !datasets.is_empty()
            && let Some(object) = catalog.as_object_mut()
        {
            object.insert("dataset".into(), Value::Array(datasets));
        }
        Ok(catalog)
    }

    /// The offers (`hasPolicy`) of the dataset `id` of the connector whose DSP base is `base`
    /// (`GET <base>/catalog/datasets/:id`), normalised; `peer` is its participant id.
    pub async fn dataset_offers(&self, base: &Url, peer: &str, id: &str) -> Result<Vec<Value>, ClientError> {
        let mut url = base.clone();
        url.path_segments_mut()
            .map_err(|_| ClientError::BadAddress(base.to_string()))?
            .pop_if_empty()
            .extend(["catalog", "datasets", id]);
        let response = self
            .authorised(self.http.get(url.clone()), peer)?
            .send()
            .await
            .map_err(|error| unreachable(&url, error))?;
        let dataset = read_json(response, &url, "Dataset").await?;
        let mut dataset = self
            .normaliser
            .normalise_terms(dataset, &["hasPolicy"])
            .await
            .map_err(|error| invalid(&url, "Dataset", error))?;
        Ok(match dataset.as_object_mut().and_then(|dataset| dataset.remove("hasPolicy")) {
            Some(Value::Array(offers)) => offers,
            Some(offer) => vec![offer],
            None => Vec::new(),
        })
    }

    /// POSTs the DSP message `body` to `url` with a token for `peer`: the status and, if it is JSON, the answer.
    pub async fn post_message(&self, url: &str, peer: &str, body: &Value) -> Result<(u16, Value), ClientError> {
        let target = Url::parse(url).map_err(|_| ClientError::BadAddress(url.to_owned()))?;
        let response = self
            .authorised(self.http.post(target.clone()), peer)?
            .json(body)
            .send()
            .await
            .map_err(|error| unreachable(&target, error))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|error| unreachable(&target, error))?;
        Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }

    /// GETs the DSP object at `url` with a token for `peer`.
    pub async fn get_object(&self, url: &str, peer: &str) -> Result<Value, ClientError> {
        let target = Url::parse(url).map_err(|_| ClientError::BadAddress(url.to_owned()))?;
        let response = self
            .authorised(self.http.get(target.clone()), peer)?
            .send()
            .await
            .map_err(|error| unreachable(&target, error))?;
        read_json(response, &target, "object").await
    }

    /// `request` with this connector's bearer token for `peer`.
    fn authorised(&self, request: reqwest::RequestBuilder, peer: &str) -> Result<reqwest::RequestBuilder, ClientError> {
        let token = match &self.outbound {
            Outbound::Static(token) => token.clone(),
            Outbound::Dcp(identity) => {
                identity.dsp_token(peer).map_err(|error| ClientError::Token(format!("{peer}: {error}")))?
            }
        };
        Ok(request.bearer_auth(token))
    }
}

/// The `did:web` DID of the connector at `address` (its root URL, or its DSP base ending in `/dsp`).
pub fn peer_did(address: &str) -> Result<String, ClientError> {
    let mut url = Url::parse(address).map_err(|_| ClientError::BadAddress(address.to_owned()))?;
    let path = url.path().trim_end_matches('/');
    let root = path.strip_suffix(crate::dsp::version::DSP_PATH).unwrap_or(path).to_owned();
    url.set_path(&root);
    ldt_identity::did::did_web(&url).map_err(|_| ClientError::BadAddress(address.to_owned()))
}

/// `base` with `path` appended below it.
fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let joined = format!("{}/{path}", base.path().trim_end_matches('/'));
    url.set_path(&joined);
    url
}

/// The target of the `Link: <…>; rel="next"` header, resolved against `url`.
fn next_link(headers: &HeaderMap, url: &Url) -> Option<Url> {
    headers
        .get_all(header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|link| {
            let (target, params) = link.trim().split_once(';')?;
            let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
            let is_next = params.split(';').any(|param| {
                let param = param.trim().replace(' ', "");
                param == "rel=\"next\"" || param == "rel=next"
            });
            if is_next { url.join(target).ok() } else { None }
        })
}

async fn read_json(response: reqwest::Response, url: &Url, expected: &'static str) -> Result<Value, ClientError> {
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        let body: String = body.chars().take(500).collect();
        return Err(ClientError::Refused { url: url.to_string(), status: status.as_u16(), body });
    }
    response.json().await.map_err(|error| invalid(url, expected, error))
}

fn unreachable(url: &Url, error: reqwest::Error) -> ClientError {
    ClientError::Unreachable { url: url.to_string(), reason: error.to_string() }
}

fn invalid(url: &Url, expected: &'static str, reason: impl std::fmt::Display) -> ClientError {
    ClientError::Invalid { url: url.to_string(), expected, reason: reason.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn finds_the_next_link_among_several() {
        let url = Url::parse("http://peer/dsp/catalog/request").unwrap();
        let mut headers = HeaderMap::new();
        headers.append(header::LINK, HeaderValue::from_static("</dsp/catalog/request?cursor=b>; rel=\"previous\""));
        headers
            .append(header::LINK, HeaderValue::from_static("<http://peer/dsp/catalog/request?cursor=n>; rel=\"next\""));
        assert_eq!(next_link(&headers, &url).unwrap().as_str(), "http://peer/dsp/catalog/request?cursor=n");
        let mut combined = HeaderMap::new();
        combined.insert(header::LINK, HeaderValue::from_static("<?cursor=p>; rel=previous, <?cursor=n2>; rel=next"));
        assert_eq!(next_link(&combined, &url).unwrap().as_str(), "http://peer/dsp/catalog/request?cursor=n2");
        assert_eq!(next_link(&HeaderMap::new(), &url), None);
    }

    #[test]
    fn joins_paths_with_or_without_a_trailing_slash() {
        for base in ["http://peer/dsp", "http://peer/dsp/"] {
            assert_eq!(join(&Url::parse(base).unwrap(), "catalog/request").as_str(), "http://peer/dsp/catalog/request");
        }
    }
}

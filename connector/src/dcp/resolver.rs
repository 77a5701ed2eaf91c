//! DID resolution with a cache: `did:web` over HTTP(S), `did:key` and `did:jwk` from the DID itself, and this
//! connector's own DID without a request.

use std::sync::Arc;
use std::time::Duration;

use ldt_identity::did::{DidDocument, did_web_url, resolve_offline};

use super::cache::TtlCache;

/// The largest DID document read, in bytes.
const MAX_DOCUMENT_BYTES: usize = 256 * 1024;

/// Resolves DIDs to their documents.
#[derive(Debug)]
pub struct DidResolver {
    http: reqwest::Client,
    https: bool,
    own: Arc<DidDocument>,
    cache: TtlCache<DidDocument>,
}

impl DidResolver {
    /// A resolver using `http`, fetching `did:web` documents over HTTPS unless `https` is false (local development),
    /// keeping them for `ttl`, and knowing `own` document.
    pub fn new(http: reqwest::Client, https: bool, ttl: Duration, own: DidDocument) -> DidResolver {
        DidResolver { http, https, own: Arc::new(own), cache: TtlCache::new(ttl) }
    }

    /// The document of `did`, or why there is none.
    pub async fn resolve(&self, did: &str) -> Result<Arc<DidDocument>, String> {
        if did == self.own.id {
            return Ok(self.own.clone());
        }
        if let Some(document) = self.cache.get(did).await {
            return Ok(document);
        }
        let document = match resolve_offline(did).await {
            Some(resolved) => resolved.map_err(|error| error.to_string())?,
            None => self.fetch(did).await?,
        };
        if document.id != did {
            return Err(format!("the DID document of `{did}` is about `{}`", document.id));
        }
        Ok(self.cache.put(did, document).await)
    }

    /// The document of `did` fetched anew (a cached one may predate a key rotation).
    pub async fn refresh(&self, did: &str) -> Result<Arc<DidDocument>, String> {
        self.cache.forget(did).await;
        self.resolve(did).await
    }

    async fn fetch(&self, did: &str) -> Result<DidDocument, String> {
        let url = did_web_url(did, self.https).map_err(|error| error.to_string())?;
        let response = self
            .http
            .get(url.clone())
            .send()
            .await
            .map_err(|error| format!("could not fetch the DID document {url}: {error}"))?;
        if !response.status().is_success() {
            return Err(format!("{url} answered {}", response.status()));
        }
        let body = read_limited(response, MAX_DOCUMENT_BYTES).await.map_err(|error| format!("{url}: {error}"))?;
        serde_json::from_slice(&body).map_err(|error| format!("{url} is not a DID document: {error}"))
    }
}

/// The body of `response`, refused when longer than `limit` bytes.
pub async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|error| error.to_string())? {
        if body.len() + chunk.len() > limit {
            return Err(format!("the answer is longer than {limit} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

//! Which transfers may be pulled right now, and the tokens that open them.
//!
//! The transfer shell opens a grant when a pull transfer is STARTED and closes it when the transfer is suspended,
//! completed or terminated; closing refuses new requests at once and cuts the responses still streaming (each grant
//! has a cancellation token that the proxy's bodies watch). A grant whose agreement has ended (`valid_until` passed)
//! is refused too, and reported once on the channel [`Grants::new`] returns, so the shell can terminate the
//! transfer. Tokens are signed JWTs ([`super::token`]); the registry is checked on every proxied request, so a read
//! is one uncontended read lock around a hash lookup.
//!
//! A closed or expired grant is kept as a tombstone for as long as a token issued for it could still be valid, so
//! that such a token is refused as "not started" (403) rather than "unknown" (404).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Utc};
use josekit::JoseError;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::address::EndpointDataReference;
use super::token::{TokenError, TokenKeys, TokenKind};
use crate::dataplane::stream::Source;

/// The path segment of the refresh endpoint under the proxy's base (so no transfer may have this id).
pub(super) const REFRESH_SEGMENT: &str = "token";

/// Longest single wait of an agreement's expiry timer: the wall clock is read again after it, so a clock change is
/// noticed within this time (requests check the clock themselves).
const LONGEST_EXPIRY_WAIT: Duration = Duration::from_secs(3600);

/// The private data a grant opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Granted {
    /// An HTTP resource (a distribution's backend URL), proxied.
    Http(Url),
    /// A live stream (an MQTT topic filter or NATS subject), read as server-sent events.
    Stream(Source),
}

/// What a started pull transfer may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The private backend resource.
    pub backend: Granted,
    /// Whether a sub-path of the transfer's endpoint is appended to the backend's path.
    pub pass_path: bool,
    /// Whether the request's query parameters are passed to the backend.
    pub pass_query: bool,
    /// Whether methods other than GET and HEAD (with their request bodies) are passed to the backend; if not, they
    /// are refused with 405.
    pub pass_methods: bool,
    /// When the contract agreement ends, if it does.
    pub valid_until: Option<DateTime<Utc>>,
}

/// How pull access is offered.
#[derive(Debug, Clone)]
pub struct PullSettings {
    /// The public URL at which the shell serves [`super::router`], e.g. `https://provider.example/data`.
    pub public_endpoint: Url,
    /// How long an access token is accepted.
    pub access_lifetime: Duration,
    /// How long a refresh token is accepted.
    pub refresh_lifetime: Duration,
}

impl PullSettings {
    /// Settings for a proxy served at `public_endpoint`: access tokens for 5 minutes, refresh tokens for an hour.
    pub fn new(public_endpoint: Url) -> PullSettings {
        PullSettings {
            public_endpoint,
            access_lifetime: Duration::from_secs(300),
            refresh_lifetime: Duration::from_secs(3600),
        }
    }
}

/// Why pull access could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum PullSetupError {
    /// The token secret is unusable (shorter than 32 bytes).
    #[error("the data plane's token secret is unusable: {0}")]
    Secret(JoseError),
    /// The public endpoint cannot take a transfer id as a path segment.
    #[error("the data plane's public endpoint `{0}` is not an http(s) URL")]
    Endpoint(Url),
}

/// Reported once when a grant's agreement has ended: the shell should terminate the transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantExpired {
    /// The transfer whose grant expired.
    pub transfer_id: String,
    /// When its agreement ended.
    pub valid_until: DateTime<Utc>,
}

/// Why a request for a transfer's data, or for a token, was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// No valid token of the right kind (401).
    #[error(transparent)]
    Token(#[from] TokenError),
    /// A valid token, for another transfer (403).
    #[error("the token is for another transfer")]
    OtherTransfer,
    /// The data plane has no grant for the transfer: never started here, or closed long ago (404).
    #[error("no transfer with this id is known to this data plane")]
    Unknown,
    /// The transfer is not started: suspended, completed or terminated (403).
    #[error("the transfer is not started (it was suspended, completed or terminated)")]
    Closed,
    /// The contract agreement has ended (403).
    #[error("the contract agreement ended at {0}")]
    Expired(DateTime<Utc>),
}

/// The registry of pull grants: cheap to clone, shared by the transfer shell and the proxy.
#[derive(Debug, Clone)]
pub struct Grants(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    entries: RwLock<HashMap<Box<str>, Arc<Entry>>>,
    /// Closed and expired entries, oldest first, with when they may be forgotten.
    tombstones: Mutex<VecDeque<(Instant, Arc<Entry>)>>,
    keys: TokenKeys,
    settings: PullSettings,
    refresh_endpoint: String,
    expired: mpsc::UnboundedSender<GrantExpired>,
}

const OPEN: u8 = 0;
const CLOSED: u8 = 1;
const EXPIRED: u8 = 2;

/// One transfer's grant and its state, as the proxy reads it.
#[derive(Debug)]
pub(super) struct Entry {
    transfer_id: Box<str>,
    /// What may be read.
    pub(super) grant: Grant,
    state: AtomicU8,
    /// Cancelled when the grant closes or expires: the proxy's bodies stop then.
    pub(super) cancel: CancellationToken,
}

impl Grants {
    /// An empty registry signing tokens with `secret` (at least 32 bytes; e.g. the bytes of a secret from
    /// `crate::secrets::load_or_create`), and the receiver of its [`GrantExpired`] reports.
    pub fn new(
        secret: &[u8],
        settings: PullSettings,
    ) -> Result<(Grants, mpsc::UnboundedReceiver<GrantExpired>), PullSetupError> {
        let keys = TokenKeys::new(secret).map_err(PullSetupError::Secret)?;
        let refresh_endpoint = endpoint_for(&settings.public_endpoint, REFRESH_SEGMENT)
            .ok_or_else(|| PullSetupError::Endpoint(settings.public_endpoint.clone()))?;
        let (expired, reports) = mpsc::unbounded_channel();
        let shared = Shared {
            entries: RwLock::default(),
            tombstones: Mutex::default(),
            keys,
            settings,
            refresh_endpoint,
            expired,
        };
        Ok((Grants(Arc::new(shared)), reports))
    }

    /// Opens (or reopens, after a suspension) the grant of `transfer_id`. A grant still open under that id is
    /// closed first, cutting its responses.
    ///
    /// # Panics
    /// When `grant.valid_until` is set and this is called outside a Tokio runtime (its expiry timer is a task).
    pub fn open(&self, transfer_id: &str, grant: Grant) {
        let valid_until = grant.valid_until;
        let entry = Arc::new(Entry {
            transfer_id: transfer_id.into(),
            grant,
            state: AtomicU8::new(OPEN),
            cancel: CancellationToken::new(),
        });
        let replaced = self.write_entries().insert(transfer_id.into(), entry.clone());
        if let Some(replaced) = replaced
            && replaced.end(CLOSED)
        {
            tracing::debug!(transfer_id, "a reopened pull grant replaced one still open");
        }
        if let Some(valid_until) = valid_until {
            tokio::spawn(expire_at(valid_until, entry, Arc::downgrade(&self.0)));
        }
        self.forget_old_tombstones();
    }

    /// Closes the grant of `transfer_id`: new requests are refused and responses still streaming are cut. False
    /// when it was not open.
    pub fn close(&self, transfer_id: &str) -> bool {
        let closed = self.lookup(transfer_id).is_some_and(|entry| self.end(&entry, CLOSED));
        self.forget_old_tombstones();
        closed
    }

    /// A fresh endpoint data reference (endpoint, access and refresh token) for the open grant of `transfer_id`.
    pub fn issue(&self, transfer_id: &str) -> Result<EndpointDataReference, Refused> {
        let entry = self.lookup(transfer_id).ok_or(Refused::Unknown)?;
        self.check(&entry)?;
        Ok(self.reference(&entry))
    }

    /// A fresh endpoint data reference in exchange for a refresh token, while its transfer's grant is open.
    pub fn refresh(&self, refresh_token: &str) -> Result<EndpointDataReference, Refused> {
        let transfer_id = self.0.keys.verify(refresh_token, TokenKind::Refresh, SystemTime::now())?;
        self.issue(&transfer_id)
    }

    /// The open grant of `transfer_id` if `access_token` is a valid access token for it.
    pub(super) fn authorize(&self, transfer_id: &str, access_token: &str) -> Result<Arc<Entry>, Refused> {
        let token_transfer = self.0.keys.verify(access_token, TokenKind::Access, SystemTime::now())?;
        if token_transfer != transfer_id {
            return Err(Refused::OtherTransfer);
        }
        let entry = self.lookup(transfer_id).ok_or(Refused::Unknown)?;
        self.check(&entry)?;
        Ok(entry)
    }

    fn lookup(&self, transfer_id: &str) -> Option<Arc<Entry>> {
        self.0.entries.read().unwrap_or_else(PoisonError::into_inner).get(transfer_id).cloned()
    }

    fn write_entries(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<Box<str>, Arc<Entry>>> {
        self.0.entries.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether `entry` is open; a grant found past its agreement's end is expired here.
    fn check(&self, entry: &Arc<Entry>) -> Result<(), Refused> {
        match entry.state.load(Ordering::Acquire) {
            OPEN => match entry.grant.valid_until {
                Some(valid_until) if Utc::now() >= valid_until => {
                    self.end(entry, EXPIRED);
                    Err(Refused::Expired(valid_until))
                }
                _ => Ok(()),
            },
            EXPIRED => Err(Refused::Expired(entry.grant.valid_until.unwrap_or_default())),
            _ => Err(Refused::Closed),
        }
    }

    /// Ends an open `entry` as `state`: cancels its responses, keeps it as a tombstone, and reports an expiry.
    /// False when it had already ended.
    fn end(&self, entry: &Arc<Entry>, state: u8) -> bool {
        if !entry.end(state) {
            return false;
        }
        let settings = &self.0.settings;
        let forget_at = Instant::now() + settings.access_lifetime.max(settings.refresh_lifetime);
        self.0.tombstones.lock().unwrap_or_else(PoisonError::into_inner).push_back((forget_at, entry.clone()));
        if let (EXPIRED, Some(valid_until)) = (state, entry.grant.valid_until) {
            tracing::info!(transfer_id = &*entry.transfer_id, %valid_until, "pull grant expired with its agreement");
            let report = GrantExpired { transfer_id: entry.transfer_id.to_string(), valid_until };
            // Nobody listening means nobody to tell.
            let _ = self.0.expired.send(report);
        }
        true
    }

    /// Removes the tombstones no token can reach any more (unless their transfer was reopened since).
    fn forget_old_tombstones(&self) {
        let now = Instant::now();
        let mut forgotten = Vec::new();
        {
            let mut tombstones = self.0.tombstones.lock().unwrap_or_else(PoisonError::into_inner);
            while tombstones.front().is_some_and(|(forget_at, _)| *forget_at <= now) {
                forgotten.extend(tombstones.pop_front().map(|(_, entry)| entry));
            }
        }
        if forgotten.is_empty() {
            return;
        }
        let mut entries = self.write_entries();
        for entry in forgotten {
            if entries.get(&entry.transfer_id).is_some_and(|current| Arc::ptr_eq(current, &entry)) {
                entries.remove(&entry.transfer_id);
            }
        }
    }

    fn reference(&self, entry: &Entry) -> EndpointDataReference {
        let Shared { keys, settings, refresh_endpoint, .. } = &*self.0;
        let now = SystemTime::now();
        let transfer_id = &*entry.transfer_id;
        EndpointDataReference {
            endpoint: endpoint_for(&settings.public_endpoint, transfer_id).unwrap_or_default(),
            access_token: keys.sign(transfer_id, TokenKind::Access, now, settings.access_lifetime),
            expires_in: settings.access_lifetime.as_secs(),
            refresh_token: keys.sign(transfer_id, TokenKind::Refresh, now, settings.refresh_lifetime),
            refresh_endpoint: refresh_endpoint.clone(),
        }
    }
}

impl Entry {
    /// Moves an open entry to `state` and cancels its responses; false when it was not open.
    fn end(&self, state: u8) -> bool {
        let ended = self.state.compare_exchange(OPEN, state, Ordering::AcqRel, Ordering::Acquire).is_ok();
        if ended {
            self.cancel.cancel();
        }
        ended
    }
}

/// `base` with `segment` appended as one more path segment (percent-encoded); `None` for a base that is not an
/// http(s) URL.
fn endpoint_for(base: &Url, segment: &str) -> Option<String> {
    if !matches!(base.scheme(), "http" | "https") {
        return None;
    }
    let mut url = base.clone();
    url.path_segments_mut().ok()?.pop_if_empty().push(segment);
    Some(url.into())
}

/// Expires `entry` when its agreement ends at `valid_until`, unless the grant is closed before.
async fn expire_at(valid_until: DateTime<Utc>, entry: Arc<Entry>, grants: Weak<Shared>) {
    while let Ok(left) = (valid_until - Utc::now()).to_std() {
        tokio::select! {
            () = entry.cancel.cancelled() => return,
            () = tokio::time::sleep(left.min(LONGEST_EXPIRY_WAIT)) => {}
        }
    }
    if let Some(shared) = grants.upgrade() {
        Grants(shared).end(&entry, EXPIRED);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_is_the_base_with_one_more_segment() {
        let base = |url: &str| Url::parse(url).unwrap();
        assert_eq!(
            endpoint_for(&base("https://p.example/data"), "urn:uuid:1").unwrap(),
            "https://p.example/data/urn:uuid:1"
        );
        assert_eq!(
            endpoint_for(&base("https://p.example/data/"), "a/b c").unwrap(),
            "https://p.example/data/a%2Fb%20c"
        );
        assert_eq!(endpoint_for(&base("http://p.example"), "token").unwrap(), "http://p.example/token");
        assert_eq!(endpoint_for(&base("mailto:x@p.example"), "t"), None);
    }
}

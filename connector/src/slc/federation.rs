//! A federated view of the data space's catalogues: the members come from the authority's registry, each member's
//! catalogue is fetched over DSP (several at once), kept, and refreshed incrementally — a member fetched less than
//! `slc.catalog_ttl_secs` ago is not asked again, a catalogue that did not change is not read again, and members
//! that left the registry are dropped.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream;
use ldt_catalog::slc::profile::Participant;
use ldt_catalog::slc::{LdtProfile, Published, components_of};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::authority;

/// The catalogues of the data space's members, as last fetched.
#[derive(Debug, Default)]
pub struct Federation {
    members: Mutex<BTreeMap<String, Member>>,
    /// One refresh at a time; the DID of the authority whose data space the view is of.
    refreshing: tokio::sync::Mutex<Option<String>>,
}

/// How long a member whose catalogue could not be fetched is left alone (at most the TTL), unless forced.
const RETRY_AFTER: Duration = Duration::from_secs(60);

/// The most components read from one member's catalogue; the rest are counted as left out.
const MAX_COMPONENTS_PER_MEMBER: usize = 10_000;

/// One member's catalogue as last fetched.
#[derive(Debug, Clone)]
struct Member {
    fetched_at: Option<(Instant, DateTime<Utc>)>,
    digest: u64,
    /// Its profile, with the member as the registry last listed it.
    profile: Arc<LdtProfile>,
    components: Arc<[Published]>,
    invalid_components: usize,
    /// Why the last fetch failed and when, while that stands.
    failure: Option<(String, Instant)>,
}

impl Member {
    /// True if the member need not be asked now: fetched less than `ttl` ago, or failed less than `retry` ago.
    fn rests(&self, ttl: Duration, retry: Duration) -> bool {
        match &self.failure {
            None => self.fetched_at.is_some_and(|(at, _)| at.elapsed() < ttl),
            Some((_, failed)) => failed.elapsed() < retry,
        }
    }
}

/// A member's catalogue as the federation holds it, for people and tools.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberStatus {
    /// The member.
    pub participant: Participant,
    /// When its catalogue was last fetched.
    pub fetched_at: Option<DateTime<Utc>>,
    /// Its data products.
    pub products: usize,
    /// Its components.
    pub components: usize,
    /// Components left out: their descriptor is not valid, or they come beyond the 10,000 read from one member.
    pub invalid_components: usize,
    /// Why the last fetch failed, if it did (what was fetched before is kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a refresh did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Refresh {
    /// Members in the registry (this connector left out).
    pub members: usize,
    /// Catalogues fetched and read anew.
    pub changed: usize,
    /// Catalogues fetched and found unchanged.
    pub unchanged: usize,
    /// Catalogues not fetched: fetched less than the TTL ago.
    pub fresh: usize,
    /// Catalogues that could not be fetched.
    pub failed: usize,
    /// Catalogues not fetched: the last fetch failed less than a minute (or the TTL) ago.
    pub retry_later: usize,
    /// How long the refresh took, in milliseconds.
    pub millis: u64,
}

/// What one fetch found.
enum Fetched {
    Changed(Member),
    Unchanged,
    Failed(String),
}

impl Federation {
    /// Refreshes the view from the registry of the authority at `address` (root URL) with DID `authority`; with
    /// `force`, every catalogue is fetched whatever its age.
    pub async fn refresh(
        &self,
        state: &AppState,
        address: url::Url,
        authority: &str,
        force: bool,
    ) -> Result<Refresh, String> {
        let started = Instant::now();
        let mut view_of = self.refreshing.lock().await;
        if view_of.as_deref() != Some(authority) {
            // Another data space: nothing of the last one is kept.
            self.lock().clear();
            *view_of = Some(authority.to_owned());
        }
        let registry = authority::read_registry(state, address, authority).await?;
        let own = &state.identity.did;
        let ttl = Duration::from_secs(state.config.slc.catalog_ttl_secs);
        let mut report = Refresh::default();
        let mut due = Vec::new();
        {
            let mut members = self.lock();
            let listed: std::collections::HashSet<&str> = registry.iter().map(|entry| entry.did.as_str()).collect();
            members.retain(|did, _| listed.contains(did.as_str()));
            for entry in registry.into_iter().filter(|entry| &entry.did != own) {
                report.members += 1;
                let participant =
                    Participant { id: entry.did.clone(), name: entry.ldt, address: Some(entry.dsp_address) };
                let known = members.get(&entry.did);
                match known.filter(|member| !force && member.rests(ttl, RETRY_AFTER.min(ttl))) {
                    Some(member) if member.failure.is_some() => report.retry_later += 1,
                    Some(_) => report.fresh += 1,
                    None => due.push((participant, known.map(|member| member.digest))),
                }
            }
        }
        let concurrency = state.config.slc.fetch_concurrency;
        let results: Vec<(Participant, Fetched)> = stream::iter(due)
            .map(|(participant, digest)| async move {
                let fetched = fetch(state, &participant, digest).await;
                (participant, fetched)
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
        let now = (Instant::now(), Utc::now());
        let mut members = self.lock();
        for (participant, fetched) in results {
            match fetched {
                Fetched::Changed(member) => {
                    report.changed += 1;
                    members.insert(participant.id.clone(), Member { fetched_at: Some(now), ..member });
                }
                Fetched::Unchanged => {
                    report.unchanged += 1;
                    if let Some(member) = members.get_mut(&participant.id) {
                        member.fetched_at = Some(now);
                        member.failure = None;
                    }
                }
                Fetched::Failed(error) => {
                    report.failed += 1;
                    tracing::warn!(member = %participant.id, %error, "a member's catalogue could not be fetched");
                    let member = members.entry(participant.id.clone()).or_insert_with(|| Member {
                        profile: Arc::new(LdtProfile::from_catalog(participant, &serde_json::Value::Null)),
                        fetched_at: None,
                        digest: 0,
                        components: Arc::from([]),
                        invalid_components: 0,
                        failure: None,
                    });
                    member.failure = Some((error, now.0));
                }
            }
        }
        report.millis = started.elapsed().as_millis() as u64;
        Ok(report)
    }

    /// The members' profiles and their components, as last fetched.
    pub fn snapshot(&self) -> Vec<(Arc<LdtProfile>, Arc<[Published]>)> {
        self.lock().values().map(|member| (Arc::clone(&member.profile), Arc::clone(&member.components))).collect()
    }

    /// Each member's catalogue status.
    pub fn status(&self) -> Vec<MemberStatus> {
        self.lock()
            .values()
            .map(|member| MemberStatus {
                participant: member.profile.participant.clone(),
                fetched_at: member.fetched_at.map(|(_, at)| at),
                products: member.profile.products.len(),
                components: member.components.len(),
                invalid_components: member.invalid_components,
                error: member.failure.as_ref().map(|(error, _)| error.clone()),
            })
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Member>> {
        // The map is only swapped in whole entries; a panic elsewhere cannot leave it half-written.
        self.members.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Fetches a member's catalogue; `Unchanged` if its digest (of the catalogue and the registry entry) is `known`.
async fn fetch(state: &AppState, participant: &Participant, known: Option<u64>) -> Fetched {
    let address = participant.address.as_deref().unwrap_or_default();
    let catalog = match state.dsp_client.catalog(address, Some(&participant.id), &[]).await {
        Ok(catalog) => catalog,
        Err(error) => return Fetched::Failed(error.to_string()),
    };
    let participant = participant.clone();
    // Hashing and reading thousands of datasets is CPU work: off the async threads.
    let read = tokio::task::spawn_blocking(move || {
        let digest = digest(&participant, &catalog);
        if known == Some(digest) {
            return Fetched::Unchanged;
        }
        let (mut components, mut invalid_components) = components_of(&catalog);
        if components.len() > MAX_COMPONENTS_PER_MEMBER {
            invalid_components += components.len() - MAX_COMPONENTS_PER_MEMBER;
            components.truncate(MAX_COMPONENTS_PER_MEMBER);
        }
        let profile = Arc::new(LdtProfile::from_catalog(participant, &catalog));
        Fetched::Changed(Member {
            fetched_at: None,
            digest,
            profile,
            components: components.into(),
            invalid_components,
            failure: None,
        })
    });
    read.await.unwrap_or_else(|error| Fetched::Failed(format!("reading the catalogue failed: {error}")))
}

/// A digest of a member's registry entry and catalogue: when it is the same, nothing needs reading again.
fn digest(participant: &Participant, catalog: &serde_json::Value) -> u64 {
    /// Feeds what is written into a hasher, so the catalogue is hashed without being copied into a string.
    struct Hashing<'a>(&'a mut DefaultHasher);
    impl std::io::Write for Hashing<'_> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hasher = DefaultHasher::new();
    (&participant.name, &participant.address).hash(&mut hasher);
    // Writing a JSON value into a hasher cannot fail.
    let _ = serde_json::to_writer(Hashing(&mut hasher), catalog);
    hasher.finish()
}

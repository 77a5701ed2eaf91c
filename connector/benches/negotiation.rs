//! Contract negotiation between two connectors on loopback, from the consumer's start to FINALIZED, on SQLite and
//! PostgreSQL: the latency of one negotiation at a time (p50, p99, mean), finalized negotiations per second with many
//! in flight, and the database commits each side makes per negotiation.
//!
//! Both connectors run in this process, on one Tokio runtime (a worker thread per core), and authenticate each other
//! with static tokens: the figures are those of the negotiation machinery (transactions, outbox, dispatcher, DSP
//! messages over HTTP), not of DCP token and credential verification. The provider has one dataset under one open
//! offer and agrees by itself. One negotiation is `negotiation::service::start` — version discovery and the dataset
//! read from the provider's catalogue, then the first request committed — and the wait for the consumer's FINALIZED
//! event (`Processes::subscribe`, no polling). Measured:
//!
//! - latency: `LDT_BENCH_COUNT` (300) negotiations one after another, after 30 to warm up — start to FINALIZED,
//!   the protocol part alone (request committed to FINALIZED), and the median of each hop, taken from the commit
//!   times the two event feeds report; with, for scale, a version discovery, a dataset read and the consumer's
//!   JSON-LD normalisation of that dataset, each on its own;
//! - throughput: `LDT_BENCH_TOTAL` (2,000) negotiations with `LDT_BENCH_CONCURRENCY` (100) in flight, after one
//!   round to warm up: finalized per second, and the latency of each under that load;
//! - commits per negotiation and side, over the sequential run (one negotiation active at a time; counters read
//!   once both sides are idle). On SQLite, the write transactions: the WAL index's change counter (`iChange` in the
//!   `-shm` file), which SQLite increments for every commit that wrote. On PostgreSQL, where each connector has a
//!   database of its own (created here, dropped at the end) so that `pg_stat_database` tells the sides apart,
//!   every transaction committed — each statement outside a transaction counts as one — and the rows inserted,
//!   updated and deleted; backends publish these counters up to 10 s after going idle, so each reading waits 11 s.
//!
//! PostgreSQL comes from `LDT_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`; the role must
//! be allowed to create databases); `LDT_BENCH_BACKENDS=sqlite` or `=postgres` runs one backend.
//!
//! `cargo bench -p ldt-connector --features scenarios --bench negotiation`; for the database's share alone,
//! `connector/benches/negotiation_floor/run.sh` runs the same statements with pgbench.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use ldt_catalog::DataProduct;
use ldt_catalog::offer::{DatasetSelector, Offer, offer_iri};
use ldt_connector::app::{self, AppState, RunningConnector};
use ldt_connector::config::{Config, StaticToken};
use ldt_connector::negotiation::machine::State;
use ldt_connector::negotiation::service::{self, Start};
use ldt_connector::negotiation::{ProcessEvent, ProcessState};
use ldt_connector::store::policies::PolicyDocument;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use serde_json::json;
use tokio::sync::{broadcast, oneshot};
use tokio::task::JoinSet;

const PROVIDER: &str = "did:web:provider.bench";
const CONSUMER: &str = "did:web:consumer.bench";
/// The token the consumer presents to the provider.
const CONSUMER_TOKEN: &str = "consumer-token";
/// The token the provider presents to the consumer.
const PROVIDER_TOKEN: &str = "provider-token";
const DATASET: &str = "traffic-counts";
const OFFER: &str = "open-use";
const WARM_UP: usize = 30;
/// What to run, from the environment.
struct Settings {
    backends: String,
    count: usize,
    total: usize,
    concurrency: usize,
}

impl Settings {
    fn from_env() -> Settings {
        let number = |name: &str, default: usize| {
            std::env::var(name).ok().and_then(|value| value.trim().parse().ok()).filter(|n| *n > 0).unwrap_or(default)
        };
        Settings {
            backends: std::env::var("LDT_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into()),
            count: number("LDT_BENCH_COUNT", 300),
            total: number("LDT_BENCH_TOTAL", 2000),
            concurrency: number("LDT_BENCH_CONCURRENCY", 100),
        }
    }

    fn runs(&self, backend: &str) -> bool {
        self.backends.split(',').any(|name| name.trim() == backend)
    }
}

/// The PostgreSQL server: an administrative connection, to create the connectors' databases and read their
/// statistics.
struct Postgres {
    admin: DatabaseConnection,
    server: url::Url,
}

/// A database's counters from `pg_stat_database`.
#[derive(Debug, Clone, Copy, Default)]
struct PgCounters {
    commits: i64,
    rollbacks: i64,
    inserted: i64,
    updated: i64,
    deleted: i64,
}

impl Postgres {
    async fn connect() -> Postgres {
        let url =
            std::env::var("LDT_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let admin = Database::connect(&url).await.expect("PostgreSQL at LDT_TEST_POSTGRES_URL");
        Postgres { admin, server: url::Url::parse(&url).expect("a PostgreSQL URL") }
    }

    /// Creates a fresh database for `side`; returns its name and URL.
    async fn create(&self, side: &str) -> (String, String) {
        let name = format!("bench_negotiation_{side}_{}", uuid::Uuid::new_v4().simple());
        self.admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("CREATE DATABASE");
        let mut url = self.server.clone();
        url.set_path(&name);
        (name, url.into())
    }

    async fn drop_database(&self, name: &str) {
        self.admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await.expect("DROP");
    }

    /// The counters of database `name` as published (see [`settle`]).
    async fn counters(&self, name: &str) -> PgCounters {
        // Each statement here is a transaction of its own, so it reads a fresh statistics snapshot.
        let row = self
            .admin
            .query_one(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted \
                 FROM pg_stat_database WHERE datname = $1",
                [name.into()],
            ))
            .await
            .expect("pg_stat_database")
            .expect("the database has statistics");
        let get = |column: &str| row.try_get::<i64>("", column).expect("a counter");
        PgCounters {
            commits: get("xact_commit"),
            rollbacks: get("xact_rollback"),
            inserted: get("tup_inserted"),
            updated: get("tup_updated"),
            deleted: get("tup_deleted"),
        }
    }
}

/// Waits until both sides are idle — the provider records its last delivery after the consumer finalized — and, on
/// PostgreSQL, until every backend published its counters: a backend publishes at the end of a transaction at most
/// once a second, else 10 s after it went idle (PostgreSQL 15+).
async fn settle(postgres: Option<&Postgres>) {
    let idle = if postgres.is_some() { Duration::from_secs(11) } else { Duration::from_millis(200) };
    tokio::time::sleep(idle).await;
}

/// One connector with where it keeps its data.
struct Side {
    connector: RunningConnector,
    /// Its data directory (with the SQLite file); removed when dropped.
    dir: tempfile::TempDir,
    /// Its PostgreSQL database.
    database: Option<String>,
}

/// A side's commit counters at one moment.
#[derive(Debug, Clone, Copy)]
enum Commits {
    /// SQLite: write transactions committed since the WAL index was created.
    Sqlite(u32),
    /// PostgreSQL: the database's counters.
    Postgres(PgCounters),
}

impl Side {
    async fn start(
        name: &'static str,
        postgres: Option<&Postgres>,
        own: &str,
        peer: &str,
        accepts: &str,
        presents: &str,
    ) -> Side {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config { data_dir: dir.path().to_owned(), ..Config::default() };
        config.server.bind = ([127, 0, 0, 1], 0).into();
        config.participant.id = Some(own.into());
        config.dsp.tokens =
            vec![StaticToken { token: accepts.into(), participant: peer.into(), claims: Default::default() }];
        config.dsp.outbound_token = Some(presents.into());
        let mut database = None;
        if let Some(postgres) = postgres {
            let (db_name, url) = postgres.create(name).await;
            config.database.url = Some(url);
            database = Some(db_name);
        }
        let connector = app::start(config).await.expect("connector starts");
        Side { connector, dir, database }
    }

    fn state(&self) -> &AppState {
        &self.connector.state
    }

    /// Its commit counters now.
    async fn commits(&self, postgres: Option<&Postgres>) -> Commits {
        match (postgres, &self.database) {
            (Some(postgres), Some(database)) => Commits::Postgres(postgres.counters(database).await),
            _ => {
                // The WAL index header (native byte order): `iChange` at offset 8, incremented by every commit
                // that wrote frames, kept across WAL restarts.
                let shm = std::fs::read(self.dir.path().join("connector.db-shm")).expect("the WAL index");
                Commits::Sqlite(u32::from_ne_bytes(shm[8..12].try_into().expect("four bytes")))
            }
        }
    }

    async fn stop(self, postgres: Option<&Postgres>) {
        self.connector.stop().await.expect("connector stops");
        if let (Some(postgres), Some(database)) = (postgres, &self.database) {
            postgres.drop_database(database).await;
        }
    }
}

/// A provider with one dataset under one open offer.
async fn seed(provider: &AppState) {
    let store = &provider.store;
    let product: DataProduct = serde_json::from_value(json!({
        "id": DATASET,
        "title": {"en": "Traffic counts"},
        "description": {"en": "Vehicles per hour on the monitored road segments."},
        "ldtKind": "raw",
        "distributions": [{
            "id": "csv",
            "format": "HttpData-PULL",
            "mediaType": "text/csv",
            "backend": {"type": "http", "url": "http://backend.internal/counts.csv"}
        }]
    }))
    .expect("a valid product");
    store.create_products(&[product]).await.expect("product");
    let policy = json!({"@type": "Set", "permission": [{"action": "use"}]});
    store.create_policy(&PolicyDocument { id: "use".into(), policy }).await.expect("policy");
    let offer = Offer {
        id: OFFER.into(),
        access_policy_id: None,
        contract_policy_id: "use".into(),
        datasets: DatasetSelector::Ids(vec![DATASET.into()]),
    };
    store.create_offer(&offer).await.expect("offer");
}

/// When one sequential negotiation passed each point.
struct Timeline {
    /// Start to FINALIZED.
    total: Duration,
    /// The first request committed (start returned) to FINALIZED.
    protocol: Duration,
    /// Start to the first request committed: discovery, dataset read, the request's transaction.
    start: Duration,
    /// Request committed → provider agreed; → consumer verified; → provider finalized; → consumer finalized (the
    /// times the feeds report are those of the last write before each commit).
    hops: [Duration; 4],
    /// The consumer's last write to the bench seeing FINALIZED (its commit and the event).
    seen: Duration,
}

fn between(from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
    (to - from).to_std().unwrap_or_default()
}

/// The next event of `feed`; a lagging feed is a broken measurement.
async fn next_event(feed: &mut broadcast::Receiver<ProcessEvent>) -> ProcessEvent {
    feed.recv().await.expect("an event (the feed lagged or closed)")
}

/// One negotiation, nothing else running; `consumer_feed` and `provider_feed` were subscribed before.
async fn sequential_one(
    consumer: &AppState,
    start: &Start,
    consumer_feed: &mut broadcast::Receiver<ProcessEvent>,
    provider_feed: &mut broadcast::Receiver<ProcessEvent>,
) -> Timeline {
    let began = Instant::now();
    let record = service::start(consumer, start.clone()).await.expect("the negotiation starts");
    let requested = Instant::now();
    let requested_at = Utc::now();
    let pid = record.negotiation.pid;
    let mut consumer_at = HashMap::new();
    loop {
        let event = next_event(consumer_feed).await;
        let Some(state) = negotiation_state(&event).filter(|_| event.pid == pid) else {
            continue;
        };
        assert_ne!(state, State::Terminated, "the negotiation was terminated");
        consumer_at.insert(state, event.at);
        if state == State::Finalized {
            break;
        }
    }
    let finalized = Instant::now();
    let finalized_seen = Utc::now();
    // The provider's steps caused the consumer's, so they are published, if perhaps not yet received; nothing else
    // runs, so every provider event is this negotiation's.
    let mut provider_at = HashMap::new();
    while !provider_at.contains_key(&State::Finalized) {
        let event = next_event(provider_feed).await;
        if let Some(state) = negotiation_state(&event) {
            provider_at.insert(state, event.at);
        }
    }
    let at = |steps: &HashMap<State, DateTime<Utc>>, state| *steps.get(&state).expect("a step of the negotiation");
    let points = [
        requested_at,
        at(&provider_at, State::Agreed),
        at(&consumer_at, State::Verified),
        at(&provider_at, State::Finalized),
        at(&consumer_at, State::Finalized),
    ];
    Timeline {
        total: finalized - began,
        protocol: finalized - requested,
        start: requested - began,
        hops: std::array::from_fn(|hop| between(points[hop], points[hop + 1])),
        seen: between(points[4], finalized_seen),
    }
}

/// Hands the end of each consumer negotiation to the task waiting for it, whichever comes first.
#[derive(Default)]
struct Ends {
    slots: Mutex<HashMap<String, Slot>>,
}

enum Slot {
    Waiting(oneshot::Sender<State>),
    Ended(State),
}

impl Ends {
    fn end(&self, pid: String, state: State) {
        let mut slots = self.slots.lock().expect("slots");
        match slots.remove(&pid) {
            Some(Slot::Waiting(waiter)) => {
                let _ = waiter.send(state);
            }
            _ => {
                slots.insert(pid, Slot::Ended(state));
            }
        }
    }

    async fn wait(&self, pid: &str) -> State {
        let ended = {
            let mut slots = self.slots.lock().expect("slots");
            if let Some(Slot::Ended(state)) = slots.remove(pid) {
                return state;
            }
            let (waiter, ended) = oneshot::channel();
            slots.insert(pid.to_owned(), Slot::Waiting(waiter));
            ended
        };
        match tokio::time::timeout(Duration::from_secs(60), ended).await {
            Ok(Ok(state)) => state,
            _ => panic!("negotiation {pid} did not end within 60 s"),
        }
    }

    /// The pids waited for.
    fn waiting(&self) -> Vec<String> {
        let slots = self.slots.lock().expect("slots");
        slots.iter().filter(|(_, slot)| matches!(slot, Slot::Waiting(_))).map(|(pid, _)| pid.clone()).collect()
    }
}

/// The negotiation state an event reports (the feed also carries transfers).
fn negotiation_state(event: &ProcessEvent) -> Option<State> {
    match event.state {
        ProcessState::Negotiation(state) => Some(state),
        ProcessState::Transfer(_) => None,
    }
}

/// Routes the consumer's terminal events to [`Ends`]; if the feed lags, reads the state of each awaited negotiation
/// from the store instead. Returns how often it lagged.
async fn route_ends(consumer: AppState, mut feed: broadcast::Receiver<ProcessEvent>, ends: Arc<Ends>) -> usize {
    let mut lagged = 0;
    loop {
        match feed.recv().await {
            Ok(event) if event.state.is_terminal() => {
                if let Some(state) = negotiation_state(&event) {
                    ends.end(event.pid, state);
                }
            }
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(_)) => {
                lagged += 1;
                for pid in ends.waiting() {
                    if let Ok((record, _)) = consumer.store.negotiation(&pid).await
                        && record.negotiation.state.is_terminal()
                    {
                        ends.end(pid, record.negotiation.state);
                    }
                }
            }
            Err(broadcast::error::RecvError::Closed) => return lagged,
        }
    }
}

/// `total` negotiations, `concurrency` in flight: the wall time, the latency of each, and how often the event feed
/// lagged.
async fn concurrent(
    consumer: &AppState,
    start: &Start,
    total: usize,
    concurrency: usize,
) -> (Duration, Vec<Duration>, usize) {
    let ends = Arc::new(Ends::default());
    let router = tokio::spawn(route_ends(consumer.clone(), consumer.processes.subscribe(), ends.clone()));
    let issued = Arc::new(AtomicUsize::new(0));
    let began = Instant::now();
    let mut workers = JoinSet::new();
    for _ in 0..concurrency.min(total) {
        let (consumer, start, ends, issued) = (consumer.clone(), start.clone(), ends.clone(), issued.clone());
        workers.spawn(async move {
            let mut latencies = Vec::new();
            while issued.fetch_add(1, Ordering::Relaxed) < total {
                let began = Instant::now();
                let record = service::start(&consumer, start.clone()).await.expect("the negotiation starts");
                let end = ends.wait(&record.negotiation.pid).await;
                assert_eq!(end, State::Finalized, "negotiation {}", record.negotiation.pid);
                latencies.push(began.elapsed());
            }
            latencies
        });
    }
    let latencies: Vec<Duration> = workers.join_all().await.into_iter().flatten().collect();
    let elapsed = began.elapsed();
    router.abort();
    let lagged = router.await.unwrap_or_default();
    (elapsed, latencies, lagged)
}

/// p50, p99 and mean of `samples`, in milliseconds.
struct Summary {
    p50: f64,
    p99: f64,
    mean: f64,
    n: usize,
}

fn summarise(mut samples: Vec<Duration>) -> Summary {
    samples.sort();
    let n = samples.len();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let rank = |q: f64| ms(samples[((q * n as f64).ceil() as usize).clamp(1, n) - 1]);
    Summary { p50: rank(0.5), p99: rank(0.99), mean: samples.iter().copied().map(ms).sum::<f64>() / n as f64, n }
}

/// What one backend yielded, printed at the end.
#[derive(Default)]
struct Report {
    latency: Vec<(String, Summary)>,
    throughput: Option<(f64, usize, Duration, usize)>,
    commits: Vec<String>,
}

async fn run_backend(backend: &'static str, settings: &Settings) -> Report {
    let postgres = match backend {
        "postgres" => Some(Postgres::connect().await),
        _ => None,
    };
    let postgres = postgres.as_ref();
    let provider = Side::start("provider", postgres, PROVIDER, CONSUMER, CONSUMER_TOKEN, PROVIDER_TOKEN).await;
    let consumer = Side::start("consumer", postgres, CONSUMER, PROVIDER, PROVIDER_TOKEN, CONSUMER_TOKEN).await;
    seed(provider.state()).await;
    let start = Start {
        address: provider.connector.url().to_owned(),
        counter_party: Some(PROVIDER.into()),
        dataset_id: DATASET.into(),
        offer_id: offer_iri(OFFER, DATASET),
        purpose: None,
    };
    let mut report = Report::default();

    // Sequential: warm-up, then the counted run.
    let mut consumer_feed = consumer.state().processes.subscribe();
    let mut provider_feed = provider.state().processes.subscribe();
    for _ in 0..WARM_UP {
        sequential_one(consumer.state(), &start, &mut consumer_feed, &mut provider_feed).await;
    }
    settle(postgres).await;
    let before = [consumer.commits(postgres).await, provider.commits(postgres).await];
    let mut timelines = Vec::with_capacity(settings.count);
    for _ in 0..settings.count {
        timelines.push(sequential_one(consumer.state(), &start, &mut consumer_feed, &mut provider_feed).await);
    }
    settle(postgres).await;
    let after = [consumer.commits(postgres).await, provider.commits(postgres).await];
    drop((consumer_feed, provider_feed));

    let column = |pick: fn(&Timeline) -> Duration| summarise(timelines.iter().map(pick).collect());
    report.latency.push(("start → FINALIZED, with discovery + dataset read".into(), column(|t| t.total)));
    report.latency.push(("request committed → FINALIZED (protocol)".into(), column(|t| t.protocol)));
    report.latency.push(("  start: discovery + dataset read + request".into(), column(|t| t.start)));
    let hops = ["request → provider AGREED", "agreement → consumer VERIFIED", "verification → provider FINALIZED"];
    for (index, name) in hops.into_iter().chain(["finalized → consumer FINALIZED"]).enumerate() {
        report.latency.push((format!("  hop: {name}"), summarise(timelines.iter().map(|t| t.hops[index]).collect())));
    }
    report.latency.push(("  consumer's last commit → event seen".into(), column(|t| t.seen)));

    // For scale: one HTTP exchange of each kind the start makes, alone.
    let client = &consumer.state().dsp_client;
    let mut discovery = Vec::new();
    let mut dataset = Vec::new();
    for _ in 0..100 {
        let began = Instant::now();
        let base = client.discover(&start.address).await.expect("discovery");
        discovery.push(began.elapsed());
        let began = Instant::now();
        client.dataset_offers(&base, PROVIDER, DATASET).await.expect("dataset");
        dataset.push(began.elapsed());
    }
    // Of the dataset read: the consumer's JSON-LD normalisation of the provider's answer.
    let url = format!("{}/dsp/catalog/datasets/{DATASET}", start.address);
    let raw: serde_json::Value = client
        .http()
        .get(&url)
        .bearer_auth(CONSUMER_TOKEN)
        .send()
        .await
        .and_then(|response| response.error_for_status())
        .expect("dataset")
        .json()
        .await
        .expect("a JSON dataset");
    let mut normalising = Vec::new();
    for _ in 0..100 {
        let began = Instant::now();
        consumer.state().normaliser.normalise(raw.clone()).await.expect("a DSP dataset");
        normalising.push(began.elapsed());
    }
    report.latency.push(("  alone: version discovery (GET)".into(), summarise(discovery)));
    report.latency.push(("  alone: dataset read (GET, authenticated)".into(), summarise(dataset)));
    report.latency.push(("  alone: of which normalising it (JSON-LD)".into(), summarise(normalising)));

    for ((side, before), after) in ["consumer", "provider"].into_iter().zip(before).zip(after) {
        let per = |delta: i64| delta as f64 / settings.count as f64;
        report.commits.push(match (before, after) {
            (Commits::Sqlite(before), Commits::Sqlite(after)) => format!(
                "{side:<9} {:>6.2} write transactions committed (WAL index counter)",
                per(i64::from(after.wrapping_sub(before)))
            ),
            (Commits::Postgres(before), Commits::Postgres(after)) => format!(
                "{side:<9} {:>6.2} transactions committed, read-only ones included; {:.2} rolled back; rows: \
                 {:.2} inserted, {:.2} updated, {:.2} deleted",
                per(after.commits - before.commits),
                per(after.rollbacks - before.rollbacks),
                per(after.inserted - before.inserted),
                per(after.updated - before.updated),
                per(after.deleted - before.deleted),
            ),
            _ => unreachable!("one backend per run"),
        });
    }

    // Concurrent: one round to warm up (the pools fill), then the measured run.
    concurrent(consumer.state(), &start, settings.concurrency, settings.concurrency).await;
    let (elapsed, latencies, lagged) = concurrent(consumer.state(), &start, settings.total, settings.concurrency).await;
    report.throughput = Some((settings.total as f64 / elapsed.as_secs_f64(), settings.total, elapsed, lagged));
    report.latency.push((format!("{} in flight: start → FINALIZED", settings.concurrency), summarise(latencies)));

    consumer.stop(postgres).await;
    provider.stop(postgres).await;
    report
}

fn main() {
    let settings = Settings::from_env();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut reports = Vec::new();
    for backend in ["sqlite", "postgres"] {
        if settings.runs(backend) {
            reports.push((backend, runtime.block_on(run_backend(backend, &settings))));
        }
    }
    println!(
        "\nContract negotiation, two connectors in one process on loopback, static tokens, {} worker threads; \
         {} sequential after {WARM_UP} to warm up",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        settings.count
    );
    println!("{:<9} {:<50} {:>8} {:>8} {:>8} {:>6}", "backend", "latency", "p50 ms", "p99 ms", "mean ms", "n");
    for (backend, report) in &reports {
        for (name, summary) in &report.latency {
            println!(
                "{backend:<9} {name:<50} {:>8.2} {:>8.2} {:>8.2} {:>6}",
                summary.p50, summary.p99, summary.mean, summary.n
            );
        }
    }
    println!("\n{:<9} throughput", "backend");
    for (backend, report) in &reports {
        if let Some((rate, total, elapsed, lagged)) = report.throughput {
            println!(
                "{backend:<9} {rate:>8.0} finalized/s ({total} in {:.2} s, {} in flight; event feed lagged {lagged}×)",
                elapsed.as_secs_f64(),
                settings.concurrency
            );
        }
    }
    println!("\n{:<9} {:<9} per negotiation (sequential run)", "backend", "side");
    for (backend, report) in &reports {
        for line in &report.commits {
            println!("{backend:<9} {line}");
        }
    }
}

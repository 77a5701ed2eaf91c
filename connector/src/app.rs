//! Wiring: the shared state of the handlers, the HTTP router, and starting and stopping one connector.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use ldt_catalog::dsp::{CatalogInfo, DataService};
use ldt_catalog::product::Agent;
use ldt_identity::Caller;
use ldt_identity::trust::TrustedIssuer;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::dataplane::http::{Grants, PullSettings};
use crate::dataplane::stream::{EmbeddedBroker, Endpoint, StreamBrokers};
use crate::dcp::Identity;
use crate::dcp::resolver::DidResolver;
use crate::dcp::verifier::CallerVerifier;
use crate::dsp::caller::Authenticator;
use crate::dsp::client::{DspClient, Outbound};
use crate::dsp::jsonld::Normaliser;
use crate::dsp::version::{DSP_PATH, versions};
use crate::management::MANAGEMENT_PATH;
use crate::negotiation::Processes;
use crate::store::Store;
use crate::transfer::movers::Movers;
use crate::{authority, dataplane, dcp, dsp, management, secrets};

/// What every handler can reach. Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct AppState {
    /// The configuration the connector started with.
    pub config: Arc<Config>,
    /// The database.
    pub store: Store,
    /// The JSON-LD normaliser for incoming DSP messages.
    pub normaliser: Normaliser,
    /// The static tokens accepted from peers besides DCP tokens.
    pub authenticator: Arc<Authenticator>,
    /// This participant's DID, keys and DID document.
    pub identity: Arc<Identity>,
    /// Verifies DSP callers' DCP tokens and credentials.
    pub callers: Arc<CallerVerifier>,
    /// What the catalogue says about itself.
    pub catalog_info: Arc<CatalogInfo>,
    /// The DSP base path as advertised by version discovery (public URL path + `/dsp`).
    pub dsp_path: Arc<str>,
    /// The DSP base URL.
    pub dsp_base: Arc<str>,
    /// The URL under which peers reach this connector, without a trailing slash.
    pub public_url: Arc<str>,
    /// The client for other connectors.
    pub dsp_client: DspClient,
    /// The management API key.
    pub management_key: Arc<str>,
    /// The outbox dispatcher's wake-up and the process event feed.
    pub processes: Arc<Processes>,
    /// The pull transfers whose data may be read now, and their tokens.
    pub grants: Grants,
    /// The HTTP client of the data plane (backends, push destinations).
    pub data_client: reqwest::Client,
    /// The brokers of this connector's own stream backends.
    pub brokers: StreamBrokers,
    /// The pushes and relays of started transfers.
    pub movers: Arc<Movers>,
    /// The members' catalogues as last fetched, for SLC discovery.
    pub federation: Arc<crate::slc::federation::Federation>,
}

/// Where the data plane serves pull transfers, under the public URL.
pub const DATA_PATH: &str = "/data";

/// gzip for answers worth it: small DSP acknowledgements cost more to compress than to send; event streams and
/// images are never compressed.
fn compression() -> CompressionLayer<impl Predicate> {
    let worth_it =
        SizeAbove::new(1024).and(NotForContentType::GRPC).and(NotForContentType::IMAGES).and(NotForContentType::SSE);
    CompressionLayer::new().gzip(true).compress_when(worth_it)
}

/// The connector's HTTP routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/.well-known/dspace-version", get(versions))
        .merge(dcp::service::routes())
        .merge(authority::routes(&state))
        .nest(DSP_PATH, dsp::routes(state.clone()))
        .nest(MANAGEMENT_PATH, management::routes(state.clone()))
        .layer(DefaultBodyLimit::max(state.config.server.max_body_bytes))
        .layer(compression())
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(60)))
        .layer(TraceLayer::new_for_http())
        .with_state(state.clone())
        // Outside the body limit, compression and timeout: pulled data streams as it comes, for as long as it takes.
        .nest(
            DATA_PATH,
            dataplane::http::router(state.grants.clone(), state.data_client.clone()).layer(TraceLayer::new_for_http()),
        )
}

/// A connector that is serving.
pub struct RunningConnector {
    /// The address it listens on.
    pub local_addr: SocketAddr,
    /// Its shared state (store, configuration, secrets).
    pub state: AppState,
    /// How long it took from the call to [`start`] until it accepted connections.
    pub startup: Duration,
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
    dispatcher: JoinHandle<()>,
    embedded_broker: Option<EmbeddedBroker>,
}

impl RunningConnector {
    /// Its public URL, e.g. `http://127.0.0.1:8181`.
    pub fn url(&self) -> &str {
        self.state.dsp_base.strip_suffix(DSP_PATH).unwrap_or(&self.state.dsp_base)
    }

    /// Stops accepting requests, finishes those under way, and closes the database.
    pub async fn stop(self) -> anyhow::Result<()> {
        // Event feeds end first, or the graceful shutdown would wait for them forever.
        self.state.processes.stop();
        self.state.movers.stop_all();
        let _ = self.shutdown.send(());
        self.server.await.context("the server task failed")??;
        self.dispatcher.await.context("the outbox dispatcher failed")?;
        if let Some(broker) = self.embedded_broker {
            broker.stop().await;
        }
        self.state.store.close().await?;
        Ok(())
    }

    /// Runs until Ctrl-C or SIGTERM, then stops.
    pub async fn run_until_signal(self) -> anyhow::Result<()> {
        shutdown_signal().await;
        tracing::info!("stopping");
        self.stop().await
    }
}

/// Opens the store, binds the listener and starts serving.
pub async fn start(config: Config) -> anyhow::Result<RunningConnector> {
    let started = Instant::now();
    let store = Store::open(&config).await.context("could not open the database")?;
    let listener = TcpListener::bind(config.server.bind)
        .await
        .with_context(|| format!("could not listen on {}", config.server.bind))?;
    let local_addr = listener.local_addr()?;
    let public_url = match &config.server.public_url {
        Some(url) => url.as_str().trim_end_matches('/').to_owned(),
        None => format!("http://{local_addr}"),
    };
    let management_key = match &config.management.api_key {
        Some(key) => key.clone(),
        None => {
            let key = secrets::load_or_create(&config.data_dir, "management-api-key").await?;
            let file = config.data_dir.join("management-api-key");
            tracing::info!(file = %file.display(), "management API key (X-Api-Key) is in this file");
            key
        }
    };
    let authenticator = authenticator(&config);
    let identity = Arc::new(Identity::load(&config, &url::Url::parse(&public_url)?).await?);
    let outbound = match &config.dsp.outbound_token {
        Some(token) => Outbound::Static(token.clone()),
        None => Outbound::Dcp(identity.clone()),
    };
    tracing::info!(did = %identity.did, "participant identity");
    let normaliser = Normaliser::new();
    let dsp_client = DspClient::new(
        outbound,
        Duration::from_secs(config.dsp.client_timeout_secs),
        config.dsp.client_max_datasets,
        normaliser.clone(),
    );
    // One HTTP client (one connection pool) for every call to peers: DSP, DID documents, credential services.
    let http = dsp_client.http().clone();
    let resolver = Arc::new(DidResolver::new(
        http.clone(),
        config.identity.did_web_https,
        Duration::from_secs(config.identity.did_cache_secs),
        identity.document.clone(),
    ));
    let mut verification = config.identity.clone();
    if config.authority.enabled {
        // The authority's members prove membership with the credentials it issued itself.
        verification.trusted_issuers.0.push(TrustedIssuer { issuer: identity.did.clone(), types: Vec::new() });
    }
    let callers = Arc::new(CallerVerifier::new(identity.clone(), resolver, http, store.clone(), verification));
    let (grants, expired_grants) = pull_grants(&config, &public_url).await?;
    let (brokers, embedded_broker) = stream_brokers(&config).await?;
    let dsp_base = format!("{public_url}{DSP_PATH}");
    let dsp_path = format!("{}{DSP_PATH}", url::Url::parse(&public_url)?.path().trim_end_matches('/'));
    let state = AppState {
        catalog_info: Arc::new(catalog_info(&config, &dsp_base, &identity.did)),
        config: Arc::new(config),
        store,
        normaliser,
        authenticator: Arc::new(authenticator),
        identity,
        callers,
        dsp_path: dsp_path.into(),
        dsp_base: dsp_base.into(),
        public_url: public_url.clone().into(),
        dsp_client,
        management_key: management_key.into(),
        processes: Arc::new(Processes::default()),
        grants,
        data_client: dataplane::http::data_client().context("could not build the data plane's HTTP client")?,
        brokers,
        movers: Arc::default(),
        federation: Arc::default(),
    };
    crate::transfer::flow::resume_started(&state).await.context("could not take up the started transfers")?;
    tokio::spawn(crate::transfer::flow::watch_expiries(state.clone(), expired_grants));
    let dispatcher = tokio::spawn(crate::negotiation::dispatch::run(state.clone()));
    let (shutdown, stopped) = oneshot::channel();
    let app = router(state.clone());
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    let startup = started.elapsed();
    tracing::info!(%local_addr, %public_url, startup_ms = startup.as_millis() as u64, "connector ready");
    Ok(RunningConnector { local_addr, state, startup, shutdown, server, dispatcher, embedded_broker })
}

/// The registry of pull grants, signing tokens with a secret kept in the data directory (so tokens survive a
/// restart), and the receiver of its expiry reports.
async fn pull_grants(
    config: &Config,
    public_url: &str,
) -> anyhow::Result<(Grants, tokio::sync::mpsc::UnboundedReceiver<dataplane::http::GrantExpired>)> {
    let secret = secrets::load_or_create(&config.data_dir, "dataplane-token-secret").await?;
    let mut settings = PullSettings::new(url::Url::parse(&format!("{public_url}{DATA_PATH}"))?);
    settings.access_lifetime = Duration::from_secs(config.dataplane.access_token_secs);
    settings.refresh_lifetime = Duration::from_secs(config.dataplane.refresh_token_secs);
    Ok(Grants::new(secret.as_bytes(), settings)?)
}

/// The brokers of the stream backends: those configured, and the embedded MQTT broker when one is asked for (it is
/// then the MQTT broker, unless another is configured).
async fn stream_brokers(config: &Config) -> anyhow::Result<(StreamBrokers, Option<EmbeddedBroker>)> {
    let broker = |key: &str, url: &Option<String>| {
        url.as_deref()
            .map(|url| Endpoint::parse(url, None))
            .transpose()
            .with_context(|| format!("configuration key `{key}`"))
    };
    let mut brokers = StreamBrokers {
        mqtt: broker("dataplane.mqtt_broker", &config.dataplane.mqtt_broker)?,
        nats: broker("dataplane.nats_server", &config.dataplane.nats_server)?,
    };
    let embedded = match config.dataplane.embedded_mqtt {
        Some(bind) => Some(EmbeddedBroker::start(bind).await.context("could not start the embedded MQTT broker")?),
        None => None,
    };
    if let Some(embedded) = &embedded {
        brokers.mqtt.get_or_insert_with(|| embedded.endpoint().clone());
    }
    Ok((brokers, embedded))
}

/// The configured static DSP tokens.
fn authenticator(config: &Config) -> Authenticator {
    Authenticator::new(config.dsp.tokens.iter().map(|entry| {
        (entry.token.clone(), Caller { participant_id: entry.participant.clone(), claims: entry.claims.clone() })
    }))
}

fn catalog_info(config: &Config, dsp_base: &str, did: &str) -> CatalogInfo {
    let participant = &config.participant;
    CatalogInfo {
        id: format!("{}/catalog", dsp_base),
        participant_id: participant.id.clone().unwrap_or_else(|| did.to_owned()),
        title: config.catalog.title.clone(),
        description: config.catalog.description.clone(),
        publisher: Agent { id: None, name: participant.name.clone() },
        service: DataService {
            id: format!("{dsp_base}#service"),
            title: [("en".to_owned(), format!("{} connector", participant.name))].into(),
            endpoint_url: dsp_base.to_owned(),
        },
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

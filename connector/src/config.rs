//! One typed configuration: built-in defaults, then a TOML file, then `LDT_` environment variables
//! (`LDT_SERVER__BIND=0.0.0.0:8181` sets `server.bind`), validated at start with errors that name the key.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use url::Url;

/// The whole configuration of one connector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the connector keeps its files: the embedded database and generated secrets.
    pub data_dir: PathBuf,
    /// The HTTP server.
    pub server: ServerConfig,
    /// The database.
    pub database: DatabaseConfig,
    /// Who runs this connector.
    pub participant: ParticipantConfig,
    /// How the catalogue describes itself and pages.
    pub catalog: CatalogConfig,
    /// The operator's management API.
    pub management: ManagementConfig,
    /// The Dataspace Protocol endpoints and client.
    pub dsp: DspConfig,
    /// This participant's DID, keys and the credentials it trusts (DCP).
    pub identity: IdentityConfig,
    /// The data-space authority role, off unless enabled.
    pub authority: AuthorityConfig,
    /// How contract negotiations are decided and their messages delivered.
    pub negotiation: NegotiationConfig,
    /// The data plane: how transferred data is reached.
    pub dataplane: DataplaneConfig,
    /// Surface-level components: what this LDT can run, and where the data space's members are listed.
    pub slc: SlcConfig,
    /// What the policy engine knows: the purpose taxonomy, the place hierarchy and which credential claim each
    /// custom left operand reads.
    pub policy: ldt_policy::eval::Environment,
}

/// The HTTP server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub bind: SocketAddr,
    /// The URL under which peers reach this connector (behind a proxy, its public address); defaults to
    /// `http://<bind>`.
    pub public_url: Option<Url>,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
}

/// The database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://…` or `postgres://…`; defaults to an SQLite file in the data directory.
    pub url: Option<String>,
    /// PostgreSQL schema to use (created if missing); defaults to the server's search path.
    pub schema: Option<String>,
    /// The most connections the pool opens.
    pub max_connections: u32,
}

/// Who runs this connector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ParticipantConfig {
    /// The participant id catalogues name; defaults to this connector's DID (`identity.did`), as DCP wants.
    pub id: Option<String>,
    /// The operator's name, e.g. the city or port authority.
    pub name: String,
}

/// How the catalogue describes itself and pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CatalogConfig {
    /// Catalogue title per language.
    pub title: BTreeMap<String, String>,
    /// Catalogue description per language.
    pub description: BTreeMap<String, String>,
    /// Datasets per catalogue page.
    pub page_size: usize,
}

/// The operator's management API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ManagementConfig {
    /// The API key callers send in `X-Api-Key`; when unset, one is generated into `<data_dir>/management-api-key`.
    pub api_key: Option<String>,
}

/// The Dataspace Protocol endpoints and client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DspConfig {
    /// Static bearer tokens accepted from peers besides DCP tokens, each standing for one participant with the
    /// claims given: for conformance tools and tests that cannot speak DCP. None by default.
    pub tokens: Vec<StaticToken>,
    /// A static bearer token this connector sends to peers instead of DCP tokens (for peers that accept only
    /// static tokens).
    pub outbound_token: Option<String>,
    /// Timeout of one request to a peer, in seconds.
    pub client_timeout_secs: u64,
    /// The most datasets read from one peer's catalogue.
    pub client_max_datasets: usize,
}

/// How contract negotiations are decided and their messages delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NegotiationConfig {
    /// `auto`: agree as soon as a request meets the contract policy; `operator`: such requests wait for the
    /// operator to approve or reject them through the management API (requests that do not meet the policy are
    /// refused either way).
    pub approval: Approval,
    /// The first retry of an undelivered message waits this long, in milliseconds; each further one twice as long.
    pub retry_initial_ms: u64,
    /// The longest wait between two retries, in seconds.
    pub retry_max_secs: u64,
    /// A message still undelivered after this many seconds is given up, and its negotiation terminated.
    pub give_up_secs: u64,
    /// How long a dispatcher holds a message it is sending before another replica may take it over, in seconds.
    pub lease_secs: u64,
}

/// The data plane: how consumers reach the data of HTTP pull transfers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataplaneConfig {
    /// Whether a consumer may append a sub-path to a pull transfer's endpoint (passed to the backend below its URL).
    pub pass_path: bool,
    /// Whether a consumer's query parameters are passed to the backend.
    pub pass_query: bool,
    /// How long an access token of a pull transfer is accepted, in seconds (refreshed while the transfer runs).
    pub access_token_secs: u64,
    /// How long a refresh token is accepted, in seconds.
    pub refresh_token_secs: u64,
    /// The MQTT broker of the stream backends (`mqtt://host:port`), if any.
    pub mqtt_broker: Option<String>,
    /// The NATS server of the stream backends (`nats://host:port`), if any.
    pub nats_server: Option<String>,
    /// Runs an embedded MQTT broker on this address (e.g. `127.0.0.1:1883`); it is the MQTT broker of the stream
    /// backends unless `mqtt_broker` names another.
    pub embedded_mqtt: Option<std::net::SocketAddr>,
}

impl Default for DataplaneConfig {
    fn default() -> Self {
        DataplaneConfig {
            pass_path: true,
            pass_query: true,
            access_token_secs: 300,
            refresh_token_secs: 3600,
            mqtt_broker: None,
            nats_server: None,
            embedded_mqtt: None,
        }
    }
}

/// Surface-level components: assessment and discovery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlcConfig {
    /// What this LDT's infrastructure can run (part of its capability profile).
    pub deployment: ldt_catalog::slc::profile::DeploymentCapabilities,
    /// The data-space authority (its connector's root URL) whose registry lists the members whose catalogues
    /// discovery reads; a discovery request may name another.
    pub authority_address: Option<String>,
    /// The authority's DID; defaults to the `did:web` DID of `authority_address`.
    pub authority_id: Option<String>,
    /// How long a member's fetched catalogue is used before it is fetched again, in seconds.
    pub catalog_ttl_secs: u64,
    /// How many members' catalogues are fetched at once.
    pub fetch_concurrency: usize,
}

impl Default for SlcConfig {
    fn default() -> Self {
        SlcConfig {
            deployment: Default::default(),
            authority_address: None,
            authority_id: None,
            catalog_ttl_secs: 300,
            fetch_concurrency: 8,
        }
    }
}

/// Who approves a contract request that meets the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Approval {
    /// The connector, at once.
    #[default]
    Auto,
    /// The operator, through the management API.
    Operator,
}

impl Default for NegotiationConfig {
    fn default() -> Self {
        NegotiationConfig {
            approval: Approval::Auto,
            retry_initial_ms: 250,
            retry_max_secs: 60,
            give_up_secs: 3600,
            lease_secs: 30,
        }
    }
}

/// The role credentials of a data space run with ldt-connector: what its authority issues, and what connectors ask
/// their callers for besides membership.
pub const ROLE_CREDENTIALS: [&str; 3] =
    ["DataProviderCredential", "DataConsumerCredential", "ComponentProviderCredential"];

/// This participant's DID and keys, and how DSP callers are verified (DCP 1.0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdentityConfig {
    /// This participant's DID; defaults to the `did:web` DID of `server.public_url`.
    pub did: Option<String>,
    /// Fetch `did:web` documents over HTTPS, as the method requires; `false` only for local development and tests.
    pub did_web_https: bool,
    /// The algorithm of a generated key: `EdDSA` (Ed25519) or `ES256` (P-256).
    pub key_algorithm: ldt_identity::keys::KeyAlgorithm,
    /// The issuers trusted for which credential types: `[{ issuer = "did:web:authority.example", types =
    /// ["MembershipCredential"] }]`.
    pub trusted_issuers: ldt_identity::trust::TrustedIssuers,
    /// Credential types every DSP caller must present.
    pub required_credentials: Vec<String>,
    /// Further credential types asked of callers, for policies to read when present (roles).
    pub requested_credentials: Vec<String>,
    /// How long a resolved DID document is kept, in seconds.
    pub did_cache_secs: u64,
    /// How long a fetched status list is kept, in seconds.
    pub status_cache_secs: u64,
    /// How long a caller's verified credentials are kept, in seconds (its token is still checked on every
    /// request).
    pub presentation_cache_secs: u64,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        IdentityConfig {
            did: None,
            did_web_https: true,
            key_algorithm: ldt_identity::keys::KeyAlgorithm::EdDsa,
            trusted_issuers: Default::default(),
            required_credentials: vec!["MembershipCredential".into()],
            requested_credentials: ROLE_CREDENTIALS.map(str::to_owned).to_vec(),
            did_cache_secs: 300,
            status_cache_secs: 300,
            presentation_cache_secs: 60,
        }
    }
}

/// The data-space authority role: onboarding, credential issuance, status lists, the participant registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthorityConfig {
    /// Whether this connector is the data space's authority.
    pub enabled: bool,
    /// DID prefixes whose applications are approved without an administrator (`["did:web:city.example"]`); empty:
    /// every application waits for approval through the management API.
    pub auto_approve: Vec<String>,
    /// How long issued credentials are valid, in days.
    pub credential_validity_days: u32,
}

impl Default for AuthorityConfig {
    fn default() -> Self {
        AuthorityConfig { enabled: false, auto_approve: Vec::new(), credential_validity_days: 365 }
    }
}

/// A bearer token accepted from a peer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaticToken {
    /// The token.
    pub token: String,
    /// The participant id of whoever presents it.
    pub participant: String,
    /// The claims the participant is taken to hold, e.g.
    /// `{ membership = { status = "active" } }`.
    #[serde(default)]
    pub claims: serde_json::Value,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("ldt-data"),
            server: ServerConfig::default(),
            database: DatabaseConfig::default(),
            participant: ParticipantConfig::default(),
            catalog: CatalogConfig::default(),
            management: ManagementConfig::default(),
            dsp: DspConfig::default(),
            identity: IdentityConfig::default(),
            authority: AuthorityConfig::default(),
            negotiation: NegotiationConfig::default(),
            dataplane: DataplaneConfig::default(),
            slc: SlcConfig::default(),
            policy: ldt_policy::eval::Environment::default(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig { bind: SocketAddr::from(([127, 0, 0, 1], 8181)), public_url: None, max_body_bytes: 1 << 20 }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig { url: None, schema: None, max_connections: 8 }
    }
}

impl Default for ParticipantConfig {
    fn default() -> Self {
        ParticipantConfig { id: None, name: "Local Digital Twin".into() }
    }
}

impl Default for CatalogConfig {
    fn default() -> Self {
        CatalogConfig {
            title: [("en".to_owned(), "Data products".to_owned())].into(),
            description: [("en".to_owned(), "Data products of a Local Digital Twin".to_owned())].into(),
            page_size: 100,
        }
    }
}

impl Default for DspConfig {
    fn default() -> Self {
        DspConfig { tokens: Vec::new(), outbound_token: None, client_timeout_secs: 30, client_max_datasets: 100_000 }
    }
}

/// A configuration that could not be read or is not valid; says which key and why.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file or an environment variable could not be read as the configuration.
    #[error("configuration: {0}")]
    Read(#[from] Box<figment::Error>),
    /// A key has a value that is not allowed.
    #[error("configuration key `{key}`: {reason}")]
    Invalid {
        /// The key, dotted (`server.public_url`).
        key: &'static str,
        /// Why the value is not allowed.
        reason: String,
    },
}

impl Config {
    /// Reads the defaults, then `file` (if given), then `LDT_` environment variables, and validates the result.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.is_file() {
                return Err(ConfigError::Invalid { key: "--config", reason: format!("no file at {}", file.display()) });
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        // Configuration variables are `LDT_DATA_DIR` and `LDT_<SECTION>__<KEY>`; other `LDT_` variables (`LDT_LOG`,
        // the tests' `LDT_TEST_…`) belong to someone else and are left alone.
        let environment =
            Env::prefixed("LDT_").filter(|key| key == "data_dir" || key.as_str().contains("__")).split("__");
        let config: Config = figment.merge(environment).extract().map_err(Box::new)?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what the types alone do not.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key, reason: &str| Err(ConfigError::Invalid { key, reason: reason.to_owned() });
        if let Some(url) = &self.server.public_url
            && !matches!(url.scheme(), "http" | "https")
        {
            return invalid("server.public_url", "must be an http or https URL");
        }
        if self.server.max_body_bytes < 1024 {
            return invalid("server.max_body_bytes", "must be at least 1024");
        }
        if let Some(url) = &self.database.url
            && !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return invalid("database.url", "must start with sqlite: or postgres://");
        }
        if let Some(schema) = &self.database.schema
            && (schema.is_empty() || !schema.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        {
            return invalid("database.schema", "must be letters, digits and underscores");
        }
        if self.dataplane.access_token_secs == 0 || self.dataplane.refresh_token_secs < self.dataplane.access_token_secs
        {
            return invalid(
                "dataplane.access_token_secs",
                "must be at least 1, and dataplane.refresh_token_secs at least as long",
            );
        }
        if self.slc.fetch_concurrency == 0 {
            return invalid("slc.fetch_concurrency", "must be at least 1");
        }
        let deployment = &self.slc.deployment;
        if !deployment.cpu.is_finite() || deployment.cpu < 0.0 {
            return invalid("slc.deployment.cpu", "must be a number of cores, zero or more");
        }
        if self.database.max_connections == 0 {
            return invalid("database.max_connections", "must be at least 1");
        }
        if let Some(id) = &self.participant.id
            && (id.trim().is_empty() || url::Url::parse(id).is_err())
        {
            return invalid("participant.id", "must be an absolute IRI such as did:web:city.example");
        }
        if self.catalog.title.is_empty() || self.catalog.description.is_empty() {
            return invalid("catalog.title", "title and description need at least one language");
        }
        if !(1..=1000).contains(&self.catalog.page_size) {
            return invalid("catalog.page_size", "must be between 1 and 1000");
        }
        if self.management.api_key.as_ref().is_some_and(|key| key.len() < 16) {
            return invalid("management.api_key", "must be at least 16 characters");
        }
        if self.dsp.tokens.iter().any(|token| token.token.len() < 16) {
            return invalid("dsp.tokens", "every token must be at least 16 characters");
        }
        if let Some(did) = &self.identity.did
            && !did.starts_with("did:")
        {
            return invalid("identity.did", "must be a DID (did:web:…)");
        }
        if self.authority.credential_validity_days == 0 {
            return invalid("authority.credential_validity_days", "must be at least 1");
        }
        if self.dsp.client_timeout_secs == 0 {
            return invalid("dsp.client_timeout_secs", "must be at least 1");
        }
        Ok(())
    }

    /// The URL under which peers reach this connector, without a trailing slash.
    pub fn public_url(&self) -> String {
        let url = match &self.server.public_url {
            Some(url) => url.to_string(),
            None => format!("http://{}", self.server.bind),
        };
        url.trim_end_matches('/').to_owned()
    }

    /// The database URL: the configured one, or an SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database.url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("connector.db").display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn nothing_configured_is_valid_and_local() {
        let config = Config::default();
        config.validate().unwrap();
        assert_eq!(config.public_url(), "http://127.0.0.1:8181");
        assert!(config.database_url().starts_with("sqlite://"));
    }

    fn load_toml(text: &str) -> Result<Config, ConfigError> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        Config::load(Some(file.path()))
    }

    #[test]
    fn a_file_overrides_defaults() {
        let config = load_toml("[server]\nbind = \"127.0.0.1:9000\"\n[participant]\nid = \"did:web:x\"\n").unwrap();
        assert_eq!(config.server.bind.port(), 9000);
        assert_eq!(config.participant.id.as_deref(), Some("did:web:x"));
        assert_eq!(config.catalog.page_size, 100);
    }

    #[test]
    fn errors_name_the_key() {
        let wrong_type = load_toml("[server]\nbind = 12\n").unwrap_err().to_string();
        assert!(wrong_type.contains("server.bind"), "{wrong_type}");
        let unknown = load_toml("[server]\nbnd = \"x\"\n").unwrap_err().to_string();
        assert!(unknown.contains("bnd"), "{unknown}");
        let invalid = load_toml("[catalog]\npage_size = 0\n").unwrap_err().to_string();
        assert!(invalid.contains("catalog.page_size"), "{invalid}");
        let missing = Config::load(Some(Path::new("/no/such/file.toml"))).unwrap_err().to_string();
        assert!(missing.contains("/no/such/file.toml"), "{missing}");
    }

    /// The example configurations of `deploy/config` load and are valid, and say what the compose file relies on.
    #[test]
    fn the_deployment_examples_load() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/config");
        let load = |name: &str| Config::load(Some(&dir.join(name))).unwrap_or_else(|error| panic!("{name}: {error}"));
        let authority = load("authority.toml");
        assert!(authority.authority.enabled);
        for ldt in ["traffic.toml", "air-quality.toml"] {
            let config = load(ldt);
            let did = ldt_identity::did::did_web(config.server.public_url.as_ref().unwrap()).unwrap();
            let authority_did = ldt_identity::did::did_web(authority.server.public_url.as_ref().unwrap()).unwrap();
            assert!(config.identity.trusted_issuers.trusts(&authority_did, &["MembershipCredential".into()]), "{ldt}");
            assert!(authority.authority.auto_approve.iter().any(|prefix| did.starts_with(prefix.as_str())), "{ldt}");
        }
    }
}

//! Where a stream comes from and where it goes: a broker [`Endpoint`] (an MQTT or NATS URL and its login), a
//! [`Source`] (a topic filter or subject, wildcards allowed) and a [`Sink`] (one topic or subject). Validation only,
//! no IO: every problem is an [`AddressError`] naming the bad field.

use std::fmt;

use ldt_catalog::product::Backend;
use url::Url;

use super::names;

/// The messaging protocol of a broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// MQTT 3.1.1 (`mqtt://`).
    Mqtt,
    /// NATS core (`nats://`).
    Nats,
}

impl Protocol {
    /// The protocol's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Mqtt => "MQTT",
            Protocol::Nats => "NATS",
        }
    }

    /// What the protocol calls the name a message is published on.
    pub fn name_field(self) -> &'static str {
        match self {
            Protocol::Mqtt => "topic",
            Protocol::Nats => "subject",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Protocol::Mqtt => 1883,
            Protocol::Nats => 4222,
        }
    }
}

/// How to log in to a broker. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// A user name and password (MQTT, NATS).
    UserPassword {
        /// The user name.
        username: String,
        /// The password.
        password: String,
    },
    /// An authentication token (NATS only).
    Token(String),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::UserPassword { username, .. } => {
                f.debug_struct("UserPassword").field("username", username).field("password", &"***").finish()
            }
            Credentials::Token(_) => f.write_str("Token(***)"),
        }
    }
}

/// A bad field of a stream address, in plain words (a 4xx for whoever sent it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {detail}")]
pub struct AddressError {
    /// The field: `url`, `credentials`, `topic`, `subject` or `backend`.
    pub field: &'static str,
    /// What is wrong with it.
    pub detail: String,
}

impl AddressError {
    fn new(field: &'static str, detail: impl Into<String>) -> Self {
        AddressError { field, detail: detail.into() }
    }
}

/// A broker: `mqtt://host[:port]` or `nats://host[:port]` and the login to use there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    protocol: Protocol,
    url: Url,
    host: String,
    port: u16,
    credentials: Option<Credentials>,
}

impl Endpoint {
    /// Reads a broker URL. The login goes in `credentials`, never in the URL (URLs end up in logs); a token works
    /// for NATS only (MQTT logs in with a user name and password).
    pub fn parse(url: &str, credentials: Option<Credentials>) -> Result<Endpoint, AddressError> {
        let bad_url = |detail: &str| AddressError::new("url", format!("`{url}` {detail}"));
        let parsed = Url::parse(url).map_err(|error| bad_url(&format!("is not a URL ({error})")))?;
        let protocol = match parsed.scheme() {
            "mqtt" => Protocol::Mqtt,
            "nats" => Protocol::Nats,
            _ => return Err(bad_url("is not a broker URL; use mqtt://host[:port] or nats://host[:port]")),
        };
        let host = match parsed.host_str() {
            Some(host) if !host.is_empty() => host.to_owned(),
            _ => return Err(bad_url("has no host")),
        };
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(bad_url("holds a login; give it as credentials instead"));
        }
        if !matches!(parsed.path(), "" | "/") || parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(bad_url("has a path, query or fragment; a broker URL is only scheme, host and port"));
        }
        if protocol == Protocol::Mqtt && matches!(credentials, Some(Credentials::Token(_))) {
            return Err(AddressError::new("credentials", "MQTT logs in with a username and password, not a token"));
        }
        let port = parsed.port().unwrap_or(protocol.default_port());
        Ok(Endpoint { protocol, url: parsed, host, port, credentials })
    }

    /// The broker's protocol.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The broker's URL (without a login).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The login, if any.
    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    /// The broker's host name or address (IPv6 in brackets).
    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    /// The broker's port (the protocol's default when the URL has none).
    pub(crate) fn port(&self) -> u16 {
        self.port
    }
}

/// Where a stream is read: a broker and a topic filter (MQTT) or subject (NATS), wildcards allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    endpoint: Endpoint,
    filter: String,
}

impl Source {
    /// A source on `endpoint` reading `filter` (`a/+/c`, `a/#` on MQTT; `a.*.c`, `a.>` on NATS).
    pub fn new(endpoint: Endpoint, filter: impl Into<String>) -> Result<Source, AddressError> {
        let filter = filter.into();
        let protocol = endpoint.protocol;
        names::check_filter(protocol, &filter).map_err(|detail| {
            AddressError::new(
                protocol.name_field(),
                format!("`{filter}` is not a valid {} filter: {detail}", protocol.name()),
            )
        })?;
        Ok(Source { endpoint, filter })
    }

    /// The source of a distribution's private stream backend, on the broker configured for its protocol.
    pub fn from_backend(backend: &Backend, brokers: &StreamBrokers) -> Result<Source, AddressError> {
        let (broker, filter, protocol) = match backend {
            Backend::Mqtt { topic } => (&brokers.mqtt, topic, Protocol::Mqtt),
            Backend::Nats { subject } => (&brokers.nats, subject, Protocol::Nats),
            Backend::Http { .. } => return Err(AddressError::new("backend", "an HTTP backend is not a stream")),
        };
        let Some(endpoint) = broker else {
            let detail = format!("no {} broker is configured for stream backends", protocol.name());
            return Err(AddressError::new("backend", detail));
        };
        Source::new(endpoint.clone(), filter.as_str())
    }

    /// The broker.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The topic filter or subject read.
    pub fn filter(&self) -> &str {
        &self.filter
    }
}

/// Where a relayed stream is published: a broker and one topic (MQTT) or subject (NATS), no wildcards. When the
/// source has wildcards, each message goes to this name extended by the levels its own name has below the
/// source filter's fixed levels (source `city/+/speed`, sink `in`: `city/a7/speed` is published on `in/a7/speed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sink {
    endpoint: Endpoint,
    topic: String,
}

impl Sink {
    /// A sink publishing on `topic` at `endpoint`.
    pub fn new(endpoint: Endpoint, topic: impl Into<String>) -> Result<Sink, AddressError> {
        let topic = topic.into();
        let protocol = endpoint.protocol;
        names::check_name(protocol, &topic).map_err(|detail| {
            let detail = format!("`{topic}` is not a valid {} {}: {detail}", protocol.name(), protocol.name_field());
            AddressError::new(protocol.name_field(), detail)
        })?;
        Ok(Sink { endpoint, topic })
    }

    /// The broker.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The topic or subject published on (extended per message when the source has wildcards).
    pub fn topic(&self) -> &str {
        &self.topic
    }
}

/// The brokers of this connector's own stream backends (from its configuration): a distribution's `Backend::Mqtt`
/// topic is read on `mqtt`, a `Backend::Nats` subject on `nats`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamBrokers {
    /// The MQTT broker, if any.
    pub mqtt: Option<Endpoint>,
    /// The NATS server, if any.
    pub nats: Option<Endpoint>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> Option<Credentials> {
        Some(Credentials::UserPassword { username: "relay".into(), password: "s3cret".into() })
    }

    #[test]
    fn reads_broker_urls_with_default_ports() {
        let mqtt = Endpoint::parse("mqtt://broker.example", login()).unwrap();
        assert_eq!((mqtt.protocol(), mqtt.host(), mqtt.port()), (Protocol::Mqtt, "broker.example", 1883));
        let nats = Endpoint::parse("nats://[::1]:4333/", None).unwrap();
        assert_eq!((nats.protocol(), nats.host(), nats.port()), (Protocol::Nats, "[::1]", 4333));
        let token = Endpoint::parse("nats://10.0.0.1", Some(Credentials::Token("t".into()))).unwrap();
        assert_eq!(token.credentials(), Some(&Credentials::Token("t".into())));
    }

    #[test]
    fn refuses_bad_broker_urls_naming_the_field() {
        for url in ["http://broker", "mqtt://", "broker:1883", "nats://u:p@host", "mqtt://host/topic", "nats://h?x=1"] {
            let error = Endpoint::parse(url, None).unwrap_err();
            assert_eq!(error.field, "url", "{url}: {error}");
        }
        let error = Endpoint::parse("mqtt://host", Some(Credentials::Token("t".into()))).unwrap_err();
        assert_eq!(error.field, "credentials");
    }

    #[test]
    fn never_shows_secrets() {
        let shown = format!("{:?} {:?}", login(), Credentials::Token("tok3n".into()));
        assert!(!shown.contains("s3cret") && !shown.contains("tok3n"), "{shown}");
        assert!(shown.contains("relay"), "{shown}");
    }

    #[test]
    fn checks_filters_and_sink_names_per_protocol() {
        let mqtt = Endpoint::parse("mqtt://host", None).unwrap();
        let nats = Endpoint::parse("nats://host", None).unwrap();
        assert!(Source::new(mqtt.clone(), "city/+/speed").is_ok());
        assert!(Source::new(mqtt.clone(), "city/#").is_ok());
        assert_eq!(Source::new(mqtt.clone(), "city/#/x").unwrap_err().field, "topic");
        assert!(Source::new(nats.clone(), "city.*.speed").is_ok());
        assert_eq!(Source::new(nats.clone(), "city.>.x").unwrap_err().field, "subject");
        assert_eq!(Sink::new(mqtt, "in/+").unwrap_err().field, "topic");
        assert_eq!(Sink::new(nats.clone(), "in.>").unwrap_err().field, "subject");
        assert!(Sink::new(nats, "in.city").is_ok());
    }

    #[test]
    fn finds_the_broker_of_a_backend() {
        let brokers = StreamBrokers { mqtt: Some(Endpoint::parse("mqtt://host", None).unwrap()), nats: None };
        let source = Source::from_backend(&Backend::Mqtt { topic: "a/#".into() }, &brokers).unwrap();
        assert_eq!((source.endpoint().protocol(), source.filter()), (Protocol::Mqtt, "a/#"));
        let missing = Source::from_backend(&Backend::Nats { subject: "a.>".into() }, &brokers).unwrap_err();
        assert_eq!(missing.field, "backend");
        assert!(missing.detail.contains("NATS"), "{missing}");
        let http = Source::from_backend(&Backend::Http { url: "https://x".into() }, &brokers).unwrap_err();
        assert_eq!(http.field, "backend");
    }
}

//! Topic and subject names: their validity, the part of a received name below its source filter's fixed levels,
//! and the name a relayed message gets on the sink. Pure.

use async_nats::Subject;

use super::address::{Protocol, Sink, Source};

/// The longest MQTT topic (its length is a 16-bit number on the wire).
const MQTT_MAX_TOPIC_BYTES: usize = 65_535;

/// Whether `filter` is a topic filter (MQTT) or subject (NATS) one may subscribe to; if not, why.
pub(crate) fn check_filter(protocol: Protocol, filter: &str) -> Result<(), &'static str> {
    match protocol {
        Protocol::Mqtt => {
            check_mqtt_text(filter)?;
            if !rumqttc::valid_filter(filter) {
                return Err("`#` may only be the last level and `+` only a whole level");
            }
        }
        Protocol::Nats => {
            check_nats_structure(filter)?;
            let mut tokens = filter.split('.').rev().skip(1);
            if tokens.any(|token| token == ">") {
                return Err("`>` may only be the last token");
            }
        }
    }
    Ok(())
}

/// Whether `name` is a topic (MQTT) or subject (NATS) one may publish on; if not, why.
pub(crate) fn check_name(protocol: Protocol, name: &str) -> Result<(), &'static str> {
    match protocol {
        Protocol::Mqtt => {
            check_mqtt_text(name)?;
            if rumqttc::has_wildcards(name) {
                return Err("wildcards (`+`, `#`) are for filters only");
            }
        }
        Protocol::Nats => {
            check_nats_structure(name)?;
            if name.split('.').any(|token| token == "*" || token == ">") {
                return Err("wildcards (`*`, `>`) are for filters only");
            }
        }
    }
    Ok(())
}

fn check_mqtt_text(text: &str) -> Result<(), &'static str> {
    if text.is_empty() {
        Err("it is empty")
    } else if text.contains('\0') {
        Err("it contains a NUL character")
    } else if text.len() > MQTT_MAX_TOPIC_BYTES {
        Err("it is longer than 65535 bytes")
    } else {
        Ok(())
    }
}

fn check_nats_structure(text: &str) -> Result<(), &'static str> {
    Subject::validated(text).map(drop).map_err(|_| "it is empty, contains whitespace or has an empty token")
}

fn separator(protocol: Protocol) -> char {
    match protocol {
        Protocol::Mqtt => '/',
        Protocol::Nats => '.',
    }
}

/// The received names of one source filter: which part of a name lies below the filter's fixed levels (the levels
/// before its first wildcard).
#[derive(Debug, Clone)]
pub(crate) struct SourceNames {
    separator: char,
    /// How many leading levels the filter fixes; `None` when it has no wildcard (every name is the filter).
    fixed_levels: Option<usize>,
}

impl SourceNames {
    /// The names received under `filter` (a valid filter of `protocol`).
    pub(crate) fn new(protocol: Protocol, filter: &str) -> Self {
        let wildcard = |level: &str| match protocol {
            Protocol::Mqtt => level == "+" || level == "#",
            Protocol::Nats => level == "*" || level == ">",
        };
        let separator = separator(protocol);
        SourceNames { separator, fixed_levels: filter.split(separator).position(wildcard) }
    }

    /// The part of `name` below the filter's fixed levels, without a leading separator: `a7/speed` for
    /// `city/a7/speed` under `city/+/speed`; empty when the filter has no wildcard or `name` is the fixed part
    /// itself (`city` under `city/#`).
    pub(crate) fn suffix<'a>(&self, name: &'a str) -> &'a str {
        match self.fixed_levels {
            None => "",
            Some(fixed) => name.splitn(fixed + 1, self.separator).nth(fixed).unwrap_or(""),
        }
    }
}

/// The sink name of one relayed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SinkName {
    /// The sink's own topic or subject.
    Base,
    /// The sink's topic or subject extended by the received name's suffix.
    Extended(String),
}

/// How a relay names what it publishes: the sink's topic or subject, extended by each received name's suffix
/// (see [`SourceNames::suffix`]) with the sink protocol's separator.
#[derive(Debug, Clone)]
pub(crate) struct SinkNames {
    source: SourceNames,
    /// The source's separator when it differs from the sink's (a cross-protocol relay).
    translate: Option<(char, char)>,
    protocol: Protocol,
    base: String,
}

impl SinkNames {
    /// The names a relay from `source` to `sink` publishes on.
    pub(crate) fn new(source: &Source, sink: &Sink) -> Self {
        let (from, to) = (source.endpoint().protocol(), sink.endpoint().protocol());
        SinkNames {
            source: SourceNames::new(from, source.filter()),
            translate: (from != to).then(|| (separator(from), separator(to))),
            protocol: to,
            base: sink.topic().to_owned(),
        }
    }

    /// Where a message received on `received` is published; `None` when its suffix makes no valid name on the
    /// sink's protocol (only in a cross-protocol relay: an MQTT level `*`, an empty NATS token, …).
    pub(crate) fn name(&self, received: &str) -> Option<SinkName> {
        let suffix = self.source.suffix(received);
        if suffix.is_empty() {
            return Some(SinkName::Base);
        }
        let mut name = String::with_capacity(self.base.len() + 1 + suffix.len());
        name.push_str(&self.base);
        match self.translate {
            // A received name is valid on its own protocol, so any of its suffixes is a valid extension.
            None => {
                name.push(separator(self.protocol));
                name.push_str(suffix);
            }
            Some((from, to)) => {
                name.push(to);
                name.extend(suffix.chars().map(|c| if c == from { to } else { c }));
                check_name(self.protocol, &name).ok()?;
            }
        }
        Some(SinkName::Extended(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataplane::stream::address::Endpoint;

    fn source(url: &str, filter: &str) -> Source {
        Source::new(Endpoint::parse(url, None).unwrap(), filter).unwrap()
    }

    fn sink(url: &str, topic: &str) -> Sink {
        Sink::new(Endpoint::parse(url, None).unwrap(), topic).unwrap()
    }

    fn extended(name: &str) -> Option<SinkName> {
        Some(SinkName::Extended(name.into()))
    }

    #[test]
    fn suffixes_lie_below_the_fixed_levels() {
        let mqtt = SourceNames::new(Protocol::Mqtt, "city/+/speed");
        assert_eq!(mqtt.suffix("city/a7/speed"), "a7/speed");
        let all = SourceNames::new(Protocol::Mqtt, "city/#");
        assert_eq!((all.suffix("city/a/b"), all.suffix("city"), all.suffix("city/")), ("a/b", "", ""));
        assert_eq!(SourceNames::new(Protocol::Mqtt, "#").suffix("a/b"), "a/b");
        assert_eq!(SourceNames::new(Protocol::Mqtt, "city/speed").suffix("city/speed"), "");
        let nats = SourceNames::new(Protocol::Nats, "city.*.>");
        assert_eq!(nats.suffix("city.a7.speed.avg"), "a7.speed.avg");
        assert_eq!(SourceNames::new(Protocol::Nats, "city.speed").suffix("city.speed"), "");
    }

    #[test]
    fn sink_names_extend_the_sink_topic() {
        let fixed = SinkNames::new(&source("mqtt://h", "city/speed"), &sink("mqtt://h", "in"));
        assert_eq!(fixed.name("city/speed"), Some(SinkName::Base));
        let mqtt = SinkNames::new(&source("mqtt://h", "city/#"), &sink("mqtt://h", "in/city"));
        assert_eq!(mqtt.name("city/a7/speed"), extended("in/city/a7/speed"));
        assert_eq!(mqtt.name("city"), Some(SinkName::Base));
        let nats = SinkNames::new(&source("nats://h", "city.>"), &sink("nats://h", "in"));
        assert_eq!(nats.name("city.a7.speed"), extended("in.a7.speed"));
    }

    #[test]
    fn cross_protocol_names_change_separators_or_are_refused() {
        let to_nats = SinkNames::new(&source("mqtt://h", "city/#"), &sink("nats://h", "in"));
        assert_eq!(to_nats.name("city/a7/speed"), extended("in.a7.speed"));
        assert_eq!(to_nats.name("city/a7//speed"), None, "an empty level is no NATS token");
        assert_eq!(to_nats.name("city/*"), None, "a NATS wildcard is no published subject");
        assert_eq!(to_nats.name("city/a b"), None, "NATS subjects have no whitespace");
        let to_mqtt = SinkNames::new(&source("nats://h", "city.*"), &sink("mqtt://h", "in"));
        assert_eq!(to_mqtt.name("city.a7"), extended("in/a7"));
        assert_eq!(to_mqtt.name("city.+"), None, "an MQTT wildcard is no published topic");
    }

    #[test]
    fn filters_and_names_are_checked() {
        assert!(check_filter(Protocol::Mqtt, "a/+/#").is_ok());
        assert!(check_filter(Protocol::Mqtt, "a/b+").is_err());
        assert!(check_filter(Protocol::Mqtt, "").is_err());
        assert!(check_filter(Protocol::Mqtt, "a\0").is_err());
        assert!(check_filter(Protocol::Mqtt, &"a".repeat(MQTT_MAX_TOPIC_BYTES + 1)).is_err());
        assert!(check_filter(Protocol::Nats, "a.*.>").is_ok());
        assert!(check_filter(Protocol::Nats, "a..b").is_err());
        assert!(check_filter(Protocol::Nats, "a b").is_err());
        assert!(check_name(Protocol::Mqtt, "a/b c/d").is_ok());
        assert!(check_name(Protocol::Mqtt, "a/#").is_err());
        assert!(check_name(Protocol::Nats, "a.b*c").is_ok(), "a `*` inside a token is no wildcard");
        assert!(check_name(Protocol::Nats, "a.*").is_err());
    }
}

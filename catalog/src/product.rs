//! A data product of a Local Digital Twin — a `dcat:Dataset` with DCAT-AP 3 metadata — and its distributions, as
//! the operator registers them through the management API.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Text in several languages: a BCP 47 language tag (`en`, `nl`, `de-CH`) → the text in that language.
pub type LangText = BTreeMap<String, String>;

/// The most ids, keywords, themes or data models a product may have of one kind; keeps one product's index bounded.
pub const MAX_LIST_LEN: usize = 100;

/// The longest id accepted for a product, distribution, policy or offer.
pub const MAX_ID_LEN: usize = 256;

/// The longest IRI accepted (themes, data models, licences…); keeps every index entry within database limits.
pub const MAX_IRI_LEN: usize = 1000;

/// The longest keyword accepted.
pub const MAX_KEYWORD_LEN: usize = 200;

/// A data product of an LDT, published as a `dcat:Dataset`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataProduct {
    /// Stable id chosen by the operator; an IRI (`urn:…`, `https://…`) or a plain token such as `traffic-counts`.
    pub id: String,
    /// `dct:title` per language; at least one.
    #[schema(example = json!({"en": "Hourly traffic counts per road segment"}))]
    pub title: LangText,
    /// `dct:description` per language; at least one.
    pub description: LangText,
    /// `dcat:keyword` per language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keywords: BTreeMap<String, Vec<String>>,
    /// `dcat:theme`: concept IRIs, e.g. from the EU data-theme vocabulary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<String>,
    /// `dct:publisher`: the organisation that publishes the product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Agent>,
    /// `dcat:contactPoint`: whom to ask about the product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_point: Option<ContactPoint>,
    /// `dct:license`: the IRI of the licence document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// `dct:spatial`: the area the product covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spatial: Option<Spatial>,
    /// `dct:temporal`: the period the product covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporal: Option<Temporal>,
    /// `dct:accrualPeriodicity`: how often the product is updated, as a frequency IRI (e.g. the EU frequency
    /// vocabulary's `…/frequency/HOURLY`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accrual_periodicity: Option<String>,
    /// `dct:conformsTo`: the data models or standards the product follows, e.g. a Smart Data Models schema IRI,
    /// each an IRI or `{"id": IRI, "version": "0.3.1"}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub conforms_to: Vec<Standard>,
    /// The attributes (properties) of the data model that the product fills, e.g. `intensity`, `averageVehicleSpeed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
    /// `prov:wasGeneratedBy`: the IRI of the activity that produces the product (a pipeline, a sensor network) —
    /// its PROV-O lineage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was_generated_by: Option<String>,
    /// What stage of the LDT the product comes from (MIM8 R1.2).
    pub ldt_kind: LdtKind,
    /// How the product can be obtained; at least one.
    pub distributions: Vec<Distribution>,
}

/// A data model or standard a product follows (`dct:Standard`): its IRI and, if known, the version followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StandardForm", into = "StandardForm")]
pub struct Standard {
    /// The IRI of the data model.
    pub id: String,
    /// The version of it followed, e.g. `0.3.1`.
    pub version: Option<String>,
}

/// How a [`Standard`] is written: a bare IRI, or an object when it has a version.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum StandardForm {
    Iri(String),
    Versioned(VersionedStandard),
}

/// A [`Standard`] written as an object (unknown members refused, so a misspelt `version` is not lost).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionedStandard {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<String>,
}

impl From<StandardForm> for Standard {
    fn from(form: StandardForm) -> Standard {
        match form {
            StandardForm::Iri(id) => Standard { id, version: None },
            StandardForm::Versioned(VersionedStandard { id, version }) => Standard { id, version },
        }
    }
}

impl From<Standard> for StandardForm {
    fn from(standard: Standard) -> StandardForm {
        match standard.version {
            None => StandardForm::Iri(standard.id),
            version => StandardForm::Versioned(VersionedStandard { id: standard.id, version }),
        }
    }
}

/// The kind of an LDT data product, after MIM8 requirement R1.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum LdtKind {
    /// Data as measured or collected (sensors, registers).
    Raw,
    /// Raw data cleaned, aggregated or enriched.
    Transformed,
    /// Data prepared as the input of a model.
    ModelInput,
    /// What a model produced, e.g. a prediction.
    ModelOutput,
    /// The result of a simulation run.
    SimulationResult,
}

impl LdtKind {
    /// Every kind, in declaration order.
    pub const ALL: [LdtKind; 5] =
        [LdtKind::Raw, LdtKind::Transformed, LdtKind::ModelInput, LdtKind::ModelOutput, LdtKind::SimulationResult];

    /// The kind's name as written in JSON (`modelOutput`).
    pub fn as_str(self) -> &'static str {
        match self {
            LdtKind::Raw => "raw",
            LdtKind::Transformed => "transformed",
            LdtKind::ModelInput => "modelInput",
            LdtKind::ModelOutput => "modelOutput",
            LdtKind::SimulationResult => "simulationResult",
        }
    }

    /// The kind's English label, e.g. `Model output`.
    pub fn label(self) -> &'static str {
        match self {
            LdtKind::Raw => "Raw data",
            LdtKind::Transformed => "Transformed data",
            LdtKind::ModelInput => "Model input",
            LdtKind::ModelOutput => "Model output",
            LdtKind::SimulationResult => "Simulation result",
        }
    }

    /// The kind named `name` as written in JSON, if any.
    pub fn parse(name: &str) -> Option<LdtKind> {
        LdtKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// An organisation (`foaf:Agent`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Agent {
    /// The agent's IRI, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `foaf:name`.
    pub name: String,
}

/// A contact point (`vcard:Kind`); at least one of email and url.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactPoint {
    /// `vcard:fn`: the name of the person or desk.
    pub name: String,
    /// `vcard:hasEmail`, without `mailto:`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `vcard:hasURL`: a contact page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The area a product covers: a named place (an IRI from a gazetteer such as GeoNames or the EU place vocabulary)
/// or a GeoJSON geometry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Spatial {
    /// A place IRI.
    Place(String),
    /// A GeoJSON geometry (RFC 7946), e.g. the polygon of a district.
    #[schema(value_type = Object)]
    Geometry(serde_json::Value),
}

/// The period a product covers; either end may be open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Temporal {
    /// `dcat:startDate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<DateTime<Utc>>,
    /// `dcat:endDate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<DateTime<Utc>>,
}

/// One way to obtain a product (`dcat:Distribution`), served by this connector's data plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Distribution {
    /// Id, unique within the product.
    pub id: String,
    /// `dct:title`, optional.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub title: LangText,
    /// The DSP transfer format, e.g. `HttpData-PULL`, `HttpData-PUSH`, `MQTT-PUSH`, `NATS-PUSH`.
    #[schema(example = "HttpData-PULL")]
    pub format: String,
    /// `dcat:mediaType` of the payload, e.g. `application/json`, `text/csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Where the data really is. Private: it never leaves this connector.
    pub backend: Backend,
}

/// The private source of a distribution, reached only by this connector's data plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Backend {
    /// An HTTP(S) resource.
    Http {
        /// Its URL.
        url: String,
    },
    /// An MQTT topic.
    Mqtt {
        /// The topic (wildcards allowed).
        topic: String,
    },
    /// A NATS subject.
    Nats {
        /// The subject (wildcards allowed).
        subject: String,
    },
}

/// A problem with one field of a request: where it is (RFC 6901 JSON pointer) and what is wrong, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// JSON pointer to the field, e.g. `/distributions/0/format`.
    pub pointer: String,
    /// What is wrong with it.
    pub detail: String,
}

/// Collects the problems of one document, keeping track of where in it they are.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    /// Records that the field at `pointer` has the problem `detail`.
    pub fn add(&mut self, pointer: impl Into<String>, detail: impl Into<String>) {
        self.0.push(FieldError { pointer: pointer.into(), detail: detail.into() });
    }

    /// Checks an identifier: non-empty, at most [`MAX_ID_LEN`] characters, no whitespace or control characters.
    pub fn check_id(&mut self, pointer: &str, id: &str) {
        if id.is_empty() {
            self.add(pointer, "must not be empty");
        } else if id.chars().count() > MAX_ID_LEN {
            self.add(pointer, format!("must be at most {MAX_ID_LEN} characters"));
        } else if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            self.add(pointer, "must not contain whitespace or control characters");
        } else if id == "." || id == ".." {
            self.add(pointer, "must not be `.` or `..`, which cannot stand in a URL path");
        }
    }

    /// Checks a keyword: not blank, at most [`MAX_KEYWORD_LEN`] characters, no control characters.
    pub fn check_keyword(&mut self, pointer: &str, word: &str) {
        if word.trim().is_empty() {
            self.add(pointer, "must not be empty");
        } else if word.chars().count() > MAX_KEYWORD_LEN {
            self.add(pointer, format!("must be at most {MAX_KEYWORD_LEN} characters"));
        } else if word.chars().any(char::is_control) {
            self.add(pointer, "must not contain control characters");
        }
    }

    /// Checks that `value` is an absolute IRI of at most [`MAX_IRI_LEN`] characters.
    pub fn check_iri(&mut self, pointer: &str, value: &str) {
        if value.chars().count() > MAX_IRI_LEN {
            self.add(pointer, format!("must be at most {MAX_IRI_LEN} characters"));
        } else if url::Url::parse(value).is_err() || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            self.add(pointer, format!("`{}` is not an absolute IRI", value.escape_debug()));
        }
    }

    /// Checks language-tagged text: every tag well formed, every text non-empty, and at least one entry if
    /// `required`.
    pub(crate) fn check_lang_text(&mut self, pointer: &str, text: &LangText, required: bool) {
        if required && text.is_empty() {
            self.add(pointer, "needs the text in at least one language");
        }
        for (tag, value) in text {
            let field = format!("{pointer}/{}", escape_pointer(tag));
            self.check_language_tag(&field, tag);
            if value.trim().is_empty() {
                self.add(field, "must not be empty");
            }
        }
    }

    fn check_language_tag(&mut self, pointer: &str, tag: &str) {
        if !is_language_tag(tag) {
            self.add(pointer, format!("`{tag}` is not a language tag such as `en` or `nl-BE`"));
        }
    }

    /// Checks that `list` has at most [`MAX_LIST_LEN`] entries.
    pub fn check_len<T>(&mut self, pointer: &str, list: &[T]) {
        if list.len() > MAX_LIST_LEN {
            self.add(pointer, format!("must have at most {MAX_LIST_LEN} entries"));
        }
    }

    /// Checks keywords per language: well-formed tags, bounded lists, each keyword well formed.
    pub(crate) fn check_keywords(&mut self, pointer: &str, keywords: &BTreeMap<String, Vec<String>>) {
        for (tag, words) in keywords {
            let field = format!("{pointer}/{}", escape_pointer(tag));
            self.check_language_tag(&field, tag);
            self.check_len(&field, words);
            for (index, word) in words.iter().enumerate() {
                self.check_keyword(&format!("{field}/{index}"), word);
            }
        }
    }

    /// Checks an agent: a name, and an IRI if it has one.
    pub(crate) fn check_agent(&mut self, pointer: &str, agent: &Agent) {
        if agent.name.trim().is_empty() {
            self.add(format!("{pointer}/name"), "must not be empty");
        }
        if let Some(id) = &agent.id {
            self.check_iri(&format!("{pointer}/id"), id);
        }
    }

    /// Checks that `media_type` is a media type such as `text/csv`.
    pub(crate) fn check_media_type(&mut self, pointer: &str, media_type: &str) {
        let mut halves = media_type.split('/');
        let well_formed = matches!((halves.next(), halves.next(), halves.next()),
            (Some(kind), Some(sub), None) if !kind.is_empty() && !sub.is_empty() && !media_type.contains(char::is_whitespace));
        if !well_formed {
            self.add(pointer, format!("`{media_type}` is not a media type such as `text/csv`"));
        }
    }

    /// The problems found, or `Ok` if there were none.
    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() { Ok(()) } else { Err(self.0) }
    }
}

/// Checks an area: a place IRI, or a GeoJSON geometry (RFC 7946).
pub(crate) fn check_spatial(pointer: &str, spatial: &Spatial, problems: &mut Problems) {
    match spatial {
        Spatial::Place(place) => problems.check_iri(&format!("{pointer}/place"), place),
        Spatial::Geometry(geometry) if geojson::Geometry::from_json_value(geometry.clone()).is_err() => {
            problems.add(format!("{pointer}/geometry"), "is not a GeoJSON geometry (RFC 7946)")
        }
        Spatial::Geometry(_) => {}
    }
}

/// Escapes a map key for use in a JSON pointer (RFC 6901).
pub fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A well-formed BCP 47 tag in its common shape: a 2–3 letter language and optional 1–8 character subtags.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language_ok = parts
        .next()
        .is_some_and(|language| (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_alphabetic()));
    language_ok && parts.all(|part| (1..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The DSP transfer formats this connector's data plane can serve a distribution with, each with the backend kinds
/// it serves them from.
const TRANSFER_FORMATS: [(&str, &[&str]); 6] = [
    ("HttpData-PULL", &["http"]),
    ("HttpData-PUSH", &["http"]),
    ("MQTT-PUSH", &["mqtt"]),
    ("MQTT-PULL", &["mqtt"]),
    ("NATS-PUSH", &["nats"]),
    ("NATS-PULL", &["nats"]),
];

impl Backend {
    /// The backend's kind as written in JSON (`http`, `mqtt`, `nats`).
    pub fn kind(&self) -> &'static str {
        match self {
            Backend::Http { .. } => "http",
            Backend::Mqtt { .. } => "mqtt",
            Backend::Nats { .. } => "nats",
        }
    }

    fn check(&self, pointer: &str, problems: &mut Problems) {
        match self {
            Backend::Http { url } => match url::Url::parse(url) {
                Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {}
                _ => problems.add(format!("{pointer}/url"), format!("`{url}` is not an http(s) URL")),
            },
            Backend::Mqtt { topic } => {
                if topic.is_empty() || topic.contains('\0') {
                    problems.add(format!("{pointer}/topic"), "is not an MQTT topic");
                }
            }
            Backend::Nats { subject } => {
                if subject.is_empty() || subject.chars().any(char::is_whitespace) {
                    problems.add(format!("{pointer}/subject"), "is not a NATS subject");
                }
            }
        }
    }
}

impl Standard {
    /// Checks the IRI and, if given, that the version is not blank.
    pub fn check(&self, pointer: &str, problems: &mut Problems) {
        match &self.version {
            None => problems.check_iri(pointer, &self.id),
            Some(version) => {
                problems.check_iri(&format!("{pointer}/id"), &self.id);
                problems.check_keyword(&format!("{pointer}/version"), version);
            }
        }
    }
}

impl Distribution {
    fn check(&self, pointer: &str, problems: &mut Problems) {
        problems.check_id(&format!("{pointer}/id"), &self.id);
        problems.check_lang_text(&format!("{pointer}/title"), &self.title, false);
        match TRANSFER_FORMATS.iter().find(|(format, _)| *format == self.format) {
            None => {
                let known: Vec<&str> = TRANSFER_FORMATS.iter().map(|(format, _)| *format).collect();
                problems.add(
                    format!("{pointer}/format"),
                    format!("`{}` is not a transfer format; use one of {}", self.format, known.join(", ")),
                );
            }
            Some((format, backends)) if !backends.contains(&self.backend.kind()) => problems.add(
                format!("{pointer}/backend"),
                format!("a {} backend cannot serve `{format}`", self.backend.kind()),
            ),
            Some(_) => {}
        }
        if let Some(media_type) = &self.media_type {
            problems.check_media_type(&format!("{pointer}/mediaType"), media_type);
        }
        self.backend.check(&format!("{pointer}/backend"), problems);
    }
}

impl DataProduct {
    /// Checks everything the types alone do not; each problem names its field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        problems.check_id("/id", &self.id);
        problems.check_lang_text("/title", &self.title, true);
        problems.check_lang_text("/description", &self.description, true);
        problems.check_keywords("/keywords", &self.keywords);
        problems.check_len("/themes", &self.themes);
        for (index, theme) in self.themes.iter().enumerate() {
            problems.check_iri(&format!("/themes/{index}"), theme);
        }
        problems.check_len("/conformsTo", &self.conforms_to);
        for (index, model) in self.conforms_to.iter().enumerate() {
            model.check(&format!("/conformsTo/{index}"), &mut problems);
        }
        problems.check_len("/attributes", &self.attributes);
        for (index, attribute) in self.attributes.iter().enumerate() {
            problems.check_keyword(&format!("/attributes/{index}"), attribute);
        }
        if let Some(activity) = &self.was_generated_by {
            problems.check_iri("/wasGeneratedBy", activity);
        }
        if let Some(publisher) = &self.publisher {
            problems.check_agent("/publisher", publisher);
        }
        if let Some(contact) = &self.contact_point {
            self.check_contact(contact, &mut problems);
        }
        if let Some(license) = &self.license {
            problems.check_iri("/license", license);
        }
        if let Some(periodicity) = &self.accrual_periodicity {
            problems.check_iri("/accrualPeriodicity", periodicity);
        }
        if let Some(spatial) = &self.spatial {
            check_spatial("/spatial", spatial, &mut problems);
        }
        if let Some(Temporal { start: Some(start), end: Some(end) }) = &self.temporal
            && end < start
        {
            problems.add("/temporal/end", "is before the start");
        }
        if self.distributions.is_empty() {
            problems.add("/distributions", "needs at least one distribution");
        }
        problems.check_len("/distributions", &self.distributions);
        for (index, distribution) in self.distributions.iter().enumerate() {
            distribution.check(&format!("/distributions/{index}"), &mut problems);
            if self.distributions[..index].iter().any(|earlier| earlier.id == distribution.id) {
                problems.add(format!("/distributions/{index}/id"), format!("`{}` is used twice", distribution.id));
            }
        }
        problems.into_result()
    }

    fn check_contact(&self, contact: &ContactPoint, problems: &mut Problems) {
        if contact.name.trim().is_empty() {
            problems.add("/contactPoint/name", "must not be empty");
        }
        if contact.email.is_none() && contact.url.is_none() {
            problems.add("/contactPoint", "needs an email or a url");
        }
        if let Some(email) = &contact.email
            && !email.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        {
            problems.add("/contactPoint/email", format!("`{email}` is not an email address"));
        }
        if let Some(url) = &contact.url {
            problems.check_iri("/contactPoint/url", url);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// A valid product with every field set.
    pub(crate) fn full_product() -> DataProduct {
        serde_json::from_value(json!({
            "id": "urn:ldt:traffic:counts-hourly",
            "title": {"en": "Hourly traffic counts", "nl": "Verkeerstellingen per uur"},
            "description": {"en": "Vehicles per hour per road segment."},
            "keywords": {"en": ["traffic", "mobility"]},
            "themes": ["http://publications.europa.eu/resource/authority/data-theme/TRAN"],
            "publisher": {"id": "https://example.city/", "name": "Example City"},
            "contactPoint": {"name": "Mobility desk", "email": "mobility@example.city"},
            "license": "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
            "spatial": {"geometry": {"type": "Polygon", "coordinates": [[[5.4, 51.4], [5.5, 51.4], [5.5, 51.5], [5.4, 51.4]]]}},
            "temporal": {"start": "2024-01-01T00:00:00Z"},
            "accrualPeriodicity": "http://publications.europa.eu/resource/authority/frequency/HOURLY",
            "conformsTo": ["https://smartdatamodels.org/dataModel.Transportation/TrafficFlowObserved"],
            "ldtKind": "raw",
            "distributions": [{"id": "csv", "format": "HttpData-PULL", "mediaType": "text/csv",
                               "backend": {"type": "http", "url": "http://backend.internal/counts.csv"}}]
        }))
        .expect("valid product")
    }

    #[test]
    fn a_full_product_is_valid_and_round_trips() {
        let product = full_product();
        assert_eq!(product.validate(), Ok(()));
        let again: DataProduct = serde_json::from_value(serde_json::to_value(&product).unwrap()).unwrap();
        assert_eq!(again, product);
    }

    #[test]
    fn every_problem_names_its_field() {
        let mut product = full_product();
        product.id = "has space".into();
        product.title.clear();
        product.description.insert("not a tag".into(), "x".into());
        product.themes.push("not an iri".into());
        product.license = Some("::".into());
        product.temporal = Some(Temporal {
            start: Some("2025-01-01T00:00:00Z".parse().unwrap()),
            end: Some("2024-01-01T00:00:00Z".parse().unwrap()),
        });
        product.spatial = Some(Spatial::Geometry(json!({"type": "Polygon"})));
        product.contact_point = Some(ContactPoint { name: "x".into(), email: Some("nope".into()), url: None });
        product.distributions[0].format = "Carrier-Pigeon".into();
        product.distributions.push(Distribution {
            id: "csv".into(),
            title: LangText::new(),
            format: "MQTT-PUSH".into(),
            media_type: Some("json".into()),
            backend: Backend::Http { url: "ftp://x".into() },
        });
        let pointers: Vec<String> = product.validate().unwrap_err().into_iter().map(|e| e.pointer).collect();
        assert_eq!(
            pointers,
            [
                "/id",
                "/title",
                "/description/not a tag",
                "/themes/1",
                "/contactPoint/email",
                "/license",
                "/spatial/geometry",
                "/temporal/end",
                "/distributions/0/format",
                "/distributions/1/backend",
                "/distributions/1/mediaType",
                "/distributions/1/backend/url",
                "/distributions/1/id",
            ]
        );
    }

    #[test]
    fn a_product_needs_a_distribution() {
        let mut product = full_product();
        product.distributions.clear();
        let errors = product.validate().unwrap_err();
        assert_eq!(errors[0].pointer, "/distributions");
    }

    #[test]
    fn language_tags() {
        for good in ["en", "nl-BE", "de-CH-1996", "sgn"] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in ["", "e", "english-language-x", "en_GB", "en-", "1a"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in LdtKind::ALL {
            assert_eq!(LdtKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
        }
        assert_eq!(LdtKind::parse("cooked"), None);
    }
}

//! The DSP 2025-1 compact JSON-LD form of a catalogue, its datasets and its Surface-level components (as
//! `DataService`s), carrying their DCAT-AP 3 metadata.
//!
//! Terms of the DSP context are written un-prefixed; DCAT and Dublin Core terms with the `dcat:` and `dct:` prefixes
//! that context defines; the few other vocabularies (FOAF, vCard, LOCN, SKOS, GeoSPARQL, PROV, OWL, ours) with full IRIs, because a
//! DSP `@context` may only list context IRIs and ours would not resolve elsewhere. Serialisation borrows from the
//! products: nothing is copied into an intermediate JSON tree.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::offer::{offer_iri, slc_offer_iri};
use crate::product::{Agent, ContactPoint, DataProduct, Distribution, LangText, Spatial, Standard, Temporal};
use crate::slc::SlcDescriptor;

/// The DSP 2025-1 context IRI.
pub const DSP_CONTEXT: &str = "https://w3id.org/dspace/2025/1/context.jsonld";

/// The namespace of the LDT product kinds (MIM8 R1.2), as `dct:type` concepts.
pub const LDT_KIND_NAMESPACE: &str = "https://w3id.org/ldt-connector/kind/";

const FOAF_AGENT: &str = "http://xmlns.com/foaf/0.1/Agent";
const FOAF_NAME: &str = "http://xmlns.com/foaf/0.1/name";
const VCARD_KIND: &str = "http://www.w3.org/2006/vcard/ns#Kind";
const VCARD_FN: &str = "http://www.w3.org/2006/vcard/ns#fn";
const VCARD_EMAIL: &str = "http://www.w3.org/2006/vcard/ns#hasEmail";
const VCARD_URL: &str = "http://www.w3.org/2006/vcard/ns#hasURL";
const SKOS_CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#Concept";
const SKOS_PREF_LABEL: &str = "http://www.w3.org/2004/02/skos/core#prefLabel";
/// `locn:geometry`: the geometry of a location.
pub(crate) const LOCN_GEOMETRY: &str = "http://www.w3.org/ns/locn#geometry";
const GEOJSON_LITERAL: &str = "http://www.opengis.net/ont/geosparql#geoJSONLiteral";
/// The profile a component's `DataService` conforms to: ours, documented by the descriptor's JSON Schema.
pub const SLC_PROFILE: &str = "https://w3id.org/ldt-connector/slc/v1";
/// The property carrying a component's descriptor as a JSON literal.
pub const SLC_DESCRIPTOR: &str = "https://w3id.org/ldt-connector/slc#descriptor";
/// The property carrying a component's offers (with their rules) as a JSON literal.
pub const SLC_OFFERS: &str = "https://w3id.org/ldt-connector/slc#offers";
/// The namespace of the component kinds (`…/slc-kind/aiModel`).
pub const SLC_KIND_NAMESPACE: &str = "https://w3id.org/ldt-connector/slc-kind/";
/// The IANA media type registry: a media type's IRI is this prefix and its name.
pub const IANA_MEDIA_TYPES: &str = "http://www.iana.org/assignments/media-types/";
/// The attributes of its data model that a product fills (ours: DCAT has no term for it).
pub const LDT_ATTRIBUTE: &str = "https://w3id.org/ldt-connector/vocab#attribute";
/// `owl:versionInfo`: the version of a data model a product follows.
pub const OWL_VERSION_INFO: &str = "http://www.w3.org/2002/07/owl#versionInfo";
/// `prov:wasGeneratedBy`: the activity that produces a product.
pub const PROV_WAS_GENERATED_BY: &str = "http://www.w3.org/ns/prov#wasGeneratedBy";
const PROV_ACTIVITY: &str = "http://www.w3.org/ns/prov#Activity";

/// What the catalogue says about itself and the connector that serves it.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogInfo {
    /// The catalogue's `@id`.
    pub id: String,
    /// The participant id of the connector's operator.
    pub participant_id: String,
    /// `dct:title` per language.
    pub title: LangText,
    /// `dct:description` per language.
    pub description: LangText,
    /// `dct:publisher`.
    pub publisher: Agent,
    /// The connector's DSP endpoint, the access service of every distribution.
    pub service: DataService,
}

/// A `dcat:DataService`: a connector's DSP endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct DataService {
    /// The service's `@id`.
    pub id: String,
    /// `dct:title` per language.
    pub title: LangText,
    /// The DSP base URL.
    pub endpoint_url: String,
}

/// A product as the catalogue shows it: the product and the policies it is offered under.
#[derive(Debug, Clone, Copy)]
pub struct DatasetEntry<'a> {
    /// The product.
    pub product: &'a DataProduct,
    /// Its offers: each an offer id and the catalogue form of its contract policy's rules (see
    /// `ldt_policy::catalogue_offer_body`). A product without offers is not in a catalogue.
    pub offers: &'a [(&'a str, &'a Map<String, Value>)],
}

/// A Surface-level component as the catalogue shows it: its descriptor and the policies it is offered under.
#[derive(Debug, Clone, Copy)]
pub struct SlcEntry<'a> {
    /// The descriptor.
    pub descriptor: &'a SlcDescriptor,
    /// Its offers, as for a dataset.
    pub offers: &'a [(&'a str, &'a Map<String, Value>)],
}

/// A DSP `Catalog` (the answer to a catalogue request) with the given datasets and, as `DataService`s after the
/// connector's own, the given components.
pub fn catalog<'a>(
    info: &'a CatalogInfo,
    datasets: &'a [DatasetEntry<'a>],
    components: &'a [SlcEntry<'a>],
) -> impl Serialize + 'a {
    RootCatalog { info, datasets, components }
}

/// A DSP `Dataset` as the answer to a dataset request (with its own `@context`).
pub fn dataset<'a>(info: &'a CatalogInfo, entry: DatasetEntry<'a>) -> impl Serialize + 'a {
    DatasetView { info, entry, root: true }
}

/// A DSP `CatalogError` with a code and plain-language reasons.
pub fn catalog_error(code: &str, reasons: &[&str]) -> Value {
    serde_json::json!({"@context": [DSP_CONTEXT], "@type": "CatalogError", "code": code, "reason": reasons})
}

struct RootCatalog<'a> {
    info: &'a CatalogInfo,
    datasets: &'a [DatasetEntry<'a>],
    components: &'a [SlcEntry<'a>],
}

impl Serialize for RootCatalog<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let info = self.info;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("@context", &[DSP_CONTEXT])?;
        map.serialize_entry("@id", &info.id)?;
        map.serialize_entry("@type", "Catalog")?;
        map.serialize_entry("participantId", &info.participant_id)?;
        map.serialize_entry("dct:title", &Lang(&info.title))?;
        map.serialize_entry("dct:description", &Lang(&info.description))?;
        map.serialize_entry("dct:publisher", &AgentView(&info.publisher))?;
        let components = self.components.iter().map(|&entry| Service::Component(SlcView { info, entry }));
        let services: Vec<Service> =
            std::iter::once(Service::Connector(ServiceView(&info.service))).chain(components).collect();
        map.serialize_entry("service", &services)?;
        if !self.datasets.is_empty() {
            let views: Vec<DatasetView> =
                self.datasets.iter().map(|&entry| DatasetView { info, entry, root: false }).collect();
            map.serialize_entry("dataset", &views)?;
        }
        map.end()
    }
}

struct DatasetView<'a> {
    info: &'a CatalogInfo,
    entry: DatasetEntry<'a>,
    root: bool,
}

impl Serialize for DatasetView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let product = self.entry.product;
        let mut map = serializer.serialize_map(None)?;
        if self.root {
            map.serialize_entry("@context", &[DSP_CONTEXT])?;
        }
        map.serialize_entry("@id", &product.id)?;
        map.serialize_entry("@type", "Dataset")?;
        map.serialize_entry("dct:title", &Lang(&product.title))?;
        map.serialize_entry("dct:description", &Lang(&product.description))?;
        if !product.keywords.is_empty() {
            map.serialize_entry("dcat:keyword", &Keywords(&product.keywords))?;
        }
        if !product.themes.is_empty() {
            map.serialize_entry("dcat:theme", &OneOrMany(&Typed::all(&product.themes, SKOS_CONCEPT)))?;
        }
        let kind_iri = format!("{LDT_KIND_NAMESPACE}{}", product.ldt_kind.as_str());
        map.serialize_entry("dct:type", &Concept { iri: &kind_iri, label: product.ldt_kind.label() })?;
        if let Some(publisher) = &product.publisher {
            map.serialize_entry("dct:publisher", &AgentView(publisher))?;
        }
        if let Some(contact) = &product.contact_point {
            map.serialize_entry("dcat:contactPoint", &ContactView(contact))?;
        }
        if let Some(license) = &product.license {
            map.serialize_entry("dct:license", &Typed { id: license, kind: "dct:LicenseDocument" })?;
        }
        if let Some(spatial) = &product.spatial {
            map.serialize_entry("dct:spatial", &SpatialView(spatial))?;
        }
        if let Some(temporal) = &product.temporal {
            map.serialize_entry("dct:temporal", &TemporalView(temporal))?;
        }
        if let Some(periodicity) = &product.accrual_periodicity {
            map.serialize_entry("dct:accrualPeriodicity", &Typed { id: periodicity, kind: "dct:Frequency" })?;
        }
        if !product.conforms_to.is_empty() {
            let standards: Vec<StandardView> = product.conforms_to.iter().map(StandardView).collect();
            map.serialize_entry("dct:conformsTo", &OneOrMany(&standards))?;
        }
        if !product.attributes.is_empty() {
            map.serialize_entry(LDT_ATTRIBUTE, &OneOrMany(&product.attributes))?;
        }
        if let Some(activity) = &product.was_generated_by {
            map.serialize_entry(PROV_WAS_GENERATED_BY, &Typed { id: activity, kind: PROV_ACTIVITY })?;
        }
        let offers: Vec<OfferView> = self
            .entry
            .offers
            .iter()
            .map(|&(offer_id, rules)| OfferView { iri: offer_iri(offer_id, &product.id), rules })
            .collect();
        map.serialize_entry("hasPolicy", &offers)?;
        let distributions: Vec<DistributionView> = product
            .distributions
            .iter()
            .map(|distribution| DistributionView { distribution, service: &self.info.service })
            .collect();
        map.serialize_entry("distribution", &distributions)?;
        map.end()
    }
}

/// A kind (of LDT data, of component) as a labelled `skos:Concept`: DCAT-AP (shapes.ttl, `Category_Shape`) wants a
/// `skos:prefLabel` on every concept, and these vocabularies are ours, so no one else supplies the label.
struct Concept<'a> {
    iri: &'a str,
    label: &'a str,
}

impl Serialize for Concept<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("@id", self.iri)?;
        map.serialize_entry("@type", SKOS_CONCEPT)?;
        map.serialize_entry(SKOS_PREF_LABEL, &LangValue { value: self.label, language: "en" })?;
        map.end()
    }
}

/// Keywords per language as language-tagged strings.
struct Keywords<'a>(&'a BTreeMap<String, Vec<String>>);

impl Serialize for Keywords<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let values: Vec<LangValue> = self
            .0
            .iter()
            .flat_map(|(language, words)| words.iter().map(move |word| LangValue { value: word, language }))
            .collect();
        OneOrMany(&values).serialize(serializer)
    }
}

/// A data model with its version, if known (`owl:versionInfo`).
struct StandardView<'a>(&'a Standard);

impl Serialize for StandardView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("@id", &self.0.id)?;
        map.serialize_entry("@type", "dct:Standard")?;
        if let Some(version) = &self.0.version {
            map.serialize_entry(OWL_VERSION_INFO, version)?;
        }
        map.end()
    }
}

struct OfferView<'a> {
    iri: String,
    rules: &'a Map<String, Value>,
}

impl Serialize for OfferView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("@id", &self.iri)?;
        map.serialize_entry("@type", "Offer")?;
        for (key, value) in self.rules {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

struct DistributionView<'a> {
    distribution: &'a Distribution,
    service: &'a DataService,
}

impl Serialize for DistributionView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let distribution = self.distribution;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("@type", "Distribution")?;
        map.serialize_entry("format", &distribution.format)?;
        map.serialize_entry("accessService", &ServiceView(self.service))?;
        map.serialize_entry("dcat:accessURL", &Reference(&self.service.endpoint_url))?;
        if !distribution.title.is_empty() {
            map.serialize_entry("dct:title", &Lang(&distribution.title))?;
        }
        if let Some(media_type) = &distribution.media_type {
            let iri = format!("{IANA_MEDIA_TYPES}{media_type}");
            map.serialize_entry("dcat:mediaType", &Typed { id: &iri, kind: "dct:MediaType" })?;
        }
        map.end()
    }
}

/// An entry of a catalogue's `service` list.
#[derive(Serialize)]
#[serde(untagged)]
enum Service<'a> {
    Connector(ServiceView<'a>),
    Component(SlcView<'a>),
}

/// A component as a `dcat:DataService`: its DCAT-AP metadata, offers, and the descriptor itself as a JSON literal.
struct SlcView<'a> {
    info: &'a CatalogInfo,
    entry: SlcEntry<'a>,
}

impl Serialize for SlcView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let slc = self.entry.descriptor;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("@id", &slc.id)?;
        map.serialize_entry("@type", "DataService")?;
        map.serialize_entry("endpointURL", slc.endpoint_url.as_deref().unwrap_or(&self.info.service.endpoint_url))?;
        map.serialize_entry("dct:title", &Lang(&slc.title))?;
        map.serialize_entry("dct:description", &Lang(&slc.description))?;
        map.serialize_entry("dct:conformsTo", &Typed { id: SLC_PROFILE, kind: "dct:Standard" })?;
        let kind_iri = format!("{SLC_KIND_NAMESPACE}{}", slc.kind.as_str());
        map.serialize_entry("dct:type", &Concept { iri: &kind_iri, label: slc.kind.label() })?;
        map.serialize_entry("dct:publisher", &AgentView(&slc.provider))?;
        map.serialize_entry("dcat:version", &slc.version)?;
        if !slc.keywords.is_empty() {
            map.serialize_entry("dcat:keyword", &Keywords(&slc.keywords))?;
        }
        if let Some(license) = &slc.license {
            map.serialize_entry("dct:license", &Typed { id: license, kind: "dct:LicenseDocument" })?;
        }
        let offers: Vec<OfferView> = self
            .entry
            .offers
            .iter()
            .map(|&(offer_id, rules)| OfferView { iri: slc_offer_iri(offer_id, &slc.id), rules })
            .collect();
        // The DSP context defines the ODRL terms only inside a `Dataset`: here the offers are linked by IRI, and
        // their rules travel as a JSON literal, as does the descriptor.
        let links: Vec<Typed> = offers.iter().map(|offer| Typed { id: &offer.iri, kind: "odrl:Offer" }).collect();
        map.serialize_entry("odrl:hasPolicy", &OneOrMany(&links))?;
        map.serialize_entry(SLC_OFFERS, &JsonLiteral(&offers))?;
        map.serialize_entry(SLC_DESCRIPTOR, &JsonLiteral(slc))?;
        map.end()
    }
}

/// A JSON literal (`"@type": "@json"`).
struct JsonLiteral<'a, T>(&'a T);

impl<T: Serialize> Serialize for JsonLiteral<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("@type", "@json")?;
        map.serialize_entry("@value", self.0)?;
        map.end()
    }
}

struct ServiceView<'a>(&'a DataService);

impl Serialize for ServiceView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("@id", &self.0.id)?;
        map.serialize_entry("@type", "DataService")?;
        map.serialize_entry("endpointURL", &self.0.endpoint_url)?;
        map.serialize_entry("dct:title", &Lang(&self.0.title))?;
        map.end()
    }
}

/// Language-tagged strings: `[{"@value": …, "@language": …}, …]`, one of them bare.
struct Lang<'a>(&'a LangText);

impl Serialize for Lang<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let values: Vec<LangValue> = self.0.iter().map(|(language, value)| LangValue { value, language }).collect();
        OneOrMany(&values).serialize(serializer)
    }
}

/// Values of a property that is not a `@set` term of the DSP context: one value bare, several as an array — the
/// form JSON-LD compaction gives them, so a reader's normaliser takes its fast path.
struct OneOrMany<'a, T>(&'a [T]);

impl<T: Serialize> Serialize for OneOrMany<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            [one] => one.serialize(serializer),
            many => serializer.collect_seq(many),
        }
    }
}

#[derive(Serialize)]
struct LangValue<'a> {
    #[serde(rename = "@value")]
    value: &'a str,
    #[serde(rename = "@language")]
    language: &'a str,
}

/// A reference to a typed resource: `{"@id": …, "@type": …}`.
#[derive(Serialize)]
struct Typed<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'a str,
}

impl<'a> Typed<'a> {
    fn all(ids: &'a [String], kind: &'a str) -> Vec<Typed<'a>> {
        ids.iter().map(|id| Typed { id, kind }).collect()
    }
}

/// A reference to a resource: `{"@id": …}`.
#[derive(Serialize)]
struct Reference<'a>(#[serde(serialize_with = "as_reference")] &'a str);

fn as_reference<S: Serializer>(id: &&str, serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(1))?;
    map.serialize_entry("@id", id)?;
    map.end()
}

struct AgentView<'a>(&'a Agent);

impl Serialize for AgentView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(id) = &self.0.id {
            map.serialize_entry("@id", id)?;
        }
        map.serialize_entry("@type", FOAF_AGENT)?;
        map.serialize_entry(FOAF_NAME, &self.0.name)?;
        map.end()
    }
}

struct ContactView<'a>(&'a ContactPoint);

impl Serialize for ContactView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let contact = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("@type", VCARD_KIND)?;
        map.serialize_entry(VCARD_FN, &contact.name)?;
        if let Some(email) = &contact.email {
            map.serialize_entry(VCARD_EMAIL, &Reference(&format!("mailto:{email}")))?;
        }
        if let Some(url) = &contact.url {
            map.serialize_entry(VCARD_URL, &Reference(url))?;
        }
        map.end()
    }
}

struct SpatialView<'a>(&'a Spatial);

impl Serialize for SpatialView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self.0 {
            Spatial::Place(place) => {
                map.serialize_entry("@id", place)?;
                map.serialize_entry("@type", "dct:Location")?;
            }
            Spatial::Geometry(geometry) => {
                map.serialize_entry("@type", "dct:Location")?;
                let literal = serde_json::json!({"@value": geometry.to_string(), "@type": GEOJSON_LITERAL});
                map.serialize_entry(LOCN_GEOMETRY, &literal)?;
            }
        }
        map.end()
    }
}

struct TemporalView<'a>(&'a Temporal);

impl Serialize for TemporalView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("@type", "dct:PeriodOfTime")?;
        for (key, date) in [("dcat:startDate", &self.0.start), ("dcat:endDate", &self.0.end)] {
            if let Some(date) = date {
                let literal = serde_json::json!({"@value": date.to_rfc3339(), "@type": "xsd:dateTime"});
                map.serialize_entry(key, &literal)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::tests::full_product;
    use serde_json::json;

    fn info() -> CatalogInfo {
        CatalogInfo {
            id: "urn:ldt:catalog:traffic".into(),
            participant_id: "did:web:traffic.example".into(),
            title: [("en".to_owned(), "Traffic LDT".to_owned())].into(),
            description: [("en".to_owned(), "Data products of the traffic LDT".to_owned())].into(),
            publisher: Agent { id: None, name: "Example City".into() },
            service: DataService {
                id: "urn:ldt:service:traffic".into(),
                title: [("en".to_owned(), "Traffic LDT connector".to_owned())].into(),
                endpoint_url: "https://traffic.example/dsp".into(),
            },
        }
    }

    #[test]
    fn a_dataset_carries_its_metadata_offers_and_distributions_but_never_its_backend() {
        let product = full_product();
        let rules = json!({"permission": [{"action": "use"}]});
        let rules = rules.as_object().unwrap();
        let offers = [("open", rules)];
        let info = info();
        let value = serde_json::to_value(dataset(&info, DatasetEntry { product: &product, offers: &offers })).unwrap();
        assert_eq!(value["@context"], json!([DSP_CONTEXT]));
        assert_eq!(value["@type"], "Dataset");
        assert_eq!(value["hasPolicy"][0]["@id"], "urn:ldt:offer:open:urn%3Aldt%3Atraffic%3Acounts-hourly");
        assert_eq!(value["hasPolicy"][0]["@type"], "Offer");
        assert_eq!(value["hasPolicy"][0]["permission"], json!([{"action": "use"}]));
        assert_eq!(value["distribution"][0]["format"], "HttpData-PULL");
        assert_eq!(value["distribution"][0]["accessService"]["endpointURL"], "https://traffic.example/dsp");
        assert_eq!(value["dct:type"]["@id"], "https://w3id.org/ldt-connector/kind/raw");
        assert_eq!(
            value["dct:title"],
            json!([{"@value": "Hourly traffic counts", "@language": "en"},
                                               {"@value": "Verkeerstellingen per uur", "@language": "nl"}])
        );
        assert!(!value.to_string().contains("backend.internal"), "the private backend leaked: {value}");
    }

    #[test]
    fn a_catalog_lists_its_service_and_datasets_without_dataset_contexts() {
        let product = full_product();
        let info = info();
        let rules = Map::new();
        let offers = [("o", &rules)];
        let entries = [DatasetEntry { product: &product, offers: &offers }];
        let value = serde_json::to_value(catalog(&info, &entries, &[])).unwrap();
        assert_eq!(value["@type"], "Catalog");
        assert_eq!(value["participantId"], "did:web:traffic.example");
        assert_eq!(value["service"][0]["@type"], "DataService");
        assert_eq!(value["dataset"].as_array().unwrap().len(), 1);
        assert!(value["dataset"][0].get("@context").is_none());
        let empty = serde_json::to_value(catalog(&info, &[], &[])).unwrap();
        assert!(empty.get("dataset").is_none(), "an empty dataset array breaks the schema's minItems");
    }

    #[test]
    fn errors_have_the_dsp_shape() {
        assert_eq!(
            catalog_error("404", &["no such dataset"]),
            json!({"@context": [DSP_CONTEXT], "@type": "CatalogError", "code": "404", "reason": ["no such dataset"]})
        );
    }
}

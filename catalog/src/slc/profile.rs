//! The capability profile of an LDT, derived from what it already publishes: its data products (data models with
//! versions, attributes, kind, coverage, history, update frequency, lineage, distributions and their exchange types)
//! with the offers they are under, and the deployment capabilities its operator configured. The profile of another
//! LDT is read from its DSP catalogue ([`ProductProfile::from_dataset`]).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ldt_policy::eval::Prepared;
use ldt_policy::read_policy;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::dsp::{
    IANA_MEDIA_TYPES, LDT_ATTRIBUTE, LDT_KIND_NAMESPACE, LOCN_GEOMETRY, OWL_VERSION_INFO, PROV_WAS_GENERATED_BY,
};
use crate::product::{DataProduct, LdtKind, Spatial, Standard};
use crate::slc::descriptor::Exchange;

/// Who an LDT is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// Its participant id (DID).
    pub id: String,
    /// Its name, for people.
    pub name: String,
    /// Its connector's address (where to negotiate), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// What an LDT's operator says its infrastructure can run (configuration `[slc]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct DeploymentCapabilities {
    /// It can run OCI images (Docker, Podman).
    #[serde(default)]
    pub oci: bool,
    /// It has a Kubernetes cluster.
    #[serde(default)]
    pub kubernetes: bool,
    /// CPU cores it can give a component.
    #[serde(default)]
    pub cpu: f64,
    /// Memory in MiB it can give a component.
    #[serde(default)]
    pub memory_mib: u64,
    /// GPUs it can give a component.
    #[serde(default)]
    pub gpu: u32,
    /// It scrapes components' metrics endpoints (Prometheus).
    #[serde(default)]
    pub metrics: bool,
}

/// The credentials an LDT holds: their types and the roles they grant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Credentials {
    /// Credential types, e.g. `MembershipCredential`.
    pub types: BTreeSet<String>,
    /// Roles, named after the role credentials that grant them: `dataConsumer` for a `DataConsumerCredential`.
    pub roles: BTreeSet<String>,
}

/// An offer of a product, ready to be evaluated.
#[derive(Debug)]
pub struct OfferTerms {
    /// The offer's id as the catalogue publishes it.
    pub id: String,
    /// Its contract policy, typed once.
    pub policy: Prepared,
    /// The offer as the catalogue publishes it (what a negotiation is started from).
    pub document: Value,
}

impl OfferTerms {
    /// The offer `id` with the policy `document`, or `None` if the document is not a policy this crate can read.
    pub fn new(id: String, document: Value) -> Option<Arc<OfferTerms>> {
        let policy = read_policy(&document).ok()?;
        Some(Arc::new(OfferTerms { id, policy: Prepared::new(policy), document }))
    }

    /// An offer as a DSP catalogue publishes it (its `@id` and rules), if this crate can read it.
    pub fn of_published(offer: &Value) -> Option<Arc<OfferTerms>> {
        OfferTerms::new(offer.get("@id")?.as_str()?.to_owned(), offer.clone())
    }
}

/// The area a product covers, parsed once.
#[derive(Debug, Clone)]
pub enum Area {
    /// Not stated.
    Unknown,
    /// A place IRI.
    Place(String),
    /// A geometry, with its bounding box (checked first: most pairs of areas are told apart by their boxes).
    Shape(geo::Geometry<f64>, Option<geo::Rect<f64>>),
}

impl Area {
    /// The area of `spatial`; a geometry that is not GeoJSON is unknown.
    pub fn of(spatial: Option<&Spatial>) -> Area {
        match spatial {
            None => Area::Unknown,
            Some(Spatial::Place(place)) => Area::Place(place.clone()),
            Some(Spatial::Geometry(geometry)) => Area::of_geojson(geometry.clone()),
        }
    }

    /// The area of a GeoJSON geometry; unknown if it is not one.
    pub fn of_geojson(geometry: Value) -> Area {
        geojson::Geometry::from_json_value(geometry)
            .ok()
            .and_then(|geometry| geo::Geometry::try_from(geometry).ok())
            .map_or(Area::Unknown, |shape| {
                let bounds = geo::BoundingRect::bounding_rect(&shape);
                Area::Shape(shape, bounds)
            })
    }
}

/// One way a product is distributed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// How it delivers, if the format is known.
    pub exchange: Option<Exchange>,
    /// The payload's media type, if stated.
    pub media_type: Option<String>,
}

/// What a data product offers an SLC.
#[derive(Debug, Clone)]
pub struct ProductProfile {
    /// The product's id.
    pub id: String,
    /// Its title (English if it has one).
    pub title: String,
    /// The data models it follows, with versions.
    pub models: Vec<Standard>,
    /// The attributes it fills.
    pub attributes: BTreeSet<String>,
    /// Its LDT kind, if stated.
    pub kind: Option<LdtKind>,
    /// The area it covers.
    pub area: Area,
    /// Since when it has data.
    pub start: Option<DateTime<Utc>>,
    /// Until when it has data, if it has ended.
    pub end: Option<DateTime<Utc>>,
    /// How often it is updated (an EU frequency IRI).
    pub periodicity: Option<String>,
    /// It publishes its lineage (`prov:wasGeneratedBy`).
    pub lineage: bool,
    /// Its distributions.
    pub channels: Vec<Channel>,
    /// The offers it is under.
    pub offers: Vec<Arc<OfferTerms>>,
}

impl ProductProfile {
    /// The profile of one of this LDT's products, under `offers`.
    pub fn of_product(product: &DataProduct, offers: Vec<Arc<OfferTerms>>) -> ProductProfile {
        ProductProfile {
            id: product.id.clone(),
            title: english(product.title.iter().map(|(tag, text)| (tag.as_str(), text.as_str()))),
            models: product.conforms_to.clone(),
            attributes: product.attributes.iter().cloned().collect(),
            kind: Some(product.ldt_kind),
            area: Area::of(product.spatial.as_ref()),
            start: product.temporal.as_ref().and_then(|temporal| temporal.start),
            end: product.temporal.as_ref().and_then(|temporal| temporal.end),
            periodicity: product.accrual_periodicity.clone(),
            lineage: product.was_generated_by.is_some(),
            channels: product
                .distributions
                .iter()
                .map(|distribution| Channel {
                    exchange: Exchange::of_format(&distribution.format),
                    media_type: distribution.media_type.clone(),
                })
                .collect(),
            offers,
        }
    }

    /// The profile of a `Dataset` of a DSP catalogue in compact form (as `ldt-connector` publishes it; what another
    /// connector leaves out is unknown). `None` without an `@id`.
    pub fn from_dataset(dataset: &Value) -> Option<ProductProfile> {
        let id = dataset.get("@id")?.as_str()?.to_owned();
        let models = many(dataset.get("dct:conformsTo"))
            .filter_map(|model| {
                let id = reference(model)?;
                let version = many(model.get(OWL_VERSION_INFO)).find_map(text).map(str::to_owned);
                Some(Standard { id: id.to_owned(), version })
            })
            .collect();
        let kind = many(dataset.get("dct:type"))
            .filter_map(reference)
            .find_map(|iri| iri.strip_prefix(LDT_KIND_NAMESPACE).and_then(LdtKind::parse));
        let area = match dataset.get("dct:spatial") {
            None => Area::Unknown,
            Some(spatial) => match spatial.get("@id").and_then(Value::as_str) {
                Some(place) => Area::Place(place.to_owned()),
                None => many(spatial.get(LOCN_GEOMETRY))
                    .find_map(text)
                    .and_then(|literal| serde_json::from_str(literal).ok())
                    .map_or(Area::Unknown, Area::of_geojson),
            },
        };
        let date = |key: &str| {
            let temporal = dataset.get("dct:temporal")?;
            let text = many(temporal.get(key)).find_map(text)?;
            // An `xsd:dateTime`, or an `xsd:date` (its midnight, UTC), as other connectors may write.
            text.parse::<DateTime<Utc>>().ok().or_else(|| {
                let day = text.parse::<chrono::NaiveDate>().ok()?;
                Some(day.and_hms_opt(0, 0, 0)?.and_utc())
            })
        };
        let (start, end) = (date("dcat:startDate"), date("dcat:endDate"));
        let channels = many(dataset.get("distribution"))
            .filter_map(|distribution| {
                let format = many(distribution.get("format")).find_map(|format| text(format).or(reference(format)))?;
                let media_type = many(distribution.get("dcat:mediaType"))
                    .find_map(reference)
                    .map(|iri| iri.strip_prefix(IANA_MEDIA_TYPES).unwrap_or(iri).to_owned());
                Some(Channel { exchange: Exchange::of_format(format), media_type })
            })
            .collect();
        let offers = many(dataset.get("hasPolicy")).filter_map(OfferTerms::of_published).collect();
        Some(ProductProfile {
            title: english(many(dataset.get("dct:title")).filter_map(|title| {
                let language = title.get("@language").and_then(Value::as_str).unwrap_or("");
                Some((language, text(title)?))
            })),
            id,
            models,
            attributes: many(dataset.get(LDT_ATTRIBUTE)).filter_map(text).map(str::to_owned).collect(),
            kind,
            area,
            start,
            end,
            periodicity: dataset.get("dct:accrualPeriodicity").and_then(reference).map(str::to_owned),
            lineage: dataset.get(PROV_WAS_GENERATED_BY).is_some(),
            channels,
            offers,
        })
    }
}

/// The text in English, else the first one given.
pub(crate) fn english<'a>(texts: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut first = None;
    for (language, text) in texts {
        if language == "en" {
            return text.to_owned();
        }
        first.get_or_insert(text);
    }
    first.unwrap_or_default().to_owned()
}

/// The values of a JSON-LD property: none, one, or each of an array.
pub(crate) fn many(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    let items: &[Value] = match value {
        None => &[],
        Some(Value::Array(items)) => items,
        Some(one) => std::slice::from_ref(one),
    };
    items.iter()
}

/// A literal's text: a string or the `@value` of a value object.
fn text(value: &Value) -> Option<&str> {
    value.as_str().or_else(|| value.get("@value")?.as_str())
}

/// A node reference's IRI: `{"@id": …}` or a bare string.
fn reference(value: &Value) -> Option<&str> {
    value.get("@id").and_then(Value::as_str).or_else(|| value.as_str())
}

/// What an LDT offers SLCs: its products, indexed by data model, its deployment capabilities and credentials.
#[derive(Debug, Clone)]
pub struct LdtProfile {
    /// Who it is.
    pub participant: Participant,
    /// Its products.
    pub products: Vec<ProductProfile>,
    /// What its infrastructure can run (unknown, so nothing, for another LDT).
    pub deployment: DeploymentCapabilities,
    /// The credentials it holds (unknown, so none, for another LDT).
    pub credentials: Credentials,
    by_model: HashMap<String, Vec<usize>>,
}

impl LdtProfile {
    /// The profile of `participant` with `products`.
    pub fn new(
        participant: Participant,
        products: Vec<ProductProfile>,
        deployment: DeploymentCapabilities,
        credentials: Credentials,
    ) -> LdtProfile {
        let mut by_model: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, product) in products.iter().enumerate() {
            for model in &product.models {
                let indexes = by_model.entry(model.id.clone()).or_default();
                if indexes.last() != Some(&index) {
                    indexes.push(index);
                }
            }
        }
        LdtProfile { participant, products, deployment, credentials, by_model }
    }

    /// The profile of another LDT from its DSP catalogue (compact form, all pages merged).
    pub fn from_catalog(participant: Participant, catalog: &Value) -> LdtProfile {
        let products = many(catalog.get("dataset")).filter_map(ProductProfile::from_dataset).collect();
        LdtProfile::new(participant, products, DeploymentCapabilities::default(), Credentials::default())
    }

    /// The products that follow the data model `model` (any version).
    pub fn following(&self, model: &str) -> impl Iterator<Item = &ProductProfile> {
        self.by_model.get(model).into_iter().flatten().map(|&index| &self.products[index])
    }
}

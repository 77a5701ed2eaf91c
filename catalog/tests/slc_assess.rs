//! The assessment of Surface-level components against LDT capability profiles (`ldt_catalog::slc::assess`), over
//! realistic descriptors and products.
//!
//! The running example is an NO₂ exposure dashboard for Eindhoven that reads air-quality observations (Smart Data
//! Models `AirQualityObserved`) for the purpose of an NO₂ exposure study — a kind of air-quality modelling in the
//! data space's purpose taxonomy. Each requirement of an input (data model, LDT kind, attributes, exchange, media
//! type, area, history, freshness, lineage, usage) and of the deployment is judged in a table of cases, one per
//! outcome; then the verdicts and their ranking, and the composition with other LDTs' catalogues: an input missing at
//! home is found in another LDT's DSP catalogue and proposed as a contract under one of its offers.
//!
//! Reasons are checked for the values they must name (versions, attribute names, durations…), not word for word.
//! The assessment's time is fixed.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ldt_catalog::DataProduct;
use ldt_catalog::dsp::{self, CatalogInfo, DataService, DatasetEntry};
use ldt_catalog::offer::offer_iri;
use ldt_catalog::product::Agent;
use ldt_catalog::slc::assess::{AdaptationKind, Assessment, Effort, Finding, Status, Verdict};
use ldt_catalog::slc::profile::{Credentials, DeploymentCapabilities, OfferTerms, Participant};
use ldt_catalog::slc::{Assessor, LdtProfile, ProductProfile, SlcDescriptor, rank};
use ldt_policy::eval::Environment;
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary and places
// ---------------------------------------------------------------------------------------------------------------

const AIR_QUALITY: &str = "https://smartdatamodels.org/dataModel.Environment/AirQualityObserved";
const TRAFFIC: &str = "https://smartdatamodels.org/dataModel.Transportation/TrafficFlowObserved";
const PURPOSE: &str = "https://w3id.org/ldt-connector/purpose/";
const MEMBERSHIP: &str = "https://w3id.org/ldt-connector/claims/membership";
const FREQUENCY: &str = "http://publications.europa.eu/resource/authority/frequency/";
const EINDHOVEN: &str = "https://sws.geonames.org/2756253/";
const NETHERLANDS: &str = "https://sws.geonames.org/2750405/";
const PRODUCT: &str = "urn:ldt:air:no2-hourly";
const SLC: &str = "urn:slc:no2-exposure-dashboard";
const PROVIDER: &str = "Clean Air Analytics";

fn purpose(name: &str) -> String {
    format!("{PURPOSE}{name}")
}

fn frequency(name: &str) -> String {
    format!("{FREQUENCY}{name}")
}

/// A closed rectangle `[west, south, east, north]` as a GeoJSON polygon.
fn rectangle([west, south, east, north]: [f64; 4]) -> Value {
    json!({"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]]})
}

/// The municipality of Eindhoven, roughly: the area the home product covers.
fn municipality() -> Value {
    rectangle([5.38, 51.40, 5.55, 51.50])
}

/// Eindhoven's city centre: inside the municipality.
fn centre() -> Value {
    rectangle([5.46, 51.43, 5.49, 51.45])
}

/// Eindhoven and Veldhoven: half inside the municipality, half west of it.
fn with_veldhoven() -> Value {
    rectangle([5.30, 51.38, 5.45, 51.46])
}

/// Amsterdam: nowhere near.
fn amsterdam() -> Value {
    rectangle([4.85, 52.33, 4.95, 52.40])
}

/// The time of every assessment.
fn now() -> DateTime<Utc> {
    "2025-06-15T12:00:00Z".parse().expect("a time")
}

/// `base` with the members of `changes` set, and those set to `null` removed.
fn with(mut base: Value, changes: Value) -> Value {
    let (Value::Object(target), Value::Object(changes)) = (&mut base, changes) else {
        panic!("both are objects");
    };
    for (key, value) in changes {
        if value.is_null() {
            target.remove(&key);
        } else {
            target.insert(key, value);
        }
    }
    base
}

// ---------------------------------------------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------------------------------------------

/// Hourly NO₂ observations of Eindhoven's sensor network since 2023, AirQualityObserved 0.3.1, as CSV over HTTP,
/// with `changes` applied; a valid product.
fn product(changes: Value) -> DataProduct {
    let base = json!({
        "id": PRODUCT,
        "title": {"en": "Hourly NO2 concentrations", "nl": "NO2-concentraties per uur"},
        "description": {"en": "NO2, PM10 and PM2.5 per sensor per hour, from the city's air-quality network."},
        "keywords": {"en": ["air quality", "NO2"]},
        "themes": ["http://publications.europa.eu/resource/authority/data-theme/ENVI"],
        "publisher": {"id": "https://www.eindhoven.nl/", "name": "Gemeente Eindhoven"},
        "contactPoint": {"name": "Environment desk", "email": "environment@eindhoven.example"},
        "license": "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        "spatial": {"geometry": municipality()},
        "temporal": {"start": "2023-01-01T00:00:00Z"},
        "accrualPeriodicity": frequency("HOURLY"),
        "conformsTo": [{"id": AIR_QUALITY, "version": "0.3.1"}],
        "attributes": ["NO2", "PM10", "PM2.5", "temperature", "dateObserved", "location"],
        "wasGeneratedBy": "https://www.eindhoven.nl/pipelines/air-quality-ingest",
        "ldtKind": "raw",
        "distributions": [{"id": "csv", "format": "HttpData-PULL", "mediaType": "text/csv",
                           "backend": {"type": "http", "url": "http://backend.internal/no2.csv"}}]
    });
    let product: DataProduct = serde_json::from_value(with(base, changes)).expect("a product");
    assert_eq!(product.validate(), Ok(()), "the test product is valid");
    product
}

/// A distribution of the given transfer `format` and media type.
fn distribution(id: &str, format: &str, media_type: Option<&str>) -> Value {
    let backend = match format {
        f if f.starts_with("MQTT") => json!({"type": "mqtt", "topic": "city/air/no2"}),
        f if f.starts_with("NATS") => json!({"type": "nats", "subject": "city.air.no2"}),
        _ => json!({"type": "http", "url": "http://backend.internal/no2"}),
    };
    let mut distribution = json!({"id": id, "format": format, "backend": backend});
    if let Some(media_type) = media_type {
        distribution["mediaType"] = json!(media_type);
    }
    distribution
}

/// An offer `id` of the home product under `policy`, as the connector builds it from its store: the offer document
/// is the policy's rules with the offer's IRI and type. Panics if the policy cannot be read.
fn offer(id: &str, policy: Value) -> Arc<OfferTerms> {
    let mut document = json!({"@id": offer_iri(id, PRODUCT), "@type": "Offer"});
    let rules = ldt_policy::catalogue_offer_body(&policy);
    document.as_object_mut().expect("an object").extend(rules);
    OfferTerms::new(id.to_owned(), document).expect("a policy the engine reads")
}

/// The data space's usual contract: use for air-quality modelling by active members, no redistribution.
fn modelling_policy() -> Value {
    json!({
        "permission": [{"action": "use", "constraint": [
            {"leftOperand": "purpose", "operator": "isA", "rightOperand": purpose("air-quality-modelling")},
            {"leftOperand": MEMBERSHIP, "operator": "eq", "rightOperand": "active"}
        ]}],
        "prohibition": [{"action": "distribute"}]
    })
}

/// An offer for traffic research only.
fn traffic_research_policy() -> Value {
    json!({"permission": [{"action": "use", "constraint": [
        {"leftOperand": "purpose", "operator": "isA", "rightOperand": purpose("traffic-research")}
    ]}]})
}

/// A product of the home LDT, offered to no one.
fn own(changes: Value) -> ProductProfile {
    ProductProfile::of_product(&product(changes), Vec::new())
}

/// A product of the home LDT under `offers`.
fn offered(changes: Value, offers: Vec<Arc<OfferTerms>>) -> ProductProfile {
    ProductProfile::of_product(&product(changes), offers)
}

/// The catalogue of the other LDT, Eindhoven's environment agency.
fn agency_catalog() -> CatalogInfo {
    CatalogInfo {
        id: "urn:ldt:catalog:air".into(),
        participant_id: "did:web:air.eindhoven.example".into(),
        title: [("en".to_owned(), "Air-quality LDT".to_owned())].into(),
        description: [("en".to_owned(), "Data products of the environment agency".to_owned())].into(),
        publisher: Agent { id: None, name: "Environment agency".into() },
        service: DataService {
            id: "urn:ldt:service:air".into(),
            title: [("en".to_owned(), "Air-quality LDT connector".to_owned())].into(),
            endpoint_url: "https://air.eindhoven.example/dsp".into(),
        },
    }
}

/// The DSP `Dataset` of `product` under the offers `(offer id, policy)`, as the other LDT's connector publishes it.
fn dataset_json(product: &DataProduct, offers: &[(&str, Value)]) -> Value {
    let bodies: Vec<(&str, Map<String, Value>)> =
        offers.iter().map(|(id, policy)| (*id, ldt_policy::catalogue_offer_body(policy))).collect();
    let entries: Vec<(&str, &Map<String, Value>)> = bodies.iter().map(|(id, body)| (*id, body)).collect();
    let info = agency_catalog();
    serde_json::to_value(dsp::dataset(&info, DatasetEntry { product, offers: &entries })).expect("serialisable")
}

/// The profile of `product` read from its DSP form under the usual modelling offer, after `edit` (what another
/// connector might write differently).
fn foreign(changes: Value, edit: impl FnOnce(&mut Value)) -> ProductProfile {
    let mut dataset = dataset_json(&product(changes), &[("aq-modelling", modelling_policy())]);
    edit(&mut dataset);
    ProductProfile::from_dataset(&dataset).expect("a dataset with an @id")
}

// ---------------------------------------------------------------------------------------------------------------
// LDTs
// ---------------------------------------------------------------------------------------------------------------

fn home_participant() -> Participant {
    Participant {
        id: "did:web:twin.eindhoven.example".into(),
        name: "Eindhoven city LDT".into(),
        address: Some("https://twin.eindhoven.example/dsp".into()),
    }
}

fn agency_participant() -> Participant {
    Participant {
        id: "did:web:air.eindhoven.example".into(),
        name: "Environment agency LDT".into(),
        address: Some("https://air.eindhoven.example/dsp".into()),
    }
}

/// An OCI host giving a component 4 CPU, 8 GiB and no GPU, scraping metrics.
fn oci_host() -> DeploymentCapabilities {
    DeploymentCapabilities { oci: true, kubernetes: false, cpu: 4.0, memory_mib: 8192, gpu: 0, metrics: true }
}

/// A member of the data space that consumes data.
fn member() -> Credentials {
    Credentials {
        types: BTreeSet::from(["MembershipCredential".to_owned(), "DataConsumerCredential".to_owned()]),
        roles: BTreeSet::from(["dataConsumer".to_owned()]),
    }
}

/// The home LDT with `products`, on an OCI host, holding membership and consumer credentials.
fn home(products: Vec<ProductProfile>) -> LdtProfile {
    home_with(products, oci_host(), member())
}

fn home_with(
    products: Vec<ProductProfile>,
    deployment: DeploymentCapabilities,
    credentials: Credentials,
) -> LdtProfile {
    LdtProfile::new(home_participant(), products, deployment, credentials)
}

/// Another LDT, known only from its catalogue: no deployment capabilities, no credentials.
fn agency(products: Vec<ProductProfile>) -> Arc<LdtProfile> {
    Arc::new(LdtProfile::new(agency_participant(), products, DeploymentCapabilities::default(), Credentials::default()))
}

/// The data space's policy configuration: its purpose taxonomy and the membership claim.
fn environment() -> Environment {
    let purposes = [
        ("no2-exposure-study", vec!["air-quality-modelling", "public-health-research"]),
        ("air-quality-forecasting", vec!["air-quality-modelling"]),
        ("air-quality-modelling", vec!["environmental-research"]),
        ("traffic-research", vec!["mobility-research"]),
        ("targeted-advertising", vec!["marketing"]),
    ];
    Environment {
        purposes: purposes
            .into_iter()
            .map(|(narrow, broad)| (purpose(narrow), broad.into_iter().map(purpose).collect()))
            .collect(),
        claims: [(MEMBERSHIP.to_owned(), "/membership/status".to_owned())].into(),
        ..Environment::default()
    }
}

/// The home LDT's claims: an active member.
fn active() -> Value {
    json!({"membership": {"status": "active"}, "credentials": ["MembershipCredential", "DataConsumerCredential"]})
}

/// The home LDT's claims with its membership suspended.
fn suspended() -> Value {
    json!({"membership": {"status": "suspended"}, "credentials": ["MembershipCredential"]})
}

// ---------------------------------------------------------------------------------------------------------------
// Descriptors
// ---------------------------------------------------------------------------------------------------------------

/// The NO₂ exposure dashboard with one input, `no2`, needing AirQualityObserved 0.3 and what `input` adds, and
/// `changes` to the rest; a valid descriptor. Its provider runs it; its purpose is an NO₂ exposure study.
fn descriptor(input: Value, changes: Value) -> SlcDescriptor {
    let input = with(json!({"name": "no2", "dataModel": {"id": AIR_QUALITY, "versions": ["0.3"]}}), input);
    descriptor_of(vec![input], changes)
}

fn descriptor_of(inputs: Vec<Value>, changes: Value) -> SlcDescriptor {
    let base = json!({
        "id": SLC,
        "title": {"en": "NO2 exposure dashboard", "nl": "NO2-blootstellingsdashboard"},
        "description": {"en": "Maps residents' NO2 exposure per neighbourhood and hour."},
        "kind": "visualisation",
        "provider": {"id": "https://cleanair.example/", "name": PROVIDER},
        "version": "1.2.0",
        "license": "https://cleanair.example/licence",
        "inputs": inputs,
        "usage": {"purpose": purpose("no2-exposure-study"), "derivatives": true},
        "deployment": {"operatedBy": "provider"}
    });
    let descriptor: SlcDescriptor = serde_json::from_value(with(base, changes)).expect("a descriptor");
    assert_eq!(descriptor.validate(), Ok(()), "the test descriptor is valid");
    descriptor
}

fn assess(home: &LdtProfile, others: &[Arc<LdtProfile>], slc: &SlcDescriptor) -> Assessment {
    assess_with(home, others, &active(), slc)
}

fn assess_with(home: &LdtProfile, others: &[Arc<LdtProfile>], claims: &Value, slc: &SlcDescriptor) -> Assessment {
    let environment = environment();
    Assessor { home, others, environment: &environment, claims, now: now() }.assess(slc)
}

// ---------------------------------------------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------------------------------------------

/// The name of a finding's requirement as written in JSON (`dataModel`).
fn requirement(finding: &Finding) -> String {
    match serde_json::to_value(finding.requirement).expect("serialisable") {
        Value::String(name) => name,
        other => panic!("a requirement is written as a string, not {other}"),
    }
}

/// The finding for `name` among `findings`, if any; there is at most one.
fn find<'a>(findings: &'a [Finding], name: &str) -> Option<&'a Finding> {
    let mut matching = findings.iter().filter(|finding| requirement(finding) == name);
    let found = matching.next();
    assert!(matching.next().is_none(), "one `{name}` finding at most: {findings:#?}");
    found
}

/// An expected outcome of one requirement.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    /// Satisfied.
    Met,
    /// Adaptable with this adaptation.
    Adapt(AdaptationKind, Effort),
    /// Unsatisfied.
    Unmet,
    /// Not judged: the component does not ask.
    Absent,
}

use Outcome::{Absent, Adapt, Met, Unmet};

/// Checks that `found` has the outcome, and that its reason names each of `mentions` and none of `omits`.
fn expect(context: &str, found: Option<&Finding>, outcome: Outcome, mentions: &[&str], omits: &[&str]) {
    let Some(finding) = found else {
        assert_eq!(outcome, Absent, "{context}: no finding");
        return;
    };
    let (status, adaptation) = match outcome {
        Met => (Status::Satisfied, None),
        Adapt(kind, effort) => (Status::Adaptable, Some((kind, effort))),
        Unmet => (Status::Unsatisfied, None),
        Absent => panic!("{context}: expected no finding, got {finding:#?}"),
    };
    assert_eq!(finding.status, status, "{context}: {finding:#?}");
    assert_eq!(finding.adaptation.map(|a| (a.kind, a.effort)), adaptation, "{context}: {finding:#?}");
    for mention in mentions {
        assert!(finding.reason.contains(mention), "{context}: the reason names `{mention}`: {}", finding.reason);
    }
    for omitted in omits {
        assert!(!finding.reason.contains(omitted), "{context}: the reason leaves out `{omitted}`: {}", finding.reason);
    }
}

/// One case of an input requirement: a product (at home or in another LDT), the input, the outcome.
struct Case {
    name: &'static str,
    product: ProductProfile,
    /// The product is another LDT's (read from its catalogue) rather than the home LDT's.
    remote: bool,
    input: Value,
    slc: Value,
    outcome: Outcome,
    mentions: &'static [&'static str],
    omits: &'static [&'static str],
}

fn case(name: &'static str, product: ProductProfile, input: Value, outcome: Outcome) -> Case {
    Case { name, product, remote: false, input, slc: json!({}), outcome, mentions: &[], omits: &[] }
}

impl Case {
    fn naming(mut self, mentions: &'static [&'static str]) -> Case {
        self.mentions = mentions;
        self
    }

    fn omitting(mut self, omits: &'static [&'static str]) -> Case {
        self.omits = omits;
        self
    }

    fn slc(mut self, changes: Value) -> Case {
        self.slc = changes;
        self
    }

    fn remote(mut self) -> Case {
        self.remote = true;
        self
    }
}

/// Runs the cases of the input requirement `name`: each product alone, judged for the one input.
fn run(name: &str, cases: Vec<Case>) {
    for case in cases {
        let slc = descriptor(case.input, case.slc);
        let (home, others) = if case.remote {
            (home(Vec::new()), vec![agency(vec![case.product])])
        } else {
            (home(vec![case.product]), Vec::new())
        };
        let assessment = assess(&home, &others, &slc);
        let input = &assessment.inputs[0];
        let expected_source =
            if case.remote { "did:web:air.eindhoven.example" } else { "did:web:twin.eindhoven.example" };
        let source = input.source.as_ref().unwrap_or_else(|| panic!("{}: a source: {input:#?}", case.name));
        assert_eq!(source.participant.id, expected_source, "{}", case.name);
        assert_eq!(source.dataset, PRODUCT, "{}", case.name);
        let context = format!("{name}: {}", case.name);
        let finding = find(&input.findings, name);
        expect(&context, finding, case.outcome, case.mentions, case.omits);
        // Every reason but a permitting offer's names the product judged.
        if let Some(finding) = finding.filter(|finding| finding.status != Status::Satisfied || name != "usage") {
            assert!(finding.reason.contains(PRODUCT), "{context}: the reason names the product: {}", finding.reason);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Input requirements, one table each
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn data_model_versions() {
    let versioned = |version: &str| json!({"conformsTo": [{"id": AIR_QUALITY, "version": version}]});
    let accepting = |versions: Value| json!({"dataModel": {"id": AIR_QUALITY, "versions": versions}});
    run(
        "dataModel",
        vec![
            case("an accepted version's sub-version", own(versioned("0.3.1")), accepting(json!(["0.3"])), Met)
                .naming(&[AIR_QUALITY, "0.3.1"]),
            case("the accepted version itself", own(versioned("0.3")), accepting(json!(["0.3"])), Met),
            case("one of several accepted versions", own(versioned("1.0.2")), accepting(json!(["0.3", "1.0"])), Met),
            case("any version when none is listed", own(versioned("0.1.0")), accepting(json!([])), Met),
            case(
                "a version of the same major",
                own(versioned("0.2.5")),
                accepting(json!(["0.3"])),
                Adapt(AdaptationKind::DataModelMapping, Effort::Low),
            )
            .naming(&["0.2.5", "0.3"]),
            case(
                "a longer number is not a sub-version (0.30 is not 0.3)",
                own(versioned("0.30.0")),
                accepting(json!(["0.3"])),
                Adapt(AdaptationKind::DataModelMapping, Effort::Low),
            )
            .naming(&["0.30.0", "0.3"]),
            case(
                "a version of another major",
                own(versioned("1.0.0")),
                accepting(json!(["0.3"])),
                Adapt(AdaptationKind::DataModelMapping, Effort::Medium),
            )
            .naming(&["1.0.0", "0.3"]),
            case(
                "no version stated",
                own(json!({"conformsTo": [AIR_QUALITY]})),
                accepting(json!(["0.3"])),
                Adapt(AdaptationKind::Confirmation, Effort::Low),
            )
            .naming(&[AIR_QUALITY, "0.3"]),
            case(
                "no version stated and none needed",
                own(json!({"conformsTo": [AIR_QUALITY]})),
                accepting(json!([])),
                Met,
            ),
            case(
                "the version read from another LDT's catalogue",
                foreign(versioned("0.2.5"), |_| {}),
                accepting(json!(["0.3"])),
                Adapt(AdaptationKind::DataModelMapping, Effort::Low),
            )
            .naming(&["0.2.5"])
            .remote(),
        ],
    );
}

#[test]
fn a_same_major_mapping_names_the_same_major_target() {
    let product = own(json!({"conformsTo": [{"id": AIR_QUALITY, "version": "0.2.5"}]}));
    let slc = descriptor(json!({"dataModel": {"id": AIR_QUALITY, "versions": ["0.3", "1.0"]}}), json!({}));
    let assessment = assess(&home(vec![product]), &[], &slc);
    let finding = find(&assessment.inputs[0].findings, "dataModel");
    expect(
        "0.2.5 for 0.3 or 1.0",
        finding,
        Adapt(AdaptationKind::DataModelMapping, Effort::Low),
        &["to 0.3"],
        &["to 1.0"],
    );
}

#[test]
fn a_product_following_two_versions_is_judged_by_the_accepted_one() {
    let product = own(json!({"conformsTo": [
        {"id": AIR_QUALITY, "version": "0.2.0"},
        {"id": AIR_QUALITY, "version": "0.3.1"}
    ]}));
    let slc = descriptor(json!({}), json!({}));
    let assessment = assess(&home(vec![product]), &[], &slc);
    expect("0.2.0 and 0.3.1 for 0.3", find(&assessment.inputs[0].findings, "dataModel"), Met, &["0.3.1"], &[]);
}

#[test]
fn a_data_model_no_one_follows_cannot_be_met() {
    let traffic = own(json!({"id": "urn:ldt:traffic:counts", "conformsTo": [TRAFFIC], "attributes": ["intensity"]}));
    let other = agency(vec![foreign(json!({"id": "urn:ldt:traffic:speeds", "conformsTo": [TRAFFIC]}), |_| {})]);
    let slc = descriptor(json!({"attributes": ["NO2"]}), json!({}));
    let assessment = assess(&home(vec![traffic]), &[other], &slc);
    let input = &assessment.inputs[0];
    assert_eq!(input.input, "no2");
    assert_eq!(input.source, None);
    assert_eq!(input.findings.len(), 1, "{:#?}", input.findings);
    expect("no product", find(&input.findings, "dataModel"), Unmet, &[AIR_QUALITY], &[]);
    assert!(assessment.proposals.is_empty());
    assert_eq!(assessment.verdict, Verdict::DoesNotWork);
}

#[test]
fn ldt_kinds() {
    let kind = |kind: &str| json!({"ldtKind": kind});
    let needing = |kind: &str| json!({"ldtKind": kind});
    let unstated = foreign(json!({"ldtKind": "transformed"}), |dataset| {
        dataset.as_object_mut().unwrap().remove("dct:type");
    });
    run(
        "ldtKind",
        vec![
            case("the same kind", own(kind("raw")), needing("raw"), Met).naming(&["raw data"]),
            case(
                "the same kind from another LDT's catalogue",
                foreign(kind("modelOutput"), |_| {}),
                needing("modelOutput"),
                Met,
            )
            .naming(&["model output"])
            .remote(),
            case(
                "raw data to be transformed",
                own(kind("raw")),
                needing("transformed"),
                Adapt(AdaptationKind::KindTransformation, Effort::Medium),
            )
            .naming(&["raw data", "transformed data"]),
            case(
                "raw data to be prepared as model input",
                own(kind("raw")),
                needing("modelInput"),
                Adapt(AdaptationKind::KindTransformation, Effort::Medium),
            )
            .naming(&["raw data", "model input"]),
            case(
                "transformed data to be prepared as model input",
                own(kind("transformed")),
                needing("modelInput"),
                Adapt(AdaptationKind::KindTransformation, Effort::Low),
            )
            .naming(&["transformed data", "model input"]),
            case("raw data cannot be made from transformed data", own(kind("transformed")), needing("raw"), Unmet)
                .naming(&["transformed data", "raw data"]),
            case(
                "a model's output is not a simulation result",
                own(kind("modelOutput")),
                needing("simulationResult"),
                Unmet,
            )
            .naming(&["model output", "simulation result"]),
            case("measurements cannot be made from a prediction", own(kind("modelOutput")), needing("raw"), Unmet),
            case(
                "a catalogue that does not say the kind",
                unstated,
                needing("transformed"),
                Adapt(AdaptationKind::Confirmation, Effort::Low),
            )
            .naming(&["transformed data"])
            .remote(),
            case("no kind needed", own(kind("modelOutput")), json!({}), Absent),
        ],
    );
}

#[test]
fn attributes() {
    let reading = |names: &[&str]| json!({"attributes": names});
    run(
        "attributes",
        vec![
            case("all present", own(json!({})), reading(&["NO2", "PM10", "dateObserved"]), Met).naming(&[
                "NO2",
                "PM10",
                "dateObserved",
            ]),
            case(
                "one missing",
                own(json!({})),
                reading(&["NO2", "O3"]),
                Adapt(AdaptationKind::MissingAttribute, Effort::Medium),
            )
            .naming(&["O3"])
            .omitting(&["NO2"]),
            case(
                "two missing",
                own(json!({})),
                reading(&["NO2", "O3", "SO2"]),
                Adapt(AdaptationKind::MissingAttribute, Effort::Medium),
            )
            .naming(&["O3", "SO2"])
            .omitting(&["NO2"]),
            case(
                "three missing",
                own(json!({})),
                reading(&["NO2", "O3", "SO2", "CO"]),
                Adapt(AdaptationKind::MissingAttribute, Effort::High),
            )
            .naming(&["O3", "SO2", "CO"])
            .omitting(&["NO2"]),
            case(
                "all missing from another LDT's catalogue",
                foreign(json!({"attributes": ["NO2"]}), |_| {}),
                reading(&["O3", "SO2", "CO", "NO"]),
                Adapt(AdaptationKind::MissingAttribute, Effort::High),
            )
            .naming(&["O3", "SO2", "CO", "NO"])
            .remote(),
            case(
                "the product does not list its attributes",
                own(json!({"attributes": null})),
                reading(&["NO2", "PM10"]),
                Adapt(AdaptationKind::Confirmation, Effort::Low),
            )
            .naming(&["NO2", "PM10"]),
            case("no attributes needed", own(json!({"attributes": null})), json!({}), Absent),
        ],
    );
}

#[test]
fn exchange() {
    let distributed = |formats: &[&str]| {
        let distributions: Vec<Value> = formats
            .iter()
            .enumerate()
            .map(|(index, format)| distribution(&format!("d{index}"), format, Some("application/json")))
            .collect();
        json!({"distributions": distributions})
    };
    let taking = |ways: &[&str]| json!({"exchange": ways});
    let unknown_format = foreign(json!({}), |dataset| dataset["distribution"][0]["format"] = json!("AmazonS3-PUSH"));
    run(
        "exchange",
        vec![
            case("the way it takes", own(distributed(&["HttpData-PULL"])), taking(&["httpPull"]), Met)
                .naming(&["HTTP pull"]),
            case("any way when none is stated", own(distributed(&["NATS-PUSH"])), json!({}), Met)
                .naming(&["NATS stream"]),
            case(
                "the second distribution's way",
                own(distributed(&["MQTT-PUSH", "HttpData-PULL"])),
                taking(&["httpPull"]),
                Met,
            )
            .naming(&["HTTP pull"]),
            case("an MQTT pull is a stream too", own(distributed(&["MQTT-PULL"])), taking(&["mqttStream"]), Met),
            case(
                "a stream to be batched",
                own(distributed(&["MQTT-PUSH"])),
                taking(&["httpPull"]),
                Adapt(AdaptationKind::StreamBatching, Effort::Medium),
            )
            .naming(&["MQTT stream", "HTTP pull"]),
            case(
                "polling to a stream",
                own(distributed(&["HttpData-PULL"])),
                taking(&["mqttStream"]),
                Adapt(AdaptationKind::StreamFromPolling, Effort::Medium),
            )
            .naming(&["HTTP pull", "MQTT stream"]),
            case(
                "pull bridged to push",
                own(distributed(&["HttpData-PULL"])),
                taking(&["httpPush"]),
                Adapt(AdaptationKind::ExchangeBridge, Effort::Low),
            )
            .naming(&["HTTP pull", "HTTP push"]),
            case(
                "push bridged to pull",
                own(distributed(&["HttpData-PUSH"])),
                taking(&["httpPull"]),
                Adapt(AdaptationKind::ExchangeBridge, Effort::Low),
            )
            .naming(&["HTTP push", "HTTP pull"]),
            case(
                "NATS bridged to MQTT",
                own(distributed(&["NATS-PUSH"])),
                taking(&["mqttStream"]),
                Adapt(AdaptationKind::ExchangeBridge, Effort::Low),
            )
            .naming(&["NATS stream", "MQTT stream"]),
            case(
                "the cheapest bridge wins",
                own(distributed(&["HttpData-PULL"])),
                taking(&["mqttStream", "httpPush"]),
                Adapt(AdaptationKind::ExchangeBridge, Effort::Low),
            )
            .naming(&["HTTP push"]),
            case("no transfer format this connector knows", unknown_format, json!({}), Unmet).remote(),
        ],
    );
}

#[test]
fn media_types() {
    let as_media =
        |media_type: Option<&str>| json!({"distributions": [distribution("d", "HttpData-PULL", media_type)]});
    let reading = |media_types: &[&str]| json!({"mediaTypes": media_types});
    run(
        "mediaType",
        vec![
            case("one it reads", own(as_media(Some("text/csv"))), reading(&["application/json", "text/csv"]), Met)
                .naming(&["text/csv"]),
            case(
                "one it reads, from another LDT's catalogue",
                foreign(as_media(Some("application/geo+json")), |_| {}),
                reading(&["application/geo+json"]),
                Met,
            )
            .naming(&["application/geo+json"])
            .remote(),
            case(
                "a standard conversion",
                own(as_media(Some("text/csv"))),
                reading(&["application/vnd.apache.parquet"]),
                Adapt(AdaptationKind::FormatConversion, Effort::Low),
            )
            .naming(&["text/csv", "application/vnd.apache.parquet"]),
            case(
                "NGSI-LD to GeoJSON",
                own(as_media(Some("application/ld+json"))),
                reading(&["application/geo+json"]),
                Adapt(AdaptationKind::FormatConversion, Effort::Low),
            )
            .naming(&["application/ld+json", "application/geo+json"]),
            case(
                "from a format without a standard conversion",
                own(as_media(Some("application/x-netcdf"))),
                reading(&["text/csv"]),
                Adapt(AdaptationKind::FormatConversion, Effort::Medium),
            )
            .naming(&["application/x-netcdf", "text/csv"]),
            case(
                "to a format without a standard conversion",
                own(as_media(Some("text/csv"))),
                reading(&["application/x-netcdf"]),
                Adapt(AdaptationKind::FormatConversion, Effort::Medium),
            )
            .naming(&["text/csv", "application/x-netcdf"]),
            case(
                "the product does not say its media type",
                own(as_media(None)),
                reading(&["text/csv"]),
                Adapt(AdaptationKind::Confirmation, Effort::Low),
            )
            .naming(&["text/csv"]),
            case("any media type", own(as_media(None)), json!({}), Absent),
        ],
    );
}

#[test]
fn a_standard_conversion_to_any_media_type_read_is_low_effort() {
    let product = own(json!({"distributions": [distribution("d", "HttpData-PULL", Some("application/json"))]}));
    let slc = descriptor(json!({"mediaTypes": ["application/x-netcdf", "text/csv"]}), json!({}));
    let assessment = assess(&home(vec![product]), &[], &slc);
    expect(
        "JSON for a reader of netCDF or CSV",
        find(&assessment.inputs[0].findings, "mediaType"),
        Adapt(AdaptationKind::FormatConversion, Effort::Low),
        &["application/json", "text/csv"],
        &[],
    );
}

#[test]
fn the_exchange_and_media_type_must_meet_in_one_distribution() {
    let product = own(json!({"distributions": [
        distribution("csv", "HttpData-PULL", Some("text/csv")),
        distribution("live", "MQTT-PUSH", Some("application/json"))
    ]}));
    let slc = descriptor(json!({"exchange": ["httpPull"], "mediaTypes": ["application/json"]}), json!({}));
    let assessment = assess(&home(vec![product]), &[], &slc);
    assert_eq!(
        assessment.verdict,
        Verdict::WorksWithAdaptations,
        "no distribution delivers JSON by HTTP pull: {:#?}",
        assessment.inputs[0].findings
    );
    // The CSV distribution is the better of the two: HTTP pull as asked, and CSV converts to JSON by a standard
    // conversion (Low), where the MQTT one would need batching (Medium).
    let findings = &assessment.inputs[0].findings;
    expect("exchange", find(findings, "exchange"), Met, &["HTTP pull"], &["MQTT"]);
    expect(
        "media type",
        find(findings, "mediaType"),
        Adapt(AdaptationKind::FormatConversion, Effort::Low),
        &["text/csv", "application/json"],
        &[],
    );
    let adapted: Vec<String> = findings
        .iter()
        .chain(&assessment.deployment)
        .filter(|f| f.status != Status::Satisfied)
        .map(requirement)
        .collect();
    assert_eq!(adapted, ["mediaType"], "only the media type adapts: {findings:#?}");
}

#[test]
fn spatial_coverage() {
    let covering = |geometry: Value| json!({"spatial": {"geometry": geometry}});
    let at_place = |place: &str| json!({"spatial": {"place": place}});
    run(
        "spatial",
        vec![
            case("the area inside the product's", own(json!({})), covering(centre()), Met),
            case("the very same area", own(json!({})), covering(municipality()), Met),
            case(
                "a point inside",
                own(json!({})),
                covering(json!({"type": "Point", "coordinates": [5.47, 51.44]})),
                Met,
            ),
            case("the area inside, from another LDT's catalogue", foreign(json!({}), |_| {}), covering(centre()), Met)
                .remote(),
            case(
                "only partly covered",
                own(json!({})),
                covering(with_veldhoven()),
                Adapt(AdaptationKind::Coverage, Effort::High),
            )
            .naming(&["part"]),
            case("elsewhere", own(json!({})), covering(amsterdam()), Unmet).naming(&["outside"]),
            case(
                "a product that does not say its area",
                own(json!({"spatial": null})),
                covering(centre()),
                Adapt(AdaptationKind::Confirmation, Effort::Low),
            ),
            case("the same place", own(at_place(EINDHOVEN)), at_place(EINDHOVEN), Met).naming(&[EINDHOVEN]),
            case(
                "the same place, from another LDT's catalogue",
                foreign(at_place(EINDHOVEN), |_| {}),
                at_place(EINDHOVEN),
                Met,
            )
            .remote(),
            case(
                "another place",
                own(at_place(NETHERLANDS)),
                at_place(EINDHOVEN),
                Adapt(AdaptationKind::Confirmation, Effort::Low),
            )
            .naming(&[EINDHOVEN]),
            case(
                "a place for an area",
                own(at_place(EINDHOVEN)),
                covering(centre()),
                Adapt(AdaptationKind::Confirmation, Effort::Low),
            ),
            case(
                "an area for a place",
                own(json!({})),
                at_place(EINDHOVEN),
                Adapt(AdaptationKind::Confirmation, Effort::Low),
            )
            .naming(&[EINDHOVEN]),
            case("no area needed", own(json!({"spatial": null})), json!({}), Absent),
        ],
    );
}

#[test]
fn history() {
    let since = |start: &str| json!({"temporal": {"start": start}});
    let needing = |duration: &str| json!({"minHistory": duration});
    run(
        "history",
        vec![
            case("more than enough", own(since("2023-01-01T00:00:00Z")), needing("P1Y"), Met)
                .naming(&["2023-01-01", "P1Y"]),
            case("exactly enough", own(since("2024-06-15T12:00:00Z")), needing("P1Y"), Met),
            case(
                "enough, from another LDT's catalogue",
                foreign(since("2020-03-01T00:00:00Z"), |_| {}),
                needing("P5Y"),
                Met,
            )
            .naming(&["2020-03-01", "P5Y"])
            .remote(),
            case("too short", own(since("2025-01-01T00:00:00Z")), needing("P1Y"), Unmet).naming(&["2025-01-01", "P1Y"]),
            case("one second short", own(since("2024-06-15T12:00:01Z")), needing("P1Y"), Unmet),
            case("too short in days", own(since("2025-06-01T00:00:00Z")), needing("P30D"), Unmet).naming(&["P30D"]),
            case(
                "a product that does not say since when",
                own(json!({"temporal": null})),
                needing("P1Y"),
                Adapt(AdaptationKind::Confirmation, Effort::Low),
            )
            .naming(&["P1Y"]),
            case(
                "a period with only its end",
                own(json!({"temporal": {"end": "2025-01-01T00:00:00Z"}})),
                needing("P1Y"),
                Adapt(AdaptationKind::Confirmation, Effort::Low),
            ),
            case("no history needed", own(json!({"temporal": null})), json!({}), Absent),
        ],
    );
}

#[test]
fn freshness() {
    let updated = |name: &str| json!({"accrualPeriodicity": frequency(name)});
    let streamed = json!({"accrualPeriodicity": null,
                          "distributions": [distribution("live", "MQTT-PUSH", Some("application/json"))]});
    let needing = |duration: &str| json!({"maxStaleness": duration});
    run(
        "freshness",
        vec![
            case("hourly for an hour", own(updated("HOURLY")), needing("PT1H"), Met).naming(&["hourly", "PT1H"]),
            case("hourly for a day", own(updated("HOURLY")), needing("P1D"), Met),
            case(
                "every 15 minutes, from another LDT's catalogue",
                foreign(updated("15MIN"), |_| {}),
                needing("PT15M"),
                Met,
            )
            .naming(&["PT15M"])
            .remote(),
            case("a stream for a minute", own(streamed.clone()), needing("PT1M"), Met).naming(&["stream", "PT1M"]),
            case(
                "a stream next to a daily file",
                own(with(
                    updated("DAILY"),
                    json!({"distributions": [
                 distribution("csv", "HttpData-PULL", Some("text/csv")),
                 distribution("live", "NATS-PUSH", Some("application/json"))]}),
                )),
                needing("PT5M"),
                Met,
            )
            .naming(&["stream"]),
            case("hourly for 15 minutes", own(updated("HOURLY")), needing("PT15M"), Unmet).naming(&["hourly", "PT15M"]),
            case("daily for an hour", own(updated("DAILY")), needing("PT1H"), Unmet).naming(&["daily", "PT1H"]),
            case(
                "a product that does not say how often",
                own(json!({"accrualPeriodicity": null})),
                needing("PT1H"),
                Adapt(AdaptationKind::Confirmation, Effort::Low),
            )
            .naming(&["PT1H"]),
            case(
                "an irregular product",
                own(updated("IRREG")),
                needing("PT1H"),
                Adapt(AdaptationKind::Confirmation, Effort::Low),
            )
            .naming(&["PT1H"]),
            case("no freshness needed", own(updated("ANNUAL")), json!({}), Absent),
        ],
    );
}

#[test]
fn a_product_that_ended_is_not_fresh() {
    let ended = own(json!({"temporal": {"start": "2020-01-01T00:00:00Z", "end": "2024-01-01T00:00:00Z"}}));
    let slc = descriptor(json!({"maxStaleness": "PT1H"}), json!({}));
    let assessment = assess(&home(vec![ended]), &[], &slc);
    expect("hourly until 2024", find(&assessment.inputs[0].findings, "freshness"), Unmet, &["2024-01-01"], &[]);
}

#[test]
fn lineage() {
    let needing = json!({"observability": {"lineage": true}});
    run(
        "lineage",
        vec![
            case("published", own(json!({})), json!({}), Met).slc(needing.clone()),
            case("published, from another LDT's catalogue", foreign(json!({}), |_| {}), json!({}), Met)
                .slc(needing.clone())
                .remote(),
            case(
                "not published",
                own(json!({"wasGeneratedBy": null})),
                json!({}),
                Adapt(AdaptationKind::Lineage, Effort::Medium),
            )
            .naming(&["lineage"])
            .slc(needing.clone()),
            case("not needed", own(json!({"wasGeneratedBy": null})), json!({}), Absent),
        ],
    );
}

#[test]
fn usage() {
    let modelling = || offer("aq-modelling", modelling_policy());
    let for_purpose = |name: &str| json!({"usage": {"purpose": purpose(name)}});
    run(
        "usage",
        vec![
            case("own data offered to no one", own(json!({})), json!({}), Met).naming(&["offered to no one"]),
            case(
                "own data under an offer for a broader purpose",
                offered(json!({}), vec![modelling()]),
                json!({}),
                Met,
            )
            .naming(&["aq-modelling", "no2-exposure-study", "use", "derive"]),
            case("the offer's purpose itself", offered(json!({}), vec![modelling()]), json!({}), Met)
                .naming(&["air-quality-modelling"])
                .slc(for_purpose("air-quality-modelling")),
            case("another LDT's offer read from its catalogue", foreign(json!({}), |_| {}), json!({}), Met)
                .naming(&["aq-modelling"])
                .remote(),
            case(
                "the second offer allows it",
                offered(json!({}), vec![offer("traffic-only", traffic_research_policy()), modelling()]),
                json!({}),
                Met,
            )
            .naming(&["aq-modelling"])
            .omitting(&["traffic-only"]),
            case("a purpose outside the offer's", offered(json!({}), vec![modelling()]), json!({}), Unmet)
                .naming(&["targeted-advertising", "is not a kind of", "air-quality-modelling"])
                .slc(for_purpose("targeted-advertising")),
            case("a broader purpose than the offer's", offered(json!({}), vec![modelling()]), json!({}), Unmet)
                .naming(&["environmental-research", "is not a kind of"])
                .slc(for_purpose("environmental-research")),
            case("redistribution the offer prohibits", offered(json!({}), vec![modelling()]), json!({}), Unmet)
                .naming(&["distribute", "DENY"])
                .slc(json!({"usage": {"purpose": purpose("no2-exposure-study"), "redistribution": true}})),
        ],
    );
}

/// The home LDT's claims are what an offer's membership constraint reads.
#[test]
fn usage_reads_the_home_claims() {
    let product = offered(json!({}), vec![offer("aq-modelling", modelling_policy())]);
    let home = home(vec![product]);
    let slc = descriptor(json!({}), json!({}));
    let member = assess_with(&home, &[], &active(), &slc);
    expect("an active member", find(&member.inputs[0].findings, "usage"), Met, &["aq-modelling"], &[]);
    let suspended = assess_with(&home, &[], &suspended(), &slc);
    expect("a suspended member", find(&suspended.inputs[0].findings, "usage"), Unmet, &[MEMBERSHIP, "suspended"], &[]);
    let anonymous = assess_with(&home, &[], &json!({}), &slc);
    expect("no claims", find(&anonymous.inputs[0].findings, "usage"), Unmet, &[MEMBERSHIP], &[]);
}

// ---------------------------------------------------------------------------------------------------------------
// Deployment
// ---------------------------------------------------------------------------------------------------------------

struct Deploy {
    name: &'static str,
    /// The descriptor's `deployment`, and `observability` if set.
    slc: Value,
    host: DeploymentCapabilities,
    credentials: Credentials,
    /// The requirements expected, each with its outcome and the values its reason names.
    expected: Vec<Judged>,
}

/// A deployment requirement expected: its name, outcome and the values its reason names.
type Judged = (&'static str, Outcome, &'static [&'static str]);

fn judged(name: &'static str, outcome: Outcome, mentions: &'static [&'static str]) -> Judged {
    (name, outcome, mentions)
}

fn ldt_run(runtime: &str, resources: Value) -> Value {
    json!({"deployment": {"operatedBy": "ldt", "runtime": runtime,
                          "image": "ghcr.io/cleanair/no2-dashboard:1.2.0", "resources": resources}})
}

#[test]
fn deployment() {
    let small = json!({"cpu": 2, "memoryMib": 4096});
    let nothing = DeploymentCapabilities::default();
    let kubernetes = DeploymentCapabilities { oci: false, kubernetes: true, ..oci_host() };
    let needs = |credentials: &[&str], roles: &[&str]| json!({"deployment": {"operatedBy": "provider", "credentials": credentials, "roles": roles}});
    let cases = vec![
        Deploy {
            name: "run by its provider",
            slc: json!({}),
            host: nothing.clone(),
            credentials: Credentials::default(),
            expected: vec![
                judged("operation", Met, &[PROVIDER]),
                judged("runtime", Absent, &[]),
                judged("resources", Absent, &[]),
                judged("metrics", Absent, &[]),
            ],
        },
        Deploy {
            name: "an OCI image on an OCI host",
            slc: ldt_run("oci", small.clone()),
            host: oci_host(),
            credentials: member(),
            expected: vec![
                judged("operation", Absent, &[]),
                judged("runtime", Met, &["OCI"]),
                judged("resources", Met, &["2 CPU", "4096 MiB", "4 CPU", "8192 MiB"]),
            ],
        },
        Deploy {
            name: "an OCI image on Kubernetes",
            slc: ldt_run("oci", small.clone()),
            host: kubernetes.clone(),
            credentials: member(),
            expected: vec![judged("runtime", Met, &["OCI"]), judged("resources", Met, &[])],
        },
        Deploy {
            name: "Kubernetes on Kubernetes",
            slc: ldt_run("kubernetes", small.clone()),
            host: kubernetes.clone(),
            credentials: member(),
            expected: vec![judged("runtime", Met, &["Kubernetes"])],
        },
        Deploy {
            name: "Kubernetes wanted, only OCI",
            slc: ldt_run("kubernetes", small.clone()),
            host: oci_host(),
            credentials: member(),
            expected: vec![judged("runtime", Adapt(AdaptationKind::Runtime, Effort::High), &["Kubernetes", "OCI"])],
        },
        Deploy {
            name: "no container runtime",
            slc: ldt_run("oci", small.clone()),
            host: DeploymentCapabilities { oci: false, ..oci_host() },
            credentials: member(),
            expected: vec![judged("runtime", Unmet, &["OCI", "no containers"]), judged("resources", Met, &[])],
        },
        Deploy {
            name: "Kubernetes wanted, nothing to run it",
            slc: ldt_run("kubernetes", small.clone()),
            host: nothing.clone(),
            credentials: member(),
            expected: vec![judged("runtime", Unmet, &["Kubernetes"]), judged("resources", Unmet, &[])],
        },
        Deploy {
            name: "too few CPUs",
            slc: ldt_run("oci", json!({"cpu": 8, "memoryMib": 4096})),
            host: oci_host(),
            credentials: member(),
            expected: vec![judged("runtime", Met, &[]), judged("resources", Unmet, &["8 CPU", "4 CPU"])],
        },
        Deploy {
            name: "too little memory",
            slc: ldt_run("oci", json!({"cpu": 1.5, "memoryMib": 16384})),
            host: oci_host(),
            credentials: member(),
            expected: vec![judged("resources", Unmet, &["1.5 CPU", "16384 MiB", "8192 MiB"])],
        },
        Deploy {
            name: "a GPU wanted, none given",
            slc: ldt_run("oci", json!({"cpu": 2, "memoryMib": 4096, "gpu": 1})),
            host: oci_host(),
            credentials: member(),
            expected: vec![judged("resources", Unmet, &["1 GPU", "0 GPU"])],
        },
        Deploy {
            name: "a GPU wanted and given",
            slc: ldt_run("oci", json!({"cpu": 2, "memoryMib": 4096, "gpu": 1})),
            host: DeploymentCapabilities { gpu: 2, ..oci_host() },
            credentials: member(),
            expected: vec![judged("resources", Met, &["1 GPU", "2 GPU"])],
        },
        Deploy {
            name: "a credential held",
            slc: needs(&["MembershipCredential"], &[]),
            host: nothing.clone(),
            credentials: member(),
            expected: vec![judged("credential", Met, &["MembershipCredential"]), judged("role", Absent, &[])],
        },
        Deploy {
            name: "a credential missing",
            slc: needs(&["DataProcessorCredential"], &[]),
            host: nothing.clone(),
            credentials: member(),
            expected: vec![judged(
                "credential",
                Adapt(AdaptationKind::Credential, Effort::Low),
                &["DataProcessorCredential"],
            )],
        },
        Deploy {
            name: "a role held",
            slc: needs(&[], &["dataConsumer"]),
            host: nothing.clone(),
            credentials: member(),
            expected: vec![judged("role", Met, &["dataConsumer"]), judged("credential", Absent, &[])],
        },
        Deploy {
            name: "a role missing",
            slc: needs(&[], &["dataProcessor"]),
            host: nothing.clone(),
            credentials: member(),
            expected: vec![judged("role", Adapt(AdaptationKind::Credential, Effort::Low), &["dataProcessor"])],
        },
        Deploy {
            name: "metrics scraped",
            slc: with(ldt_run("oci", small.clone()), json!({"observability": {"metrics": true}})),
            host: oci_host(),
            credentials: member(),
            expected: vec![judged("metrics", Met, &["metrics"])],
        },
        Deploy {
            name: "metrics not scraped yet",
            slc: with(ldt_run("oci", small.clone()), json!({"observability": {"metrics": true}})),
            host: DeploymentCapabilities { metrics: false, ..oci_host() },
            credentials: member(),
            expected: vec![judged("metrics", Adapt(AdaptationKind::Metrics, Effort::Medium), &["Prometheus"])],
        },
        Deploy {
            name: "no metrics wanted",
            slc: ldt_run("oci", small.clone()),
            host: DeploymentCapabilities { metrics: false, ..oci_host() },
            credentials: member(),
            expected: vec![judged("metrics", Absent, &[])],
        },
    ];
    for case in cases {
        let home = home_with(vec![own(json!({}))], case.host, case.credentials);
        let slc = descriptor(json!({}), case.slc);
        let assessment = assess(&home, &[], &slc);
        for (name, outcome, mentions) in case.expected {
            let context = format!("{name}: {}", case.name);
            expect(&context, find(&assessment.deployment, name), outcome, mentions, &[]);
        }
    }
}

/// Each credential and role is judged on its own.
#[test]
fn every_credential_and_role_is_a_finding() {
    let home = home_with(vec![own(json!({}))], DeploymentCapabilities::default(), member());
    let slc = descriptor(
        json!({}),
        json!({"deployment": {"operatedBy": "provider",
                              "credentials": ["MembershipCredential", "DataProcessorCredential"],
                              "roles": ["dataConsumer", "dataProcessor"]}}),
    );
    let assessment = assess(&home, &[], &slc);
    let judged: Vec<(String, Status)> =
        assessment.deployment.iter().map(|finding| (requirement(finding), finding.status)).collect();
    assert_eq!(
        judged,
        [
            ("operation".to_owned(), Status::Satisfied),
            ("credential".to_owned(), Status::Satisfied),
            ("credential".to_owned(), Status::Adaptable),
            ("role".to_owned(), Status::Satisfied),
            ("role".to_owned(), Status::Adaptable),
        ]
    );
    assert!(assessment.deployment[2].reason.contains("DataProcessorCredential"));
    assert!(assessment.deployment[4].reason.contains("dataProcessor"));
    assert_eq!(assessment.verdict, Verdict::WorksWithAdaptations);
}

// ---------------------------------------------------------------------------------------------------------------
// Verdicts, scores, ranking
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn verdicts_and_scores() {
    let home = home(vec![own(json!({}))]);
    // Findings of the one input: dataModel, exchange, usage; and operation: four in all.
    let as_is = assess(&home, &[], &descriptor(json!({}), json!({})));
    assert_eq!(as_is.verdict, Verdict::WorksAsIs);
    assert_eq!(as_is.score, 100);
    assert_eq!(as_is.slc, SLC);
    assert_eq!(as_is.title, "NO2 exposure dashboard");
    assert_eq!(as_is.provider, PROVIDER);
    assert_eq!(as_is.version, "1.2.0");
    assert!(as_is.proposals.is_empty());
    let judged: Vec<String> = as_is.inputs[0].findings.iter().map(requirement).collect();
    assert_eq!(judged, ["dataModel", "exchange", "usage"]);

    // One Low adaptation of four: 100 × (1 − 0.25 / 4) = 93.75.
    let low =
        assess(&home, &[], &descriptor(json!({"dataModel": {"id": AIR_QUALITY, "versions": ["0.2"]}}), json!({})));
    assert_eq!(low.verdict, Verdict::WorksWithAdaptations);
    assert_eq!(low.score, 94);

    // One Medium (a missing attribute) and one High (Kubernetes on OCI) of six: 100 × (1 − 1.25 / 6) = 79.2.
    let medium = assess(
        &home,
        &[],
        &descriptor(json!({"attributes": ["NO2", "O3"]}), ldt_run("kubernetes", json!({"cpu": 1, "memoryMib": 512}))),
    );
    assert_eq!(medium.verdict, Verdict::WorksWithAdaptations);
    assert_eq!(medium.score, 79);

    // One unsatisfied of five (dataModel, exchange, spatial, usage, operation): 100 × (1 − 1 / 5) = 80.
    let broken = assess(&home, &[], &descriptor(json!({"spatial": {"geometry": amsterdam()}}), json!({})));
    assert_eq!(broken.verdict, Verdict::DoesNotWork);
    assert_eq!(broken.score, 80);
}

#[test]
fn ranking_puts_the_verdict_before_the_score() {
    let home = home(vec![own(json!({}))]);
    let named = |id: &str, input: Value, changes: Value| {
        let mut slc = descriptor(input, changes);
        slc.id = id.to_owned();
        assess(&home, &[], &slc)
    };
    // Many satisfied requirements and one unmet: a high score that does not work.
    let nearly = named(
        "urn:slc:nearly",
        json!({"attributes": ["NO2"], "ldtKind": "raw", "minHistory": "P1Y", "maxStaleness": "PT1H",
               "mediaTypes": ["text/csv"], "exchange": ["httpPull"], "spatial": {"geometry": amsterdam()}}),
        json!({"observability": {"lineage": true}}),
    );
    // Three Medium adaptations and nothing else: a low score that works.
    let laborious = named(
        "urn:slc:laborious",
        json!({"attributes": ["NO2", "O3"], "ldtKind": "transformed", "exchange": ["mqttStream"]}),
        json!({}),
    );
    let perfect_b = named("urn:slc:b-perfect", json!({}), json!({}));
    let perfect_a = named("urn:slc:a-perfect", json!({"attributes": ["NO2"]}), json!({}));
    let slight = named("urn:slc:slight", json!({"dataModel": {"id": AIR_QUALITY, "versions": ["0.2"]}}), json!({}));
    let hopeless = named("urn:slc:hopeless", json!({"ldtKind": "simulationResult", "minHistory": "P10Y"}), json!({}));

    assert_eq!(nearly.verdict, Verdict::DoesNotWork);
    assert_eq!(laborious.verdict, Verdict::WorksWithAdaptations);
    assert!(nearly.score > laborious.score, "{} > {}", nearly.score, laborious.score);
    assert!(nearly.score > hopeless.score, "{} > {}", nearly.score, hopeless.score);
    assert!(slight.score > laborious.score);
    assert_eq!((perfect_a.score, perfect_b.score), (100, 100));

    let mut all = vec![hopeless, laborious, perfect_b, nearly, slight, perfect_a];
    rank(&mut all);
    let order: Vec<&str> = all.iter().map(|assessment| assessment.slc.as_str()).collect();
    assert_eq!(
        order,
        [
            "urn:slc:a-perfect",
            "urn:slc:b-perfect",
            "urn:slc:slight",
            "urn:slc:laborious",
            "urn:slc:nearly",
            "urn:slc:hopeless",
        ]
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Composition with other LDTs
// ---------------------------------------------------------------------------------------------------------------

/// The home LDT has traffic counts but no air quality.
fn traffic_home() -> LdtProfile {
    home(vec![own(json!({"id": "urn:ldt:traffic:counts-hourly", "conformsTo": [TRAFFIC],
                         "attributes": ["intensity", "averageVehicleSpeed"]}))])
}

/// The environment agency publishes the NO₂ product under the usual modelling offer.
fn agency_with_no2() -> Arc<LdtProfile> {
    let dataset = dataset_json(&product(json!({})), &[("aq-modelling", modelling_policy())]);
    agency(vec![ProductProfile::from_dataset(&dataset).expect("a dataset")])
}

#[test]
fn an_input_missing_at_home_is_proposed_from_another_ldt() {
    let slc =
        descriptor(json!({"attributes": ["NO2", "PM10"], "minHistory": "P1Y", "maxStaleness": "PT1H"}), json!({}));
    let assessment = assess(&traffic_home(), &[agency_with_no2()], &slc);

    let input = &assessment.inputs[0];
    let source = input.source.as_ref().expect("a source");
    assert_eq!(source.participant, agency_participant());
    assert_eq!(source.dataset, PRODUCT);
    assert_eq!(source.title, "Hourly NO2 concentrations");
    assert_eq!(requirement(&input.findings[0]), "source", "the source comes first");
    expect(
        "source",
        find(&input.findings, "source"),
        Adapt(AdaptationKind::NewContract, Effort::Low),
        &[PRODUCT, "Environment agency LDT"],
        &[],
    );
    for name in ["dataModel", "attributes", "exchange", "history", "freshness", "usage"] {
        expect(name, find(&input.findings, name), Met, &[], &[]);
    }

    let offer_id = offer_iri("aq-modelling", PRODUCT);
    assert_eq!(assessment.proposals.len(), 1);
    let proposal = &assessment.proposals[0];
    assert_eq!(proposal.input, "no2");
    assert_eq!(proposal.counter_party_address.as_deref(), Some("https://air.eindhoven.example/dsp"));
    assert_eq!(proposal.counter_party_id, "did:web:air.eindhoven.example");
    assert_eq!(proposal.dataset, PRODUCT);
    assert_eq!(proposal.offer_id, offer_id);
    assert_eq!(proposal.offer["@id"], json!(offer_id));
    assert_eq!(proposal.offer["@type"], "Offer");
    assert_eq!(proposal.offer["prohibition"], json!([{"action": "distribute"}]));
    assert!(proposal.permitted);
    let study = purpose("no2-exposure-study");
    for mention in [offer_id.as_str(), "use", "derive", study.as_str()] {
        assert!(proposal.explanation.contains(mention), "names `{mention}`: {}", proposal.explanation);
    }

    assert_eq!(assessment.verdict, Verdict::WorksWithAdaptations);
    assert!(assessment.score < 100 && assessment.score > 90, "{}", assessment.score);
    // Eight findings (source, dataModel, attributes, exchange, history, freshness, usage; operation), one Low
    // adaptation: 100 × (1 − 0.25 / 8) = 96.9.
    let judged = input.findings.len() + assessment.deployment.len();
    assert_eq!(judged, 8, "{:#?} {:#?}", input.findings, assessment.deployment);
    assert_eq!(assessment.score, 97);
}

#[test]
fn a_proposal_the_home_claims_do_not_meet_says_why() {
    let slc = descriptor(json!({}), json!({}));
    let assessment = assess_with(&traffic_home(), &[agency_with_no2()], &suspended(), &slc);
    let input = &assessment.inputs[0];
    assert_eq!(
        input.source.as_ref().map(|source| source.participant.id.as_str()),
        Some("did:web:air.eindhoven.example")
    );
    expect("source", find(&input.findings, "source"), Adapt(AdaptationKind::NewContract, Effort::Low), &[], &[]);
    expect("usage", find(&input.findings, "usage"), Unmet, &["suspended", "active"], &[]);
    assert_eq!(assessment.proposals.len(), 1);
    let proposal = &assessment.proposals[0];
    assert!(!proposal.permitted);
    assert_eq!(proposal.offer_id, offer_iri("aq-modelling", PRODUCT), "the first offer, when none permits");
    for mention in [MEMBERSHIP, "suspended", "active"] {
        assert!(proposal.explanation.contains(mention), "names `{mention}`: {}", proposal.explanation);
    }
    assert_eq!(assessment.verdict, Verdict::DoesNotWork);

    // The purpose alone can be refused too.
    let advertising = descriptor(json!({}), json!({"usage": {"purpose": purpose("targeted-advertising")}}));
    let refused = assess(&traffic_home(), &[agency_with_no2()], &advertising);
    assert!(!refused.proposals[0].permitted);
    assert!(refused.proposals[0].explanation.contains("targeted-advertising"), "{}", refused.proposals[0].explanation);
}

#[test]
fn the_proposal_is_the_offer_that_permits() {
    let dataset = dataset_json(
        &product(json!({})),
        &[("traffic-only", traffic_research_policy()), ("aq-modelling", modelling_policy())],
    );
    let other = agency(vec![ProductProfile::from_dataset(&dataset).expect("a dataset")]);
    let assessment = assess(&traffic_home(), &[other], &descriptor(json!({}), json!({})));
    let proposal = &assessment.proposals[0];
    assert!(proposal.permitted);
    assert_eq!(proposal.offer_id, offer_iri("aq-modelling", PRODUCT));
    expect("usage", find(&assessment.inputs[0].findings, "usage"), Met, &["aq-modelling"], &["traffic-only"]);
}

#[test]
fn another_ldt_fills_what_home_cannot() {
    // At home the NO₂ data covers only Amsterdam; the agency's covers Eindhoven.
    let home = home(vec![own(json!({"id": "urn:ldt:air:amsterdam", "spatial": {"geometry": amsterdam()}}))]);
    let slc = descriptor(json!({"spatial": {"geometry": centre()}}), json!({}));
    let assessment = assess(&home, &[agency_with_no2()], &slc);
    let input = &assessment.inputs[0];
    assert_eq!(input.source.as_ref().map(|source| source.dataset.as_str()), Some(PRODUCT));
    expect("spatial", find(&input.findings, "spatial"), Met, &[], &[]);
    expect("source", find(&input.findings, "source"), Adapt(AdaptationKind::NewContract, Effort::Low), &[], &[]);
    assert_eq!(assessment.proposals.len(), 1);
    assert_eq!(assessment.verdict, Verdict::WorksWithAdaptations);

    // Without the agency, the home product is judged, and fails.
    let alone = assess(&home, &[], &slc);
    assert_eq!(alone.inputs[0].source.as_ref().map(|source| source.dataset.as_str()), Some("urn:ldt:air:amsterdam"));
    expect("spatial alone", find(&alone.inputs[0].findings, "spatial"), Unmet, &["urn:ldt:air:amsterdam"], &[]);
    assert_eq!(alone.verdict, Verdict::DoesNotWork);
}

#[test]
fn home_data_that_only_needs_adaptations_is_kept() {
    // At home version 0.2.5 (a Low mapping); the agency has 0.3.1, but home data that works is not replaced.
    let home =
        home(vec![own(json!({"id": "urn:ldt:air:own", "conformsTo": [{"id": AIR_QUALITY, "version": "0.2.5"}]}))]);
    let assessment = assess(&home, &[agency_with_no2()], &descriptor(json!({}), json!({})));
    let input = &assessment.inputs[0];
    assert_eq!(
        input.source.as_ref().map(|source| source.participant.id.as_str()),
        Some("did:web:twin.eindhoven.example")
    );
    assert_eq!(input.source.as_ref().map(|source| source.dataset.as_str()), Some("urn:ldt:air:own"));
    assert_eq!(find(&input.findings, "source"), None);
    expect(
        "dataModel",
        find(&input.findings, "dataModel"),
        Adapt(AdaptationKind::DataModelMapping, Effort::Low),
        &[],
        &[],
    );
    assert!(assessment.proposals.is_empty());
}

#[test]
fn the_best_of_several_products_is_chosen() {
    let home = home(vec![
        own(json!({"id": "urn:ldt:air:legacy", "conformsTo": [{"id": AIR_QUALITY, "version": "1.0.0"}]})),
        own(json!({"id": "urn:ldt:air:daily", "accrualPeriodicity": frequency("DAILY")})),
        own(json!({"id": "urn:ldt:air:current"})),
    ]);
    let slc = descriptor(json!({"maxStaleness": "PT1H"}), json!({}));
    let assessment = assess(&home, &[], &slc);
    assert_eq!(assessment.inputs[0].source.as_ref().map(|source| source.dataset.as_str()), Some("urn:ldt:air:current"));
    assert_eq!(assessment.verdict, Verdict::WorksAsIs);

    // Among other LDTs too: the agency's stale product loses to the city's hourly one.
    let stale = foreign(json!({"id": "urn:ldt:air:stale", "accrualPeriodicity": frequency("WEEKLY")}), |_| {});
    let fresh = foreign(json!({}), |_| {});
    let city = Arc::new(LdtProfile::new(
        Participant { id: "did:web:city.example".into(), name: "City LDT".into(), address: None },
        vec![fresh],
        DeploymentCapabilities::default(),
        Credentials::default(),
    ));
    let assessment = assess(&traffic_home(), &[agency(vec![stale]), city], &slc);
    let source = assessment.inputs[0].source.as_ref().expect("a source");
    assert_eq!((source.participant.id.as_str(), source.dataset.as_str()), ("did:web:city.example", PRODUCT));
    assert_eq!(assessment.proposals[0].counter_party_id, "did:web:city.example");
    assert_eq!(assessment.proposals[0].counter_party_address, None);
}

#[test]
fn only_missing_inputs_are_proposed() {
    let traffic_input = json!({"name": "traffic", "dataModel": {"id": TRAFFIC}, "attributes": ["intensity"]});
    let no2_input =
        json!({"name": "no2", "dataModel": {"id": AIR_QUALITY, "versions": ["0.3"]}, "attributes": ["NO2"]});
    let slc = descriptor_of(vec![traffic_input, no2_input], json!({}));
    let assessment = assess(&traffic_home(), &[agency_with_no2()], &slc);
    let names: Vec<&str> = assessment.inputs.iter().map(|input| input.input.as_str()).collect();
    assert_eq!(names, ["traffic", "no2"]);
    let sources: Vec<&str> = assessment
        .inputs
        .iter()
        .map(|input| input.source.as_ref().expect("a source").participant.id.as_str())
        .collect();
    assert_eq!(sources, ["did:web:twin.eindhoven.example", "did:web:air.eindhoven.example"]);
    assert_eq!(assessment.proposals.len(), 1);
    assert_eq!(assessment.proposals[0].input, "no2");
}

/// A product reads from its DSP form as it is at home, and is judged the same there (but for the contract).
#[test]
fn a_catalogue_product_is_judged_as_the_same_product_at_home() {
    let product = product(json!({"conformsTo": [{"id": AIR_QUALITY, "version": "0.2.5"}],
                                 "distributions": [distribution("live", "MQTT-PUSH", Some("application/json")),
                                                   distribution("csv", "HttpData-PULL", Some("text/csv"))]}));
    let local = ProductProfile::of_product(&product, vec![offer("aq-modelling", modelling_policy())]);
    let remote =
        ProductProfile::from_dataset(&dataset_json(&product, &[("aq-modelling", modelling_policy())])).expect("read");
    assert_eq!(remote.id, local.id);
    assert_eq!(remote.title, local.title);
    assert_eq!(remote.models, local.models);
    assert_eq!(remote.attributes, local.attributes);
    assert_eq!(remote.kind, local.kind);
    assert_eq!(remote.start, local.start);
    assert_eq!(remote.periodicity, local.periodicity);
    assert_eq!(remote.lineage, local.lineage);
    assert_eq!(remote.channels, local.channels);
    assert_eq!(remote.offers.len(), 1);
    assert_eq!(remote.offers[0].id, offer_iri("aq-modelling", PRODUCT));

    let slc = descriptor(
        json!({"attributes": ["NO2", "O3"], "ldtKind": "transformed", "spatial": {"geometry": with_veldhoven()},
               "minHistory": "P1Y", "maxStaleness": "PT5M", "exchange": ["httpPush"],
               "mediaTypes": ["application/vnd.apache.parquet"]}),
        json!({"observability": {"lineage": true}}),
    );
    let at_home = assess(&home(vec![local]), &[], &slc);
    let elsewhere = assess(&home(Vec::new()), &[agency(vec![remote])], &slc);
    type Graded = (String, Status, Option<(AdaptationKind, Effort)>);
    let grades = |assessment: &Assessment| -> Vec<Graded> {
        assessment.inputs[0]
            .findings
            .iter()
            .filter(|finding| requirement(finding) != "source")
            .map(|finding| (requirement(finding), finding.status, finding.adaptation.map(|a| (a.kind, a.effort))))
            .collect()
    };
    assert_eq!(grades(&elsewhere), grades(&at_home));
    let names: Vec<String> = grades(&at_home).into_iter().map(|(name, _, _)| name).collect();
    assert_eq!(
        names,
        [
            "dataModel",
            "ldtKind",
            "attributes",
            "exchange",
            "mediaType",
            "history",
            "freshness",
            "lineage",
            "usage",
            "spatial"
        ]
    );
}

#[test]
fn another_ldts_whole_catalogue_is_read() {
    let no2 = product(json!({}));
    let traffic = product(json!({"id": "urn:ldt:traffic:speeds", "conformsTo": [TRAFFIC], "ldtKind": "transformed"}));
    let policy = ldt_policy::catalogue_offer_body(&modelling_policy());
    let offers = [("aq-modelling", &policy)];
    let entries =
        [DatasetEntry { product: &no2, offers: &offers }, DatasetEntry { product: &traffic, offers: &offers }];
    let info = agency_catalog();
    let catalog = serde_json::to_value(dsp::catalog(&info, &entries, &[])).expect("serialisable");
    let profile = LdtProfile::from_catalog(agency_participant(), &catalog);
    assert_eq!(profile.products.len(), 2);
    assert_eq!(profile.following(AIR_QUALITY).map(|product| product.id.as_str()).collect::<Vec<_>>(), [PRODUCT]);
    assert_eq!(
        profile.following(TRAFFIC).map(|product| product.id.as_str()).collect::<Vec<_>>(),
        ["urn:ldt:traffic:speeds"]
    );
    assert_eq!(profile.deployment, DeploymentCapabilities::default());
    assert_eq!(profile.credentials, Credentials::default());

    let assessment = assess(&traffic_home(), &[Arc::new(profile)], &descriptor(json!({}), json!({})));
    assert_eq!(assessment.proposals.len(), 1);
    assert!(assessment.proposals[0].permitted);
}

#[test]
fn a_product_never_updated_is_stale_and_an_irregular_one_needs_confirming() {
    let slc = descriptor(json!({"maxStaleness": "P1D"}), json!({}));
    for (frequency_name, status, words) in
        [("NEVER", Status::Unsatisfied, "never updated"), ("IRREG", Status::Adaptable, "irregularly")]
    {
        let product = own(json!({"accrualPeriodicity": frequency(frequency_name)}));
        let assessment = assess(&home(vec![product]), &[], &slc);
        let finding = find(&assessment.inputs[0].findings, "freshness").expect("a freshness finding");
        assert_eq!(finding.status, status, "{frequency_name}: {finding:?}");
        assert!(finding.reason.contains(words), "{frequency_name}: {}", finding.reason);
    }
}

#[test]
fn a_component_run_here_that_redistributes_needs_confirming() {
    let product = offered(json!({}), vec![offer("aq-modelling", modelling_policy())]);
    let run_here = json!({"deployment": {"operatedBy": "ldt", "runtime": "oci", "image": "r/c:1"},
        "usage": {"purpose": purpose("air-quality-modelling"), "redistribution": true}});
    let assessment = assess(&home(vec![product]), &[], &descriptor(json!({}), run_here));
    let usage = find(&assessment.inputs[0].findings, "usage").expect("a usage finding");
    assert_eq!(
        (usage.status, usage.adaptation.map(|a| a.kind)),
        (Status::Adaptable, Some(AdaptationKind::Confirmation))
    );
    assert!(usage.reason.contains("redistribute"), "{}", usage.reason);
}

#[test]
fn a_published_component_is_judged_on_its_own_offers_too() {
    let home = home(vec![own(json!({}))]);
    let slc = descriptor(json!({}), json!({}));
    let environment = environment();
    let others: Vec<Arc<LdtProfile>> = Vec::new();
    let assessor = Assessor { home: &home, others: &others, environment: &environment, claims: &active(), now: now() };
    let members_only = offer(
        "members",
        json!({"@type": "Offer", "permission": [{"action": "use", "constraint": [
        {"leftOperand": MEMBERSHIP, "operator": "eq", "rightOperand": "active"}]}]}),
    );
    let met = assessor.assess_offered(&slc, std::slice::from_ref(&members_only));
    let access = find(&met.deployment, "access").expect("an access finding");
    assert_eq!(access.status, Status::Satisfied, "{access:?}");
    let suspended = suspended();
    let refused = Assessor { claims: &suspended, ..assessor }.assess_offered(&slc, &[members_only]);
    let access = find(&refused.deployment, "access").expect("an access finding");
    assert_eq!(access.status, Status::Unsatisfied, "{access:?}");
    assert_eq!(refused.verdict, Verdict::DoesNotWork);
    assert!(find(&assessor.assess(&slc).deployment, "access").is_none(), "a bare descriptor has no offers to meet");
}

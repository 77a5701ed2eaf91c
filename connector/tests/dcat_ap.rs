//! The DSP catalogue as a consumer receives it, checked against both standards it claims: the DSP 2025-1 catalogue
//! JSON schema, and — read as RDF — the DCAT-AP 3.0.1 SHACL shapes (`../shared/dcat-ap-3.0.1`).
//!
//! A connector on SQLite is seeded with ten varied data products (every LDT kind, every optional DCAT-AP field with
//! and without values) under three offers; its catalogue is fetched over real HTTP with a DSP token, then
//!
//! 1. validated against `catalog/catalog-schema.json`, every `$ref` resolved from `assets/dsp-2025-1/` (offline);
//! 2. handed to `dcat_ap/validate.py` (rdflib + pyshacl, bundled DSP contexts, no network), which must find no
//!    violation of `shapes.ttl` + `range.ttl`; `shapes_recommended.ttl` results are printed as warnings only.
//!
//! Two things are added on purpose, both visible here: `dcat_ap/vocabularies.ttl` (the EU data-theme concepts with
//! their labels, the controlled vocabulary DCAT-AP expects a validator to be given), and [`DSP_CAUSED`], the two
//! results the DSP 2025-1 context makes impossible to avoid (`dct:format` of every distribution is not a
//! `dct:MediaTypeOrExtent`; `dcat:endpointURL` is a literal). Those are matched exactly, printed with their reason,
//! and must still occur; every other violation fails the test.
//!
//! Negative controls show both checks can fail: a dataset without a title and a publisher without a name must be
//! reported by SHACL, a dataset without distributions by the schema.
//!
//! Python is required: without `python3`, rdflib or pyshacl the test fails and says how to install them
//! (`python3 -m pip install -r connector/tests/dcat_ap/requirements.txt`). `LDT_TEST_PYTHON` names another
//! interpreter (e.g. a virtualenv's).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Db, test_config};
use ldt_catalog::DataProduct;
use ldt_catalog::offer::Offer;
use ldt_connector::app::{self, RunningConnector};
use ldt_connector::config::StaticToken;
use ldt_connector::store::policies::PolicyDocument;
use ldt_connector::store::slcs::SlcRegistration;
use serde_json::{Value, json};

/// The bearer token the test presents as a consumer.
const TOKEN: &str = "dcat-ap-test-token-0123456789";
const CONSUMER: &str = "did:web:consumer.example";

const EU_THEME: &str = "http://publications.europa.eu/resource/authority/data-theme/";
const EU_FREQUENCY: &str = "http://publications.europa.eu/resource/authority/frequency/";
const EU_LICENCE: &str = "http://publications.europa.eu/resource/authority/licence/";
const SDM: &str = "https://smartdatamodels.org/";

const INSTALL: &str = "python3 -m pip install -r connector/tests/dcat_ap/requirements.txt";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/dcat-ap-3.0.1` of the repository.
fn shapes_dir() -> PathBuf {
    manifest_dir().join("../../shared/dcat-ap-3.0.1")
}

fn dsp_assets() -> PathBuf {
    manifest_dir().join("../assets/dsp-2025-1")
}

fn theme(code: &str) -> String {
    format!("{EU_THEME}{code}")
}

fn frequency(code: &str) -> String {
    format!("{EU_FREQUENCY}{code}")
}

/// Ten products covering every LDT kind and every optional field, each with and without a value.
fn products() -> Vec<DataProduct> {
    let polygon = json!({"type": "Polygon", "coordinates": [[[5.40, 51.40], [5.52, 51.40], [5.52, 51.49], [5.40, 51.49], [5.40, 51.40]]]});
    let documents = vec![
        // Every field; a place IRI; keywords in two languages; two distributions of one format.
        json!({
            "id": "urn:ldt:eindhoven:traffic-counts-hourly",
            "title": {"en": "Hourly traffic counts per road segment", "nl": "Verkeerstellingen per uur per wegvak"},
            "description": {"en": "Vehicles per hour on each monitored road segment.", "nl": "Voertuigen per uur per wegvak."},
            "keywords": {"en": ["traffic", "vehicle counts"], "nl": ["verkeer", "verkeerstellingen"]},
            "themes": [theme("TRAN")],
            "publisher": {"id": "https://www.eindhoven.nl/", "name": "Gemeente Eindhoven"},
            "contactPoint": {"name": "Mobility data desk", "email": "mobility-data@eindhoven.example"},
            "license": format!("{EU_LICENCE}CC_BY_4_0"),
            "spatial": {"place": "https://sws.geonames.org/2756253/"},
            "temporal": {"start": "2023-01-01T00:00:00Z"},
            "accrualPeriodicity": frequency("HOURLY"),
            "conformsTo": [format!("{SDM}dataModel.Transportation/TrafficFlowObserved")],
            "ldtKind": "raw",
            "distributions": [
                {"id": "csv", "title": {"en": "CSV export"}, "format": "HttpData-PULL", "mediaType": "text/csv",
                 "backend": {"type": "http", "url": "http://traffic.internal/counts.csv"}},
                {"id": "ngsi-ld", "format": "HttpData-PULL", "mediaType": "application/ld+json",
                 "backend": {"type": "http", "url": "http://traffic.internal/ngsi-ld/v1/entities"}}
            ]
        }),
        // A plain-token id (document-relative in JSON-LD); a publisher without an IRI; contact by URL only; a
        // GeoJSON polygon; MQTT formats.
        json!({
            "id": "traffic-flow-live",
            "title": {"en": "Live traffic flow"},
            "description": {"en": "Traffic flow per lane, every minute, as it is measured."},
            "keywords": {"en": ["traffic", "real time"], "de": ["Verkehrsfluss"]},
            "themes": [theme("TRAN")],
            "publisher": {"name": "Verkeerscentrum Zuid-Nederland"},
            "contactPoint": {"name": "Traffic centre", "url": "https://verkeer.eindhoven.example/contact"},
            "spatial": {"geometry": polygon},
            "temporal": {"start": "2024-06-01T00:00:00Z"},
            "accrualPeriodicity": frequency("CONT"),
            "conformsTo": [format!("{SDM}dataModel.Transportation/TrafficFlowObserved"), "https://mqtt.org/mqtt-specification/"],
            "ldtKind": "raw",
            "distributions": [
                {"id": "mqtt-stream", "format": "MQTT-PUSH", "mediaType": "application/json",
                 "backend": {"type": "mqtt", "topic": "traffic/flow/#"}},
                {"id": "mqtt-poll", "format": "MQTT-PULL", "mediaType": "application/json",
                 "backend": {"type": "mqtt", "topic": "traffic/flow/+/latest"}}
            ]
        }),
        // No keywords, no publisher; contact with email and URL; a closed period; two themes; push and pull.
        json!({
            "id": "urn:ldt:eindhoven:traffic-cleaned-daily",
            "title": {"en": "Cleaned daily traffic volumes", "nl": "Opgeschoonde dagintensiteiten"},
            "description": {"en": "Daily vehicle volumes per segment, gaps filled and outliers removed."},
            "themes": [theme("TRAN"), theme("ENVI")],
            "contactPoint": {"name": "Data quality team", "email": "dq@eindhoven.example", "url": "https://data.eindhoven.example/dq"},
            "license": format!("{EU_LICENCE}CC0"),
            "temporal": {"start": "2023-01-01T00:00:00Z", "end": "2024-12-31T23:59:59Z"},
            "accrualPeriodicity": frequency("DAILY"),
            "conformsTo": [format!("{SDM}dataModel.Transportation/TrafficFlowObserved"), "https://www.rfc-editor.org/rfc/rfc4180"],
            "ldtKind": "transformed",
            "distributions": [
                {"id": "csv", "title": {"en": "Daily volumes", "nl": "Dagintensiteiten"}, "format": "HttpData-PULL", "mediaType": "text/csv",
                 "backend": {"type": "http", "url": "http://traffic.internal/daily.csv"}},
                {"id": "push", "format": "HttpData-PUSH", "mediaType": "application/json",
                 "backend": {"type": "http", "url": "http://traffic.internal/daily.json"}}
            ]
        }),
        // Only an end date; a distribution without a media type; GeoJSON media type.
        json!({
            "id": "urn:ldt:eindhoven:road-network-graph",
            "title": {"en": "Road network graph"},
            "description": {"en": "The routable road network of the city as nodes and links."},
            "keywords": {"en": ["road network"]},
            "themes": [theme("TRAN"), theme("REGI")],
            "publisher": {"id": "https://www.eindhoven.nl/", "name": "Gemeente Eindhoven"},
            "license": format!("{EU_LICENCE}ODC_BY"),
            "spatial": {"place": "http://publications.europa.eu/resource/authority/place/NLD_EIN"},
            "temporal": {"end": "2025-01-01T00:00:00Z"},
            "accrualPeriodicity": frequency("ANNUAL"),
            "ldtKind": "transformed",
            "distributions": [
                {"id": "geojson", "format": "HttpData-PULL", "mediaType": "application/geo+json",
                 "backend": {"type": "http", "url": "http://gis.internal/roads.geojson"}},
                {"id": "raw", "format": "HttpData-PULL",
                 "backend": {"type": "http", "url": "http://gis.internal/roads.bin"}}
            ]
        }),
        // Keywords in three languages; no contact, licence or periodicity.
        json!({
            "id": "urn:ldt:eindhoven:air-quality-model-input",
            "title": {"en": "Air-quality model input", "nl": "Invoer luchtkwaliteitsmodel", "fr": "Entrée du modèle de qualité de l'air"},
            "description": {"en": "Emissions, meteorology and traffic prepared as the input of the dispersion model."},
            "keywords": {"en": ["air quality", "emissions"], "nl": ["luchtkwaliteit"], "fr": ["qualité de l'air"]},
            "themes": [theme("ENVI")],
            "publisher": {"id": "https://www.rivm.nl/", "name": "RIVM"},
            "spatial": {"geometry": polygon},
            "conformsTo": [format!("{SDM}dataModel.Environment/AirQualityObserved")],
            "ldtKind": "modelInput",
            "distributions": [
                {"id": "parquet", "format": "HttpData-PULL", "mediaType": "application/vnd.apache.parquet",
                 "backend": {"type": "http", "url": "http://aq.internal/input.parquet"}}
            ]
        }),
        // An https IRI as id; NATS and HTTP formats; three distributions.
        json!({
            "id": "https://data.eindhoven.example/dataset/congestion-prediction-24h",
            "title": {"en": "24-hour congestion prediction"},
            "description": {"en": "Predicted congestion level per segment for the next 24 hours."},
            "keywords": {"en": ["prediction", "congestion"]},
            "themes": [theme("TRAN")],
            "publisher": {"id": "https://www.eindhoven.nl/", "name": "Gemeente Eindhoven"},
            "contactPoint": {"name": "Traffic LDT team", "email": "ldt@eindhoven.example"},
            "license": format!("{EU_LICENCE}CC_BY_4_0"),
            "spatial": {"place": "https://sws.geonames.org/2756253/"},
            "temporal": {"start": "2025-01-01T00:00:00Z"},
            "accrualPeriodicity": frequency("HOURLY"),
            "conformsTo": [format!("{SDM}dataModel.Transportation/TrafficFlowObserved")],
            "ldtKind": "modelOutput",
            "distributions": [
                {"id": "nats-push", "format": "NATS-PUSH", "mediaType": "application/json",
                 "backend": {"type": "nats", "subject": "ldt.traffic.prediction"}},
                {"id": "nats-pull", "format": "NATS-PULL", "mediaType": "application/json",
                 "backend": {"type": "nats", "subject": "ldt.traffic.prediction.latest"}},
                {"id": "geojson", "format": "HttpData-PULL", "mediaType": "application/geo+json",
                 "backend": {"type": "http", "url": "http://traffic.internal/prediction.geojson"}}
            ]
        }),
        // Model output with a Dutch-only keyword list and a region subtag.
        json!({
            "id": "urn:ldt:eindhoven:parking-occupancy-forecast",
            "title": {"nl": "Prognose parkeerbezetting", "en": "Parking occupancy forecast"},
            "description": {"nl-NL": "Verwachte bezetting per parkeergarage.", "en": "Expected occupancy per car park."},
            "keywords": {"nl-NL": ["parkeren", "prognose"]},
            "themes": [theme("TRAN"), theme("ECON")],
            "publisher": {"name": "Parkeerbedrijf Eindhoven"},
            "contactPoint": {"name": "Parking desk", "url": "https://parkeren.eindhoven.example/"},
            "accrualPeriodicity": frequency("DAILY"),
            "ldtKind": "modelOutput",
            "distributions": [
                {"id": "json", "format": "HttpData-PULL", "mediaType": "application/json",
                 "backend": {"type": "http", "url": "http://parking.internal/forecast"}}
            ]
        }),
        // Simulation result with a Swiss-German keyword, every date, NetCDF.
        json!({
            "id": "urn:ldt:eindhoven:noise-simulation-2030",
            "title": {"en": "Noise simulation 2030"},
            "description": {"en": "Simulated road-traffic noise (Lden) on a 10 m grid for the 2030 mobility plan."},
            "keywords": {"en": ["noise", "simulation"], "de-CH": ["Lärm"]},
            "themes": [theme("ENVI"), theme("HEAL")],
            "publisher": {"id": "https://www.eindhoven.nl/", "name": "Gemeente Eindhoven"},
            "contactPoint": {"name": "Environment desk", "email": "milieu@eindhoven.example"},
            "license": format!("{EU_LICENCE}CC_BY_SA_4_0"),
            "spatial": {"geometry": polygon},
            "temporal": {"start": "2030-01-01T00:00:00Z", "end": "2030-12-31T23:59:59Z"},
            "accrualPeriodicity": frequency("IRREG"),
            "conformsTo": ["http://www.opengis.net/doc/IS/netcdf/1.0", "https://inspire.ec.europa.eu/id/document/tg/hh"],
            "ldtKind": "simulationResult",
            "distributions": [
                {"id": "netcdf", "format": "HttpData-PULL", "mediaType": "application/x-netcdf",
                 "backend": {"type": "http", "url": "http://sim.internal/noise-2030.nc"}},
                {"id": "tiles", "title": {"en": "Map tiles"}, "format": "HttpData-PULL", "mediaType": "image/png",
                 "backend": {"type": "http", "url": "http://sim.internal/noise-2030/{z}/{x}/{y}.png"}}
            ]
        }),
        // Simulation result with Turtle metadata and a push distribution.
        json!({
            "id": "urn:ldt:eindhoven:flood-scenario-runs",
            "title": {"en": "Flood scenario runs"},
            "description": {"en": "Water depth per scenario and time step from the pluvial flood model."},
            "keywords": {"en": ["flood", "scenario"]},
            "themes": [theme("ENVI")],
            "publisher": {"id": "https://www.dommel.nl/", "name": "Waterschap De Dommel"},
            "contactPoint": {"name": "Hydrology", "email": "hydrologie@dommel.example", "url": "https://www.dommel.nl/contact"},
            "license": format!("{EU_LICENCE}CC_BY_4_0"),
            "spatial": {"place": "https://sws.geonames.org/2756253/"},
            "accrualPeriodicity": frequency("IRREG"),
            "conformsTo": ["https://www.w3.org/TR/vocab-dcat-3/"],
            "ldtKind": "simulationResult",
            "distributions": [
                {"id": "ttl", "format": "HttpData-PULL", "mediaType": "text/turtle",
                 "backend": {"type": "http", "url": "http://sim.internal/flood/runs.ttl"}},
                {"id": "push", "format": "HttpData-PUSH", "mediaType": "application/zip",
                 "backend": {"type": "http", "url": "http://sim.internal/flood/runs.zip"}}
            ]
        }),
        // The minimum: no optional field at all.
        json!({
            "id": "urn:ldt:eindhoven:bike-counts",
            "title": {"en": "Bike counts"},
            "description": {"en": "Bicycles counted at the permanent counting stations."},
            "ldtKind": "raw",
            "distributions": [
                {"id": "api", "format": "HttpData-PULL",
                 "backend": {"type": "http", "url": "http://bikes.internal/counts"}}
            ]
        }),
    ];
    documents
        .into_iter()
        .map(|document| {
            let product: DataProduct =
                serde_json::from_value(document.clone()).unwrap_or_else(|error| panic!("{error}: {document}"));
            assert_eq!(product.validate(), Ok(()), "{}", product.id);
            product
        })
        .collect()
}

/// The policies and offers: `open` lists products by id, `modelling` and `simulations` match by theme and kind,
/// so some products are under two offers.
async fn seed(connector: &RunningConnector) -> Vec<DataProduct> {
    let store = &connector.state.store;
    let products = products();
    store.create_products(&products).await.expect("products");
    for policy in [
        json!({"id": "open-use", "policy": {"@type": "Set", "permission": [{"action": "use"}]}}),
        json!({"id": "modelling-30-days", "policy": {
            "@type": "Set",
            "permission": [{"action": "use", "constraint": [{"and": [
                {"leftOperand": "purpose", "operator": "isA", "rightOperand": "https://w3id.org/ldt-connector/purpose/air-quality-modelling"},
                {"leftOperand": "elapsedTime", "operator": "lteq", "rightOperand": {"@value": "P30D", "@type": "xsd:duration"}}
            ]}]}],
            "prohibition": [{"action": "distribute"}]
        }}),
    ] {
        let document: PolicyDocument = serde_json::from_value(policy).expect("policy");
        store.create_policy(&document).await.expect("policy");
    }
    let open: Vec<&str> = products
        .iter()
        .filter(|p| p.ldt_kind.as_str() != "modelInput" && p.ldt_kind.as_str() != "simulationResult")
        .map(|p| p.id.as_str())
        .collect();
    for offer in [
        json!({"id": "open", "contractPolicyId": "open-use", "datasets": {"ids": open}}),
        json!({"id": "modelling", "contractPolicyId": "modelling-30-days", "datasets": {"matching": [{"theme": theme("ENVI")}]}}),
        json!({"id": "simulations", "contractPolicyId": "open-use", "datasets": {"matching": [{"ldtKind": "simulationResult"}]}}),
    ] {
        let offer: Offer = serde_json::from_value(offer).expect("offer");
        assert_eq!(offer.validate(), Ok(()));
        store.create_offer(&offer).await.expect("offer");
    }
    for example in SLC_EXAMPLES {
        let path = manifest_dir().join("../assets/slc/examples").join(example);
        let descriptor = serde_json::from_str(&std::fs::read_to_string(&path).expect("example")).expect("descriptor");
        let registration = SlcRegistration { descriptor, offers: vec!["open".into()] };
        assert_eq!(registration.validate(), Ok(()));
        store.create_slc(&registration).await.expect("component");
    }
    products
}

/// The components published with the products: two of the shipped example descriptors, under the `open` offer.
const SLC_EXAMPLES: [&str; 2] = ["urban-heat-island-dashboard.json", "traffic-congestion-model.json"];

/// A seeded connector's catalogue as a consumer receives it, and the IRI it was retrieved from (the JSON-LD base).
async fn seeded_catalogue() -> (Value, String, Vec<DataProduct>) {
    let (mut config, _dir) = test_config(Db::Sqlite).await;
    config.server.bind = "127.0.0.1:0".parse().unwrap();
    config.participant.id = Some("did:web:traffic.eindhoven.example".to_owned());
    config.participant.name = "Gemeente Eindhoven".into();
    config.catalog.title = [
        ("en".to_owned(), "Traffic LDT of Eindhoven".to_owned()),
        ("nl".to_owned(), "Verkeers-LDT van Eindhoven".to_owned()),
    ]
    .into();
    config.dsp.tokens =
        vec![StaticToken { token: TOKEN.into(), participant: CONSUMER.into(), claims: Default::default() }];
    let connector = app::start(config).await.expect("the connector starts");
    let products = seed(&connector).await;
    let url = format!("{}/catalog/request", connector.state.dsp_base);
    let response = reqwest::Client::new()
        .post(&url)
        .bearer_auth(TOKEN)
        .json(&json!({"@context": ["https://w3id.org/dspace/2025/1/context.jsonld"], "@type": "CatalogRequestMessage"}))
        .send()
        .await
        .expect("the catalogue request is answered");
    assert_eq!(response.status(), 200, "catalogue request");
    assert!(response.headers().get("link").is_none(), "ten datasets fit on one page");
    let catalogue: Value = response.json().await.expect("the catalogue is JSON");
    connector.stop().await.expect("the connector stops");
    (catalogue, url, products)
}

// ---------------------------------------------------------------------------------------------------------------
// The DSP 2025-1 JSON schema, offline.

/// Validates `instance` against `catalog/catalog-schema.json`; every schema of the bundle is registered under its
/// `$id`, so no `$ref` goes to the network.
fn dsp_schema_errors(instance: &Value) -> Vec<String> {
    let mut documents = Vec::new();
    for folder in ["catalog", "common", "negotiation", "transfer"] {
        let dir = dsp_assets().join(folder);
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|ext| ext == "json") {
                // The published transfer schemas write `…json#definitions/…`; a JSON pointer needs the slash.
                let text = std::fs::read_to_string(&path)
                    .expect("schema")
                    .replace(".json#definitions/", ".json#/definitions/");
                let document: Value = serde_json::from_str(&text).expect("schema JSON");
                let name = path.file_name().unwrap().to_string_lossy();
                documents.push((format!("https://w3id.org/dspace/2025/1/{folder}/{name}"), document));
            }
        }
    }
    let root = documents
        .iter()
        .find(|(uri, _)| uri.ends_with("/catalog/catalog-schema.json"))
        .expect("catalog-schema.json is bundled")
        .1
        .clone();
    let registry = jsonschema::Registry::new()
        .extend(documents)
        .and_then(|builder| builder.prepare())
        .expect("the bundled DSP schemas register");
    let validator =
        jsonschema::options().offline().with_registry(&registry).build(&root).expect("catalog-schema.json compiles");
    validator.iter_errors(instance).map(|error| format!("at {}: {error}", error.instance_path().as_str())).collect()
}

// ---------------------------------------------------------------------------------------------------------------
// DCAT-AP 3.0.1 with pyshacl.

/// One SHACL result as `validate.py` reports it.
#[derive(Debug, Clone, serde::Deserialize)]
struct ShaclResult {
    severity: String,
    focus: Option<String>,
    focus_hint: Option<String>,
    #[serde(default)]
    focus_types: Vec<String>,
    path: Option<String>,
    value: Option<String>,
    constraint: Option<String>,
    shape: Option<String>,
    message: String,
    source: String,
}

impl std::fmt::Display for ShaclResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let focus = self.focus.as_deref().unwrap_or("?");
        write!(f, "[{}] focus {focus}", self.severity)?;
        if let Some(hint) = &self.focus_hint {
            write!(f, " (reached from {hint})")?;
        }
        if !self.focus_types.is_empty() {
            write!(f, " a {}", self.focus_types.join(", "))?;
        }
        write!(
            f,
            "\n    path {}  value {}\n    {} — {}\n    shape {} ({})",
            self.path.as_deref().unwrap_or("-"),
            self.value.as_deref().unwrap_or("-"),
            self.constraint.as_deref().unwrap_or("?"),
            self.message,
            self.shape.as_deref().unwrap_or("?"),
            self.source
        )
    }
}

#[derive(Debug, serde::Deserialize)]
struct ShaclReport {
    violations: Vec<ShaclResult>,
    warnings: Vec<ShaclResult>,
    counts: Value,
    /// Where the validated document was kept, when it had violations.
    #[serde(skip)]
    data: Option<PathBuf>,
}

/// Runs `validate.py` on `catalogue` (retrieved from `base`), with `dcat_ap/vocabularies.ttl` added to its graph.
/// Fails the test, saying how to install them, when Python, rdflib or pyshacl is missing.
fn shacl(catalogue: &Value, base: &str) -> ShaclReport {
    let python = std::env::var("LDT_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut data =
        tempfile::Builder::new().prefix("ldt-dcat-ap-").suffix(".jsonld").tempfile().expect("a temporary file");
    serde_json::to_writer_pretty(&mut data, catalogue).expect("write the catalogue");
    let script = manifest_dir().join("tests/dcat_ap/validate.py");
    let mut command = Command::new(&python);
    command
        .arg(&script)
        .arg("--data")
        .arg(data.path())
        .arg("--base")
        .arg(base)
        .arg("--shapes-dir")
        .arg(shapes_dir())
        .arg("--contexts-dir")
        .arg(dsp_assets().join("context"));
    command.arg("--vocabulary").arg(manifest_dir().join("tests/dcat_ap/vocabularies.ttl"));
    let output = match command.output() {
        Ok(output) => output,
        Err(error) => panic!(
            "cannot run `{python}` ({error}): the DCAT-AP check needs Python 3 with rdflib and pyshacl. Install \
             Python 3, then run `{INSTALL}` (or set LDT_TEST_PYTHON to an interpreter that has them)"
        ),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => {}
        Some(3) => {
            panic!("the DCAT-AP check needs rdflib and pyshacl for `{python}`: {stderr}\nInstall them with `{INSTALL}`")
        }
        _ => panic!("{} failed ({}):\n{stderr}", script.display(), output.status),
    }
    let mut report: ShaclReport = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("validate.py printed no report ({error}):\n{}\n{stderr}", String::from_utf8_lossy(&output.stdout))
    });
    if std::env::var_os("LDT_TEST_KEEP_DCAT").is_some() {
        // Keep the document for a look with `validate.py --dump` (the DSP-caused violations are always there, so
        // keeping it on violations would litter the temporary directory on every run).
        let (_, path) = data.keep().expect("keep the catalogue");
        report.data = Some(path);
    }
    report
}

fn listing(results: &[&ShaclResult]) -> String {
    results.iter().map(|result| format!("  {result}")).collect::<Vec<_>>().join("\n")
}

/// Warnings, one line per (file, shape, path, constraint) with how often it occurs: recommendations are many.
fn warning_summary(warnings: &[ShaclResult]) -> String {
    let mut groups: std::collections::BTreeMap<String, usize> = Default::default();
    for warning in warnings {
        let key = format!(
            "{} {} {} {}",
            warning.source,
            warning.shape.as_deref().unwrap_or("?"),
            warning.path.as_deref().unwrap_or("-"),
            warning.constraint.as_deref().unwrap_or("?")
        );
        *groups.entry(key).or_default() += 1;
    }
    groups.into_iter().map(|(key, count)| format!("  {count:>3} × {key}")).collect::<Vec<_>>().join("\n")
}

// ---------------------------------------------------------------------------------------------------------------
// What DSP 2025-1 makes impossible.

const SHAPES: &str = "https://semiceu.github.io/DCAT-AP/releases/3.0.0/html/shacl/shapes.ttl#";
const RANGE: &str = "https://semiceu.github.io/DCAT-AP/releases/3.0.0/html/shacl/range.ttl#";

/// A DCAT-AP result that no DSP 2025-1 catalogue can avoid, accepted only where it is exactly that.
struct DspCaused {
    shape: &'static str,
    path: &'static str,
    constraint: &'static str,
    why: &'static str,
}

/// The DCAT-AP results that the DSP 2025-1 context itself makes unavoidable. Each is matched narrowly (shape, path,
/// constraint, and the exact focus and value it must have, see [`dsp_caused`]); anything else fails the test, and
/// an entry that no longer matches anything fails it too, so the list cannot outlive its reason.
const DSP_CAUSED: [DspCaused; 2] = [
    DspCaused {
        shape: "range.ttl#Distribution_Shape",
        path: "http://purl.org/dc/terms/format",
        constraint: "ClassConstraintComponent",
        why: "DSP's Distribution context defines `format` as {\"@id\": \"dct:format\", \"@type\": \"@vocab\"} and \
              the DSP context has no @vocab, so `\"format\": \"HttpData-PULL\"` expands document-relative to \
              <retrieval URL>/../HttpData-PULL, an IRI no one defines or types dct:MediaTypeOrExtent; the DSP \
              schema requires `format` to be a string and peers compare it as `HttpData-PULL`",
    },
    DspCaused {
        shape: "shapes.ttl#DataService_Shape",
        path: "http://www.w3.org/ns/dcat#endpointURL",
        constraint: "NodeKindConstraintComponent",
        why: "DSP's DataService context defines `endpointURL` as plain \"dcat:endpointURL\" (no \"@type\": \"@id\"), \
              protected, and the DSP schema requires `endpointURL` to be a string, so it is always a literal — for \
              the connector's own service and for each component's; DCAT-AP wants an IRI",
    },
];

/// Which [`DSP_CAUSED`] entry `result` is, if it is exactly one: the format of a distribution whose value is one of
/// the catalogue's `format` strings resolved against `base`, or the literal `endpointURL` of one of its services.
fn dsp_caused(result: &ShaclResult, catalogue: &Value, base: &str) -> Option<usize> {
    let shape = result.shape.as_deref()?;
    let shape = shape
        .strip_prefix(SHAPES)
        .map(|name| format!("shapes.ttl#{name}"))
        .or_else(|| shape.strip_prefix(RANGE).map(|name| format!("range.ttl#{name}")))?;
    let index = DSP_CAUSED.iter().position(|entry| {
        entry.shape == shape
            && Some(entry.path) == result.path.as_deref()
            && Some(entry.constraint) == result.constraint.as_deref()
            && result.severity == "Violation"
    })?;
    let value = result.value.as_deref()?;
    let datasets = catalogue["dataset"].as_array()?;
    let services: Vec<&Value> = catalogue["service"]
        .as_array()?
        .iter()
        .chain(datasets.iter().flat_map(|dataset| {
            dataset["distribution"].as_array().into_iter().flatten().map(|distribution| &distribution["accessService"])
        }))
        .collect();
    let exact = match index {
        0 => {
            let base = url::Url::parse(base).ok()?;
            result.focus_types.iter().any(|t| t == "http://www.w3.org/ns/dcat#Distribution")
                && datasets
                    .iter()
                    .flat_map(|dataset| dataset["distribution"].as_array().into_iter().flatten())
                    .filter_map(|distribution| distribution["format"].as_str())
                    .any(|format| base.join(format).is_ok_and(|iri| iri.as_str() == value))
        }
        // A service's `@id` may be a plain token (a component's id), which JSON-LD resolves against the base.
        _ => services.iter().any(|service| {
            let id = service["@id"].as_str().and_then(|id| url::Url::parse(base).ok()?.join(id).ok());
            id.is_some_and(|id| result.focus.as_deref() == Some(id.as_str()))
                && service["endpointURL"].as_str().is_some_and(|url| value == format!("\"{url}\""))
        }),
    };
    exact.then_some(index)
}

/// Fails unless every violation is one of [`DSP_CAUSED`], and every entry of it still occurs; prints the accepted
/// ones with their reason.
fn assert_no_violations_but_dsp_caused(report: &ShaclReport, catalogue: &Value, base: &str) {
    let mut accepted = [0usize; DSP_CAUSED.len()];
    let mut remaining = Vec::new();
    for result in &report.violations {
        match dsp_caused(result, catalogue, base) {
            Some(index) => accepted[index] += 1,
            None => remaining.push(result),
        }
    }
    assert!(
        remaining.is_empty(),
        "{} DCAT-AP 3.0.1 violations (document kept in {}):\n{}",
        remaining.len(),
        report.data.as_deref().unwrap_or(Path::new("?")).display(),
        listing(&remaining)
    );
    for (entry, count) in DSP_CAUSED.iter().zip(accepted) {
        assert!(count > 0, "{} {} no longer occurs: remove it from DSP_CAUSED", entry.shape, entry.path);
        println!(
            "accepted {count} × {} {} {} — caused by DSP 2025-1: {}",
            entry.shape, entry.path, entry.constraint, entry.why
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The tests.

#[tokio::test]
async fn the_catalogue_is_valid_dsp_and_dcat_ap() {
    let (catalogue, base, products) = seeded_catalogue().await;
    let datasets = catalogue["dataset"].as_array().expect("datasets");
    assert_eq!(datasets.len(), products.len(), "every product is offered");
    let under_two_offers = datasets
        .iter()
        .filter(|dataset| dataset["hasPolicy"].as_array().is_some_and(|offers| offers.len() == 2))
        .count();
    assert_eq!(under_two_offers, 3, "three products are under two offers");

    let errors = dsp_schema_errors(&catalogue);
    assert!(errors.is_empty(), "the catalogue violates the DSP 2025-1 catalog schema:\n{}", errors.join("\n"));
    // A reader's JSON-LD normaliser takes its fast path for the catalogue, and the slow path (expansion, then
    // compaction) gives the same document back.
    let normaliser = ldt_connector::dsp::jsonld::Normaliser::new();
    assert!(ldt_connector::dsp::jsonld::Normaliser::is_compact(&catalogue), "the catalogue is in compact form");
    let expanded = normaliser.expand(&catalogue).await.expect("the catalogue expands");
    assert_eq!(normaliser.normalise(expanded).await.expect("it compacts"), catalogue, "compaction changes nothing");
    let (components, invalid) = ldt_catalog::slc::components_of(&catalogue);
    assert_eq!((components.len(), invalid), (SLC_EXAMPLES.len(), 0), "the components read back from the catalogue");
    assert!(components.iter().all(|component| component.offers.len() == 1), "each under its offer, rules included");

    let report = shacl(&catalogue, &base);
    let distributions: usize = products.iter().map(|p| p.distributions.len()).sum();
    // Guard against a parse that silently read nothing: the graph must hold what was seeded.
    assert_eq!(report.counts["catalogs"], 1, "{}", report.counts);
    assert_eq!(report.counts["datasets"], products.len(), "{}", report.counts);
    assert_eq!(report.counts["distributions"], distributions, "{}", report.counts);
    // The connector's own service, and each component as a DataService linked to its offer.
    assert_eq!(report.counts["data_services"], 1 + SLC_EXAMPLES.len(), "{}", report.counts);
    assert_eq!(report.counts["offers"], products.len() + under_two_offers + SLC_EXAMPLES.len(), "{}", report.counts);
    if !report.warnings.is_empty() {
        println!("DCAT-AP recommendations not met (warnings, not failures):\n{}", warning_summary(&report.warnings));
    }
    assert_no_violations_but_dsp_caused(&report, &catalogue, &base);
}

#[tokio::test]
async fn broken_catalogues_are_caught() {
    let (catalogue, base, _) = seeded_catalogue().await;

    // A dataset without a title, and a publisher (a blank node: it has no IRI) without a name.
    let untitled = "urn:ldt:eindhoven:road-network-graph";
    let unnamed = "urn:ldt:eindhoven:parking-occupancy-forecast";
    let mut broken = catalogue.clone();
    for dataset in broken["dataset"].as_array_mut().expect("datasets") {
        let dataset = dataset.as_object_mut().expect("a dataset");
        if dataset["@id"] == untitled {
            dataset.remove("dct:title").expect("a title to remove");
        }
        if dataset["@id"] == unnamed {
            let publisher = dataset["dct:publisher"].as_object_mut().expect("a publisher");
            assert!(publisher.get("@id").is_none(), "this publisher has no IRI");
            publisher.remove("http://xmlns.com/foaf/0.1/name").expect("a name to remove");
        }
    }
    assert!(dsp_schema_errors(&broken).is_empty(), "DCAT-AP is not the DSP schema's business");
    let report = shacl(&broken, &base);
    let violations: Vec<&ShaclResult> =
        report.violations.iter().filter(|result| dsp_caused(result, &broken, &base).is_none()).collect();
    let found = |path: &str, focus: &dyn Fn(&ShaclResult) -> bool| {
        violations.iter().any(|result| {
            result.path.as_deref() == Some(path)
                && result.constraint.as_deref() == Some("MinCountConstraintComponent")
                && focus(result)
        })
    };
    assert!(
        found("http://purl.org/dc/terms/title", &|result| { result.focus.as_deref() == Some(untitled) }),
        "a dataset without dct:title must be a violation:\n{}",
        listing(&violations)
    );
    let publisher_of = format!("{unnamed} / http://purl.org/dc/terms/publisher");
    assert!(
        found("http://xmlns.com/foaf/0.1/name", &|result| {
            result.focus_hint.as_deref() == Some(publisher_of.as_str())
        }),
        "a publisher without foaf:name must be a violation:\n{}",
        listing(&violations)
    );

    let mut no_distribution = catalogue.clone();
    no_distribution["dataset"][1].as_object_mut().expect("a dataset").remove("distribution");
    let errors = dsp_schema_errors(&no_distribution);
    assert!(
        errors.iter().any(|error| error.contains("/dataset/1")),
        "a dataset without distributions must break the DSP schema: {errors:?}"
    );
}

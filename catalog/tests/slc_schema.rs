//! The JSON Schema of Surface-level component descriptors, `assets/slc/slc-descriptor.schema.json`, against the Rust
//! type it documents, [`SlcDescriptor`]: the schema is valid draft 2020-12; every example in `assets/slc/examples/`
//! satisfies both the schema and the Rust side (serde and `validate()`) and round-trips through serde; a table of
//! broken descriptors is rejected by both; and what the Rust types serialise is valid for the schema.
//!
//! A few rules cannot be expressed in JSON Schema, and serde is more lenient than the schema in a few places; those
//! disagreements are pinned by `known_disagreements`, so that a change on either side shows up here.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use jsonschema::Validator;
use ldt_catalog::LdtKind;
use ldt_catalog::product::{Agent, Spatial};
use ldt_catalog::slc::SlcDescriptor;
use ldt_catalog::slc::descriptor::{
    AiModel, DataModel, Deployment, Exchange, Input, Observability, OperatedBy, Resources, Runtime, SlcKind, Usage,
};
use serde_json::{Value, json};

/// `assets/slc` of the workspace.
fn slc_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/slc")
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The schema document.
fn schema() -> Value {
    read_json(&slc_dir().join("slc-descriptor.schema.json"))
}

/// The schema compiled for draft 2020-12, with `format` asserted (an annotation only by default).
static VALIDATOR: LazyLock<Validator> = LazyLock::new(|| {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema())
        .expect("slc-descriptor.schema.json compiles")
});

/// What the schema finds wrong with `instance`, one line per error.
fn schema_errors(instance: &Value) -> Vec<String> {
    VALIDATOR.iter_errors(instance).map(|error| format!("at {:?}: {error}", error.instance_path().as_str())).collect()
}

/// Every example descriptor: file name and document, in file-name order.
fn examples() -> Vec<(String, Value)> {
    let dir = slc_dir().join("examples");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 3, "expected at least three examples in {}", dir.display());
    let names: Vec<String> =
        paths.iter().map(|path| path.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(
        names,
        [
            "air-quality-exposure-analysis.json",
            "flood-evacuation-simulation.json",
            "traffic-congestion-model.json",
            "urban-heat-island-dashboard.json",
        ],
        "the examples in {}",
        dir.display()
    );
    paths.iter().map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), read_json(path))).collect()
}

fn example(name: &str) -> Value {
    read_json(&slc_dir().join("examples").join(name))
}

/// True for a value serde writes for a field the author left out: `false`, zero, an empty list, or an object of
/// such values (`observability`, `resources`).
fn is_default(value: &Value) -> bool {
    match value {
        Value::Bool(flag) => !flag,
        Value::Number(number) => number.as_f64() == Some(0.0),
        Value::Array(items) => items.is_empty(),
        Value::Object(members) => members.values().all(is_default),
        _ => false,
    }
}

/// Checks that `written` survived serialisation into `serialised`: every member kept with the same value (numbers
/// compared by value, as `2` comes back as `2.0` from an `f64`), and every member added a default.
fn check_preserved(written: &Value, serialised: &Value, pointer: &str, problems: &mut Vec<String>) {
    match (written, serialised) {
        (Value::Object(before), Value::Object(after)) => {
            for (key, value) in before {
                let field = format!("{pointer}/{key}");
                match after.get(key) {
                    Some(again) => check_preserved(value, again, &field, problems),
                    None => problems.push(format!("{field} was dropped")),
                }
            }
            for (key, value) in after {
                if !before.contains_key(key) && !is_default(value) {
                    problems.push(format!("{pointer}/{key} was added as {value}, which is not a default"));
                }
            }
        }
        (Value::Array(before), Value::Array(after)) if before.len() == after.len() => {
            for (index, (value, again)) in before.iter().zip(after).enumerate() {
                check_preserved(value, again, &format!("{pointer}/{index}"), problems);
            }
        }
        (Value::Number(before), Value::Number(after)) if before.as_f64() == after.as_f64() => {}
        _ if written == serialised => {}
        _ => problems.push(format!("{pointer} changed from {written} to {serialised}")),
    }
}

#[test]
fn the_schema_is_valid_draft_2020_12() {
    let schema = schema();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["$id"], "https://w3id.org/ldt-connector/slc/v1/descriptor.schema.json");
    assert!(schema["title"].is_string() && schema["description"].is_string());
    if let Err(error) = jsonschema::draft202012::meta::validate(&schema) {
        panic!("the schema is not valid draft 2020-12: at {}: {error}", error.instance_path().as_str());
    }
    LazyLock::force(&VALIDATOR);
}

/// Every property the schema declares says what it means.
#[test]
fn every_property_is_described() {
    fn walk(schema: &Value, pointer: &str, undescribed: &mut Vec<String>) {
        match schema {
            Value::Object(members) => {
                if let Some(Value::Object(properties)) = members.get("properties") {
                    for (name, property) in properties {
                        // Inside `if` only the value is constrained; the property is described where it is declared.
                        let in_condition = pointer.ends_with("/if") || pointer.contains("/allOf/");
                        if !in_condition && property.get("description").is_none() {
                            undescribed.push(format!("{pointer}/properties/{name}"));
                        }
                    }
                }
                for (key, value) in members {
                    walk(value, &format!("{pointer}/{key}"), undescribed);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    walk(item, &format!("{pointer}/{index}"), undescribed);
                }
            }
            _ => {}
        }
    }
    let schema = schema();
    let mut undescribed = Vec::new();
    walk(&schema, "", &mut undescribed);
    assert!(undescribed.is_empty(), "properties without a description: {undescribed:#?}");
    for (name, definition) in schema["$defs"].as_object().expect("$defs") {
        assert!(definition.get("description").is_some(), "$defs/{name} has no description");
    }
}

/// The enumerations list exactly the names serde reads and writes.
#[test]
fn the_enumerations_match_the_rust_enums() {
    fn names<T: serde::Serialize>(values: &[T]) -> Vec<Value> {
        values.iter().map(|value| serde_json::to_value(value).unwrap()).collect()
    }
    // These two enums have no `ALL`: every variant is listed here. The matches are exhaustive, so a new variant does
    // not compile until it has an arm — and a place in the list beside it.
    let operated_by = [OperatedBy::Provider, OperatedBy::Ldt];
    let _ = |variant: OperatedBy| match variant {
        OperatedBy::Provider | OperatedBy::Ldt => {}
    };
    let runtimes = [Runtime::Oci, Runtime::Kubernetes];
    let _ = |variant: Runtime| match variant {
        Runtime::Oci | Runtime::Kubernetes => {}
    };
    let schema = schema();
    let defs = &schema["$defs"];
    let deployment = &defs["Deployment"]["properties"];
    for (pointer, listed, rust) in [
        ("/$defs/Kind/enum", &defs["Kind"]["enum"], names(&SlcKind::ALL)),
        ("/$defs/Exchange/enum", &defs["Exchange"]["enum"], names(&Exchange::ALL)),
        ("/$defs/LdtKind/enum", &defs["LdtKind"]["enum"], names(&LdtKind::ALL)),
        ("/$defs/Deployment/properties/operatedBy/enum", &deployment["operatedBy"]["enum"], names(&operated_by)),
        ("/$defs/Deployment/properties/runtime/enum", &deployment["runtime"]["enum"], names(&runtimes)),
    ] {
        assert_eq!(listed, &Value::Array(rust), "{pointer}");
    }
    for kind in SlcKind::ALL {
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
    }
}

#[test]
fn every_example_is_valid_and_round_trips() {
    for (name, written) in examples() {
        let errors = schema_errors(&written);
        assert!(errors.is_empty(), "{name} is not valid for the schema: {errors:#?}");
        let descriptor: SlcDescriptor = serde_json::from_value(written.clone())
            .unwrap_or_else(|e| panic!("{name} does not deserialise to an SlcDescriptor: {e}"));
        assert_eq!(descriptor.validate(), Ok(()), "{name} does not pass validate()");

        let serialised = serde_json::to_value(&descriptor).expect("serialises");
        let again: SlcDescriptor = serde_json::from_value(serialised.clone()).expect("deserialises again");
        assert_eq!(again, descriptor, "{name} changes in a round trip");
        assert_eq!(serde_json::to_value(&again).unwrap(), serialised, "{name}: serialisation is not stable");
        let mut problems = Vec::new();
        check_preserved(&written, &serialised, "", &mut problems);
        assert!(problems.is_empty(), "{name} is not preserved by serde: {problems:#?}");
    }
}

#[test]
fn what_rust_serialises_is_valid_for_the_schema() {
    for (name, written) in examples() {
        let descriptor: SlcDescriptor = serde_json::from_value(written).expect("deserialises");
        let serialised = serde_json::to_value(&descriptor).unwrap();
        let errors = schema_errors(&serialised);
        assert!(errors.is_empty(), "the serialised {name} is not valid for the schema: {errors:#?}");
    }

    // Every field set, written out in full so that a field added to a struct fails to compile here until it is
    // given a value — and then a property in the schema.
    let descriptor = SlcDescriptor {
        id: "urn:example:slc:everything".into(),
        title: BTreeMap::from([("en".into(), "Everything".into()), ("nl-BE".into(), "Alles".into())]),
        description: BTreeMap::from([("en".into(), "A component with every field set.".into())]),
        kind: SlcKind::DecisionSupport,
        provider: Agent { id: Some("https://provider.example.org/".into()), name: "Provider".into() },
        version: "1.0.0-rc.1".into(),
        license: Some("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0".into()),
        keywords: BTreeMap::from([("en".into(), vec!["scenarios".into(), "what-if".into()])]),
        endpoint_url: Some("https://provider.example.org/dsp".into()),
        inputs: vec![
            Input {
                name: "everything".into(),
                data_model: DataModel {
                    id: "https://smartdatamodels.org/dataModel.Transportation/TrafficFlowObserved".into(),
                    versions: vec!["0.3".into(), "0.4.1".into()],
                },
                attributes: vec!["intensity".into()],
                ldt_kind: Some(LdtKind::SimulationResult),
                spatial: Some(Spatial::Place("https://sws.geonames.org/2756253/".into())),
                min_history: Some("P1Y6M".into()),
                max_staleness: Some("PT0.5S".into()),
                exchange: Exchange::ALL.to_vec(),
                media_types: vec!["application/ld+json".into()],
            },
            Input {
                name: "geometry".into(),
                data_model: DataModel { id: "https://example.org/models/Zone".into(), versions: vec![] },
                attributes: vec![],
                ldt_kind: Some(LdtKind::ModelInput),
                spatial: Some(Spatial::Geometry(json!({"type": "Point", "coordinates": [5.47, 51.44]}))),
                min_history: None,
                max_staleness: None,
                exchange: vec![],
                media_types: vec![],
            },
        ],
        usage: Usage {
            purpose: "https://w3id.org/ldt-connector/purpose/urban-planning".into(),
            derivatives: true,
            redistribution: true,
        },
        observability: Observability { lineage: true, metrics: true },
        deployment: Deployment {
            operated_by: OperatedBy::Ldt,
            runtime: Some(Runtime::Kubernetes),
            image: Some("registry.example.org/everything@sha256:0123abcd".into()),
            resources: Resources { cpu: 1.5, memory_mib: 2048, gpu: 2 },
            credentials: vec!["MembershipCredential".into()],
            roles: vec!["dataConsumer".into()],
        },
        ai_model: Some(AiModel {
            task: "what-if-analysis".into(),
            framework: Some("pytorch".into()),
            trained_on: vec!["https://data.example.org/datasets/traffic-2024".into()],
        }),
    };
    assert_eq!(descriptor.validate(), Ok(()));
    let serialised = serde_json::to_value(&descriptor).unwrap();
    let errors = schema_errors(&serialised);
    assert!(errors.is_empty(), "a descriptor with every field set is not valid for the schema: {errors:#?}");
    assert_eq!(serde_json::from_value::<SlcDescriptor>(serialised).unwrap(), descriptor);
}

/// How a broken descriptor is broken.
enum Edit {
    /// Sets the member or item at the pointer.
    Set(&'static str, Value),
    /// Removes the member at the pointer.
    Remove(&'static str),
}

/// Which part of the Rust side rejects a broken descriptor.
enum Rejected {
    /// Deserialisation fails.
    BySerde,
    /// It deserialises, and `validate()` names the field at this pointer.
    ByValidate(&'static str),
}

fn apply(document: &mut Value, edit: &Edit) {
    let (pointer, value) = match edit {
        Edit::Set(pointer, value) => (*pointer, Some(value.clone())),
        Edit::Remove(pointer) => (*pointer, None),
    };
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer below the root");
    match (document.pointer_mut(parent), value) {
        (Some(Value::Object(members)), Some(value)) => {
            members.insert(key.to_owned(), value);
        }
        (Some(Value::Object(members)), None) => {
            members.remove(key).unwrap_or_else(|| panic!("nothing to remove at {pointer}"));
        }
        (Some(Value::Array(items)), Some(value)) => items[key.parse::<usize>().expect("an index")] = value,
        _ => panic!("cannot edit {pointer}"),
    }
}

const DASHBOARD: &str = "urban-heat-island-dashboard.json";
const MODEL: &str = "traffic-congestion-model.json";

/// Broken descriptors: a name, the example it is made from, the edit that breaks it, and who on the Rust side
/// rejects it.
fn broken() -> Vec<(&'static str, &'static str, Edit, Rejected)> {
    use Edit::{Remove, Set};
    use Rejected::{BySerde, ByValidate};
    let ring = json!([[[5.4, 51.4], [5.5, 51.4], [5.5, 51.5], [5.4, 51.4]]]);
    vec![
        // Unknown properties.
        ("unknown top-level property", DASHBOARD, Set("/colour", json!("red")), BySerde),
        ("unknown property in an input", DASHBOARD, Set("/inputs/0/frequency", json!("PT1H")), BySerde),
        ("unknown property in a data model", DASHBOARD, Set("/inputs/0/dataModel/version", json!("0.3")), BySerde),
        ("unknown property in the usage", DASHBOARD, Set("/usage/retention", json!("P1Y")), BySerde),
        ("unknown property in the provider", DASHBOARD, Set("/provider/email", json!("a@b.org")), BySerde),
        ("unknown property in the deployment", MODEL, Set("/deployment/replicas", json!(3)), BySerde),
        ("unknown property in the resources", MODEL, Set("/deployment/resources/disk", json!(10)), BySerde),
        ("unknown property in the observability", MODEL, Set("/observability/tracing", json!(true)), BySerde),
        ("unknown property in the AI model", MODEL, Set("/aiModel/accuracy", json!(0.9)), BySerde),
        // Wrong enumeration values.
        ("unknown kind", DASHBOARD, Set("/kind", json!("dashboard")), BySerde),
        ("kind in the wrong case", MODEL, Set("/kind", json!("AiModel")), BySerde),
        ("unknown exchange", DASHBOARD, Set("/inputs/0/exchange", json!(["httpPoll"])), BySerde),
        ("exchange as a DSP format", DASHBOARD, Set("/inputs/0/exchange", json!(["HttpData-PULL"])), BySerde),
        ("unknown operatedBy", DASHBOARD, Set("/deployment/operatedBy", json!("cloud")), BySerde),
        ("unknown runtime", MODEL, Set("/deployment/runtime", json!("wasm")), BySerde),
        ("unknown ldtKind", MODEL, Set("/inputs/0/ldtKind", json!("cooked")), BySerde),
        // Missing required properties.
        ("no id", DASHBOARD, Remove("/id"), BySerde),
        ("no title", DASHBOARD, Remove("/title"), BySerde),
        ("no kind", DASHBOARD, Remove("/kind"), BySerde),
        ("no version", DASHBOARD, Remove("/version"), BySerde),
        ("no usage", DASHBOARD, Remove("/usage"), BySerde),
        ("no purpose", DASHBOARD, Remove("/usage/purpose"), BySerde),
        ("no deployment", DASHBOARD, Remove("/deployment"), BySerde),
        ("no operatedBy", DASHBOARD, Remove("/deployment/operatedBy"), BySerde),
        ("no provider name", DASHBOARD, Remove("/provider/name"), BySerde),
        ("no input name", DASHBOARD, Remove("/inputs/0/name"), BySerde),
        ("no data model", DASHBOARD, Remove("/inputs/0/dataModel"), BySerde),
        ("no data model id", DASHBOARD, Remove("/inputs/0/dataModel/id"), BySerde),
        ("no AI model task", MODEL, Remove("/aiModel/task"), BySerde),
        ("no runtime when the LDT runs it", MODEL, Remove("/deployment/runtime"), ByValidate("/deployment/runtime")),
        ("no image when the LDT runs it", MODEL, Remove("/deployment/image"), ByValidate("/deployment/image")),
        // Wrong types.
        ("inputs not a list", DASHBOARD, Set("/inputs", json!({})), BySerde),
        ("derivatives not a boolean", DASHBOARD, Set("/usage/derivatives", json!("yes")), BySerde),
        ("negative memory", MODEL, Set("/deployment/resources/memoryMib", json!(-1)), BySerde),
        ("fractional GPUs", MODEL, Set("/deployment/resources/gpu", json!(1.5)), BySerde),
        ("more GPUs than a u32", MODEL, Set("/deployment/resources/gpu", json!(4_294_967_296_u64)), BySerde),
        (
            "a spatial with both place and geometry",
            DASHBOARD,
            Set(
                "/inputs/0/spatial",
                json!({"place": "https://sws.geonames.org/2756253/", "geometry": {"type": "Polygon", "coordinates": ring}}),
            ),
            BySerde,
        ),
        (
            "a spatial that is a bare IRI",
            DASHBOARD,
            Set("/inputs/0/spatial", json!("https://sws.geonames.org/2756253/")),
            BySerde,
        ),
        // Values that only `validate()` checks.
        ("empty inputs", DASHBOARD, Set("/inputs", json!([])), ByValidate("/inputs")),
        ("negative history", MODEL, Set("/inputs/0/minHistory", json!("P-1D")), ByValidate("/inputs/0/minHistory")),
        ("minus-signed history", MODEL, Set("/inputs/0/minHistory", json!("-P1D")), ByValidate("/inputs/0/minHistory")),
        (
            "staleness in words",
            MODEL,
            Set("/inputs/0/maxStaleness", json!("soon")),
            ByValidate("/inputs/0/maxStaleness"),
        ),
        ("zero staleness", MODEL, Set("/inputs/0/maxStaleness", json!("PT0S")), ByValidate("/inputs/0/maxStaleness")),
        (
            "staleness in weeks",
            MODEL,
            Set("/inputs/0/maxStaleness", json!("P1W")),
            ByValidate("/inputs/0/maxStaleness"),
        ),
        (
            "duration ending in T",
            MODEL,
            Set("/inputs/0/minHistory", json!("P90DT")),
            ByValidate("/inputs/0/minHistory"),
        ),
        ("duration of only P", MODEL, Set("/inputs/0/minHistory", json!("P")), ByValidate("/inputs/0/minHistory")),
        ("parts out of order", MODEL, Set("/inputs/0/minHistory", json!("P1D2M")), ByValidate("/inputs/0/minHistory")),
        (
            "finer than nanoseconds",
            MODEL,
            Set("/inputs/0/maxStaleness", json!("PT0.0000000001S")),
            ByValidate("/inputs/0/maxStaleness"),
        ),
        ("empty title", DASHBOARD, Set("/title", json!({})), ByValidate("/title")),
        ("empty description", DASHBOARD, Set("/description", json!({})), ByValidate("/description")),
        (
            "title under a bad language tag",
            DASHBOARD,
            Set("/title/english", json!("Heat")),
            ByValidate("/title/english"),
        ),
        ("blank title text", DASHBOARD, Set("/title/en", json!("  ")), ByValidate("/title/en")),
        (
            "keywords under a bad language tag",
            DASHBOARD,
            Set("/keywords/en_GB", json!(["heat"])),
            ByValidate("/keywords/en_GB"),
        ),
        ("blank keyword", DASHBOARD, Set("/keywords/en/0", json!(" ")), ByValidate("/keywords/en/0")),
        ("id with a space", DASHBOARD, Set("/id", json!("urban heat")), ByValidate("/id")),
        ("id `..`", DASHBOARD, Set("/id", json!("..")), ByValidate("/id")),
        ("empty version", DASHBOARD, Set("/version", json!("")), ByValidate("/version")),
        ("blank provider name", DASHBOARD, Set("/provider/name", json!(" ")), ByValidate("/provider/name")),
        (
            "relative provider IRI",
            DASHBOARD,
            Set("/provider/id", json!("heatmap.example.com")),
            ByValidate("/provider/id"),
        ),
        ("licence not an IRI", DASHBOARD, Set("/license", json!("MIT licence")), ByValidate("/license")),
        ("relative endpoint", DASHBOARD, Set("/endpointUrl", json!("/dsp")), ByValidate("/endpointUrl")),
        ("purpose in words", DASHBOARD, Set("/usage/purpose", json!("urban planning")), ByValidate("/usage/purpose")),
        (
            "data model by name",
            DASHBOARD,
            Set("/inputs/0/dataModel/id", json!("WeatherObserved")),
            ByValidate("/inputs/0/dataModel/id"),
        ),
        (
            "blank data model version",
            DASHBOARD,
            Set("/inputs/0/dataModel/versions/0", json!("")),
            ByValidate("/inputs/0/dataModel/versions/0"),
        ),
        (
            "input name with a space",
            DASHBOARD,
            Set("/inputs/0/name", json!("weather data")),
            ByValidate("/inputs/0/name"),
        ),
        ("empty attribute", DASHBOARD, Set("/inputs/0/attributes/1", json!("")), ByValidate("/inputs/0/attributes/1")),
        (
            "media type without subtype",
            DASHBOARD,
            Set("/inputs/0/mediaTypes/1", json!("csv")),
            ByValidate("/inputs/0/mediaTypes/1"),
        ),
        (
            "media type with a parameter",
            DASHBOARD,
            Set("/inputs/0/mediaTypes/1", json!("text/csv; charset=utf-8")),
            ByValidate("/inputs/0/mediaTypes/1"),
        ),
        (
            "place not an IRI",
            DASHBOARD,
            Set("/inputs/0/spatial", json!({"place": "Eindhoven"})),
            ByValidate("/inputs/0/spatial/place"),
        ),
        (
            "geometry without coordinates",
            DASHBOARD,
            Set("/inputs/0/spatial/geometry", json!({"type": "Polygon"})),
            ByValidate("/inputs/0/spatial/geometry"),
        ),
        (
            "geometry of an unknown type",
            DASHBOARD,
            Set("/inputs/0/spatial/geometry", json!({"type": "Circle", "coordinates": [5.4, 51.4]})),
            ByValidate("/inputs/0/spatial/geometry"),
        ),
        (
            "point with one coordinate",
            DASHBOARD,
            Set("/inputs/0/spatial/geometry", json!({"type": "Point", "coordinates": [5.4]})),
            ByValidate("/inputs/0/spatial/geometry"),
        ),
        (
            "polygon one level too shallow",
            DASHBOARD,
            Set("/inputs/0/spatial/geometry/coordinates", json!([[5.4, 51.4], [5.5, 51.4], [5.4, 51.4]])),
            ByValidate("/inputs/0/spatial/geometry"),
        ),
        (
            "a feature, not a geometry",
            DASHBOARD,
            Set(
                "/inputs/0/spatial/geometry",
                json!({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": ring}, "properties": {}}),
            ),
            ByValidate("/inputs/0/spatial/geometry"),
        ),
        ("negative CPU", MODEL, Set("/deployment/resources/cpu", json!(-1)), ByValidate("/deployment/resources/cpu")),
        ("blank image", MODEL, Set("/deployment/image", json!(" ")), ByValidate("/deployment/image")),
        (
            "credential with a space",
            MODEL,
            Set("/deployment/credentials/0", json!("Membership Credential")),
            ByValidate("/deployment/credentials/0"),
        ),
        ("empty role", DASHBOARD, Set("/deployment/roles", json!([""])), ByValidate("/deployment/roles/0")),
        ("blank AI task", MODEL, Set("/aiModel/task", json!("")), ByValidate("/aiModel/task")),
        ("blank AI framework", MODEL, Set("/aiModel/framework", json!(" ")), ByValidate("/aiModel/framework")),
        (
            "training set not an IRI",
            MODEL,
            Set("/aiModel/trainedOn", json!(["traffic 2024"])),
            ByValidate("/aiModel/trainedOn/0"),
        ),
        (
            "IRI longer than 1000 characters",
            DASHBOARD,
            Set("/license", json!(format!("https://example.org/{}", "x".repeat(1000)))),
            ByValidate("/license"),
        ),
        ("id longer than 256 characters", DASHBOARD, Set("/id", json!("x".repeat(257))), ByValidate("/id")),
        (
            "keyword longer than 200 characters",
            DASHBOARD,
            Set("/keywords/en/0", json!("x".repeat(201))),
            ByValidate("/keywords/en/0"),
        ),
        (
            "control character in a keyword",
            DASHBOARD,
            Set("/keywords/en/0", json!("heat\u{7}stress")),
            ByValidate("/keywords/en/0"),
        ),
        (
            "more than 100 attributes",
            DASHBOARD,
            Set("/inputs/0/attributes", json!((0..101).map(|i| format!("a{i}")).collect::<Vec<_>>())),
            ByValidate("/inputs/0/attributes"),
        ),
    ]
}

#[test]
fn broken_descriptors_are_rejected_by_the_schema_and_by_rust() {
    let mut failures = Vec::new();
    for (name, base, edit, rejected) in broken() {
        let mut document = example(base);
        apply(&mut document, &edit);
        if VALIDATOR.is_valid(&document) {
            failures.push(format!("{name}: the schema accepts it"));
        }
        match (serde_json::from_value::<SlcDescriptor>(document), rejected) {
            (Err(_), Rejected::BySerde) => {}
            (Ok(descriptor), Rejected::BySerde) => {
                failures.push(format!("{name}: serde accepts it (validate() says {:?})", descriptor.validate()))
            }
            (Err(error), Rejected::ByValidate(_)) => {
                failures.push(format!("{name}: expected validate() to reject it, but serde does: {error}"))
            }
            (Ok(descriptor), Rejected::ByValidate(pointer)) => match descriptor.validate() {
                Ok(()) => failures.push(format!("{name}: validate() accepts it")),
                Err(errors) if !errors.iter().any(|error| error.pointer == pointer) => {
                    failures.push(format!("{name}: validate() does not name {pointer}: {errors:?}"))
                }
                Err(_) => {}
            },
        }
    }
    assert!(
        failures.is_empty(),
        "{} broken descriptors not rejected as expected:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Where schema and Rust knowingly disagree. Each case says which side accepts; should either side change, this
/// test fails and the schema (or the list of disagreements) needs another look.
#[test]
fn known_disagreements() {
    let accepted_by_rust = |document: &Value| {
        serde_json::from_value::<SlcDescriptor>(document.clone()).is_ok_and(|descriptor| descriptor.validate().is_ok())
    };

    // Not expressible in JSON Schema: input names must be unique.
    let mut twice = example("air-quality-exposure-analysis.json");
    twice["inputs"][1]["name"] = json!("air-quality");
    assert!(VALIDATOR.is_valid(&twice), "{:#?}", schema_errors(&twice));
    let errors = serde_json::from_value::<SlcDescriptor>(twice).unwrap().validate().unwrap_err();
    assert!(errors.iter().any(|error| error.pointer == "/inputs/1/name"), "{errors:?}");

    // Not expressible in JSON Schema: JSON Schema's `integer` is any number without a fraction, `2048.0` included,
    // which serde does not read into an integer.
    let mut float_memory = example(MODEL);
    float_memory["deployment"]["resources"]["memoryMib"] = json!(2048.0);
    assert!(VALIDATOR.is_valid(&float_memory), "{:#?}", schema_errors(&float_memory));
    assert!(serde_json::from_value::<SlcDescriptor>(float_memory).is_err());

    // Serde reads `null` as an absent optional member; the schema documents only the absent member.
    for pointer in ["/license", "/endpointUrl", "/aiModel", "/provider/id", "/inputs/0/spatial", "/deployment/image"] {
        let mut document = example(MODEL);
        apply(&mut document, &Edit::Set(pointer, Value::Null));
        let document = if pointer == "/deployment/image" {
            let mut provider_run = document;
            provider_run["deployment"]["operatedBy"] = json!("provider");
            provider_run
        } else {
            document
        };
        assert!(accepted_by_rust(&document), "{pointer}: null is rejected by Rust");
        assert!(!VALIDATOR.is_valid(&document), "{pointer}: null is accepted by the schema");
    }

    // The duration parser trims XML Schema whitespace around the duration; the schema does not allow it.
    let mut padded = example(MODEL);
    padded["inputs"][0]["minHistory"] = json!(" P90D\n");
    assert!(accepted_by_rust(&padded));
    assert!(!VALIDATOR.is_valid(&padded));

    // IRIs: Rust parses them as WHATWG URLs, which accept characters RFC 3987 excludes (`{`, `}`, `<`, `|`…).
    let mut templated = example(DASHBOARD);
    templated["license"] = json!("https://heatmap.example.com/licences/{id}");
    assert!(accepted_by_rust(&templated));
    assert!(!VALIDATOR.is_valid(&templated));

    // Both accept an IRI with characters outside ASCII, which `format: uri` would not.
    let mut international = example(DASHBOARD);
    international["license"] = json!("https://heatmap.example.com/lizenzen/nutzungsbedingungen-straße");
    assert!(accepted_by_rust(&international));
    assert!(VALIDATOR.is_valid(&international), "{:#?}", schema_errors(&international));
}

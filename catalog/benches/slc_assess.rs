//! Assessing Surface-level components: 1,000 component descriptors judged against an LDT with 10,000 data products
//! (50 data models in 4 versions, varied attributes, areas, update frequencies, distributions, 5 offers with
//! membership and purpose constraints), with three other LDTs of 2,000 products each to fill missing inputs from
//! (10 data models exist only there). Goal: the 1,000 assessments under 1 second.
//!
//! `cargo bench -p ldt-catalog --bench slc_assess`

use std::sync::Arc;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ldt_catalog::DataProduct;
use ldt_catalog::slc::profile::{Credentials, DeploymentCapabilities, OfferTerms, Participant};
use ldt_catalog::slc::{Assessor, LdtProfile, ProductProfile, SlcDescriptor, rank};
use ldt_policy::eval::Environment;
use serde_json::{Value, json};

const MODELS_AT_HOME: usize = 50;
const MODELS_ELSEWHERE: usize = 10;
const ATTRIBUTES: [&str; 8] =
    ["temperature", "humidity", "intensity", "speed", "occupancy", "no2", "pm10", "windSpeed"];
const MEMBERSHIP: &str = "https://w3id.org/ldt-connector/claims/membership";
const PURPOSES: [&str; 3] = ["urban-planning", "traffic-management", "air-quality-modelling"];

fn model(index: usize) -> String {
    format!("https://smartdatamodels.org/dataModel.Bench/Model{index}")
}

fn purpose(name: &str) -> String {
    format!("https://w3id.org/ldt-connector/purpose/{name}")
}

/// A square tile of the city, `step` of a grid of 10 × 10.
fn tile(step: usize, size: f64) -> Value {
    let (x, y) = (5.40 + (step % 10) as f64 * 0.012, 51.40 + (step / 10 % 10) as f64 * 0.009);
    json!({"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]})
}

/// Five offers: members for any purpose, members for one purpose each, members without redistribution.
fn offers() -> Vec<Arc<OfferTerms>> {
    let member = json!({"leftOperand": MEMBERSHIP, "operator": "eq", "rightOperand": "active"});
    let mut list = vec![json!({"@type": "Offer", "permission": [{"action": "use", "constraint": [member]}]})];
    for name in PURPOSES {
        list.push(json!({"@type": "Offer", "permission": [{"action": "use", "constraint": [{"and": [member,
            {"leftOperand": "purpose", "operator": "isA", "rightOperand": purpose(name)}]}]}]}));
    }
    list.push(json!({"@type": "Offer", "permission": [{"action": "use", "constraint": [member]}],
        "prohibition": [{"action": "distribute"}]}));
    list.into_iter()
        .enumerate()
        .map(|(index, document)| OfferTerms::new(format!("offer-{index}"), document).expect("a policy"))
        .collect()
}

/// Product `index` of an LDT, following one of `models` (offset by `first_model`).
fn product(index: usize, first_model: usize, models: usize) -> DataProduct {
    let attributes: Vec<&str> = ATTRIBUTES.iter().copied().skip(index % 3).take(4 + index % 4).collect();
    let stream = index.is_multiple_of(5);
    let distribution = if stream {
        json!({"id": "live", "format": "MQTT-PUSH", "mediaType": "application/json",
            "backend": {"type": "mqtt", "topic": format!("city/{index}")}})
    } else {
        json!({"id": "csv", "format": "HttpData-PULL", "mediaType": (["text/csv", "application/geo+json",
            "application/vnd.apache.parquet"][index % 3]), "backend": {"type": "http", "url": "http://backend.internal/x"}})
    };
    serde_json::from_value(json!({
        "id": format!("product-{first_model}-{index}"),
        "title": {"en": format!("Product {index}")},
        "description": {"en": "A benchmark product."},
        "conformsTo": [{"id": model(first_model + index % models), "version": format!("0.{}.0", index / models % 4)}],
        "attributes": attributes,
        "ldtKind": (["raw", "transformed", "modelOutput"][index % 3]),
        "spatial": {"geometry": tile(index, 0.05 + (index % 4) as f64 * 0.02)},
        "temporal": {"start": format!("20{}-01-01T00:00:00Z", 19 + index % 6)},
        "accrualPeriodicity": format!("http://publications.europa.eu/resource/authority/frequency/{}",
            ["HOURLY", "DAILY", "15MIN", "WEEKLY"][index % 4]),
        "wasGeneratedBy": index.is_multiple_of(2).then(|| format!("https://city.example/pipelines/{index}")),
        "distributions": [distribution]
    }))
    .expect("a valid product")
}

fn products(count: usize, first_model: usize, models: usize) -> Vec<DataProduct> {
    (0..count).map(|index| product(index, first_model, models)).collect()
}

/// The profile of the LDT `name` with `products`, each under one of `offers`.
fn ldt(name: &str, products: &[DataProduct], offers: &[Arc<OfferTerms>]) -> LdtProfile {
    let products = products
        .iter()
        .enumerate()
        .map(|(index, product)| ProductProfile::of_product(product, vec![Arc::clone(&offers[index % offers.len()])]))
        .collect();
    let participant = Participant {
        id: format!("did:web:{name}.example"),
        name: name.into(),
        address: Some(format!("https://{name}.example")),
    };
    let deployment =
        DeploymentCapabilities { oci: true, kubernetes: false, cpu: 8.0, memory_mib: 32768, gpu: 0, metrics: true };
    let credentials = Credentials {
        types: ["MembershipCredential".to_owned(), "DataConsumerCredential".to_owned()].into(),
        roles: ["dataConsumer".to_owned()].into(),
    };
    LdtProfile::new(participant, products, deployment, credentials)
}

/// Component `index`: one to three inputs over all 60 models (some only elsewhere), varied needs and deployments.
fn component(index: usize) -> SlcDescriptor {
    let inputs: Vec<Value> = (0..1 + index % 3)
        .map(|n| {
            let model_index = (index * 7 + n * 13) % (MODELS_AT_HOME + MODELS_ELSEWHERE);
            json!({"name": format!("input-{n}"),
                "dataModel": {"id": model(model_index), "versions": [format!("0.{}", (index + n) % 4)]},
                "attributes": ATTRIBUTES.iter().skip((index + n) % 5).take(2 + n).collect::<Vec<_>>(),
                "ldtKind": (["raw", "transformed"][n % 2]),
                "spatial": {"geometry": tile(index + n, 0.01)},
                "minHistory": (["P30D", "P1Y", "P3Y"][index % 3]),
                "maxStaleness": (["PT1H", "P1D", "PT15M"][(index + n) % 3]),
                "exchange": ([&["httpPull"][..], &["mqttStream", "httpPull"], &["httpPush"]][n % 3]),
                "mediaTypes": ([&["text/csv"][..], &["application/json", "text/csv"], &["application/geo+json"]][(index + n) % 3])})
        })
        .collect();
    let deployment = match index % 3 {
        0 => json!({"operatedBy": "provider", "credentials": ["MembershipCredential"]}),
        1 => json!({"operatedBy": "ldt", "runtime": "oci", "image": "registry.example/c:1",
            "resources": {"cpu": 2, "memoryMib": 4096}, "roles": ["dataConsumer"]}),
        _ => json!({"operatedBy": "ldt", "runtime": "kubernetes", "image": "registry.example/c:2",
            "resources": {"cpu": 4, "memoryMib": 8192, "gpu": index % 2}}),
    };
    serde_json::from_value(json!({
        "id": format!("component-{index}"), "title": {"en": format!("Component {index}")},
        "description": {"en": "A benchmark component."},
        "kind": (["visualisation", "analysis", "simulation", "aiModel", "decisionSupport"][index % 5]),
        "provider": {"name": "Bench Lab"}, "version": "1.0.0", "inputs": inputs,
        "usage": {"purpose": purpose(PURPOSES[index % 3]), "derivatives": index.is_multiple_of(2), "redistribution": index.is_multiple_of(7)},
        "observability": {"lineage": index.is_multiple_of(4), "metrics": index.is_multiple_of(5)},
        "deployment": deployment
    }))
    .expect("a valid descriptor")
}

fn bench(criterion: &mut Criterion) {
    let offers = offers();
    let home_products = products(10_000, 0, MODELS_AT_HOME);
    let home = ldt("home", &home_products, &offers);
    let elsewhere = products(2_000, MODELS_AT_HOME - 5, MODELS_ELSEWHERE + 5);
    let others: Vec<Arc<LdtProfile>> =
        (0..3).map(|n| Arc::new(ldt(&format!("other-{n}"), &elsewhere, &offers))).collect();
    let components: Vec<SlcDescriptor> = (0..1_000).map(component).collect();
    assert!(components.iter().all(|component| component.validate().is_ok()));
    let environment = Environment {
        claims: [(MEMBERSHIP.to_owned(), "/membership/status".to_owned())].into(),
        ..Environment::default()
    };
    let claims = json!({"membership": {"status": "active"}});
    let now: DateTime<Utc> = "2026-06-01T12:00:00Z".parse().expect("a time");
    let assessor = Assessor { home: &home, others: &others, environment: &environment, claims: &claims, now };

    let mut assessed: Vec<_> = components.iter().map(|component| assessor.assess(component)).collect();
    rank(&mut assessed);
    let count = |verdict: &str| assessed.iter().filter(|a| format!("{:?}", a.verdict) == verdict).count();
    let proposals: usize = assessed.iter().map(|a| a.proposals.len()).sum();
    println!(
        "verdicts: {} works as is, {} with adaptations, {} does not work; {proposals} contracts proposed",
        count("WorksAsIs"),
        count("WorksWithAdaptations"),
        count("DoesNotWork")
    );

    let mut group = criterion.benchmark_group("slc");
    group.sample_size(10);
    group.bench_function("assess 1000 components, 10000 products at home, 6000 elsewhere", |bencher| {
        bencher.iter(|| {
            let mut assessed: Vec<_> = components.iter().map(|component| assessor.assess(component)).collect();
            rank(&mut assessed);
            assessed
        })
    });
    group.bench_function("capability profile of 10000 products", |bencher| {
        bencher.iter(|| ldt("home", &home_products, &offers))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

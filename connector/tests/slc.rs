//! Surface-level components end to end: three LDT connectors and an authority, real HTTP, real DCP tokens and
//! credentials. A component provider publishes components in its DSP catalogue; the air-quality LDT discovers them
//! through the authority's registry, gets them ranked and explained against its own capability profile, and is
//! proposed the traffic LDT's offer for the input it lacks — which it negotiates. The federated view refreshes
//! incrementally. The management endpoints refuse bad input with problems naming the field, on both databases; the
//! CLI prints assessments for people and JSON for tools.

mod common;

use std::process::Command;

use common::Db;
use common::connector::{API_KEY, Body, DSP_CONTEXT, DSP_TOKEN, TestConnector, start_with};
use common::contract::reaches;
use ldt_catalog::slc::SlcDescriptor;
use ldt_connector::config::{Config, StaticToken};
use ldt_identity::trust::{TrustedIssuer, TrustedIssuers};
use serde_json::{Value, json};

const WEATHER: &str = "https://smartdatamodels.org/dataModel.Weather/WeatherObserved";
const TRAFFIC_FLOW: &str = "https://smartdatamodels.org/dataModel.Transportation/TrafficFlowObserved";
const MEMBERS_ONLY: &str = "https://w3id.org/ldt-connector/claims/membership";

/// DCP over plain HTTP with no static tokens: every call between the connectors is authenticated with DCP; room
/// for a message of several credentials.
fn dcp_only(config: &mut Config) {
    config.server.max_body_bytes = 1 << 20;
    config.dsp.tokens.clear();
    config.identity.did_web_https = false;
    // Each connector is its own participant: its DID is that of its address.
    config.participant.id = None;
}

/// The authority, approving every local applicant at once.
async fn authority() -> TestConnector {
    start_with(Db::Sqlite, |config| {
        dcp_only(config);
        config.authority.enabled = true;
        config.authority.auto_approve = vec!["did:web:127.0.0.1".into()];
    })
    .await
}

/// A member trusting `authority`, with what its infrastructure can run, that has joined the data space.
async fn member(db: Db, authority: &TestConnector, name: &str) -> TestConnector {
    let trusted = TrustedIssuers(vec![TrustedIssuer { issuer: authority.state().identity.did.clone(), types: vec![] }]);
    let connector = start_with(db, move |config| {
        dcp_only(config);
        config.identity.trusted_issuers = trusted;
        config.participant.name = name.into();
        config.slc.deployment.oci = true;
        config.slc.deployment.cpu = 4.0;
        config.slc.deployment.memory_mib = 8192;
    })
    .await;
    let body = json!({"authorityAddress": authority.url(), "legalName": format!("{name} operator"), "ldt": name,
        "contact": "twin@city.example", "roles": ["DataProviderCredential", "DataConsumerCredential"]});
    let answer = connector.post("/membership/apply", &body).await;
    assert_eq!(answer.status, 201, "{name} applies: {}", answer.text());
    assert_eq!(answer.json()["state"], "approved", "{name} is approved at once");
    connector
}

/// A product JSON of `model` (with `version`), `attributes`, updated hourly since 2022, pulled over HTTP as CSV.
fn product(id: &str, model: &str, version: &str, attributes: &[&str]) -> Value {
    json!({"id": id, "title": {"en": id}, "description": {"en": format!("The {id} of the test city.")},
        "conformsTo": [{"id": model, "version": version}], "attributes": attributes, "ldtKind": "raw",
        "temporal": {"start": "2022-01-01T00:00:00Z"},
        "accrualPeriodicity": "http://publications.europa.eu/resource/authority/frequency/HOURLY",
        "distributions": [{"id": "csv", "format": "HttpData-PULL", "mediaType": "text/csv",
            "backend": {"type": "http", "url": format!("http://127.0.0.1:9/{id}.csv")}}]})
}

/// Registers a policy letting members use the data, `products`, and an offer of them under that policy.
async fn offer_to_members(connector: &TestConnector, offer: &str, products: &[Value]) {
    connector
        .create(
            "/policies",
            &json!({"id": "members-use", "policy": {"@type": "Set", "permission": [{"action": "use",
            "constraint": [{"leftOperand": MEMBERS_ONLY, "operator": "eq", "rightOperand": "active"}]}]}}),
        )
        .await;
    let mut ids = Vec::new();
    for product in products {
        connector.create("/datasets", product).await;
        ids.push(product["id"].clone());
    }
    let selector = if ids.is_empty() { json!({"matching": [{"keyword": "component"}]}) } else { json!({"ids": ids}) };
    connector.create("/offers", &json!({"id": offer, "contractPolicyId": "members-use", "datasets": selector})).await;
}

/// A component descriptor needing `inputs`, run by its provider unless `deployment` says otherwise.
fn descriptor(id: &str, kind: &str, inputs: Value, deployment: Value) -> Value {
    json!({"id": id, "title": {"en": id}, "description": {"en": format!("The {id}.")}, "kind": kind,
        "provider": {"name": "Urban Analytics Lab"}, "version": "1.0.0", "inputs": inputs,
        "usage": {"purpose": "https://w3id.org/ldt-connector/purpose/urban-planning"}, "deployment": deployment})
}

/// The heat-island dashboard: weather in version 0.3 (the air-quality LDT has 0.2.1: a mapping).
fn dashboard() -> Value {
    descriptor(
        "heat-island-dashboard",
        "visualisation",
        json!([{"name": "weather", "dataModel": {"id": WEATHER, "versions": ["0.3"]},
            "attributes": ["temperature"], "maxStaleness": "PT1H", "exchange": ["httpPull"]}]),
        json!({"operatedBy": "provider"}),
    )
}

/// The congestion model: traffic counts (only the traffic LDT has them) and weather, run by the LDT.
fn congestion_model() -> Value {
    descriptor(
        "congestion-model",
        "aiModel",
        json!([
            {"name": "traffic-counts", "dataModel": {"id": TRAFFIC_FLOW}, "attributes": ["intensity"],
             "minHistory": "P90D", "exchange": ["httpPull"]},
            {"name": "weather", "dataModel": {"id": WEATHER}, "attributes": ["temperature"]}
        ]),
        json!({"operatedBy": "ldt", "runtime": "oci", "image": "registry.example/congestion:1.0",
            "resources": {"cpu": 2, "memoryMib": 4096}, "credentials": ["MembershipCredential"]}),
    )
}

/// A simulation that needs a GPU: it cannot run on an LDT without one.
fn gpu_simulation() -> Value {
    descriptor(
        "flood-simulation",
        "simulation",
        json!([{"name": "weather", "dataModel": {"id": WEATHER}}]),
        json!({"operatedBy": "ldt", "runtime": "kubernetes", "image": "registry.example/flood:2",
            "resources": {"cpu": 16, "memoryMib": 65536, "gpu": 1}}),
    )
}

/// The data space: authority, the air-quality LDT (weather), the traffic LDT (traffic counts) and the component
/// provider (two components).
struct Space {
    authority: TestConnector,
    air: TestConnector,
    traffic: TestConnector,
    provider: TestConnector,
}

async fn space(db: Db) -> Space {
    let authority = authority().await;
    let air = member(db, &authority, "Air-quality LDT").await;
    let traffic = member(db, &authority, "Traffic LDT").await;
    let provider = member(db, &authority, "Urban Analytics Lab").await;
    offer_to_members(&air, "environment", &[product("weather", WEATHER, "0.2.1", &["temperature", "humidity"])]).await;
    offer_to_members(&traffic, "traffic", &[product("counts", TRAFFIC_FLOW, "0.3.0", &["intensity", "speed"])]).await;
    offer_to_members(&provider, "components", &[]).await;
    for component in [dashboard(), congestion_model()] {
        provider.create("/slcs", &json!({"descriptor": component, "offers": ["components"]})).await;
    }
    Space { authority, air, traffic, provider }
}

/// The air-quality LDT's discovery, which must succeed.
async fn discover(air: &TestConnector, authority: &TestConnector, force: bool) -> Value {
    let body = json!({"authorityAddress": authority.url(), "force": force});
    let answer = air.post("/slcs/discover", &body).await;
    assert_eq!(answer.status, 200, "discovery: {}", answer.text());
    answer.json()
}

fn finding<'a>(assessment: &'a Value, input: &str, requirement: &str) -> &'a Value {
    let input = assessment["inputs"].as_array().unwrap().iter().find(|i| i["input"] == input).expect("the input");
    input["findings"].as_array().unwrap().iter().find(|f| f["requirement"] == requirement).expect("the finding")
}

async fn discovery_ranks_explains_and_proposes(db: Db) {
    let space = space(db).await;
    let discovery = discover(&space.air, &space.authority, false).await;
    assert_eq!(discovery["refresh"]["members"], 2, "the other members: {}", discovery["refresh"]);
    assert_eq!(discovery["refresh"]["changed"], 2);
    let members = discovery["members"].as_array().unwrap();
    let provider = members.iter().find(|m| m["participant"]["id"] == space.provider.state().identity.did).unwrap();
    assert_eq!((provider["components"].as_u64(), provider["products"].as_u64()), (Some(2), Some(0)));

    let candidates = discovery["candidates"].as_array().unwrap();
    let order: Vec<&str> = candidates.iter().map(|c| c["assessment"]["slc"].as_str().unwrap()).collect();
    assert_eq!(order, ["congestion-model", "heat-island-dashboard"], "ranked by score: {discovery:#}");
    for candidate in candidates {
        assert_eq!(candidate["assessment"]["verdict"], "worksWithAdaptations", "{candidate:#}");
        assert_eq!(candidate["publisher"]["name"], "Urban Analytics Lab");
    }
    let dashboard = &candidates[1]["assessment"];
    let model = finding(dashboard, "weather", "dataModel");
    assert_eq!(model["adaptation"], json!({"kind": "dataModelMapping", "effort": "low"}));
    assert!(model["reason"].as_str().unwrap().contains("0.2.1"), "{model}");

    // The traffic counts are missing at home: the traffic LDT's offer is proposed, and the policy allows it.
    let congestion = &candidates[0]["assessment"];
    assert_eq!(congestion["inputs"][0]["source"]["dataset"], "counts");
    assert_eq!(congestion["inputs"][0]["source"]["participant"]["id"], space.traffic.state().identity.did);
    assert_eq!(finding(congestion, "traffic-counts", "source")["adaptation"]["kind"], "newContract");
    assert_eq!(finding(congestion, "weather", "usage")["status"], "satisfied");
    let proposal = &congestion["proposals"][0];
    assert_eq!(proposal["dataset"], "counts");
    assert_eq!(proposal["permitted"], true, "{proposal:#}");
    assert_eq!(proposal["counterPartyAddress"], space.traffic.url());

    // The proposal is a contract the air-quality LDT can get as it stands.
    let request = json!({"counterPartyAddress": proposal["counterPartyAddress"], "counterPartyId":
        proposal["counterPartyId"], "datasetId": proposal["dataset"], "offerId": proposal["offerId"],
        "purpose": proposal["purpose"]});
    let started = space.air.post("/negotiations", &request).await;
    assert_eq!(started.status, 201, "{}", started.text());
    let pid = started.json()["pid"].as_str().unwrap().to_owned();
    let negotiation = reaches(&space.air, "negotiations", &pid, "FINALIZED").await;
    assert_eq!(negotiation["state"], "FINALIZED", "the proposed contract is agreed: {negotiation:#}");

    // Incremental refresh: within the TTL nothing is fetched; forced, unchanged catalogues are not read again;
    // a new component is read from the one catalogue that changed.
    let again = discover(&space.air, &space.authority, false).await;
    assert_eq!((again["refresh"]["fresh"].as_u64(), again["refresh"]["changed"].as_u64()), (Some(2), Some(0)));
    space.provider.create("/slcs", &json!({"descriptor": gpu_simulation(), "offers": ["components"]})).await;
    let forced = discover(&space.air, &space.authority, true).await;
    assert_eq!(forced["refresh"]["changed"], 1, "{}", forced["refresh"]);
    assert_eq!(forced["refresh"]["unchanged"], 1, "{}", forced["refresh"]);
    let last = forced["candidates"].as_array().unwrap().last().unwrap()["assessment"].clone();
    assert_eq!((last["slc"].as_str(), last["verdict"].as_str()), (Some("flood-simulation"), Some("doesNotWork")));
    let resources = last["deployment"].as_array().unwrap().iter().find(|f| f["requirement"] == "resources").unwrap();
    assert_eq!(resources["status"], "unsatisfied");
    let runtime = last["deployment"].as_array().unwrap().iter().find(|f| f["requirement"] == "runtime").unwrap();
    assert_eq!(runtime["adaptation"], json!({"kind": "runtime", "effort": "high"}));

    // A member that cannot be reached: its last catalogue is kept with the error, and it is not asked again at
    // once (unless forced); the proposal for its data stands on what was fetched before.
    let Space { authority, air, traffic, provider: _provider } = space;
    let traffic_did = traffic.state().identity.did.clone();
    traffic.stop().await;
    let failed = discover(&air, &authority, true).await;
    assert_eq!((failed["refresh"]["failed"].as_u64(), failed["refresh"]["unchanged"].as_u64()), (Some(1), Some(1)));
    let traffic = failed["members"].as_array().unwrap().iter().find(|m| m["participant"]["id"] == traffic_did).unwrap();
    assert!(traffic["error"].is_string() && traffic["products"] == 1, "{traffic}");
    let later = discover(&air, &authority, false).await;
    assert_eq!((later["refresh"]["retryLater"].as_u64(), later["refresh"]["failed"].as_u64()), (Some(1), Some(0)));
}

#[tokio::test]
async fn discovery_ranks_explains_and_proposes_on_sqlite() {
    discovery_ranks_explains_and_proposes(Db::Sqlite).await;
}

#[tokio::test]
async fn discovery_ranks_explains_and_proposes_on_postgres() {
    discovery_ranks_explains_and_proposes(Db::Postgres).await;
}

/// A connector with one offer to publish components under.
async fn publisher(db: Db) -> TestConnector {
    let connector = start_with(db, |_| {}).await;
    offer_to_members(&connector, "components", &[]).await;
    connector
}

async fn components_are_managed_and_bad_input_refused(db: Db) {
    let connector = publisher(db).await;
    let registration = json!({"descriptor": dashboard(), "offers": ["components"]});
    let created = connector.post("/slcs", &registration).await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(created.header("location").as_deref(), Some("/management/v1/slcs/heat-island-dashboard"));
    assert_eq!(connector.post("/slcs", &registration).await.status, 409, "a duplicate id");
    let read = connector.get("/slcs/heat-island-dashboard").await.json();
    assert_eq!(read["descriptor"], created.json()["descriptor"]);
    let stored: SlcDescriptor = serde_json::from_value(read["descriptor"].clone()).expect("a descriptor is read back");
    let registered: SlcDescriptor = serde_json::from_value(dashboard()).expect("the registered descriptor");
    assert_eq!(stored, registered, "the descriptor read back is the one registered");
    assert_eq!(connector.get("/slcs").await.json()["items"].as_array().unwrap().len(), 1);

    // Each refusal is a problem naming the field.
    let mut bad_input = dashboard();
    bad_input["inputs"][0]["maxStaleness"] = json!("soon");
    let mut bad_kind = dashboard();
    bad_kind["kind"] = json!("spreadsheet");
    let mut no_inputs = dashboard();
    no_inputs["inputs"] = json!([]);
    for (body, status, pointer) in [
        (json!({"descriptor": bad_input, "offers": ["components"]}), 400, "/descriptor/inputs/0/maxStaleness"),
        (json!({"descriptor": no_inputs, "offers": ["components"]}), 400, "/descriptor/inputs"),
        (json!({"descriptor": bad_kind, "offers": ["components"]}), 400, "/descriptor/kind"),
        (json!({"descriptor": gpu_simulation(), "offers": []}), 400, "/offers"),
        (json!({"descriptor": gpu_simulation(), "offers": ["nowhere"]}), 400, "/offers/0"),
        (json!({"descriptor": gpu_simulation(), "offers": ["components"], "extra": 1}), 400, "/extra"),
    ] {
        let answer = connector.post("/slcs", &body).await;
        assert_eq!(answer.status, status, "{body}: {}", answer.text());
        assert!(answer.text().contains(pointer), "the problem names {pointer}: {}", answer.text());
        answer.invalid_field(pointer);
    }
    assert_eq!(connector.get("/slcs").await.json()["items"].as_array().unwrap().len(), 1, "nothing half-written");

    let mut renamed = registration.clone();
    renamed["descriptor"]["id"] = json!("other");
    let answer = connector.put("/slcs/heat-island-dashboard", &renamed).await;
    assert_eq!(answer.status, 400, "{}", answer.text());
    assert_eq!(
        connector
            .put(
                "/slcs/missing",
                &json!({"descriptor": descriptor("missing", "analysis",
        json!([{"name": "x", "dataModel": {"id": WEATHER}}]), json!({"operatedBy": "provider"})),
        "offers": ["components"]})
            )
            .await
            .status,
        404
    );
    let answer = connector.delete("/offers/components").await;
    assert_eq!(answer.status, 409, "the offer publishes a component: {}", answer.text());
    assert!(answer.text().contains("heat-island-dashboard"), "{}", answer.text());

    // Assessing: a bad descriptor is refused; discovery needs an authority, and says when it cannot reach it.
    let answer = connector.post("/slcs/assess", &json!({"descriptor": {"id": "x"}})).await;
    assert_eq!(answer.status, 400, "{}", answer.text());
    let mut stale = dashboard();
    stale["inputs"][0]["maxStaleness"] = json!("soon");
    let answer = connector.post("/slcs/assess", &json!({"descriptor": stale})).await;
    assert_eq!(answer.status, 400, "{}", answer.text());
    assert!(answer.text().contains("/descriptor/inputs/0/maxStaleness"), "{}", answer.text());
    answer.invalid_field("/descriptor/inputs/0/maxStaleness");
    let answer = connector.post("/slcs/discover", &json!({})).await;
    assert_eq!(answer.status, 400, "{}", answer.text());
    assert!(answer.text().contains("/authorityAddress"), "{}", answer.text());
    answer.invalid_field("/authorityAddress");
    let answer = connector.post("/slcs/discover", &json!({"authorityAddress": "http://127.0.0.1:9"})).await;
    assert_eq!(answer.status, 424, "{}", answer.text());

    assert_eq!(connector.delete("/slcs/heat-island-dashboard").await.status, 204);
    assert_eq!(connector.get("/slcs/heat-island-dashboard").await.status, 404);
    assert_eq!(connector.delete("/offers/components").await.status, 204, "free again");
}

#[tokio::test]
async fn components_are_managed_and_bad_input_refused_on_sqlite() {
    components_are_managed_and_bad_input_refused(Db::Sqlite).await;
}

#[tokio::test]
async fn components_are_managed_and_bad_input_refused_on_postgres() {
    components_are_managed_and_bad_input_refused(Db::Postgres).await;
}

/// The DSP token of a caller whose `membership.status` claim is `active`.
const MEMBER_TOKEN: &str = "member-token-0123456789abcdef";

/// The components the catalogue shows the caller of `token`: each id with the ids of its offers, in id order; and
/// how many data services were not valid components.
async fn visible_components(connector: &TestConnector, token: &str) -> (Vec<(String, Vec<String>)>, usize) {
    let url = format!("{}/catalog/request", connector.dsp_base());
    let body = json!({"@context": [DSP_CONTEXT], "@type": "CatalogRequestMessage"});
    let answer = connector.dsp_post(&url, Some(token), Body::Json(&body), false).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let catalogue = answer.json();
    let (components, invalid) = ldt_catalog::slc::components_of(&catalogue);
    let mut seen: Vec<(String, Vec<String>)> = components
        .iter()
        .map(|c| (c.descriptor.id.clone(), c.offers.iter().map(|offer| offer.id.clone()).collect()))
        .collect();
    seen.sort();
    (seen, invalid)
}

#[tokio::test]
async fn the_catalogue_shows_a_component_only_to_callers_its_offer_lets_see_it() {
    // Two callers: the default peer (no claims) and a member.
    let connector = start_with(Db::Sqlite, |config| {
        config.dsp.tokens.push(StaticToken {
            token: MEMBER_TOKEN.into(),
            participant: "did:web:member.example".into(),
            claims: json!({"membership": {"status": "active"}}),
        });
    })
    .await;
    offer_to_members(&connector, "components", &[]).await;
    connector
        .create(
            "/policies",
            &json!({"id": "nobody", "policy": {"@type": "Set", "permission": [{"action":
        "use", "constraint": [{"leftOperand": MEMBERS_ONLY, "operator": "eq", "rightOperand": "never"}]}]}}),
        )
        .await;
    connector
        .create(
            "/offers",
            &json!({"id": "hidden", "accessPolicyId": "nobody", "contractPolicyId":
        "members-use", "datasets": {"matching": [{"keyword": "component"}]}}),
        )
        .await;
    // An access policy members meet: the component under it is shown to members only.
    connector
        .create(
            "/offers",
            &json!({"id": "for-members", "accessPolicyId": "members-use", "contractPolicyId":
        "members-use", "datasets": {"matching": [{"keyword": "component"}]}}),
        )
        .await;
    connector.create("/slcs", &json!({"descriptor": dashboard(), "offers": ["components"]})).await;
    connector.create("/slcs", &json!({"descriptor": gpu_simulation(), "offers": ["hidden"]})).await;
    connector.create("/slcs", &json!({"descriptor": congestion_model(), "offers": ["for-members"]})).await;
    let catalogue = connector
        .catalog_request(&json!({"@context": ["https://w3id.org/dspace/2025/1/context.jsonld"],
        "@type": "CatalogRequestMessage"}))
        .await
        .json();
    let (components, invalid) = ldt_catalog::slc::components_of(&catalogue);
    let ids: Vec<&str> = components.iter().map(|c| c.descriptor.id.as_str()).collect();
    assert_eq!((ids, invalid), (vec!["heat-island-dashboard"], 0), "{catalogue:#}");
    assert_eq!(components[0].offers[0].id, "urn:ldt:slc-offer:components:heat-island-dashboard");

    let dashboard_offers = vec!["urn:ldt:slc-offer:components:heat-island-dashboard".to_owned()];
    assert_eq!(
        visible_components(&connector, DSP_TOKEN).await,
        (vec![("heat-island-dashboard".to_owned(), dashboard_offers.clone())], 0),
        "a caller without membership sees neither the hidden component nor the members' one"
    );
    assert_eq!(
        visible_components(&connector, MEMBER_TOKEN).await,
        (
            vec![
                ("congestion-model".to_owned(), vec!["urn:ldt:slc-offer:for-members:congestion-model".to_owned()]),
                ("heat-island-dashboard".to_owned(), dashboard_offers),
            ],
            0
        ),
        "a member sees the component whose access policy it meets, never the one nobody meets"
    );
    connector.stop().await;
}

/// `ldt-connector slc …` with the test connector as target (run off the runtime, which serves the connector).
async fn cli(connector: &TestConnector, arguments: &[&str]) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ldt-connector"));
    command.arg("slc").args(arguments).args(["--connector", connector.url(), "--api-key", API_KEY]);
    let output = tokio::task::spawn_blocking(move || command.output().expect("the CLI runs")).await.unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.success(), text(&output.stdout), text(&output.stderr))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_assesses_for_people_and_for_tools() {
    let connector = publisher(Db::Sqlite).await;
    connector.create("/datasets", &product("weather", WEATHER, "0.2.1", &["temperature"])).await;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), dashboard().to_string()).unwrap();
    let path = file.path().to_str().unwrap();

    let (ok, text, errors) = cli(&connector, &["assess", path]).await;
    assert!(ok, "{errors}");
    assert!(text.contains("works with adaptations"), "{text}");
    assert!(text.contains("adapt dataModel") && text.contains("map 0.2.1 to 0.3"), "{text}");
    let (ok, json, errors) = cli(&connector, &["assess", path, "--format", "json"]).await;
    assert!(ok, "{errors}");
    let assessment: Value = serde_json::from_str(&json).expect("JSON for tools");
    assert_eq!(assessment["verdict"], "worksWithAdaptations");

    std::fs::write(file.path(), r#"{"id": "broken"}"#).unwrap();
    let (ok, _, errors) = cli(&connector, &["assess", path]).await;
    assert!(!ok && errors.contains("400"), "a bad descriptor is refused with the connector's problem: {errors}");

    let schema = Command::new(env!("CARGO_BIN_EXE_ldt-connector")).args(["slc", "schema"]).output().unwrap();
    let schema: Value = serde_json::from_slice(&schema.stdout).expect("the schema is JSON");
    assert_eq!(schema["$id"], "https://w3id.org/ldt-connector/slc/v1/descriptor.schema.json");
}

//! Transfer processes between two of our connectors over real HTTP, with DCP tokens and membership credentials:
//! an HTTP pull through the provider's data plane from a real backend, across a restart of the provider, suspension
//! and resumption by the provider (the old token refused at once and after, a new one issued), token refresh,
//! completion by the consumer; an HTTP push to the consumer's own endpoint; requests the provider refuses; and a
//! transfer ended by its agreement's expiry.

mod common;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::routing::get;
use common::Db;
use common::authority::TestAuthority;
use common::connector::{TestConnector, enc};
use common::contract::{DATASET, agreement, consumer, members_contract, provider_of, reaches};
use ldt_catalog::{DataProduct, LdtKind};
use ldt_connector::config::Approval;
use serde_json::{Value, json};

/// What the backend serves at its data URL.
const DATA: &str = "segment,hour,vehicles\nA7,08,1200\nA7,09,1350\n";

/// A private backend on loopback: `/data` answers [`DATA`], `/data/<path>` names the path and query it got.
async fn backend() -> SocketAddr {
    async fn below(Path(path): Path<String>, RawQuery(query): RawQuery) -> String {
        format!("below {path} with {}", query.unwrap_or_default())
    }
    let app = Router::new().route("/data", get(|| async { DATA })).route("/data/{*path}", get(below));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

/// The prediction from `backend`, to be pulled or pushed.
fn product(backend: SocketAddr) -> DataProduct {
    let mut product = common::product(DATASET, LdtKind::ModelOutput, &["traffic"]);
    if let ldt_catalog::product::Backend::Http { url } = &mut product.distributions[0].backend {
        *url = format!("http://{backend}/data");
    }
    let mut push = product.distributions[0].clone();
    (push.id, push.format) = ("push".into(), "HttpData-PUSH".into());
    product.distributions.push(push);
    product
}

/// A consumer's own endpoint on loopback that takes pushed data: each body POSTed to `/inbox` with
/// `Authorization: Bearer inbox-secret` is sent on the channel; others are refused.
async fn inbox() -> (SocketAddr, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let (delivered, received) = tokio::sync::mpsc::unbounded_channel();
    let take = move |headers: axum::http::HeaderMap, body: String| async move {
        if headers.get("authorization").is_none_or(|value| value != "Bearer inbox-secret") {
            return axum::http::StatusCode::UNAUTHORIZED;
        }
        let _ = delivered.send(body);
        axum::http::StatusCode::NO_CONTENT
    };
    let app = Router::new().route("/inbox", axum::routing::post(take));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (address, received)
}

/// A provider with the prediction under `contract`, a consumer, and their agreement.
async fn agreed(db: Db, contract: Value) -> (TestConnector, TestConnector, String) {
    let authority = TestAuthority::start().await;
    let provider = provider_of(db, &authority, Approval::Auto, product(backend().await), contract, |_| {}).await;
    let consumer = consumer(db, &authority).await;
    let agreement = agreement(&consumer, &provider).await;
    (provider, consumer, agreement)
}

/// The consumer asks for a pull of `agreement`; returns its transfer.
async fn pull(consumer: &TestConnector, agreement: &str) -> Value {
    let answer = consumer.post("/transfers", &json!({"agreementId": agreement, "format": "HttpData-PULL"})).await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    answer.json()
}

fn pid(process: &Value) -> &str {
    process["pid"].as_str().unwrap()
}

/// The endpoint and token of a started pull transfer's data address.
fn access(transfer: &Value) -> (String, String) {
    let address = &transfer["dataAddress"];
    assert_eq!(address["endpointType"], "https://w3id.org/idsa/v4.1/HTTP", "{transfer}");
    assert_eq!(property(transfer, "authType"), "bearer");
    (address["endpoint"].as_str().unwrap().to_owned(), property(transfer, "authorization"))
}

/// GETs `url` with `token`: the status and the body.
async fn read(url: &str, token: &str) -> (u16, String) {
    let response = reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Runs an operator action on `connector`'s transfer `pid`.
async fn act(connector: &TestConnector, pid: &str, action: &str) -> Value {
    let answer = connector.post(&format!("/transfers/{}/{action}", enc(pid)), &json!({"reason": "test"})).await;
    assert_eq!(answer.status, 200, "{action}: {}", answer.text());
    answer.json()
}

async fn a_pull_flows_and_stops_when_the_transfer_does(db: Db) {
    let (provider, consumer, agreement) = agreed(db, members_contract(&[])).await;
    let requested = pull(&consumer, &agreement).await;
    assert_eq!((requested["state"].as_str(), requested["role"].as_str()), (Some("REQUESTED"), Some("consumer")));

    let started = reaches(&consumer, "transfers", pid(&requested), "STARTED").await;
    let (endpoint, token) = access(&started);
    assert!(endpoint.starts_with(&format!("{}/data/", provider.url())), "{endpoint}");
    assert_eq!(read(&endpoint, &token).await, (200, DATA.to_owned()), "the backend's data, through the data plane");
    assert_eq!(read(&format!("{endpoint}/2026/a7?hour=8"), &token).await, (200, "below 2026/a7 with hour=8".into()));
    assert_eq!(read(&endpoint, "not-a-token").await.0, 401);

    // The provider's side: the same transfer, started by the provider by itself.
    let provider_pid = started["peerPid"].as_str().unwrap().to_owned();
    let theirs = provider.get(&format!("/transfers/{}", enc(&provider_pid))).await.json();
    assert_eq!((theirs["state"].as_str(), theirs["agreementId"].as_str()), (Some("STARTED"), Some(agreement.as_str())));
    let steps: Vec<&str> =
        theirs["history"].as_array().unwrap().iter().map(|step| step["to"].as_str().unwrap()).collect();
    assert_eq!(steps, ["REQUESTED", "STARTED"]);

    // The provider restarts: the transfer still runs, and the token it gave still opens the data.
    let provider = provider.restart().await;
    assert_eq!(read(&endpoint, &token).await, (200, DATA.to_owned()), "the grant is opened again at start");

    // Suspended by the provider: the token is refused at once; resumed: a new token works.
    act(&provider, &provider_pid, "suspend").await;
    assert_eq!(read(&endpoint, &token).await.0, 403, "suspended: refused");
    let suspended = reaches(&consumer, "transfers", pid(&requested), "SUSPENDED").await;
    assert!(suspended["explanation"]["reason"].as_str().unwrap().contains("suspended by the provider"), "{suspended}");
    act(&provider, &provider_pid, "resume").await;
    let resumed = reaches(&consumer, "transfers", pid(&requested), "STARTED").await;
    let (endpoint, fresh) = access(&resumed);
    assert_ne!(fresh, token, "a new token for the resumed transfer");
    assert_eq!(read(&endpoint, &fresh).await, (200, DATA.to_owned()));
    assert_eq!(read(&endpoint, &token).await.0, 403, "a token issued before the suspension stays refused");

    // The refresh token gets a new access token while the transfer runs.
    let refresh_endpoint = property(&resumed, "refreshEndpoint");
    let form = [("grant_type", "refresh_token"), ("refresh_token", &property(&resumed, "refreshToken"))];
    let refreshed: Value =
        reqwest::Client::new().post(&refresh_endpoint).form(&form).send().await.unwrap().json().await.unwrap();
    assert_eq!(read(&endpoint, refreshed["access_token"].as_str().unwrap()).await.0, 200);

    // Completed by the consumer: the provider closes the data.
    act(&consumer, pid(&requested), "complete").await;
    reaches(&provider, "transfers", &provider_pid, "COMPLETED").await;
    assert_eq!(read(&endpoint, &fresh).await.0, 403, "completed: refused");
    assert_eq!(act_refused(&consumer, pid(&requested), "resume").await, 409, "nothing follows a completion");
    consumer.stop().await;
    provider.stop().await;
}

/// An endpoint property of a transfer's data address.
fn property(transfer: &Value, name: &str) -> String {
    transfer["dataAddress"]["endpointProperties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|property| property["name"] == name)
        .and_then(|property| property["value"].as_str())
        .unwrap_or_else(|| panic!("no {name} in {transfer}"))
        .to_owned()
}

async fn act_refused(connector: &TestConnector, pid: &str, action: &str) -> u16 {
    connector.post(&format!("/transfers/{}/{action}", enc(pid)), &json!({})).await.status.as_u16()
}

#[tokio::test]
async fn a_pull_flows_and_stops_when_the_transfer_does_on_sqlite() {
    a_pull_flows_and_stops_when_the_transfer_does(Db::Sqlite).await;
}

#[tokio::test]
async fn a_pull_flows_and_stops_when_the_transfer_does_on_postgres() {
    a_pull_flows_and_stops_when_the_transfer_does(Db::Postgres).await;
}

#[tokio::test]
async fn a_push_delivers_the_data_to_the_consumers_endpoint_and_completes() {
    let (provider, consumer, agreement) = agreed(Db::Sqlite, members_contract(&[])).await;
    let (inbox, mut received) = inbox().await;
    let destination = json!({"@type": "DataAddress", "endpointType": "https://w3id.org/idsa/v4.1/HTTP",
        "endpoint": format!("http://{inbox}/inbox"), "endpointProperties": [
            {"@type": "EndpointProperty", "name": "authorization", "value": "inbox-secret"},
            {"@type": "EndpointProperty", "name": "authType", "value": "bearer"}]});
    let request = json!({"agreementId": agreement, "format": "HttpData-PUSH", "dataAddress": destination});
    let answer = consumer.post("/transfers", &request).await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    let completed = reaches(&consumer, "transfers", pid(&answer.json()), "COMPLETED").await;
    let steps: Vec<&str> =
        completed["history"].as_array().unwrap().iter().map(|step| step["to"].as_str().unwrap()).collect();
    assert_eq!(steps, ["REQUESTED", "STARTED", "COMPLETED"], "the provider completes once delivered");
    assert_eq!(received.recv().await.as_deref(), Some(DATA), "the backend's data, in the consumer's inbox");

    let nowhere = json!({"@type": "DataAddress", "endpointType": "https://w3id.org/idsa/v4.1/HTTP"});
    let request = json!({"agreementId": agreement, "format": "HttpData-PUSH", "dataAddress": nowhere});
    let answer = consumer.post("/transfers", &request).await;
    let refused = reaches(&consumer, "transfers", pid(&answer.json()), "TERMINATED").await;
    assert!(refused["explanation"]["reason"].as_str().unwrap().contains("endpoint"), "{refused}");
    consumer.stop().await;
    provider.stop().await;
}

#[tokio::test]
async fn a_request_the_provider_cannot_serve_ends_the_transfer_with_its_reason() {
    let (provider, consumer, agreement) = agreed(Db::Sqlite, members_contract(&[])).await;
    let answer = consumer.post("/transfers", &json!({"agreementId": agreement, "format": "MQTT-PUSH"})).await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    let ended = reaches(&consumer, "transfers", pid(&answer.json()), "TERMINATED").await;
    let reason = ended["explanation"]["reason"].as_str().unwrap();
    assert!(reason.contains("no distribution in the format `MQTT-PUSH`"), "{reason}");
    let listed = provider.get("/transfers").await.json();
    assert_eq!(listed["items"], json!([]), "the provider kept nothing of a refused request");

    let unknown =
        consumer.post("/transfers", &json!({"agreementId": "urn:uuid:none", "format": "HttpData-PULL"})).await;
    assert_eq!(unknown.invalid_field("/agreementId")["status"], 400);

    // Bad input on the management API: problems naming the field, never a 5xx or a half-made transfer.
    let no_agreement = consumer.post("/transfers", &json!({"format": "HttpData-PULL"})).await;
    assert_eq!(no_agreement.problem(400)["status"], 400);
    let problem = no_agreement.problem(400);
    assert!(problem["detail"].as_str().unwrap().contains("`agreementId`"), "the problem names the field: {problem}");
    let errors = problem["errors"].as_array().expect("field errors");
    assert_eq!(errors.len(), 1, "{problem}");
    assert!(errors[0]["detail"].as_str().unwrap().contains("missing field `agreementId`"), "{problem}");
    no_agreement.invalid_field("/agreementId");
    let no_format = consumer.post("/transfers", &json!({"agreementId": agreement, "format": " "})).await;
    assert_eq!(no_format.invalid_field("/format")["status"], 400);
    let bad_address = json!({"agreementId": agreement, "format": "HttpData-PUSH", "dataAddress": {"endpoint": 7}});
    assert_eq!(consumer.post("/transfers", &bad_address).await.invalid_field("/dataAddress")["status"], 400);
    assert_eq!(consumer.get("/transfers/urn:uuid:none").await.problem(404)["status"], 404);
    let ended = consumer.get("/transfers").await.json()["items"][0]["pid"].as_str().unwrap().to_owned();
    assert_eq!(
        consumer.post(&format!("/transfers/{}/explode", enc(&ended)), &json!({})).await.problem(404)["status"],
        404
    );
    assert_eq!(
        consumer.post(&format!("/transfers/{}/resume", enc(&ended)), &json!({})).await.problem(409)["status"],
        409
    );
    assert_eq!(consumer.get("/transfers").await.json()["items"].as_array().unwrap().len(), 1, "nothing half-made");

    // On the DSP side, a transfer message from a caller without a token never reaches the process.
    let anonymous = reqwest::Client::new()
        .post(format!("{}/transfers/request", provider.dsp_base()))
        .json(&json!({"@type": "TransferRequestMessage"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let listed = provider.get("/transfers").await.json();
    assert_eq!(listed["items"], json!([]), "the provider kept nothing of an unauthenticated request");
    consumer.stop().await;
    provider.stop().await;
}

#[tokio::test]
async fn a_transfer_ends_when_its_agreement_does() {
    let end = (chrono::Utc::now() + chrono::TimeDelta::seconds(4)).to_rfc3339();
    let until = json!({"leftOperand": "dateTime", "operator": "lt",
        "rightOperand": {"@value": end, "@type": "xsd:dateTime"}});
    let (provider, consumer, agreement) = agreed(Db::Sqlite, members_contract(&[until])).await;
    let requested = pull(&consumer, &agreement).await;
    let started = reaches(&consumer, "transfers", pid(&requested), "STARTED").await;
    let (endpoint, token) = access(&started);
    assert_eq!(read(&endpoint, &token).await.0, 200);
    let ended = reaches(&consumer, "transfers", pid(&requested), "TERMINATED").await;
    assert!(ended["explanation"]["reason"].as_str().unwrap().contains("agreement ended"), "{ended}");
    assert_eq!(read(&endpoint, &token).await.0, 403, "expired: refused");
    consumer.stop().await;
    provider.stop().await;
}

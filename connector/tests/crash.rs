//! Crash safety of contract negotiation: two connectors run as separate processes of the real binary; one of them
//! kills itself with SIGKILL (the scenario driver's crash points, `LDT_TEST_CRASH_AT`) after each of its commits or
//! right after a peer acknowledged a message it had not yet recorded as delivered. Restarted on the same data, it
//! must bring the negotiation to FINALIZED with exactly one agreement on each side.

mod common;

use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ldt_catalog::LdtKind;
use ldt_catalog::offer::offer_iri;
use serde_json::{Value, json};

const API_KEY: &str = "crash-test-management-key-0123456789";
const PROVIDER_ID: &str = "did:web:provider.crash";
const CONSUMER_ID: &str = "did:web:consumer.crash";
const DATASET: &str = "traffic-prediction";

/// Which side dies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Provider,
    Consumer,
}

/// One connector process and what it needs to be started again on the same data.
struct Node {
    side: Side,
    config: PathBuf,
    url: String,
    child: Child,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Writes the configuration of `side` (static tokens between the two, fast retries) into `dir`.
fn write_config(dir: &Path, side: Side, port: u16) -> PathBuf {
    let (id, peer, own_token, peer_token) = match side {
        Side::Provider => (PROVIDER_ID, CONSUMER_ID, "provider-token-0123456789", "consumer-token-0123456789"),
        Side::Consumer => (CONSUMER_ID, PROVIDER_ID, "consumer-token-0123456789", "provider-token-0123456789"),
    };
    let config = format!(
        r#"data_dir = "{dir}"
[server]
bind = "127.0.0.1:{port}"
[management]
api_key = "{API_KEY}"
[participant]
id = "{id}"
name = "{side:?}"
[dsp]
outbound_token = "{own_token}"
tokens = [{{ token = "{peer_token}", participant = "{peer}" }}]
[negotiation]
retry_initial_ms = 50
retry_max_secs = 1
"#,
        dir = dir.join("data").display(),
    );
    let path = dir.join("config.toml");
    std::fs::write(&path, config).unwrap();
    path
}

/// Starts the binary with `config`, crashing at `crash` if given, and waits until it serves.
async fn spawn(side: Side, config: &Path, port: u16, crash: Option<&str>) -> Node {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ldt-connector"));
    command
        .args(["serve", "--config"])
        .arg(config)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(config.with_extension("log")).unwrap());
    command.env_remove("LDT_TEST_CRASH_AT").env("LDT_LOG", "ldt_connector=debug");
    if let Some(crash) = crash {
        command.env("LDT_TEST_CRASH_AT", crash);
    }
    let child = command.spawn().expect("the connector binary starts");
    let url = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while client.get(format!("{url}/.well-known/dspace-version")).send().await.is_err() {
        assert!(Instant::now() < deadline, "{side:?} did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Node { side, config: config.to_owned(), url, child }
}

impl Node {
    async fn api(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> reqwest::Result<Value> {
        let mut request = reqwest::Client::new()
            .request(method, format!("{}/management/v1{path}", self.url))
            .header("x-api-key", API_KEY);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await?.json().await
    }

    async fn get(&self, path: &str) -> Value {
        self.api(reqwest::Method::GET, path, None).await.expect("the connector answers")
    }

    async fn post(&self, path: &str, body: &Value) -> reqwest::Result<Value> {
        self.api(reqwest::Method::POST, path, Some(body)).await
    }

    /// Waits until this process has died of SIGKILL.
    async fn killed(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.signal(), Some(9), "{:?} ended without its crash: {status}", self.side);
                return;
            }
            let log = std::fs::read_to_string(self.config.with_extension("log")).unwrap_or_default();
            assert!(Instant::now() < deadline, "{:?} never reached its crash point; its log:\n{log}", self.side);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Starts the process again on the same data and port.
    async fn restart(self) -> Node {
        let port = self.url.rsplit(':').next().unwrap().parse().unwrap();
        spawn(self.side, &self.config, port, None).await
    }

    /// Its only negotiation, once it is FINALIZED.
    async fn finalized(&self) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let listing = self.get("/negotiations").await;
            let items = listing["items"].as_array().unwrap();
            assert!(items.len() <= 1, "{:?} holds more than one negotiation: {listing}", self.side);
            if let Some(negotiation) = items.first().filter(|negotiation| negotiation["state"] == "FINALIZED") {
                return negotiation.clone();
            }
            assert!(Instant::now() < deadline, "{:?} did not finalize: {listing}", self.side);
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The provider's dataset, open contract policy and offer, through its management API.
async fn seed(provider: &Node) {
    let product = serde_json::to_value(common::product(DATASET, LdtKind::ModelOutput, &["traffic"])).unwrap();
    provider.post("/datasets", &product).await.unwrap();
    let policy = json!({"id": "open", "policy": {"@type": "Set", "permission": [{"action": "use"}]}});
    provider.post("/policies", &policy).await.unwrap();
    let offer = json!({"id": "open-offer", "contractPolicyId": "open", "datasets": {"ids": [DATASET]}});
    provider.post("/offers", &offer).await.unwrap();
}

/// One run: `victim` dies at `crash`, is restarted, and both sides end FINALIZED with one and the same agreement.
async fn survives(victim: Side, crash: &str) {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let ports = [free_port(), free_port()];
    let configs = [
        write_config(dirs[0].path(), Side::Provider, ports[0]),
        write_config(dirs[1].path(), Side::Consumer, ports[1]),
    ];
    let crash_of = |side: Side| (side == victim).then_some(crash);
    let mut provider = spawn(Side::Provider, &configs[0], ports[0], crash_of(Side::Provider)).await;
    let mut consumer = spawn(Side::Consumer, &configs[1], ports[1], crash_of(Side::Consumer)).await;
    seed(&provider).await;
    let request = json!({"counterPartyAddress": provider.url, "counterPartyId": PROVIDER_ID, "datasetId": DATASET,
        "offerId": offer_iri("open-offer", DATASET)});
    // When the consumer dies on its first commit, the answer may never come: the negotiation is stored regardless.
    let _ = consumer.post("/negotiations", &request).await;
    match victim {
        Side::Provider => {
            provider.killed().await;
            provider = provider.restart().await;
        }
        Side::Consumer => {
            consumer.killed().await;
            consumer = consumer.restart().await;
        }
    }
    let (mine, theirs) = (consumer.finalized().await, provider.finalized().await);
    assert_eq!(mine["peerPid"], theirs["pid"], "{crash}: both sides hold the same negotiation");
    let agreements = [consumer.get("/agreements").await, provider.get("/agreements").await];
    for listing in &agreements {
        assert_eq!(listing["items"].as_array().unwrap().len(), 1, "{crash}: {listing}");
    }
    assert_eq!(agreements[0]["items"][0]["id"], agreements[1]["items"][0]["id"], "{crash}");
    assert_eq!(mine["agreement"], theirs["agreement"], "{crash}");
}

#[tokio::test]
async fn the_consumer_killed_after_each_commit_finalizes_after_restart() {
    for n in 1..=5 {
        survives(Side::Consumer, &format!("commit:{n}")).await;
    }
}

#[tokio::test]
async fn the_provider_killed_after_each_commit_finalizes_after_restart() {
    for n in 1..=4 {
        survives(Side::Provider, &format!("commit:{n}")).await;
    }
}

#[tokio::test]
async fn a_side_killed_between_delivery_and_its_record_sends_again_without_a_second_agreement() {
    for n in 1..=2 {
        survives(Side::Consumer, &format!("posted:{n}")).await;
        survives(Side::Provider, &format!("posted:{n}")).await;
    }
}

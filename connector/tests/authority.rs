//! The data-space authority end to end: two LDT connectors apply for membership (proving control of their DID),
//! the authority's administrator approves, the credentials arrive in their credential services, and then they
//! read each other's catalogues; suspension, reinstatement and revocation take effect through the status lists; an
//! unknown connector is refused; members find each other in the registry. Real HTTP, keys and signatures.

mod common;

use common::Db;
use common::connector::{Answer, TestConnector, start_with};
use ldt_catalog::LdtKind;
use ldt_catalog::offer::DatasetSelector;
use ldt_connector::config::Config;
use ldt_identity::trust::{TrustedIssuer, TrustedIssuers};
use serde_json::{Value, json};

/// DCP over plain HTTP, nothing cached that would hide a change, room for a message of several credentials.
fn no_caches(config: &mut Config) {
    config.server.max_body_bytes = 1 << 20;
    config.dsp.tokens.clear();
    config.identity.did_web_https = false;
    config.identity.presentation_cache_secs = 0;
    config.identity.status_cache_secs = 0;
}

async fn authority(auto_approve: &[&str]) -> TestConnector {
    let auto_approve: Vec<String> = auto_approve.iter().map(|prefix| prefix.to_string()).collect();
    start_with(Db::Sqlite, move |config| {
        no_caches(config);
        config.authority.enabled = true;
        config.authority.auto_approve = auto_approve;
    })
    .await
}

/// An LDT connector trusting `authority` for every credential type, offering one open dataset.
async fn ldt(db: Db, authority: &TestConnector) -> TestConnector {
    let trusted = TrustedIssuers(vec![TrustedIssuer { issuer: authority.state().identity.did.clone(), types: vec![] }]);
    let ldt = start_with(db, move |config| {
        no_caches(config);
        config.identity.trusted_issuers = trusted;
    })
    .await;
    ldt.seed_products(&[common::product("traffic-flow", LdtKind::Raw, &["traffic"])]).await;
    ldt.seed_policy("open-use", json!({"@type": "Set", "permission": [{"action": "use"}]})).await;
    ldt.seed_offer("open", "open-use", DatasetSelector::Ids(vec!["traffic-flow".into()])).await;
    ldt
}

async fn apply(ldt: &TestConnector, authority: &TestConnector, name: &str) -> Value {
    let body = json!({"authorityAddress": authority.url(), "legalName": name, "ldt": format!("{name} twin"),
                      "contact": "data@city.example", "roles": ["DataProviderCredential", "DataConsumerCredential"]});
    let answer = ldt.post("/membership/apply", &body).await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    answer.json()
}

/// The administrator's `decision` on `did`, as answered.
async fn decision(authority: &TestConnector, did: &str, decision: &str) -> Answer {
    let did: String = url::form_urlencoded::byte_serialize(did.as_bytes()).collect();
    authority.post(&format!("/authority/members/{did}/{decision}"), &json!({})).await
}

/// The administrator's `decision` on `did`, which must be taken: the member's registry entry.
async fn decide(authority: &TestConnector, did: &str, decision_name: &str) -> Value {
    let answer = decision(authority, did, decision_name).await;
    assert_eq!(answer.status, 200, "{decision_name}: {}", answer.text());
    answer.json()
}

/// A `GET` of `url`, read as JSON.
async fn get_json(http: &reqwest::Client, url: String, token: Option<String>) -> Value {
    let request = http.get(url);
    let request = match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    request.send().await.unwrap().json().await.unwrap()
}

async fn catalogue_status(consumer: &TestConnector, provider: &TestConnector) -> (u16, String) {
    let answer = consumer.post("/catalog/request", &json!({"counterPartyAddress": provider.url()})).await;
    (answer.status.as_u16(), answer.text())
}

async fn onboarding_suspension_and_revocation(db: Db) {
    let authority = authority(&[]).await;
    let traffic = ldt(db, &authority).await;
    let air = ldt(db, &authority).await;
    let (traffic_did, air_did) = (traffic.state().identity.did.clone(), air.state().identity.did.clone());

    assert_eq!(apply(&traffic, &authority, "Traffic").await["state"], "pending");
    assert_eq!(apply(&air, &authority, "Air quality").await["state"], "pending");
    let (status, text) = catalogue_status(&air, &traffic).await;
    assert_eq!(status, 424, "an applicant is not yet a member: {text}");

    assert_eq!(decide(&authority, &traffic_did, "approve").await["state"], "approved");
    assert_eq!(decide(&authority, &air_did, "approve").await["state"], "approved");
    let held = air.store().held_credentials(&[]).await.unwrap();
    let kinds: Vec<&str> = held.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, ["MembershipCredential", "DataProviderCredential", "DataConsumerCredential"]);

    let (status, text) = catalogue_status(&air, &traffic).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("traffic-flow"), "{text}");

    let answer = air.post("/participants/request", &json!({"authorityAddress": authority.url()})).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let registry = answer.json();
    let dids: Vec<&str> = registry.as_array().unwrap().iter().map(|p| p["did"].as_str().unwrap()).collect();
    assert_eq!(dids, [traffic_did.as_str(), air_did.as_str()]);
    assert_eq!(registry[0]["dspAddress"], traffic.url());

    decide(&authority, &air_did, "suspend").await;
    let (status, text) = catalogue_status(&air, &traffic).await;
    assert!(status == 424 && text.contains("suspended"), "{status}: {text}");
    decide(&authority, &air_did, "reinstate").await;
    assert_eq!(catalogue_status(&air, &traffic).await.0, 200);
    decide(&authority, &air_did, "revoke").await;
    let (status, text) = catalogue_status(&air, &traffic).await;
    assert!(status == 424 && text.contains("revoked"), "{status}: {text}");
    let again = decision(&authority, &air_did, "reinstate").await;
    assert_eq!(again.status, 409, "a revocation is final: {}", again.text());
}

#[tokio::test]
async fn onboarding_suspension_and_revocation_on_sqlite() {
    onboarding_suspension_and_revocation(Db::Sqlite).await
}

#[tokio::test]
async fn onboarding_suspension_and_revocation_on_postgres() {
    onboarding_suspension_and_revocation(Db::Postgres).await
}

#[tokio::test]
async fn a_configured_rule_approves_and_an_unknown_connector_is_refused() {
    let authority = authority(&["did:web:127.0.0.1"]).await;
    let traffic = ldt(Db::Sqlite, &authority).await;
    let stranger = ldt(Db::Sqlite, &authority).await;
    assert_eq!(apply(&traffic, &authority, "Traffic").await["state"], "approved");
    let (status, text) = catalogue_status(&stranger, &traffic).await;
    assert!(status == 424 && text.contains("MembershipCredential"), "{status}: {text}");
    let registry = stranger.http().get(format!("{}/authority/participants", authority.url())).send().await.unwrap();
    assert_eq!(registry.status(), 401, "the registry is for members");
    let through_management =
        stranger.post("/participants/request", &json!({"authorityAddress": authority.url()})).await;
    assert_eq!(through_management.status, 424, "{}", through_management.text());
    assert!(through_management.text().contains("MembershipCredential"), "{}", through_management.text());
}

#[tokio::test]
async fn an_application_must_prove_control_of_its_did() {
    let authority = authority(&[]).await;
    let applicant = ldt(Db::Sqlite, &authority).await;
    let http = applicant.http();
    let did = applicant.state().identity.did.clone();
    let challenge: Value = http
        .post(format!("{}/authority/challenge", authority.url()))
        .json(&json!({"did": did}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let malformed =
        http.post(format!("{}/authority/challenge", authority.url())).json(&json!({"did": 5})).send().await.unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(malformed.headers()["content-type"], "application/problem+json");
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"iss": did, "aud": challenge["authority"], "nonce": challenge["challenge"], "iat": now, "exp": now + 300});
    let application = |proof: String| {
        json!({"did": did, "legalName": "X", "ldt": "X twin", "contact": "x@example.org",
               "dspAddress": applicant.url(), "proof": proof})
    };
    let stray = ldt_identity::keys::SigningKey::generate("key-1", ldt_identity::keys::KeyAlgorithm::EdDsa).unwrap();
    let forged = stray.sign("JWT", &format!("{did}#key-1"), &claims).unwrap();
    let refused = http
        .post(format!("{}/authority/applications", authority.url()))
        .json(&application(forged))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401, "a key not in the DID document: {}", refused.text().await.unwrap());
    let key = applicant.state().identity.key();
    let proof = key.sign("JWT", &format!("{did}#{}", key.id()), &claims).unwrap();
    let accepted = http
        .post(format!("{}/authority/applications", authority.url()))
        .json(&application(proof.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 201);
    let replayed = http
        .post(format!("{}/authority/applications", authority.url()))
        .json(&application(proof))
        .send()
        .await
        .unwrap();
    assert_eq!(replayed.status(), 401, "a challenge is used once");
}

#[tokio::test]
async fn a_member_renews_its_credentials_through_the_issuer_service() {
    let authority = authority(&["did:web:127.0.0.1"]).await;
    let member = ldt(Db::Sqlite, &authority).await;
    let stranger = ldt(Db::Sqlite, &authority).await;
    apply(&member, &authority, "Traffic").await;
    let authority_did = authority.state().identity.did.clone();
    let metadata = get_json(member.http(), format!("{}/authority/issuer/metadata", authority.url()), None).await;
    assert_eq!(metadata["issuer"], authority_did.as_str());
    assert_eq!(metadata["credentialsSupported"].as_array().unwrap().len(), 4);

    let request = |credentials: Value| json!({"authorityAddress": authority.url(), "credentials": credentials});
    let answer = member.post("/membership/credentials/request", &request(json!(["MembershipCredential"]))).await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    let location = answer.json()["location"].as_str().unwrap().to_owned();
    let holder_pid = answer.json()["holderPid"].as_str().unwrap().to_owned();
    let mut status = Value::Null;
    for _ in 0..100 {
        let token = member.state().identity.self_issued(&authority_did, None).unwrap();
        status = get_json(member.http(), format!("{}{location}", authority.url()), Some(token)).await;
        if status["status"] != "RECEIVED" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status["status"], "ISSUED", "{status}");
    assert_eq!(status["holderPid"], holder_pid.as_str());
    let memberships = member.store().held_credentials(&["MembershipCredential".into()]).await.unwrap();
    assert_eq!(memberships.len(), 2, "the renewed membership arrived");

    let token = stranger.state().identity.self_issued(&authority_did, None).unwrap();
    let foreign =
        stranger.http().get(format!("{}{location}", authority.url())).bearer_auth(token).send().await.unwrap();
    assert_eq!(foreign.status(), 404, "a request's status is for its holder only");
    let not_entitled =
        member.post("/membership/credentials/request", &request(json!(["ComponentProviderCredential"]))).await;
    assert_eq!(not_entitled.status, 424, "{}", not_entitled.text());
    assert!(not_entitled.text().contains("not entitled"), "{}", not_entitled.text());
    let not_member = stranger.post("/membership/credentials/request", &request(json!(["MembershipCredential"]))).await;
    assert_eq!(not_member.status, 424, "{}", not_member.text());
}

//! Contract negotiation between two of our connectors over real HTTP, with DCP tokens and membership credentials
//! from a stand-in authority: the agreement reached on both sides, a refusal with its policy explanation, operator
//! approval, illegal and foreign messages refused, and the live event feed.

mod common;

use std::time::Duration;

use common::Db;
use common::authority::TestAuthority;
use common::connector::{Body, DSP_CONTEXT, TestConnector, start_with};
use common::contract::{DATASET, PURPOSE, consumer, member_of, provider, reaches, request};
use ldt_catalog::LdtKind;
use ldt_catalog::offer::{DatasetSelector, Offer, offer_iri};
use ldt_connector::config::{Approval, Config};
use serde_json::{Value, json};

/// The provider's negotiation for the consumer's `negotiation`.
async fn provider_side(provider: &TestConnector, consumer: &TestConnector, negotiation: &Value) -> Value {
    let pid = reaches(consumer, "negotiations", negotiation["pid"].as_str().unwrap(), "FINALIZED")
        .await
        .get("peerPid")
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();
    provider.get(&format!("/negotiations/{}", common::connector::enc(&pid))).await.json()
}

async fn two_connectors_agree(db: Db) {
    let authority = TestAuthority::start().await;
    let provider = provider(db, &authority, Approval::Auto).await;
    let consumer = consumer(db, &authority).await;
    let started = request(&consumer, &provider, PURPOSE).await;
    assert_eq!((started["state"].as_str(), started["role"].as_str()), (Some("REQUESTED"), Some("consumer")));

    let mine = reaches(&consumer, "negotiations", started["pid"].as_str().unwrap(), "FINALIZED").await;
    let theirs = provider_side(&provider, &consumer, &started).await;
    assert_eq!(theirs["state"], "FINALIZED");
    assert_eq!(mine["agreement"], theirs["agreement"], "both sides hold the same agreement");
    let agreement = &mine["agreement"];
    assert_eq!(agreement["assigner"], provider.state().identity.did.as_str());
    assert_eq!(agreement["assignee"], consumer.state().identity.did.as_str());
    assert_eq!(agreement["target"], "traffic-prediction");
    assert_eq!(agreement["prohibition"], json!([{"action": "distribute"}]));
    let steps = |negotiation: &Value| -> Vec<String> {
        negotiation["history"].as_array().unwrap().iter().map(|step| step["to"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(steps(&mine), ["REQUESTED", "AGREED", "VERIFIED", "FINALIZED"]);
    assert_eq!(steps(&theirs), ["REQUESTED", "AGREED", "VERIFIED", "FINALIZED"]);

    for side in [&consumer, &provider] {
        let agreements = side.get("/agreements").await.json();
        assert_eq!(agreements["items"].as_array().unwrap().len(), 1, "{agreements}");
        assert_eq!(agreements["items"][0]["id"], agreement["@id"]);
        let one =
            side.get(&format!("/agreements/{}", common::connector::enc(agreement["@id"].as_str().unwrap()))).await;
        assert_eq!(one.status, 200);
    }
    consumer.stop().await;
    provider.stop().await;
}

#[tokio::test]
async fn two_connectors_agree_on_sqlite() {
    two_connectors_agree(Db::Sqlite).await;
}

#[tokio::test]
async fn two_connectors_agree_on_postgres() {
    two_connectors_agree(Db::Postgres).await;
}

#[tokio::test]
async fn a_request_for_another_purpose_is_terminated_with_the_explanation() {
    let authority = TestAuthority::start().await;
    let provider = provider(Db::Sqlite, &authority, Approval::Auto).await;
    let consumer = consumer(Db::Sqlite, &authority).await;
    let started = request(&consumer, &provider, "https://w3id.org/ldt-connector/purpose/marketing").await;
    let mine = reaches(&consumer, "negotiations", started["pid"].as_str().unwrap(), "TERMINATED").await;
    let reason = mine["explanation"]["reason"].as_str().unwrap();
    assert!(reason.contains("terminated by the provider") && reason.contains("purpose"), "{reason}");
    let path = format!("/negotiations/{}", common::connector::enc(mine["peerPid"].as_str().unwrap()));
    let theirs = provider.get(&path).await.json();
    assert_eq!(theirs["state"], "TERMINATED");
    assert_eq!(theirs["explanation"]["decision"]["outcome"], "deny", "{theirs}");
    assert!(consumer.get("/agreements").await.json()["items"].as_array().unwrap().is_empty());
    consumer.stop().await;
    provider.stop().await;
}

#[tokio::test]
async fn in_operator_approval_mode_a_request_waits_for_the_operator() {
    let authority = TestAuthority::start().await;
    let provider = provider(Db::Sqlite, &authority, Approval::Operator).await;
    let consumer = consumer(Db::Sqlite, &authority).await;
    let mut feed = provider
        .http()
        .get(format!("{}/management/v1/events", provider.url()))
        .header("x-api-key", common::connector::API_KEY)
        .send()
        .await
        .unwrap();
    let started = request(&consumer, &provider, PURPOSE).await;
    let waiting = loop {
        let listing = provider.get("/negotiations").await.json();
        if let Some(found) = listing["items"].as_array().unwrap().iter().find(|n| n["awaitingOperator"] == true) {
            break found.clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(waiting["state"], "REQUESTED");
    let path = format!("/negotiations/{}", common::connector::enc(waiting["pid"].as_str().unwrap()));
    assert_eq!(provider.post(&format!("{path}/accept"), &json!({})).await.status, 409, "a provider does not accept");
    let approved = provider.post(&format!("{path}/approve"), &json!({})).await;
    assert_eq!(approved.status, 200, "{}", approved.text());
    reaches(&consumer, "negotiations", started["pid"].as_str().unwrap(), "FINALIZED").await;
    assert_eq!(provider.post(&format!("{path}/approve"), &json!({})).await.status, 409, "only once");

    // The feed reported the provider's steps as they were committed.
    let mut seen = String::new();
    while !seen.contains("FINALIZED") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), feed.chunk()).await.unwrap().unwrap().unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: state") && seen.contains("\"awaitingOperator\":true"), "{seen}");
    consumer.stop().await;
    provider.stop().await;
}

#[tokio::test]
async fn illegal_unknown_and_foreign_messages_are_refused_without_changing_anything() {
    let authority = TestAuthority::start().await;
    let provider = provider(Db::Sqlite, &authority, Approval::Operator).await;
    let consumer = consumer(Db::Sqlite, &authority).await;
    request(&consumer, &provider, PURPOSE).await;
    let waiting = loop {
        let listing = provider.get("/negotiations").await.json();
        if let Some(found) = listing["items"].as_array().unwrap().first() {
            break found.clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let (provider_pid, consumer_pid) = (waiting["pid"].as_str().unwrap(), waiting["peerPid"].as_str().unwrap());
    // As the consumer's connector would send it: with its own DCP token.
    let token = consumer.state().identity.dsp_token(&provider.state().identity.did).unwrap();
    let verification = json!({"@context": [DSP_CONTEXT], "@type": "ContractAgreementVerificationMessage",
        "providerPid": provider_pid, "consumerPid": consumer_pid});
    let url = format!("{}/negotiations/{provider_pid}/agreement/verification", provider.dsp_base());
    let refused = provider.dsp_post(&url, Some(&token), Body::Json(&verification), false).await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    let error = refused.json();
    assert_eq!(error["@type"], "ContractNegotiationError");
    assert_eq!(
        (error["providerPid"].as_str(), error["consumerPid"].as_str()),
        (Some(provider_pid), Some(consumer_pid))
    );
    assert!(error["reason"][0].as_str().unwrap().contains("cannot follow REQUESTED"), "{error}");

    let token = consumer.state().identity.dsp_token(&provider.state().identity.did).unwrap();
    let unknown = format!("{}/negotiations/urn:uuid:nothing/agreement/verification", provider.dsp_base());
    let mut body = verification.clone();
    body["providerPid"] = json!("urn:uuid:nothing");
    assert_eq!(provider.dsp_post(&unknown, Some(&token), Body::Json(&body), false).await.status, 404);

    // Another member is not this negotiation's counter-party: 404, as if it did not exist.
    let stranger = start_with(Db::Sqlite, member_of(&authority, Approval::Auto)).await;
    authority.admit(&stranger, 2).await;
    let token = stranger.state().identity.dsp_token(&provider.state().identity.did).unwrap();
    let foreign = provider.dsp_post(&url, Some(&token), Body::Json(&verification), false).await;
    assert_eq!(foreign.status, 404, "{}", foreign.text());
    let token = stranger.state().identity.dsp_token(&provider.state().identity.did).unwrap();
    let peek = provider.dsp_get(&format!("/negotiations/{provider_pid}"), Some(&token)).await;
    assert_eq!(peek.status, 404);

    let unchanged = provider.get(&format!("/negotiations/{}", common::connector::enc(provider_pid))).await.json();
    assert_eq!(unchanged["state"], "REQUESTED");
    assert_eq!(unchanged["history"].as_array().unwrap().len(), 1);
    for connector in [stranger, consumer, provider] {
        connector.stop().await;
    }
}

/// A request names an offer by its IRI: an offer the caller may not see (its access policy is not met), an offer
/// not covering the dataset, and one that does not exist are all refused alike, and nothing is stored; an offer
/// under an access policy the caller meets is negotiated.
async fn only_offers_the_caller_may_see_are_negotiated(db: Db) {
    let authority = TestAuthority::start().await;
    let provider = provider(db, &authority, Approval::Auto).await;
    let consumer = consumer(db, &authority).await;
    provider.seed_products(&[common::product("air-quality", LdtKind::Raw, &["air"])]).await;
    let access = |claim: &str| {
        json!({"@type": "Set", "permission": [{"action": "use", "constraint": [
        {"leftOperand": common::connector::MEMBERSHIP_CLAIM, "operator": "eq", "rightOperand": claim}]}]})
    };
    provider.seed_policy("insiders", access("board")).await;
    provider.seed_policy("members", access("active")).await;
    for (id, access_policy) in [("insiders", "insiders"), ("members-only", "members")] {
        let offer = Offer {
            id: id.into(),
            access_policy_id: Some(access_policy.into()),
            contract_policy_id: "air-quality-members".into(),
            datasets: DatasetSelector::Ids(vec![DATASET.into()]),
        };
        provider.store().create_offer(&offer).await.unwrap();
    }
    let url = format!("{}/negotiations/request", provider.dsp_base());
    let ask = |offer: String, target: &str| {
        json!({"@context": [DSP_CONTEXT], "@type": "ContractRequestMessage", "consumerPid": "urn:uuid:asking",
            "callbackAddress": format!("{}/callback", consumer.dsp_base()),
            "offer": {"@id": offer, "@type": "Offer", "target": target,
                "permission": [{"action": "use", "constraint": [
                    {"leftOperand": common::connector::MEMBERSHIP_CLAIM, "operator": "eq", "rightOperand": "active"},
                    {"leftOperand": "purpose", "operator": "isA", "rightOperand": PURPOSE}]}],
                "prohibition": [{"action": "distribute"}]}})
    };
    let hidden = [
        (offer_iri("insiders", DATASET), DATASET),
        (offer_iri("modelling", "air-quality"), "air-quality"),
        (offer_iri("nothing", DATASET), DATASET),
        ("urn:ldt:not-an-offer".to_owned(), DATASET),
    ];
    for (offer, target) in hidden {
        let token = consumer.state().identity.dsp_token(&provider.state().identity.did).unwrap();
        let refused = provider.dsp_post(&url, Some(&token), Body::Json(&ask(offer.clone(), target)), false).await;
        assert_eq!(refused.status, 400, "{offer}: {}", refused.text());
        let error = refused.json();
        assert_eq!(error["code"], "UnknownOffer", "{offer}: {error}");
        assert!(error["reason"][0].as_str().unwrap().contains("is not an offer of this catalogue"), "{error}");
    }
    assert!(provider.get("/negotiations").await.json()["items"].as_array().unwrap().is_empty());

    let token = consumer.state().identity.dsp_token(&provider.state().identity.did).unwrap();
    let seen = ask(offer_iri("members-only", DATASET), DATASET);
    let created = provider.dsp_post(&url, Some(&token), Body::Json(&seen), false).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let listing = provider.get("/negotiations").await.json();
    assert_eq!(listing["items"][0]["offer"]["@id"], offer_iri("members-only", DATASET).as_str(), "{listing}");
    consumer.stop().await;
    provider.stop().await;
}

#[tokio::test]
async fn only_offers_the_caller_may_see_are_negotiated_on_sqlite() {
    only_offers_the_caller_may_see_are_negotiated(Db::Sqlite).await;
}

#[tokio::test]
async fn only_offers_the_caller_may_see_are_negotiated_on_postgres() {
    only_offers_the_caller_may_see_are_negotiated(Db::Postgres).await;
}

/// Static tokens between a provider participant and a consumer participant (no authority needed).
fn statically(own: &'static str, peer: &'static str) -> impl Fn(&mut Config) {
    move |config: &mut Config| {
        config.participant.id = Some(own.into());
        config.dsp.outbound_token = Some(format!("{own}-token-0123456789"));
        config.dsp.tokens = vec![ldt_connector::config::StaticToken {
            token: format!("{peer}-token-0123456789"),
            participant: peer.into(),
            claims: Value::Null,
        }];
        config.negotiation.retry_initial_ms = 20;
    }
}

/// Two replicas of one provider share a PostgreSQL schema (and so one outbox); consumers' requests reach either.
/// Every negotiation finalizes with exactly one agreement per side: the replicas' dispatchers never send the same
/// message twice, and a process's messages keep their order whichever replica sends them.
#[tokio::test]
async fn two_provider_replicas_on_postgres_share_the_work() {
    const PROVIDER: &str = "did:web:provider.replicated";
    const CONSUMER: &str = "did:web:consumer.replicated";
    let first = start_with(Db::Postgres, statically(PROVIDER, CONSUMER)).await;
    first.seed_products(&[common::product("traffic-prediction", LdtKind::ModelOutput, &["traffic"])]).await;
    first.seed_policy("open", json!({"@type": "Set", "permission": [{"action": "use"}]})).await;
    first.seed_offer("modelling", "open", DatasetSelector::Ids(vec!["traffic-prediction".into()])).await;
    let schema = first.state().config.database.schema.clone();
    let second = start_with(Db::Postgres, move |config| {
        statically(PROVIDER, CONSUMER)(config);
        config.database.schema = schema;
    })
    .await;
    let consumer = start_with(Db::Sqlite, statically(CONSUMER, PROVIDER)).await;
    let mut pids = Vec::new();
    for round in 0..20 {
        let replica = if round % 2 == 0 { &first } else { &second };
        let answer = consumer
            .post(
                "/negotiations",
                &json!({"counterPartyAddress": replica.url(), "counterPartyId": PROVIDER,
                    "datasetId": "traffic-prediction", "offerId": offer_iri("modelling", "traffic-prediction")}),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text());
        pids.push(answer.json()["pid"].as_str().unwrap().to_owned());
    }
    for pid in &pids {
        reaches(&consumer, "negotiations", pid, "FINALIZED").await;
    }
    let count = |listing: Value| listing["items"].as_array().unwrap().len();
    assert_eq!(count(consumer.get("/agreements?limit=100").await.json()), 20);
    assert_eq!(count(first.get("/agreements?limit=100").await.json()), 20, "one agreement per negotiation");
    assert_eq!(count(second.get("/negotiations?limit=100").await.json()), 20, "both replicas see every process");
    for connector in [consumer, second, first] {
        connector.stop().await;
    }
}

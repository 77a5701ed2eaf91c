//! Two of our connectors that reach agreements: members of a stand-in authority (DCP tokens, membership
//! credentials), a provider with one dataset under a contract policy for members who model air quality, and helpers
//! that ask for a contract and wait for a process to reach a state.

use std::time::Duration;

use ldt_catalog::offer::{DatasetSelector, Offer, offer_iri};
use ldt_catalog::{DataProduct, LdtKind};
use ldt_connector::config::{Approval, Config};
use ldt_identity::trust::{TrustedIssuer, TrustedIssuers};
use serde_json::{Value, json};

use super::Db;
use super::authority::TestAuthority;
use super::connector::{MEMBERSHIP_CLAIM, TestConnector, enc, start_with};

/// The purpose the contract policy asks for.
pub const PURPOSE: &str = "https://w3id.org/ldt-connector/purpose/air-quality-modelling";

/// The dataset the provider offers.
pub const DATASET: &str = "traffic-prediction";

/// DCP settings trusting `authority` for membership; retries fast so tests do not wait.
pub fn member_of(authority: &TestAuthority, approval: Approval) -> impl FnOnce(&mut Config) {
    let trusted = TrustedIssuers(vec![TrustedIssuer {
        issuer: authority.did.clone(),
        types: vec!["MembershipCredential".into()],
    }]);
    move |config: &mut Config| {
        config.dsp.tokens.clear();
        config.participant.id = None;
        config.identity.did_web_https = false;
        config.identity.trusted_issuers = trusted;
        config.negotiation.approval = approval;
        config.negotiation.retry_initial_ms = 20;
    }
}

/// The contract policy of the offer: members who model air quality may use the data, not distribute it; `extra`
/// constraints are added to the permission.
pub fn members_contract(extra: &[Value]) -> Value {
    let mut constraints = vec![
        json!({"leftOperand": MEMBERSHIP_CLAIM, "operator": "eq", "rightOperand": "active"}),
        json!({"leftOperand": "purpose", "operator": "isA", "rightOperand": PURPOSE}),
    ];
    constraints.extend_from_slice(extra);
    json!({"@type": "Set", "permission": [{"action": "use", "constraint": constraints}],
        "prohibition": [{"action": "distribute"}]})
}

/// A provider with the dataset [`DATASET`] under [`members_contract`].
pub async fn provider(db: Db, authority: &TestAuthority, approval: Approval) -> TestConnector {
    let product = super::product(DATASET, LdtKind::ModelOutput, &["traffic"]);
    provider_of(db, authority, approval, product, members_contract(&[]), |_| {}).await
}

/// A provider with `product` (its id must be [`DATASET`]) offered under `contract`, configured further by
/// `adjust`.
pub async fn provider_of(
    db: Db,
    authority: &TestAuthority,
    approval: Approval,
    product: DataProduct,
    contract: Value,
    adjust: impl FnOnce(&mut Config),
) -> TestConnector {
    let member = member_of(authority, approval);
    let provider = start_with(db, |config| {
        member(config);
        adjust(config);
    })
    .await;
    provider.seed_products(&[product]).await;
    provider.seed_policy("air-quality-members", contract).await;
    provider
        .store()
        .create_offer(&Offer {
            id: "modelling".into(),
            access_policy_id: None,
            contract_policy_id: "air-quality-members".into(),
            datasets: DatasetSelector::Ids(vec![DATASET.into()]),
        })
        .await
        .unwrap();
    authority.admit(&provider, 0).await;
    provider
}

/// A consumer admitted by `authority`.
pub async fn consumer(db: Db, authority: &TestAuthority) -> TestConnector {
    let consumer = start_with(db, member_of(authority, Approval::Auto)).await;
    authority.admit(&consumer, 1).await;
    consumer
}

/// `consumer` asks `provider` for the prediction with `purpose`; returns the consumer's negotiation.
pub async fn request(consumer: &TestConnector, provider: &TestConnector, purpose: &str) -> Value {
    let answer = consumer
        .post(
            "/negotiations",
            &json!({"counterPartyAddress": provider.url(), "datasetId": DATASET,
                "offerId": offer_iri("modelling", DATASET), "purpose": purpose}),
        )
        .await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    answer.json()
}

/// The id of the agreement `consumer` reaches with `provider` for the prediction.
pub async fn agreement(consumer: &TestConnector, provider: &TestConnector) -> String {
    let started = request(consumer, provider, PURPOSE).await;
    let negotiation = reaches(consumer, "negotiations", started["pid"].as_str().unwrap(), "FINALIZED").await;
    negotiation["agreement"]["@id"].as_str().unwrap().to_owned()
}

/// Waits until `connector`'s process `pid` in `collection` (`negotiations`, `transfers`) is in `state` (or fails
/// after 10 s); returns it with its history.
pub async fn reaches(connector: &TestConnector, collection: &str, pid: &str, state: &str) -> Value {
    let path = format!("/{collection}/{}", enc(pid));
    for _ in 0..500 {
        let process = connector.get(&path).await.json();
        if process["state"] == state {
            return process;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{pid} did not reach {state}: {}", connector.get(&path).await.text());
}

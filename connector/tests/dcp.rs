//! DCP 1.0 end to end: connectors on real HTTP verify each other's self-issued tokens and credentials issued by a
//! stand-in authority (its own HTTP server with DID document and status lists); every signature is real. One test
//! per refusal: no membership, revoked, suspended, expired token, replayed token (also after a restart), another
//! audience, an untrusted issuer, a key not in the caller's DID document.

mod common;

use chrono::{TimeDelta, Utc};
use common::Db;
use common::authority::TestAuthority;
use common::connector::{Answer, Body, DSP_CONTEXT, MEMBERSHIP_CLAIM, TestConnector, start_with};
use ldt_catalog::LdtKind;
use ldt_catalog::offer::{DatasetSelector, Offer};
use ldt_connector::config::Config;
use ldt_identity::keys::{KeyAlgorithm, SigningKey};
use ldt_identity::token;
use ldt_identity::trust::{TrustedIssuer, TrustedIssuers};
use serde_json::json;

/// DCP settings of a test connector trusting `issuers` for membership, caching nothing that could hide a change.
fn trusting(issuers: &[&TestAuthority]) -> impl FnOnce(&mut Config) {
    let trusted = TrustedIssuers(
        issuers
            .iter()
            .map(|authority| TrustedIssuer {
                issuer: authority.did.clone(),
                types: vec!["MembershipCredential".into()],
            })
            .collect(),
    );
    move |config: &mut Config| {
        config.dsp.tokens.clear();
        config.identity.did_web_https = false;
        config.identity.trusted_issuers = trusted;
        config.identity.presentation_cache_secs = 0;
        config.identity.status_cache_secs = 0;
    }
}

/// A provider offering one dataset to members only: its access policy reads the membership claim.
async fn provider(db: Db, authority: &TestAuthority) -> TestConnector {
    let provider = start_with(db, trusting(&[authority])).await;
    provider.seed_products(&[common::product("traffic-flow", LdtKind::Raw, &["traffic"])]).await;
    let members_only = json!({"@type": "Set", "permission": [{"action": "use", "constraint": [
        {"leftOperand": MEMBERSHIP_CLAIM, "operator": "eq", "rightOperand": "active"}]}]});
    provider.seed_policy("members-only", members_only).await;
    provider.seed_policy("open-use", json!({"@type": "Set", "permission": [{"action": "use"}]})).await;
    provider
        .store()
        .create_offer(&Offer {
            id: "for-members".into(),
            access_policy_id: Some("members-only".into()),
            contract_policy_id: "open-use".into(),
            datasets: DatasetSelector::Ids(vec!["traffic-flow".into()]),
        })
        .await
        .unwrap();
    provider
}

/// `consumer` reads `provider`'s catalogue through its management API (DCP tokens on the way out).
async fn read_catalog(consumer: &TestConnector, provider: &TestConnector) -> Answer {
    consumer.post("/catalog/request", &json!({"counterPartyAddress": provider.url()})).await
}

/// Asserts that `consumer` was refused by `provider` for `reason`.
async fn assert_refused(consumer: &TestConnector, provider: &TestConnector, reason: &str) {
    let answer = read_catalog(consumer, provider).await;
    assert_eq!(answer.status, 424, "{}", answer.text());
    assert!(answer.text().contains("401"), "{}", answer.text());
    assert!(answer.text().contains(reason), "expected `{reason}` in {}", answer.text());
}

/// A DSP catalogue request to `provider` with `token`.
async fn dsp_catalog(provider: &TestConnector, token: &str) -> Answer {
    let body = json!({"@context": [DSP_CONTEXT], "@type": "CatalogRequestMessage"});
    provider.dsp_post(&format!("{}/catalog/request", provider.dsp_base()), Some(token), Body::Json(&body), false).await
}

async fn a_member_is_served_and_its_membership_reaches_the_policies(db: Db) {
    let authority = TestAuthority::start().await;
    let provider = provider(db, &authority).await;
    let member = start_with(db, trusting(&[&authority])).await;
    authority.admit(&member, 1).await;
    let answer = read_catalog(&member, &provider).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["dataset"][0]["@id"], "traffic-flow", "the members-only dataset is shown");
}

#[tokio::test]
async fn a_member_is_served_on_sqlite() {
    a_member_is_served_and_its_membership_reaches_the_policies(Db::Sqlite).await
}

#[tokio::test]
async fn a_member_is_served_on_postgres() {
    a_member_is_served_and_its_membership_reaches_the_policies(Db::Postgres).await
}

#[tokio::test]
async fn a_connector_without_a_membership_credential_is_refused() {
    let authority = TestAuthority::start().await;
    let provider = provider(Db::Sqlite, &authority).await;
    let stranger = start_with(Db::Sqlite, trusting(&[&authority])).await;
    assert_refused(&stranger, &provider, "presented no valid MembershipCredential").await;
}

#[tokio::test]
async fn a_revoked_membership_is_refused() {
    let authority = TestAuthority::start().await;
    let provider = provider(Db::Sqlite, &authority).await;
    let member = start_with(Db::Sqlite, trusting(&[&authority])).await;
    authority.admit(&member, 7).await;
    assert_eq!(read_catalog(&member, &provider).await.status, 200);
    authority.revoke(7);
    assert_refused(&member, &provider, "revoked").await;
}

#[tokio::test]
async fn a_suspended_membership_is_refused() {
    let authority = TestAuthority::start().await;
    let provider = provider(Db::Sqlite, &authority).await;
    let member = start_with(Db::Sqlite, trusting(&[&authority])).await;
    authority.admit(&member, 9).await;
    authority.suspend(9);
    assert_refused(&member, &provider, "suspended").await;
}

#[tokio::test]
async fn a_membership_from_an_untrusted_issuer_is_refused() {
    let trusted = TestAuthority::start().await;
    let other = TestAuthority::start().await;
    let provider = provider(Db::Sqlite, &trusted).await;
    let member = start_with(Db::Sqlite, trusting(&[&trusted, &other])).await;
    other.admit(&member, 1).await;
    assert_refused(&member, &provider, "is not trusted").await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let authority = TestAuthority::start().await;
    let provider = provider(Db::Sqlite, &authority).await;
    let member = start_with(Db::Sqlite, trusting(&[&authority])).await;
    authority.admit(&member, 1).await;
    let identity = &member.state().identity;
    let an_hour_ago = Utc::now() - TimeDelta::hours(1);
    let expired = token::mint(
        identity.key(),
        &identity.did,
        &provider.state().identity.did,
        None,
        an_hour_ago,
        TimeDelta::minutes(5),
    )
    .unwrap();
    let answer = dsp_catalog(&provider, &expired).await;
    assert!(answer.catalog_error(401)["reason"].to_string().contains("expired"), "{}", answer.text());
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    let authority = TestAuthority::start().await;
    let provider = provider(Db::Sqlite, &authority).await;
    let member = start_with(Db::Sqlite, trusting(&[&authority])).await;
    authority.admit(&member, 1).await;
    let for_someone_else = member.state().identity.dsp_token("did:web:someone-else.example").unwrap();
    let answer = dsp_catalog(&provider, &for_someone_else).await;
    assert!(answer.catalog_error(401)["reason"].to_string().contains("not for this connector"), "{}", answer.text());
}

#[tokio::test]
async fn a_token_signed_with_a_key_not_in_the_callers_did_document_is_refused() {
    let authority = TestAuthority::start().await;
    let provider = provider(Db::Sqlite, &authority).await;
    let member = start_with(Db::Sqlite, trusting(&[&authority])).await;
    authority.admit(&member, 1).await;
    let stray = SigningKey::generate("key-9", KeyAlgorithm::EdDsa).unwrap();
    let did = &member.state().identity.did;
    let forged =
        token::mint(&stray, did, &provider.state().identity.did, None, Utc::now(), TimeDelta::minutes(5)).unwrap();
    let answer = dsp_catalog(&provider, &forged).await;
    assert!(answer.catalog_error(401)["reason"].to_string().contains("not a verification method"), "{}", answer.text());
}

async fn a_replayed_token_is_refused_also_after_a_restart(db: Db) {
    let authority = TestAuthority::start().await;
    let provider = provider(db, &authority).await;
    let member = start_with(db, trusting(&[&authority])).await;
    authority.admit(&member, 1).await;
    let token = member.state().identity.dsp_token(&provider.state().identity.did).unwrap();
    assert_eq!(dsp_catalog(&provider, &token).await.status, 200);
    let replay = dsp_catalog(&provider, &token).await;
    assert!(replay.catalog_error(401)["reason"].to_string().contains("replay"), "{}", replay.text());
    let provider = provider.restart().await;
    let after_restart = dsp_catalog(&provider, &token).await;
    assert!(after_restart.catalog_error(401)["reason"].to_string().contains("replay"), "{}", after_restart.text());
    let fresh = member.state().identity.dsp_token(&provider.state().identity.did).unwrap();
    assert_eq!(dsp_catalog(&provider, &fresh).await.status, 200, "a new token is served");
}

#[tokio::test]
async fn a_replayed_token_is_refused_on_sqlite() {
    a_replayed_token_is_refused_also_after_a_restart(Db::Sqlite).await
}

#[tokio::test]
async fn a_replayed_token_is_refused_on_postgres() {
    a_replayed_token_is_refused_also_after_a_restart(Db::Postgres).await
}

#[tokio::test]
async fn the_did_document_is_public_and_the_credential_service_is_not() {
    let authority = TestAuthority::start().await;
    let member = start_with(Db::Sqlite, trusting(&[&authority])).await;
    let http = member.http();
    let document: serde_json::Value =
        http.get(format!("{}/.well-known/did.json", member.url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(document["id"], member.state().identity.did.as_str());
    assert_eq!(document["service"][1]["type"], "CredentialService");
    assert!(document["verificationMethod"][0]["publicKeyJwk"].get("d").is_none(), "no private key published");
    let query = json!({"@context": ["https://w3id.org/dspace-dcp/v1.0/dcp.jsonld"], "type": "PresentationQueryMessage",
                       "scope": ["org.eclipse.dspace.dcp.vc.type:MembershipCredential"]});
    let answer = http.post(format!("{}/dcp/presentations/query", member.url())).json(&query).send().await.unwrap();
    assert_eq!(answer.status(), 401);
    let unknown = authority.deliver(&member, vec!["not-a-jwt".into()]).await;
    assert_eq!(unknown, 400, "a malformed credential is refused");
}

#[tokio::test]
async fn after_a_key_rotation_old_and_new_tokens_verify() {
    let authority = TestAuthority::start().await;
    let provider = provider(Db::Sqlite, &authority).await;
    let member = start_with(Db::Sqlite, trusting(&[&authority])).await;
    authority.admit(&member, 1).await;
    let provider_did = provider.state().identity.did.clone();
    assert_eq!(dsp_catalog(&provider, &member.state().identity.dsp_token(&provider_did).unwrap()).await.status, 200);
    let before = member.state().identity.dsp_token(&provider_did).unwrap();
    let member = member
        .restart_with(async |config| {
            let id = ldt_connector::dcp::rotate_keys(config, KeyAlgorithm::Es256, None).await.unwrap();
            assert_eq!(id, "key-2");
        })
        .await;
    let identity = &member.state().identity;
    assert_eq!(identity.key().id(), "key-2");
    assert_eq!(identity.document.verification_method.len(), 2, "the old key stays published");
    let after = identity.dsp_token(&provider_did).unwrap();
    let answer = dsp_catalog(&provider, &after).await;
    assert_eq!(answer.status, 200, "the provider refetches a document that lacks the new key: {}", answer.text());
    assert_eq!(dsp_catalog(&provider, &before).await.status, 200, "a token of the old key still verifies");
}

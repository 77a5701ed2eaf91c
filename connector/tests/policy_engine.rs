//! The policy engine in the connector: access policies decide who sees what in the catalogue, the management API
//! refuses invalid policies and evaluates policies with explanations, and the operator CLI does the same on files.

mod common;

use std::process::Command;

use common::Db;
use common::connector::{Body, DSP_CONTEXT, DSP_TOKEN, TestConnector, start_with};
use ldt_catalog::LdtKind;
use ldt_catalog::offer::DatasetSelector;
use ldt_connector::config::StaticToken;
use serde_json::{Value, json};

const MEMBER_TOKEN: &str = "member-token-0123456789abcdef";
const MEMBERSHIP: &str = common::connector::MEMBERSHIP_CLAIM;

/// A connector with two callers: the default peer (no credentials) and a member (`membership.status` = `active`).
async fn connector(db: Db) -> TestConnector {
    start_with(db, |config| {
        config.dsp.tokens.push(StaticToken {
            token: MEMBER_TOKEN.into(),
            participant: "did:web:member.example".into(),
            claims: json!({"membership": {"status": "active"}}),
        });
    })
    .await
}

fn members_only() -> Value {
    json!({"@type": "Set", "permission": [{"action": "use", "constraint": [
        {"leftOperand": MEMBERSHIP, "operator": "eq", "rightOperand": "active"}]}]})
}

async fn catalogue_ids(connector: &TestConnector, token: &str) -> Vec<String> {
    let url = format!("{}/catalog/request", connector.dsp_base());
    let body = json!({"@context": [DSP_CONTEXT], "@type": "CatalogRequestMessage"});
    let answer = connector.dsp_post(&url, Some(token), Body::Json(&body), false).await;
    assert!(answer.status.is_success(), "{}", answer.text());
    let catalogue = answer.json();
    let mut ids: Vec<String> = catalogue["dataset"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|dataset| dataset["@id"].as_str().unwrap_or_default().to_owned())
        .collect();
    ids.sort();
    ids
}

async fn two_callers_see_different_catalogues(db: Db) {
    let c = connector(db).await;
    c.seed_products(&[
        common::product("city-budget", LdtKind::Transformed, &[]),
        common::product("member-counts", LdtKind::Raw, &[]),
        common::product("open-counts", LdtKind::Raw, &[]),
    ])
    .await;
    c.seed_policy("use", json!({"@type": "Set", "permission": [{"action": "use"}]})).await;
    c.create("/policies", &json!({"id": "members-only", "policy": members_only()})).await;
    c.seed_offer("open", "use", DatasetSelector::Ids(vec!["open-counts".into()])).await;
    c.create(
        "/offers",
        &json!({"id": "members", "accessPolicyId": "members-only", "contractPolicyId": "use",
                "datasets": {"ids": ["member-counts", "open-counts"]}}),
    )
    .await;

    assert_eq!(catalogue_ids(&c, MEMBER_TOKEN).await, ["member-counts", "open-counts"]);
    assert_eq!(catalogue_ids(&c, DSP_TOKEN).await, ["open-counts"], "a caller without membership sees open data only");

    // Datasets and their offers follow the same rule.
    let hidden = c.dsp_get("/catalog/datasets/member-counts", Some(DSP_TOKEN)).await;
    hidden.catalog_error(404);
    let shown = c.dsp_get("/catalog/datasets/open-counts", Some(DSP_TOKEN)).await.json();
    let offers: Vec<&str> = shown["hasPolicy"].as_array().unwrap().iter().map(|o| o["@id"].as_str().unwrap()).collect();
    assert_eq!(offers, ["urn:ldt:offer:open:open-counts"], "the members' offer is not shown to a non-member");
    let for_member = c.dsp_get("/catalog/datasets/open-counts", Some(MEMBER_TOKEN)).await.json();
    assert_eq!(for_member["hasPolicy"].as_array().unwrap().len(), 2);
    c.stop().await;
}

#[tokio::test]
async fn two_callers_see_different_catalogues_on_sqlite() {
    two_callers_see_different_catalogues(Db::Sqlite).await;
}

#[tokio::test]
async fn two_callers_see_different_catalogues_on_postgres() {
    two_callers_see_different_catalogues(Db::Postgres).await;
}

#[tokio::test]
async fn invalid_policies_are_refused_with_their_problems() {
    let c = connector(Db::Sqlite).await;
    let bad = json!({"id": "bad", "policy": {"@type": "Set", "permission": [{"action": "teleport", "constraint": [
        {"leftOperand": "dateTime", "operator": "before", "rightOperand": "2030-01-01T00:00:00Z"}]}]}});
    let problem = c.post("/policies", &bad).await.problem(400);
    let pointers: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert_eq!(pointers, ["/policy/permission/0/constraint/0/operator"], "{problem}");
    let unknown_action = json!({"id": "bad2", "policy": {"@type": "Set", "permission": [{"action": "teleport"}]}});
    let problem = c.post("/policies", &unknown_action).await.problem(400);
    assert_eq!(problem["errors"][0]["pointer"], "/policy/permission/0/action");
    assert!(problem["errors"][0]["detail"].as_str().unwrap().contains("teleport"), "{problem}");
    c.stop().await;
}

#[tokio::test]
async fn an_offer_checks_its_policies_where_it_uses_them() {
    let c = connector(Db::Sqlite).await;
    c.seed_products(&[common::product("counts", LdtKind::Raw, &[])]).await;
    let purpose = json!({"@type": "Set", "permission": [{"action": "use", "constraint": [
        {"leftOperand": "purpose", "operator": "eq", "rightOperand": "research"}]}]});
    c.create("/policies", &json!({"id": "research", "policy": purpose})).await;
    c.create(
        "/policies",
        &json!({"id": "targeted", "policy": {"@type": "Set", "permission": [{"action": "use", "target": "counts"}]}}),
    )
    .await;
    // A purpose is declared when negotiating, not when browsing: it cannot decide who sees the catalogue.
    let as_access = json!({"id": "o1", "accessPolicyId": "research", "contractPolicyId": "research", "datasets": {"ids": ["counts"]}});
    let problem = c.post("/offers", &as_access).await.problem(400);
    assert_eq!(problem["errors"][0]["pointer"], "/accessPolicyId", "{problem}");
    assert!(problem["errors"][0]["detail"].as_str().unwrap().contains("catalogue"), "{problem}");
    // A catalogue offer's rules name no target.
    let targeted = json!({"id": "o2", "contractPolicyId": "targeted", "datasets": {"ids": ["counts"]}});
    let problem = c.post("/offers", &targeted).await.problem(400);
    assert_eq!(problem["errors"][0]["pointer"], "/contractPolicyId", "{problem}");
    // As a contract policy, a purpose constraint is fine.
    c.create("/offers", &json!({"id": "o3", "contractPolicyId": "research", "datasets": {"ids": ["counts"]}})).await;
    c.stop().await;
}

/// Replacing a policy keeps it usable where offers use it: an access policy cannot start needing a purpose.
#[tokio::test]
async fn a_replaced_policy_is_checked_where_offers_use_it() {
    let c = connector(Db::Sqlite).await;
    c.seed_products(&[common::product("counts", LdtKind::Raw, &[])]).await;
    c.create("/policies", &json!({"id": "use", "policy": {"@type": "Set", "permission": [{"action": "use"}]}})).await;
    c.create("/policies", &json!({"id": "members-only", "policy": members_only()})).await;
    c.create(
        "/offers",
        &json!({"id": "o", "accessPolicyId": "members-only", "contractPolicyId": "use", "datasets": {"ids": ["counts"]}}),
    )
    .await;
    let purpose = json!({"id": "members-only", "policy": {"@type": "Set", "permission": [{"action": "use", "constraint": [
        {"leftOperand": "purpose", "operator": "eq", "rightOperand": "research"}]}]}});
    let problem = c.put("/policies/members-only", &purpose).await.problem(400);
    assert_eq!(problem["errors"][0]["pointer"], "/policy/permission/0/constraint/0/leftOperand", "{problem}");
    // The contract policy may need a purpose (it is checked when negotiating), but its rules name no target.
    let with_purpose = json!({"id": "use", "policy": purpose["policy"]});
    assert_eq!(c.put("/policies/use", &with_purpose).await.status.as_u16(), 200);
    let targeted =
        json!({"id": "use", "policy": {"@type": "Set", "permission": [{"action": "use", "target": "counts"}]}});
    let problem = c.put("/policies/use", &targeted).await.problem(400);
    assert_eq!(problem["errors"][0]["pointer"], "/policy/permission/0/target", "{problem}");
    // A policy no offer uses may be replaced by anything valid.
    c.create("/policies", &json!({"id": "spare", "policy": members_only()})).await;
    assert_eq!(c.put("/policies/spare", &purpose.clone()).await.status.as_u16(), 400, "the id must match the path");
    let spare = json!({"id": "spare", "policy": purpose["policy"]});
    assert_eq!(c.put("/policies/spare", &spare).await.status.as_u16(), 200);
    c.stop().await;
}

#[tokio::test]
async fn the_management_api_evaluates_and_explains() {
    let c = connector(Db::Sqlite).await;
    c.create("/policies", &json!({"id": "members-only", "policy": members_only()})).await;
    let member = json!({"policyId": "members-only", "context": {"caller": "did:web:x", "claims": {"membership": {"status": "active"}}}});
    let answer = c.post("/policies/evaluate", &member).await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.text());
    assert_eq!(answer.json()["decision"]["outcome"], "permit");
    let stranger = json!({"policy": members_only(), "context": {"claims": {"membership": {"status": "lapsed"}}}});
    let evaluation = c.post("/policies/evaluate", &stranger).await.json();
    assert_eq!(evaluation["decision"]["outcome"], "deny");
    let explanation = evaluation["explanation"].as_str().unwrap();
    assert!(explanation.contains("`lapsed` is not `active`"), "{explanation}");
    c.post("/policies/evaluate", &json!({"context": {}})).await.problem(400);
    c.post("/policies/evaluate", &json!({"policyId": "nope", "context": {}})).await.problem(404);
    c.post("/policies/evaluate", &json!({"policyId": "members-only", "context": {"colour": "red"}})).await.problem(400);
    c.stop().await;
}

#[test]
fn the_cli_validates_and_evaluates_files() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, members_only().to_string()).unwrap();
    let config = dir.path().join("connector.toml");
    std::fs::write(&config, format!("[policy.claims]\n\"{MEMBERSHIP}\" = \"/membership/status\"\n")).unwrap();
    let context = dir.path().join("context.json");
    std::fs::write(&context, json!({"claims": {"membership": {"status": "lapsed"}}}).to_string()).unwrap();
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_ldt-connector")).args(args).output().expect("the CLI runs");
        (output.status.code(), String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let (code, out) = run(&["policy", "validate", policy.to_str().unwrap(), "--config", config.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["valid"], true);
    let (code, out) = run(&["policy", "validate", policy.to_str().unwrap(), "--format", "text"]);
    assert_eq!(code, Some(1), "without the claim mapping the membership claim is unknown: {out}");
    assert!(out.contains("/permission/0/constraint/0/leftOperand"), "{out}");
    let eval = ["policy", "eval", "--policy", policy.to_str().unwrap(), "--context", context.to_str().unwrap()];
    let (code, out) = run(&[&eval[..], &["--config", config.to_str().unwrap(), "--format", "text"]].concat());
    assert_eq!(code, Some(0), "eval exits 0 whatever the decision: {out}");
    assert!(out.starts_with("DENY"), "{out}");
    let (code, out) = run(&[&eval[..], &["--config", config.to_str().unwrap()]].concat());
    assert_eq!(code, Some(0));
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["decision"]["outcome"], "deny");
    let (code, _) = run(&["policy", "eval", "--policy", "/no/such/file", "--context", context.to_str().unwrap()]);
    assert_eq!(code, Some(2));
}

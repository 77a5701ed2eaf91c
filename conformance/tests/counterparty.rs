//! The counter-party server: records valid and invalid DSP messages, answers state queries.

use std::time::Duration;

use ldt_conformance::CounterParty;
use ldt_conformance::config::default_callback_bind;
use serde_json::{Value, json};

fn example(path: &str) -> Value {
    let file = format!("{}/../../shared/dsp-2025-1/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[tokio::test]
async fn records_and_answers_posted_messages() -> Result<(), Box<dyn std::error::Error>> {
    let server = CounterParty::start(default_callback_bind()).await?;
    let base = server.base_url().clone();
    assert_eq!(base.host_str(), Some("127.0.0.1"));
    let http = reqwest::Client::new();

    // A valid ContractOfferMessage on a consumer callback path: 200, recorded as valid.
    let offer = example("negotiation/example/contract-offer-message.json");
    let answer = http.post(base.join("negotiations/urn:uuid:consumer-1/offers")?).json(&offer).send().await?;
    assert_eq!(answer.status(), 200);

    // A ContractRequestMessage without consumerPid: 400 with a ContractNegotiationError.
    let mut request = example("negotiation/example/contract-request-message.json");
    request.as_object_mut().ok_or("object")?.remove("consumerPid");
    let answer = http.post(base.join("negotiations/request")?).json(&request).send().await?;
    assert_eq!(answer.status(), 400);
    let error: Value = answer.json().await?;
    assert_eq!(error["@type"], "ContractNegotiationError");
    assert!(
        error["reason"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r.as_str().is_some_and(|r| r.contains("consumerPid")))),
        "{error}"
    );

    // Not JSON at all: 400, still recorded.
    let answer = http.post(base.join("transfers/x/completion")?).body("not json").send().await?;
    assert_eq!(answer.status(), 400);

    let messages = server.store().messages();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[0].path, "/negotiations/urn:uuid:consumer-1/offers");
    assert_eq!(messages[0].message_type.as_deref(), Some("ContractOfferMessage"));
    assert!(messages[0].is_valid(), "{:?}", messages[0].violations);
    assert_eq!(messages[0].body, offer);
    assert_eq!(messages[1].path, "/negotiations/request");
    assert!(!messages[1].is_valid());
    assert!(
        messages[1]
            .violations
            .iter()
            .any(|v| v.contains("contract-request-message-schema.json") && v.contains("at /:")),
        "{:?}",
        messages[1].violations
    );
    assert_eq!(messages[2].body, Value::Null);
    assert!(!messages[2].is_valid());
    Ok(())
}

#[tokio::test]
async fn scenarios_can_await_messages_with_a_timeout() -> Result<(), Box<dyn std::error::Error>> {
    let server = CounterParty::start(default_callback_bind()).await?;
    let url = server.base_url().join("transfers/urn:c/start")?;
    let start = example("transfer/example/transfer-start-message.json");
    let sender = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        reqwest::Client::new().post(url).json(&start).send().await
    });
    let received = server
        .store()
        .wait_for(Duration::from_secs(5), |m| m.message_type.as_deref() == Some("TransferStartMessage"))
        .await
        .ok_or("the start message was not recorded")?;
    assert!(received.is_valid(), "{:?}", received.violations);
    assert_eq!(sender.await??.status(), 200);

    let nothing = server
        .store()
        .wait_for(Duration::from_millis(50), |m| m.message_type.as_deref() == Some("TransferTerminationMessage"))
        .await;
    assert_eq!(nothing, None);
    Ok(())
}

#[tokio::test]
async fn state_queries_answer_from_the_store() -> Result<(), Box<dyn std::error::Error>> {
    let server = CounterParty::start(default_callback_bind()).await?;
    let base = server.base_url().clone();
    let http = reqwest::Client::new();

    for path in ["negotiations/urn:n1", "transfers/urn:t1"] {
        let answer = http.get(base.join(path)?).send().await?;
        assert_eq!(answer.status(), 404, "{path}");
    }

    let negotiation = json!({
        "@context": ["https://w3id.org/dspace/2025/1/context.jsonld"],
        "@type": "ContractNegotiation",
        "providerPid": "urn:p1",
        "consumerPid": "urn:n1",
        "state": "REQUESTED"
    });
    server.store().set_negotiation("urn:n1", negotiation.clone());
    let transfer = example("transfer/example/transfer-process.json");
    server.store().set_transfer("urn:t1", transfer.clone());

    let answer = http.get(base.join("negotiations/urn:n1")?).send().await?;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json::<Value>().await?, negotiation);
    let answer = http.get(base.join("transfers/urn:t1")?).send().await?;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json::<Value>().await?, transfer);
    Ok(())
}

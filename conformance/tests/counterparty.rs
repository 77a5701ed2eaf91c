//! The counter-party server: records valid and invalid DSP messages, answers state queries.

use std::time::Duration;

use ldt_conformance::checks::dsp_message;
use ldt_conformance::config::default_callback_bind;
use ldt_conformance::counterparty::{Grant, NegotiationRecord, TransferRecord};
use ldt_conformance::negotiation::{Negotiation, Pids, State};
use ldt_conformance::schema::DspSchema;
use ldt_conformance::transfer::{Message as TransferMessage, State as TransferState, Transfer};
use ldt_conformance::{CounterParty, messages};
use serde_json::{Value, json};

/// The consumerPid of the negotiation examples.
const EXAMPLE_CONSUMER: &str = "urn:uuid:32541fe6-c580-409e-85a8-8a9a32fbe833";
/// The providerPid of the negotiation examples.
const EXAMPLE_PROVIDER: &str = "urn:uuid:a343fcbf-99fc-4ce8-8e9b-148c97605aab";

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

    // A valid ContractOfferMessage on the callback path of a negotiation the suite requested:
    // 200, recorded as valid, and the negotiation is OFFERED under the provider's pid.
    server.store().processes::<Negotiation>().open(NegotiationRecord::requested_by_us(EXAMPLE_CONSUMER));
    let offer = example("negotiation/example/contract-offer-message.json");
    let answer = http.post(base.join(&format!("negotiations/{EXAMPLE_CONSUMER}/offers"))?).json(&offer).send().await?;
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

    // Not JSON at all: 400 with the negotiation's pids, still recorded; the state is unchanged.
    let termination = base.join(&format!("negotiations/{EXAMPLE_CONSUMER}/termination"))?;
    let answer = http.post(termination).body("not json").send().await?;
    assert_eq!(answer.status(), 400);
    let error: Value = answer.json().await?;
    assert_eq!(
        (error["@type"].as_str(), error["consumerPid"].as_str()),
        (Some("ContractNegotiationError"), Some(EXAMPLE_CONSUMER))
    );

    // The same offer again is illegal in OFFERED: 400 with a ContractNegotiationError.
    let answer = http.post(base.join(&format!("negotiations/{EXAMPLE_CONSUMER}/offers"))?).json(&offer).send().await?;
    assert_eq!(answer.status(), 400);
    let error: Value = answer.json().await?;
    assert_eq!(dsp_message(DspSchema::ContractNegotiationError, &error), Ok(()));
    assert_eq!(error["providerPid"], EXAMPLE_PROVIDER);

    // A negotiation the counter-party does not know: 404.
    let answer = http.post(base.join("negotiations/urn:uuid:unknown/offers")?).json(&offer).send().await?;
    assert_eq!(answer.status(), 404);

    let negotiation: Value =
        http.get(base.join(&format!("negotiations/{EXAMPLE_CONSUMER}"))?).send().await?.json().await?;
    assert_eq!(negotiation["state"], "OFFERED");
    assert_eq!(negotiation["providerPid"], EXAMPLE_PROVIDER);

    let messages = server.store().messages();
    assert_eq!(messages.len(), 5);
    assert_eq!(messages[0].path, format!("/negotiations/{EXAMPLE_CONSUMER}/offers"));
    assert_eq!(messages[0].message_type.as_deref(), Some("ContractOfferMessage"));
    assert!(messages[0].is_valid(), "{:?}", messages[0].violations);
    assert_eq!(messages[0].process.as_deref(), Some(EXAMPLE_CONSUMER));
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
    assert!(messages[3].violations.iter().any(|v| v.contains("not allowed in state OFFERED")), "{messages:#?}");
    assert!(messages[4].violations.iter().any(|v| v.contains("no negotiation")), "{messages:#?}");
    assert_eq!(messages[4].process, None);
    Ok(())
}

#[tokio::test]
async fn scenarios_can_await_messages_with_a_timeout() -> Result<(), Box<dyn std::error::Error>> {
    let server = CounterParty::start(default_callback_bind()).await?;
    server.store().processes::<Transfer>().open(TransferRecord::requested_by_us(EXAMPLE_CONSUMER));
    let url = server.base_url().join(&format!("transfers/{EXAMPLE_CONSUMER}/start"))?;
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

    for path in ["negotiations/urn:p1".to_owned(), format!("transfers/{EXAMPLE_CONSUMER}")] {
        let answer = http.get(base.join(&path)?).send().await?;
        assert_eq!(answer.status(), 404, "{path}");
    }

    let pids = Pids { consumer: "urn:n1".to_owned(), provider: "urn:p1".to_owned() };
    server.store().processes::<Negotiation>().open(NegotiationRecord::requested_from_us(pids));
    server.store().processes::<Negotiation>().set_state("urn:p1", State::Agreed);
    let negotiation = json!({
        "@context": ["https://w3id.org/dspace/2025/1/context.jsonld"],
        "@type": "ContractNegotiation",
        "providerPid": "urn:p1",
        "consumerPid": "urn:n1",
        "state": "AGREED"
    });
    let transfer = example("transfer/example/transfer-process.json");
    let pids = Pids { consumer: EXAMPLE_CONSUMER.to_owned(), provider: EXAMPLE_PROVIDER.to_owned() };
    server.store().processes::<Transfer>().open(TransferRecord::requested_by_us(EXAMPLE_CONSUMER));
    server.store().processes::<Transfer>().update(EXAMPLE_CONSUMER, |record| record.provider_pid = Some(pids.provider));

    let answer = http.get(base.join("negotiations/urn:p1")?).send().await?;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json::<Value>().await?, negotiation);
    let answer = http.get(base.join(&format!("transfers/{EXAMPLE_CONSUMER}"))?).send().await?;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json::<Value>().await?, transfer);
    Ok(())
}

#[tokio::test]
async fn as_provider_it_serves_datasets_and_takes_negotiations() -> Result<(), Box<dyn std::error::Error>> {
    let server = CounterParty::start(default_callback_bind()).await?;
    let base = server.base_url().clone();
    let http = reqwest::Client::new();

    // Any dataset id: a valid Dataset with the counter-party's offer, by GET or POST.
    let dataset: Value = http.get(base.join("catalog/datasets/cn-c-01-01")?).send().await?.json().await?;
    assert_eq!(dsp_message(DspSchema::Dataset, &dataset), Ok(()));
    assert_eq!(dataset["hasPolicy"][0]["@id"], "urn:ldt-conformance:offer:cn-c-01-01");
    let posted = http.post(base.join("catalog/datasets/cn-c-01-01")?).json(&json!({})).send().await?;
    assert_eq!(posted.status(), 200);

    // An initial request for that offer: 201 with a REQUESTED negotiation under a fresh providerPid.
    let offer = messages::negotiation::message_offer(&messages::catalog::offer("cn-c-01-01"), "cn-c-01-01")?;
    let request = messages::negotiation::initial_request("urn:c1", &offer, "http://127.0.0.1:1/cb/");
    let answer = http.post(base.join("negotiations/request")?).json(&request).send().await?;
    assert_eq!(answer.status(), 201);
    let ack: Value = answer.json().await?;
    assert_eq!(dsp_message(DspSchema::ContractNegotiation, &ack), Ok(()));
    assert_eq!((ack["consumerPid"].as_str(), ack["state"].as_str()), (Some("urn:c1"), Some("REQUESTED")));
    let provider = ack["providerPid"].as_str().ok_or("a providerPid")?.to_owned();
    assert_eq!(server.store().messages()[0].process.as_deref(), Some(provider.as_str()));

    // ACCEPTED before any offer is refused; after the suite's offer it is taken.
    let pids = Pids { consumer: "urn:c1".to_owned(), provider: provider.clone() };
    let accepted =
        messages::negotiation::event(&pids, ldt_conformance::negotiation::Message::Accepted).ok_or("an event")?;
    let events = base.join(&format!("negotiations/{provider}/events"))?;
    assert_eq!(http.post(events.clone()).json(&accepted).send().await?.status(), 400);
    server.store().processes::<Negotiation>().set_state(&provider, State::Offered);
    assert_eq!(http.post(events).json(&accepted).send().await?.status(), 200);
    let negotiation: Value = http.get(base.join(&format!("negotiations/{provider}"))?).send().await?.json().await?;
    assert_eq!(negotiation["state"], "ACCEPTED");

    // A request for an offer the counter-party never made: 400.
    let mut unknown = request.clone();
    unknown["offer"]["@id"] = json!("urn:offer:unknown");
    let answer = http.post(base.join("negotiations/request")?).json(&unknown).send().await?;
    assert_eq!(answer.status(), 400);
    let error: Value = answer.json().await?;
    assert!(error["reason"].to_string().contains("not the counter-party's offer"), "{error}");
    Ok(())
}

#[tokio::test]
async fn as_provider_it_takes_transfers_of_its_agreements_and_serves_their_data()
-> Result<(), Box<dyn std::error::Error>> {
    let server = CounterParty::start(default_callback_bind()).await?;
    let base = server.base_url().clone();
    let http = reqwest::Client::new();
    let request = messages::transfer::request("urn:c1", "urn:a1", "http://127.0.0.1:1/cb");

    // An agreement the counter-party never made: 400 with a TransferError saying so.
    let answer = http.post(base.join("transfers/request")?).json(&request).send().await?;
    assert_eq!(answer.status(), 400);
    let error: Value = answer.json().await?;
    assert_eq!(error["@type"], "TransferError");
    assert!(error["reason"].to_string().contains("no agreement the counter-party made"), "{error}");

    // Once agreed: 201 with a REQUESTED transfer process under a fresh providerPid; a pull
    // request in another format or with a data address is refused.
    server.store().add_agreement("urn:a1", "tp-c-01-01");
    for (field, value, why) in [
        ("format", json!("HttpData-PUSH"), "format is"),
        ("dataAddress", messages::transfer::data_address("http://x/", "t"), "carries no dataAddress"),
    ] {
        let mut wrong = request.clone();
        wrong[field] = value;
        let answer = http.post(base.join("transfers/request")?).json(&wrong).send().await?;
        assert_eq!(answer.status(), 400, "{field}");
        let error: Value = answer.json().await?;
        assert_eq!(error["@type"], "TransferError", "{field}");
        assert!(error["reason"].to_string().contains(why), "{field}: {error}");
    }
    let answer = http.post(base.join("transfers/request")?).json(&request).send().await?;
    assert_eq!(answer.status(), 201);
    let ack: Value = answer.json().await?;
    assert_eq!(dsp_message(DspSchema::TransferProcess, &ack), Ok(()));
    assert_eq!(ack["state"], "REQUESTED");
    let provider = ack["providerPid"].as_str().ok_or("a providerPid")?.to_owned();

    // Only the provider starts a transfer: the consumer's start is refused with both pids.
    let pids = Pids { consumer: "urn:c1".to_owned(), provider: provider.clone() };
    let start = messages::transfer::message(&pids, TransferMessage::Start, None, "");
    let answer = http.post(base.join(&format!("transfers/{provider}/start"))?).json(&start).send().await?;
    assert_eq!(answer.status(), 400);
    let error: Value = answer.json().await?;
    assert_eq!(dsp_message(DspSchema::TransferError, &error), Ok(()));
    assert_eq!(
        (error["providerPid"].as_str(), error["consumerPid"].as_str()),
        (Some(provider.as_str()), Some("urn:c1"))
    );

    // The data: for the granted token only, and only while STARTED.
    let data = server.data_url(&provider)?;
    server.store().grant("token-1", Grant { provider_pid: provider.clone(), dataset_id: "tp-c-01-01".to_owned() });
    assert_eq!(http.get(data.clone()).bearer_auth("token-1").send().await?.status(), 409);
    server.store().processes::<Transfer>().set_state(&provider, TransferState::Started);
    let answer = http.get(data.clone()).bearer_auth("token-1").send().await?;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json::<Value>().await?["dataset"], "tp-c-01-01");
    for token in [Some("token-2"), None] {
        let get = http.get(data.clone());
        let get = if let Some(token) = token { get.bearer_auth(token) } else { get };
        assert_eq!(get.send().await?.status(), 404, "{token:?}");
    }
    Ok(())
}

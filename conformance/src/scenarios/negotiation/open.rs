//! Opening a negotiation: the suite requests one as consumer (CN), or triggers the connector
//! to request one from the suite as provider (CN_C).

use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

use super::Case;
use super::session::{Opened, Session, describe, prefixed};
use crate::checks;
use crate::context::Context;
use crate::counterparty::{NegotiationRecord, ReceivedMessage};
use crate::http::{Auth, Exchange};
use crate::messages::{catalog, negotiation as bodies};
use crate::negotiation::{Pids, State, fresh_id};
use crate::retry;
use crate::schema::DspSchema;
use crate::trigger::NegotiationTrigger;
use crate::verdict::{Findings, Stop};

/// Label of every reason from opening the negotiation.
const OPENING: &str = "opening";

/// The suite, as consumer, requests the offer of the connector's dataset for `case`:
/// `GET <dsp>/catalog/datasets/<id>`, then the initial `ContractRequestMessage` to
/// `<dsp>/negotiations/request`, answered 201 with a `REQUESTED` negotiation.
pub(super) async fn as_consumer<'a>(ctx: &'a Context, case: &'a Case) -> Result<Session<'a>, Stop> {
    let counter_party = ctx.counter_party()?;
    let store = counter_party.store();
    let dataset_id = ctx.config().scenario_dataset_id(case.id);
    let catalog_offer = dataset_offer(ctx, &dataset_id).await.map_err(|stop| labelled("dataset request", stop))?;
    let offer = bodies::message_offer(&catalog_offer, &dataset_id)
        .map_err(|reason| labelled("dataset request", Stop::fail(reason)))?;

    let consumer_pid = fresh_id();
    let cursor = store.message_count();
    store.open_negotiation(NegotiationRecord::requested_by_us(consumer_pid.clone()));
    let url = ctx.dsp_url(&["negotiations", "request"]).await?;
    let request = bodies::initial_request(&consumer_pid, &offer, counter_party.base_url().as_str());
    let (exchange, _) = retry::post_json(ctx.client(), &url, &request, Auth::Send)
        .await
        .map_err(|reason| labelled("initial request", Stop::fail(reason)))?;
    let provider_pid = acknowledged(&exchange, &consumer_pid).map_err(|stop| labelled("initial request", stop))?;

    // The connector's first message may have arrived before its ack: both must agree.
    let seen = store
        .update_negotiation(&consumer_pid, |record| match &record.provider_pid {
            Some(seen) => Some(seen.clone()),
            None => {
                record.provider_pid = Some(provider_pid.clone());
                None
            }
        })
        .flatten();
    if let Some(seen) = seen.filter(|seen| *seen != provider_pid) {
        return Err(labelled(
            "initial request",
            Stop::fail(format!(
                "the ack names providerPid {provider_pid:?}, but the connector's messages carry {seen:?}"
            )),
        ));
    }
    let pids = Pids { consumer: consumer_pid, provider: provider_pid };
    let cut_base = ctx.dsp_base().await?.clone();
    Ok(Session::new(ctx, case, store, Opened { pids, dataset_id, offer, cut_base, cursor }))
}

/// The connector, as consumer, is triggered through its webhook to request the
/// counter-party's offer for `case`'s dataset; its `ContractRequestMessage` must reach
/// `<counter-party>/negotiations/request`, valid, for that offer and dataset, with a
/// `callbackAddress`.
pub(super) async fn as_provider<'a>(ctx: &'a Context, case: &'a Case) -> Result<Session<'a>, Stop> {
    let config = ctx.config();
    let Some(webhook) = &config.negotiation_trigger else {
        return Err(Stop::skip(
            "no negotiation trigger configured (--negotiation-trigger): the connector-as-consumer scenarios \
             need its negotiation webhook",
        ));
    };
    let counter_party = ctx.counter_party()?;
    let store = counter_party.store();
    let dataset_id = config.scenario_dataset_id(case.id);
    let offer_id = catalog::offer_id(&dataset_id);
    let start = store.message_count();
    let trigger = NegotiationTrigger {
        provider_id: &config.participant_id,
        offer_id: &offer_id,
        dataset_id: &dataset_id,
        connector_address: counter_party.base_url(),
    };
    trigger
        .send(ctx.client(), webhook, config.trigger_api_key.as_deref())
        .await
        .map_err(|reason| labelled("trigger", Stop::fail(reason)))?;

    let timeout = config.wait_timeout;
    let found = store.wait_for_from(start, timeout, |m| is_request_for(m, &offer_id)).await;
    let Some((index, request)) = found else {
        let others: Vec<String> = store.messages_from(start).iter().map(describe).collect();
        let others =
            if others.is_empty() { String::new() } else { format!("; received instead: {}", others.join("; ")) };
        return Err(labelled(
            "initial request",
            Stop::fail(format!(
                "the connector sent no ContractRequestMessage for offer {offer_id:?} to {}negotiations/request \
                 within {} s of the trigger{others}",
                counter_party.base_url(),
                timeout.as_secs_f64()
            )),
        ));
    };
    let (pids, cut_base) = requested(&request, &dataset_id).map_err(|stop| labelled("initial request", stop))?;
    let offer = bodies::message_offer(&catalog::offer(&dataset_id), &dataset_id).map_err(Stop::fail)?;
    Ok(Session::new(ctx, case, store, Opened { pids, dataset_id, offer, cut_base, cursor: index + 1 }))
}

/// `stop` of opening step `what`, labelled.
fn labelled(what: &str, stop: Stop) -> Stop {
    prefixed(&format!("{OPENING} ({what})"), stop)
}

/// The first offer of the connector's dataset `dataset_id` (a valid `Dataset` answered 200).
async fn dataset_offer(ctx: &Context, dataset_id: &str) -> Result<Value, Stop> {
    let url = ctx.dsp_url(&["catalog", "datasets", dataset_id]).await?;
    let exchange = ctx.client().get(&url, Auth::Send).await?;
    let mut findings = Findings::default();
    let dataset = if checks::status(&mut findings, &exchange, StatusCode::OK) {
        checks::dsp_answer(&mut findings, &exchange, DspSchema::Dataset)
    } else {
        None
    };
    if let Some(dataset) = &dataset {
        let what = format!("{}: the Dataset", exchange.describe());
        checks::fields(&mut findings, &what, dataset, &[("@id", dataset_id)]);
    }
    findings.finish()?;
    dataset
        .as_ref()
        .and_then(first_offer)
        .cloned()
        .ok_or_else(|| Stop::fail(format!("{}: the Dataset has no offer in hasPolicy", exchange.describe())))
}

/// `hasPolicy` of a dataset: the object itself, or the first of an array.
fn first_offer(dataset: &Value) -> Option<&Value> {
    match dataset.get("hasPolicy")? {
        Value::Array(offers) => offers.first(),
        offer @ Value::Object(_) => Some(offer),
        _ => None,
    }
}

/// The `providerPid` of the connector's ack of the suite's initial request: 201 with a
/// valid `ContractNegotiation` in `REQUESTED` for `consumer_pid`.
fn acknowledged(exchange: &Exchange, consumer_pid: &str) -> Result<String, Stop> {
    let mut findings = Findings::default();
    let ack = if checks::status(&mut findings, exchange, StatusCode::CREATED) {
        checks::dsp_answer(&mut findings, exchange, DspSchema::ContractNegotiation)
    } else {
        None
    };
    let ack = ack.unwrap_or(Value::Null);
    if findings.is_empty() {
        let what = format!("{}: the ContractNegotiation", exchange.describe());
        checks::fields(
            &mut findings,
            &what,
            &ack,
            &[("consumerPid", consumer_pid), ("state", State::Requested.as_str())],
        );
    }
    let provider_pid = ack.get("providerPid").and_then(Value::as_str).filter(|pid| !pid.is_empty());
    if findings.is_empty() && provider_pid.is_none() {
        findings.add(format!("{}: the ContractNegotiation has no providerPid", exchange.describe()));
    }
    findings.finish()?;
    provider_pid.map(str::to_owned).ok_or_else(|| Stop::fail("no providerPid"))
}

/// Whether `message` is an initial request for the counter-party's offer `offer_id`.
fn is_request_for(message: &ReceivedMessage, offer_id: &str) -> bool {
    let path = message.path.split('?').next().unwrap_or_default();
    path.trim_end_matches('/') == "/negotiations/request"
        && message.body.pointer("/offer/@id").and_then(Value::as_str) == Some(offer_id)
}

/// The pids and callback address of the connector's initial request, which the
/// counter-party accepted, for `dataset_id`.
fn requested(request: &ReceivedMessage, dataset_id: &str) -> Result<(Pids, Url), Stop> {
    if !request.is_valid() {
        return Err(Stop::Fail(
            request.violations.iter().map(|v| format!("its ContractRequestMessage was refused: {v}")).collect(),
        ));
    }
    let mut findings = Findings::default();
    let offer = request.body.get("offer").unwrap_or(&Value::Null);
    checks::fields(&mut findings, "its ContractRequestMessage: offer", offer, &[("target", dataset_id)]);
    let callback = request.field("callbackAddress").map(Url::parse);
    let callback = match callback {
        Some(Ok(url)) => Some(url),
        Some(Err(e)) => {
            findings.add(format!("its ContractRequestMessage: callbackAddress is not a URL: {e}"));
            None
        }
        None => {
            findings.add("its ContractRequestMessage has no callbackAddress");
            None
        }
    };
    findings.finish()?;
    let (Some(provider), Some(consumer), Some(callback)) =
        (request.process.clone(), request.field("consumerPid"), callback)
    else {
        return Err(Stop::fail("the counter-party kept no negotiation for the request (a bug in the suite)"));
    };
    Ok((Pids { consumer: consumer.to_owned(), provider }, callback))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_first_offer_is_taken_from_an_array_or_an_object() {
        let offer = json!({"@id": "urn:o"});
        assert_eq!(first_offer(&json!({"hasPolicy": [offer.clone(), {"@id": "urn:2"}]})), Some(&offer));
        assert_eq!(first_offer(&json!({"hasPolicy": offer.clone()})), Some(&offer));
        assert_eq!(first_offer(&json!({"hasPolicy": []})), None);
        assert_eq!(first_offer(&json!({})), None);
    }

    fn received(path: &str, body: Value, process: Option<&str>) -> ReceivedMessage {
        ReceivedMessage {
            path: path.to_owned(),
            message_type: body.get("@type").and_then(Value::as_str).map(str::to_owned),
            body,
            violations: Vec::new(),
            process: process.map(str::to_owned),
        }
    }

    #[test]
    fn initial_requests_are_matched_by_offer_id() {
        let body = json!({"offer": {"@id": "urn:ldt-conformance:offer:cn-c-01-01"}});
        assert!(is_request_for(
            &received("/negotiations/request", body.clone(), None),
            "urn:ldt-conformance:offer:cn-c-01-01"
        ));
        assert!(is_request_for(
            &received("/negotiations/request/", body.clone(), None),
            "urn:ldt-conformance:offer:cn-c-01-01"
        ));
        assert!(!is_request_for(&received("/negotiations/request", body.clone(), None), "urn:other"));
        assert!(!is_request_for(
            &received("/negotiations/x/request", body, None),
            "urn:ldt-conformance:offer:cn-c-01-01"
        ));
    }

    #[test]
    fn a_request_yields_pids_and_callback() -> Result<(), Stop> {
        let body = json!({
            "consumerPid": "urn:c",
            "offer": {"@id": "urn:ldt-conformance:offer:ds", "target": "ds"},
            "callbackAddress": "http://127.0.0.1:5/cb"
        });
        let (pids, callback) = requested(&received("/negotiations/request", body.clone(), Some("urn:p")), "ds")?;
        assert_eq!(pids, Pids { consumer: "urn:c".to_owned(), provider: "urn:p".to_owned() });
        assert_eq!(callback.as_str(), "http://127.0.0.1:5/cb");
        let Err(Stop::Fail(reasons)) = requested(&received("/negotiations/request", body, Some("urn:p")), "other")
        else {
            panic!("a request for another dataset must fail");
        };
        assert!(reasons[0].contains("target"), "{reasons:?}");
        Ok(())
    }

    #[test]
    fn acks_must_be_201_requested_negotiations_for_our_pid() {
        let exchange = |status: u16, body: Value| Exchange {
            method: reqwest::Method::POST,
            url: Url::parse("http://h/dsp/negotiations/request").expect("URL"),
            status: StatusCode::from_u16(status).expect("status"),
            headers: [(reqwest::header::CONTENT_TYPE, reqwest::header::HeaderValue::from_static("application/json"))]
                .into_iter()
                .collect(),
            body: body.to_string().into_bytes(),
        };
        let pids = Pids { consumer: "urn:c".to_owned(), provider: "urn:p".to_owned() };
        let good = bodies::negotiation(&pids, State::Requested);
        assert_eq!(acknowledged(&exchange(201, good.clone()), "urn:c").ok().as_deref(), Some("urn:p"));
        assert!(acknowledged(&exchange(200, good.clone()), "urn:c").is_err());
        assert!(acknowledged(&exchange(201, good), "urn:other").is_err());
        let offered = bodies::negotiation(&pids, State::Offered);
        let Err(Stop::Fail(reasons)) = acknowledged(&exchange(201, offered), "urn:c") else {
            panic!("an OFFERED ack must fail");
        };
        assert!(reasons[0].contains("state is \"OFFERED\""), "{reasons:?}");
    }
}

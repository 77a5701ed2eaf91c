//! Opening a process, whatever its protocol: the suite requests one as consumer and checks
//! the connector's acknowledgement, or awaits the request the connector, triggered through a
//! webhook, sends to the suite as provider.

use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

use super::session::{Opening, prefixed};
use crate::checks;
use crate::context::Context;
use crate::counterparty::{Kept, ProcessRecord, ReceivedMessage, Store};
use crate::http::{Auth, Exchange};
use crate::process::{Pids, ProcessState as _, Protocol, fresh_id};
use crate::retry;
use crate::trigger::{Request, Trigger};
use crate::verdict::{Findings, Stop};

/// `stop` of opening step `what`, labelled.
pub(crate) fn labelled(what: &str, stop: Stop) -> Stop {
    prefixed(&format!("opening ({what})"), stop)
}

/// The connector's `kind` (`"negotiation"` or `"transfer"`) webhook, `url`; skips the
/// scenario when none is configured.
pub(crate) fn webhook<'a>(url: Option<&'a Url>, kind: &str) -> Result<&'a Url, Stop> {
    url.ok_or_else(|| {
        Stop::skip(format!(
            "no {kind} trigger configured (--{kind}-trigger): the connector-as-consumer scenarios need its {kind} \
             webhook"
        ))
    })
}

/// The suite, as consumer, opens a process of protocol `P`: it POSTs the initial request
/// `build(consumer_pid, callback_address)` (a fresh pid, the counter-party's address) to
/// `<dsp>/<processes>/request`, which the connector must answer 201 with the process object
/// in its initial state.
pub(crate) async fn as_consumer<P: Kept>(
    ctx: &Context,
    build: impl FnOnce(&str, &str) -> Value,
) -> Result<Opening<'_>, Stop> {
    let counter_party = ctx.counter_party()?;
    let store = counter_party.store();
    let consumer_pid = fresh_id();
    let cursor = store.message_count();
    let url = ctx.dsp_url(&[P::PATH, "request"]).await?;
    let body = build(&consumer_pid, counter_party.base_url().as_str());
    let pids = request::<P>(ctx, store, &url, &body, consumer_pid).await?;
    let cut_base = ctx.dsp_base().await?.clone();
    Ok(Opening { store, pids, cut_base, cursor })
}

/// The connector, as consumer, is told through `webhook` to make `request` of the suite's
/// counter-party; its initial request of protocol `P` that is `wanted` (`what` names it in
/// failures) must reach `<counter-party>/<processes>/request`, valid, with a
/// `callbackAddress`. Returns the request's body and the process it opened.
pub(crate) async fn triggered<'a, P: Protocol>(
    ctx: &'a Context,
    webhook: &Url,
    request: Request<'_>,
    wanted: impl Fn(&Value) -> bool,
    what: &str,
) -> Result<(Value, Opening<'a>), Stop> {
    let config = ctx.config();
    let counter_party = ctx.counter_party()?;
    let store = counter_party.store();
    let start = store.message_count();
    let trigger = Trigger { provider_id: &config.participant_id, connector_address: counter_party.base_url(), request };
    trigger
        .send(ctx.client(), webhook, config.trigger_api_key.as_deref())
        .await
        .map_err(|reason| labelled("trigger", Stop::fail(reason)))?;
    let (index, request) = await_request::<P>(ctx, store, start, wanted, what).await?;
    let (pids, cut_base) = requested(&request).map_err(|stop| labelled("initial request", stop))?;
    Ok((request.body, Opening { store, pids, cut_base, cursor: index + 1 }))
}

/// The suite, as consumer, POSTs the initial `request` of a new process under `consumer_pid`
/// to `url`; the connector must answer 201 with the process object in its initial state.
/// Returns both pids.
async fn request<P: Kept>(
    ctx: &Context,
    store: &Store,
    url: &Url,
    request: &Value,
    consumer_pid: String,
) -> Result<Pids, Stop> {
    let processes = store.processes::<P>();
    processes.open(ProcessRecord::requested_by_us(consumer_pid.clone()));
    let (exchange, _) = retry::post_json(ctx.client(), url, request, Auth::Send)
        .await
        .map_err(|reason| labelled("initial request", Stop::fail(reason)))?;
    let provider_pid = acknowledged::<P>(&exchange, &consumer_pid).map_err(|stop| labelled("initial request", stop))?;

    // The connector's first message may have arrived before its ack: both must agree.
    let seen = processes
        .update(&consumer_pid, |record| match &record.provider_pid {
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
    Ok(Pids { consumer: consumer_pid, provider: provider_pid })
}

/// The `providerPid` of the connector's ack of the suite's initial request: 201 with a valid
/// process object in its initial state for `consumer_pid`.
fn acknowledged<P: Protocol>(exchange: &Exchange, consumer_pid: &str) -> Result<String, Stop> {
    let mut findings = Findings::default();
    let ack = if checks::status(&mut findings, exchange, StatusCode::CREATED) {
        checks::dsp_answer(&mut findings, exchange, P::PROCESS_SCHEMA)
    } else {
        None
    };
    let ack = ack.unwrap_or(Value::Null);
    let what = format!("{}: the {}", exchange.describe(), P::PROCESS_TYPE);
    if findings.is_empty() {
        checks::fields(&mut findings, &what, &ack, &[("consumerPid", consumer_pid), ("state", P::INITIAL.as_str())]);
    }
    let provider_pid = ack.get("providerPid").and_then(Value::as_str).filter(|pid| !pid.is_empty());
    if findings.is_empty() && provider_pid.is_none() {
        findings.add(format!("{what} has no providerPid"));
    }
    findings.finish()?;
    provider_pid.map(str::to_owned).ok_or_else(|| Stop::fail("no providerPid"))
}

/// The first initial request of protocol `P` the connector sent to the counter-party from
/// message index `start` on that is `wanted`, within the wait timeout; `what` names it in
/// the failure, which lists what the connector sent instead.
async fn await_request<P: Protocol>(
    ctx: &Context,
    store: &Store,
    start: usize,
    wanted: impl Fn(&Value) -> bool,
    what: &str,
) -> Result<(usize, ReceivedMessage), Stop> {
    let timeout = ctx.config().wait_timeout;
    let found = store.wait_for_from(start, timeout, |m| is_initial_request::<P>(m) && wanted(&m.body)).await;
    if let Some(found) = found {
        return Ok(found);
    }
    let others: Vec<String> = store.messages_from(start).iter().map(ReceivedMessage::describe).collect();
    let others = if others.is_empty() { String::new() } else { format!("; received instead: {}", others.join("; ")) };
    let base = ctx.counter_party().map(|cp| cp.base_url().to_string()).unwrap_or_default();
    Err(labelled(
        "initial request",
        Stop::fail(format!(
            "the connector sent no {what} to {base}{}/request within {} s of the trigger{others}",
            P::PATH,
            timeout.as_secs_f64()
        )),
    ))
}

/// Whether `message` was posted to `/<processes>/request` of protocol `P`.
fn is_initial_request<P: Protocol>(message: &ReceivedMessage) -> bool {
    let path = message.path.split('?').next().unwrap_or_default();
    path.trim_end_matches('/') == format!("/{}/request", P::PATH)
}

/// The pids and callback address of the connector's initial request `request`, which the
/// counter-party must have accepted.
fn requested(request: &ReceivedMessage) -> Result<(Pids, Url), Stop> {
    let what = request.message_type.as_deref().unwrap_or("request");
    if !request.is_valid() {
        return Err(Stop::Fail(request.violations.iter().map(|v| format!("its {what} was refused: {v}")).collect()));
    }
    let callback = match request.field("callbackAddress").map(Url::parse) {
        Some(Ok(url)) => url,
        Some(Err(e)) => return Err(Stop::fail(format!("its {what}: callbackAddress is not a URL: {e}"))),
        None => return Err(Stop::fail(format!("its {what} has no callbackAddress"))),
    };
    let (Some(provider), Some(consumer)) = (request.process.clone(), request.field("consumerPid")) else {
        return Err(Stop::fail("the counter-party kept no process for the request (a bug in the suite)"));
    };
    Ok((Pids { consumer: consumer.to_owned(), provider }, callback))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages;
    use crate::negotiation::{Negotiation, State};
    use crate::transfer::Transfer;
    use serde_json::json;

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
    fn initial_requests_are_recognised_by_path() {
        assert!(is_initial_request::<Negotiation>(&received("/negotiations/request", json!({}), None)));
        assert!(is_initial_request::<Negotiation>(&received("/negotiations/request/", json!({}), None)));
        assert!(!is_initial_request::<Negotiation>(&received("/negotiations/x/request", json!({}), None)));
        assert!(!is_initial_request::<Transfer>(&received("/negotiations/request", json!({}), None)));
        assert!(is_initial_request::<Transfer>(&received("/transfers/request?x=1", json!({}), None)));
    }

    #[test]
    fn a_request_yields_pids_and_callback() -> Result<(), Stop> {
        let body =
            json!({"@type": "TransferRequestMessage", "consumerPid": "urn:c", "callbackAddress": "http://h:5/cb"});
        let (pids, callback) = requested(&received("/transfers/request", body.clone(), Some("urn:p")))?;
        assert_eq!(pids, Pids { consumer: "urn:c".to_owned(), provider: "urn:p".to_owned() });
        assert_eq!(callback.as_str(), "http://h:5/cb");
        let mut refused = received("/transfers/request", body, Some("urn:p"));
        refused.violations.push("no such agreement".to_owned());
        let Err(Stop::Fail(reasons)) = requested(&refused) else {
            panic!("a refused request must fail");
        };
        assert_eq!(reasons, ["its TransferRequestMessage was refused: no such agreement"]);
        Ok(())
    }

    #[test]
    fn acks_must_be_201_initial_processes_for_our_pid() {
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
        let good = messages::process::<Negotiation>(&pids, State::Requested);
        assert_eq!(acknowledged::<Negotiation>(&exchange(201, good.clone()), "urn:c").ok().as_deref(), Some("urn:p"));
        assert!(acknowledged::<Negotiation>(&exchange(200, good.clone()), "urn:c").is_err());
        assert!(acknowledged::<Negotiation>(&exchange(201, good.clone()), "urn:other").is_err());
        assert!(acknowledged::<Transfer>(&exchange(201, good), "urn:c").is_err(), "a negotiation is no transfer");
        let offered = messages::process::<Negotiation>(&pids, State::Offered);
        let Err(Stop::Fail(reasons)) = acknowledged::<Negotiation>(&exchange(201, offered), "urn:c") else {
            panic!("an OFFERED ack must fail");
        };
        assert!(reasons[0].contains("state is \"OFFERED\""), "{reasons:?}");
        let transfer = messages::process::<Transfer>(&pids, crate::transfer::State::Requested);
        assert_eq!(acknowledged::<Transfer>(&exchange(201, transfer), "urn:c").ok().as_deref(), Some("urn:p"));
    }
}

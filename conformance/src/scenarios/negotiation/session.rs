//! A negotiation in progress between the suite and the connector under test, whichever side
//! each plays: sending the suite's messages, awaiting the connector's, checking the end.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

use super::{Case, Step};
use crate::checks;
use crate::context::Context;
use crate::counterparty::{ReceivedMessage, Store};
use crate::http::Auth;
use crate::messages::negotiation::{self as bodies, AgreementTerms};
use crate::messages::timestamp;
use crate::negotiation::{Message, Pids, State, fresh_id};
use crate::retry;
use crate::schema::DspSchema;
use crate::urls;
use crate::verdict::{Findings, Stop};

/// Pause between two state queries while waiting for the expected end state.
const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// Longest body excerpt quoted in a failure reason.
const SNIPPET: usize = 300;

/// One negotiation of one scenario.
#[derive(Debug)]
pub(super) struct Session<'a> {
    ctx: &'a Context,
    case: &'a Case,
    store: &'a Store,
    pids: Pids,
    dataset_id: String,
    /// The offer the negotiation is about, with `target` (as negotiation messages carry it).
    offer: Value,
    /// Where the connector takes messages for this negotiation: its DSP base (provider) or the
    /// `callbackAddress` it sent (consumer).
    cut_base: Url,
    /// Index of the first counter-party message not yet matched by an [`Step::Await`].
    cursor: usize,
}

/// What a [`Session`] starts from.
#[derive(Debug)]
pub(super) struct Opened {
    /// Both pids.
    pub pids: Pids,
    /// The dataset negotiated for.
    pub dataset_id: String,
    /// The offer with `target`.
    pub offer: Value,
    /// The connector's base URL for this negotiation.
    pub cut_base: Url,
    /// Index of the first counter-party message that may belong to the connector's script.
    pub cursor: usize,
}

impl<'a> Session<'a> {
    /// A session for `case` over what opening the negotiation established.
    pub(super) fn new(ctx: &'a Context, case: &'a Case, store: &'a Store, opened: Opened) -> Self {
        let Opened { pids, dataset_id, offer, cut_base, cursor } = opened;
        Self { ctx, case, store, pids, dataset_id, offer, cut_base, cursor }
    }

    /// The pid the suite's counter-party keeps the negotiation under.
    fn suite_pid(&self) -> &str {
        self.pids.of(self.case.cut.other())
    }

    /// `<cut base>/negotiations/<connector's pid>/<segments>`.
    fn cut_url(&self, segments: &[&str]) -> Result<Url, Stop> {
        let mut path = vec!["negotiations", self.pids.of(self.case.cut)];
        path.extend_from_slice(segments);
        urls::with_segments(&self.cut_base, &path).map_err(Stop::fail)
    }

    /// Where the connector must post `message` on the counter-party, for reasons.
    fn counter_party_url(&self, message: Message) -> String {
        let mut path = vec!["negotiations", self.suite_pid()];
        path.extend_from_slice(message.path());
        self.ctx
            .counter_party()
            .ok()
            .and_then(|cp| urls::with_segments(cp.base_url(), &path).ok())
            .map_or_else(|| path.join("/"), String::from)
    }

    /// The state of the negotiation at the counter-party.
    fn counter_party_state(&self) -> Result<State, Stop> {
        self.store
            .negotiation_record(self.suite_pid())
            .map(|record| record.state)
            .ok_or_else(|| Stop::fail("the counter-party lost the negotiation (a bug in the suite)"))
    }

    /// Plays one step of the script.
    pub(super) async fn step(&mut self, step: Step) -> Result<(), Stop> {
        match step {
            Step::Send(message) => self.send(message).await,
            Step::Await(message) => self.await_message(message).await,
            Step::Refused(message) => self.refused(message).await,
        }
    }

    /// Sends a legal `message` (retrying while refused, as the connector may lag behind) and
    /// expects 200. The counter-party's state moves first, so a quick reaction finds it.
    async fn send(&self, message: Message) -> Result<(), Stop> {
        let current = self.counter_party_state()?;
        let next = message.transition(current).map_err(|reason| {
            Stop::fail(format!(
                "the suite cannot send it: the negotiation is {current} at the counter-party ({reason})"
            ))
        })?;
        let body = self.body(message).await?;
        let url = self.cut_url(message.path())?;
        self.store.set_negotiation_state(self.suite_pid(), next);
        let (exchange, tries) = retry::post_json(self.ctx.client(), &url, &body, Auth::Send).await?;
        if exchange.status == StatusCode::OK {
            return Ok(());
        }
        Err(Stop::fail(format!(
            "{}: expected status 200 OK, got {} (try {tries} of {}): {:?}",
            exchange.describe(),
            exchange.status,
            retry::BACKOFF.len() + 1,
            exchange.body_snippet(SNIPPET)
        )))
    }

    /// Sends `message`, illegal now, and expects a refusal: 4xx other than 404 with a
    /// `ContractNegotiationError` carrying both pids. Never retried; sent only once the
    /// connector reports the state the counter-party is in (it changes state when its own
    /// last message is acknowledged, which may be just after the counter-party recorded it).
    async fn refused(&self, message: Message) -> Result<(), Stop> {
        let current = self.counter_party_state()?;
        self.expect_state(current).await.map_err(|stop| prefixed("before sending it", stop))?;
        let body = self.body(message).await?;
        let url = self.cut_url(message.path())?;
        let exchange = self.ctx.client().post_json(&url, &body, Auth::Send).await?;
        let mut findings = Findings::default();
        if let Some(error) = checks::refusal(&mut findings, &exchange, DspSchema::ContractNegotiationError) {
            let what = format!("{}: the ContractNegotiationError", exchange.describe());
            checks::fields(&mut findings, &what, &error, &self.pid_fields());
        }
        findings.finish()
    }

    /// Waits for the connector's next message for this negotiation; it must be a valid
    /// `expected` (with both pids, checked by the counter-party) about the right dataset.
    async fn await_message(&mut self, expected: Message) -> Result<(), Stop> {
        let pid = self.suite_pid().to_owned();
        let timeout = self.ctx.config().wait_timeout;
        let next = self.store.wait_for_from(self.cursor, timeout, |m| m.process.as_deref() == Some(pid.as_str())).await;
        let Some((index, message)) = next else {
            let misplaced: Vec<String> = self.misplaced().iter().map(describe).collect();
            let misplaced = if misplaced.is_empty() {
                String::new()
            } else {
                format!("; it sent elsewhere: {}", misplaced.join("; "))
            };
            return Err(Stop::fail(format!(
                "the connector sent no {expected} to {} within {} s{misplaced}",
                self.counter_party_url(expected),
                timeout.as_secs_f64()
            )));
        };
        self.cursor = index + 1;
        let kind = Message::of(&message.body);
        if kind != Some(expected) {
            return Err(Stop::fail(format!(
                "the connector sent {} instead of a {expected}: {}",
                describe(&message),
                snippet(&message.body)
            )));
        }
        if !message.is_valid() {
            return Err(Stop::Fail(
                message.violations.iter().map(|v| format!("its {expected} to {}: {v}", message.path)).collect(),
            ));
        }
        let mut findings = Findings::default();
        self.check_content(&mut findings, expected, &message.body);
        findings.finish()
    }

    /// Checks what the connector's `message` says about the negotiated dataset and parties.
    fn check_content(&self, findings: &mut Findings, message: Message, body: &Value) {
        let what = format!("its {message}");
        let dataset = self.dataset_id.as_str();
        match message {
            Message::Offer | Message::Request => {
                let offer = body.get("offer").unwrap_or(&Value::Null);
                checks::fields(findings, &format!("{what}: offer"), offer, &[("target", dataset)]);
            }
            Message::Agreement => {
                // Only a provider agrees, so the suite is the consumer: the assignee.
                let agreement = body.get("agreement").unwrap_or(&Value::Null);
                let assignee = self.ctx.config().participant_id.as_str();
                let expected = [("target", dataset), ("assignee", assignee)];
                checks::fields(findings, &format!("{what}: agreement"), agreement, &expected);
            }
            _ => {}
        }
    }

    /// Polls the connector's negotiation until it reports `expected`: every answer must be 200
    /// (a 4xx is retried, as for any legal request) with a valid `ContractNegotiation`
    /// carrying both pids.
    pub(super) async fn expect_state(&self, expected: State) -> Result<(), Stop> {
        let url = self.cut_url(&[])?;
        let timeout = self.ctx.config().wait_timeout;
        let deadline = Instant::now() + timeout;
        loop {
            let (exchange, _) = retry::get(self.ctx.client(), &url, Auth::Send).await?;
            let mut findings = Findings::default();
            let mut state = None;
            if checks::status(&mut findings, &exchange, StatusCode::OK)
                && let Some(body) = checks::dsp_answer(&mut findings, &exchange, DspSchema::ContractNegotiation)
            {
                checks::fields(&mut findings, &exchange.describe(), &body, &self.pid_fields());
                state = body.get("state").and_then(Value::as_str).and_then(State::parse);
            }
            findings.finish()?;
            let Some(state) = state else {
                return Err(Stop::fail(format!("{}: no state", exchange.describe())));
            };
            if state == expected {
                return Ok(());
            }
            if state.is_terminal() || Instant::now() >= deadline {
                let waited =
                    if state.is_terminal() { String::new() } else { format!(" after {} s", timeout.as_secs_f64()) };
                return Err(Stop::fail(format!(
                    "{}: state is {state}, expected {expected}{waited}",
                    exchange.describe()
                )));
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Fails when the connector sent messages for this negotiation beyond its script.
    pub(super) fn nothing_unexpected(&self) -> Result<(), Stop> {
        let extra = self.unmatched();
        if extra.is_empty() {
            return Ok(());
        }
        Err(Stop::Fail(extra.iter().map(|m| format!("the connector also sent {}", describe(m))).collect()))
    }

    /// The connector's messages for this negotiation not matched by an [`Step::Await`] yet.
    fn unmatched(&self) -> Vec<ReceivedMessage> {
        let pid = self.suite_pid();
        self.store.messages_from(self.cursor).into_iter().filter(|m| m.process.as_deref() == Some(pid)).collect()
    }

    /// Messages naming this negotiation's pids that the counter-party could not place (posted
    /// under a pid it does not keep, e.g. the connector's own).
    fn misplaced(&self) -> Vec<ReceivedMessage> {
        let ours = |m: &ReceivedMessage| {
            m.field("consumerPid") == Some(self.pids.consumer.as_str())
                || m.field("providerPid") == Some(self.pids.provider.as_str())
        };
        self.store.messages_from(self.cursor).into_iter().filter(|m| m.process.is_none() && ours(m)).collect()
    }

    /// `stop` with every reason prefixed by `label`, plus what the connector sent meanwhile.
    pub(super) fn failure(&self, label: &str, stop: Stop) -> Stop {
        match prefixed(label, stop) {
            Stop::Fail(mut reasons) => {
                let unmatched = self.unmatched();
                if !unmatched.is_empty() {
                    let sent: Vec<String> = unmatched.iter().map(describe).collect();
                    reasons.push(format!("{label}: meanwhile the connector sent {}", sent.join("; ")));
                }
                Stop::Fail(reasons)
            }
            skip => skip,
        }
    }

    /// Both pids, as expected in answers.
    fn pid_fields(&self) -> [(&str, &str); 2] {
        [("providerPid", self.pids.provider.as_str()), ("consumerPid", self.pids.consumer.as_str())]
    }

    /// The body of the suite's `message` in this negotiation.
    async fn body(&self, message: Message) -> Result<Value, Stop> {
        let pids = &self.pids;
        Ok(match message {
            Message::Request => bodies::counter_request(pids, &self.offer),
            Message::Offer => bodies::offer(pids, &self.offer),
            Message::Accepted | Message::Finalized => {
                bodies::event(pids, message).ok_or_else(|| Stop::fail(format!("{message} is no event")))?
            }
            Message::Agreement => {
                let assignee = self.ctx.connector_participant_id().await?;
                let terms = AgreementTerms {
                    id: &fresh_id(),
                    target: &self.dataset_id,
                    assigner: &self.ctx.config().participant_id,
                    assignee,
                    timestamp: &timestamp::now(),
                };
                bodies::agreement_message(pids, &bodies::agreement(&self.offer, &terms))
            }
            Message::Verification => bodies::verification(pids),
            Message::Termination => {
                bodies::termination(pids, &format!("{}: the conformance suite ends this negotiation", self.case.id))
            }
        })
    }
}

/// `stop` with every reason (or the skip's why) prefixed by `label`.
pub(super) fn prefixed(label: &str, stop: Stop) -> Stop {
    match stop {
        Stop::Fail(reasons) => Stop::Fail(reasons.into_iter().map(|r| format!("{label}: {r}")).collect()),
        Stop::Skip(why) => Stop::Skip(format!("{label}: {why}")),
    }
}

/// `ContractOfferMessage to /negotiations/x/offers (refused: …)`, for reasons.
pub(super) fn describe(message: &ReceivedMessage) -> String {
    let kind = Message::of(&message.body)
        .map(Message::describe)
        .or_else(|| message.message_type.clone())
        .unwrap_or_else(|| "a message without @type".to_owned());
    let mut text = format!("{kind} to {}", message.path);
    if !message.is_valid() {
        text.push_str(&format!(" (refused: {})", message.violations.join("; ")));
    }
    text
}

/// A JSON body cut to [`SNIPPET`] characters.
fn snippet(body: &Value) -> String {
    let text = body.to_string();
    match text.char_indices().nth(SNIPPET) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

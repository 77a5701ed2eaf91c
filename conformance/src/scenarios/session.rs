//! A process (negotiation or transfer) in progress between the suite and the connector under
//! test, whichever side each plays: sending the suite's messages, awaiting the connector's,
//! checking the end. What the messages say is the protocol's `Terms`.

use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

use super::script::{Case, Step};
use crate::checks;
use crate::context::Context;
use crate::counterparty::{Kept, ReceivedMessage, Store};
use crate::http::Auth;
use crate::process::{Pids, ProcessMessage, ProcessState, Protocol, Role};
use crate::retry;
use crate::urls;
use crate::verdict::{Findings, Stop, Verdict};

/// Pause between two state queries while waiting for the expected end state.
const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// Longest body excerpt quoted in a failure reason.
const SNIPPET: usize = 300;

/// What a session says in the suite's messages and checks in the connector's, beyond the
/// protocol's state machine (which the counter-party enforces).
pub(crate) trait Terms<P: Protocol>: Send + Sync {
    /// The body of the suite's `message` in the process `pids` of scenario `case_id`.
    fn body(
        &self,
        ctx: &Context,
        pids: &Pids,
        case_id: &str,
        message: P::Message,
    ) -> impl Future<Output = Result<Value, Stop>> + Send;

    /// Records a finding for everything wrong with the content of the connector's valid
    /// `message` (`body`), the connector being `cut`.
    fn check(&self, ctx: &Context, findings: &mut Findings, cut: Role, message: P::Message, body: &Value);
}

/// One process of one scenario.
#[derive(Debug)]
pub(crate) struct Session<'a, P: Protocol, T> {
    ctx: &'a Context,
    case: &'a Case<P>,
    store: &'a Store,
    pids: Pids,
    terms: T,
    /// Where the connector takes messages for this process: its DSP base (provider) or the
    /// `callbackAddress` it sent (consumer).
    cut_base: Url,
    /// Index of the first counter-party message not yet matched by an [`Step::Await`].
    cursor: usize,
}

/// Where an opened process stands: what a [`Session`] starts from, with the [`Terms`] of its
/// protocol.
#[derive(Debug)]
pub(crate) struct Opening<'a> {
    /// The counter-party's store, which follows the process.
    pub store: &'a Store,
    /// Both pids.
    pub pids: Pids,
    /// The connector's base URL for this process: its DSP base (provider) or the
    /// `callbackAddress` it sent (consumer).
    pub cut_base: Url,
    /// Index of the first counter-party message that may belong to the connector's script.
    pub cursor: usize,
}

impl<'a, P: Kept, T: Terms<P>> Session<'a, P, T> {
    /// A session for `case` over the process `opening` established, saying and checking `terms`.
    pub(crate) fn new(ctx: &'a Context, case: &'a Case<P>, opening: Opening<'a>, terms: T) -> Self {
        let Opening { store, pids, cut_base, cursor } = opening;
        Self { ctx, case, store, pids, terms, cut_base, cursor }
    }

    /// Runs every step of the case, then checks the connector's end state and that it sent
    /// nothing beyond the script.
    pub(crate) async fn play(mut self) -> Verdict {
        let case = self.case;
        self.run(case.steps).await?;
        let label = format!("end state {}", case.end);
        self.expect_state(case.end).await.map_err(|reasons| self.failure(&label, reasons))?;
        self.nothing_unexpected().map_err(|reasons| self.failure("after the script", reasons))
    }

    /// Plays `steps` in order; returns the body of the message each exchanged. Reasons name
    /// the failing step.
    pub(crate) async fn run(&mut self, steps: &[Step<P::Message>]) -> Result<Vec<Value>, Stop> {
        let mut bodies = Vec::with_capacity(steps.len());
        for (index, step) in steps.iter().enumerate() {
            let label = format!("step {}/{} ({step})", index + 1, steps.len());
            bodies.push(self.step(*step).await.map_err(|reasons| self.failure(&label, reasons))?);
        }
        Ok(bodies)
    }

    /// The pid the suite's counter-party keeps the process under.
    fn suite_pid(&self) -> &str {
        self.pids.of(self.case.cut.other())
    }

    /// `<cut base>/<processes>/<connector's pid>/<segments>`.
    fn cut_url(&self, segments: &[&str]) -> Result<Url, Stop> {
        let mut path = vec![P::PATH, self.pids.of(self.case.cut)];
        path.extend_from_slice(segments);
        urls::with_segments(&self.cut_base, &path).map_err(Stop::fail)
    }

    /// Where the connector must post `message` on the counter-party, for reasons.
    fn counter_party_url(&self, message: P::Message) -> String {
        let mut path = vec![P::PATH, self.suite_pid()];
        path.extend_from_slice(message.path());
        self.ctx
            .counter_party()
            .ok()
            .and_then(|cp| urls::with_segments(cp.base_url(), &path).ok())
            .map_or_else(|| path.join("/"), String::from)
    }

    /// The state of the process at the counter-party.
    fn counter_party_state(&self) -> Result<P::State, Stop> {
        self.store
            .processes::<P>()
            .get(self.suite_pid())
            .map(|record| record.state)
            .ok_or_else(|| Stop::fail(format!("the counter-party lost the {} (a bug in the suite)", P::NAME)))
    }

    /// Plays one step of the script; returns the body of the message it exchanged.
    async fn step(&mut self, step: Step<P::Message>) -> Result<Value, Stop> {
        match step {
            Step::Send(message) => self.send(message).await,
            Step::Await(message) => self.await_any(&[message]).await.map(|(_, body)| body),
            Step::Refused(message) => self.refused(message).await,
        }
    }

    /// Sends a legal `message` (retrying while refused, as the connector may lag behind) and
    /// expects 200. The counter-party's state moves first, so a quick reaction finds it.
    async fn send(&self, message: P::Message) -> Result<Value, Stop> {
        let current = self.counter_party_state()?;
        let next = message.transition(current, self.case.cut.other()).map_err(|reason| {
            Stop::fail(format!(
                "the suite cannot send it: the {} is {current} at the counter-party ({reason})",
                P::NAME
            ))
        })?;
        let body = self.terms.body(self.ctx, &self.pids, self.case.id, message).await?;
        let url = self.cut_url(message.path())?;
        self.store.processes::<P>().set_state(self.suite_pid(), next);
        let (exchange, tries) = retry::post_json(self.ctx.client(), &url, &body, Auth::Send).await?;
        if exchange.status == StatusCode::OK {
            return Ok(body);
        }
        Err(Stop::fail(format!(
            "{}: expected status 200 OK, got {} (try {tries} of {}): {:?}",
            exchange.describe(),
            exchange.status,
            retry::BACKOFF.len() + 1,
            exchange.body_snippet(SNIPPET)
        )))
    }

    /// Sends `message`, illegal now, and expects a refusal: 4xx other than 404 with the
    /// protocol's error carrying both pids. Never retried; sent only once the connector
    /// reports the state the counter-party is in (it changes state when its own last message
    /// is acknowledged, which may be just after the counter-party recorded it).
    async fn refused(&self, message: P::Message) -> Result<Value, Stop> {
        let current = self.counter_party_state()?;
        self.expect_state(current).await.map_err(|stop| prefixed("before sending it", stop))?;
        let body = self.terms.body(self.ctx, &self.pids, self.case.id, message).await?;
        let url = self.cut_url(message.path())?;
        let exchange = self.ctx.client().post_json(&url, &body, Auth::Send).await?;
        let mut findings = Findings::default();
        if let Some(error) = checks::refusal(&mut findings, &exchange, P::ERROR_SCHEMA) {
            let what = format!("{}: the {}", exchange.describe(), P::ERROR_TYPE);
            checks::fields(&mut findings, &what, &error, &self.pid_fields());
        }
        findings.finish()?;
        Ok(body)
    }

    /// Waits for the connector's next message for this process; it must be a valid one of
    /// `expected` (with both pids, checked by the counter-party) with the right content.
    /// Returns its kind and body.
    pub(crate) async fn await_any(&mut self, expected: &[P::Message]) -> Result<(P::Message, Value), Stop> {
        let names: Vec<String> = expected.iter().map(ToString::to_string).collect();
        let names = names.join(" or ");
        let pid = self.suite_pid().to_owned();
        let timeout = self.ctx.config().wait_timeout;
        let next = self.store.wait_for_from(self.cursor, timeout, |m| m.process.as_deref() == Some(pid.as_str())).await;
        let Some((index, message)) = next else {
            let misplaced: Vec<String> = self.misplaced().iter().map(ReceivedMessage::describe).collect();
            let misplaced = if misplaced.is_empty() {
                String::new()
            } else {
                format!("; it sent elsewhere: {}", misplaced.join("; "))
            };
            let url = expected.first().map(|first| self.counter_party_url(*first)).unwrap_or_default();
            return Err(Stop::fail(format!(
                "the connector sent no {names} to {url} within {} s{misplaced}",
                timeout.as_secs_f64()
            )));
        };
        self.cursor = index + 1;
        let Some(kind) = P::Message::of(&message.body).filter(|kind| expected.contains(kind)) else {
            return Err(Stop::fail(format!(
                "the connector sent {} instead of a {names}: {}",
                message.describe(),
                snippet(&message.body)
            )));
        };
        if !message.is_valid() {
            return Err(Stop::Fail(
                message.violations.iter().map(|v| format!("its {kind} to {}: {v}", message.path)).collect(),
            ));
        }
        let mut findings = Findings::default();
        self.terms.check(self.ctx, &mut findings, self.case.cut, kind, &message.body);
        findings.finish()?;
        Ok((kind, message.body))
    }

    /// Polls the connector's process until it reports `expected`: every answer must be 200 (a
    /// 4xx is retried, as for any legal request) with a valid process object carrying both
    /// pids.
    pub(crate) async fn expect_state(&self, expected: P::State) -> Result<(), Stop> {
        let url = self.cut_url(&[])?;
        let timeout = self.ctx.config().wait_timeout;
        let deadline = Instant::now() + timeout;
        loop {
            let (exchange, _) = retry::get(self.ctx.client(), &url, Auth::Send).await?;
            let mut findings = Findings::default();
            let mut state = None;
            if checks::status(&mut findings, &exchange, StatusCode::OK)
                && let Some(body) = checks::dsp_answer(&mut findings, &exchange, P::PROCESS_SCHEMA)
            {
                checks::fields(&mut findings, &exchange.describe(), &body, &self.pid_fields());
                state = body.get("state").and_then(Value::as_str).and_then(P::State::parse);
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

    /// Fails when the connector sent messages for this process beyond its script.
    fn nothing_unexpected(&self) -> Result<(), Stop> {
        let extra = self.unmatched();
        if extra.is_empty() {
            return Ok(());
        }
        Err(Stop::Fail(extra.iter().map(|m| format!("the connector also sent {}", m.describe())).collect()))
    }

    /// The connector's messages for this process not matched by an [`Step::Await`] yet.
    fn unmatched(&self) -> Vec<ReceivedMessage> {
        let pid = self.suite_pid();
        self.store.messages_from(self.cursor).into_iter().filter(|m| m.process.as_deref() == Some(pid)).collect()
    }

    /// Messages naming this process's pids that the counter-party could not place (posted
    /// under a pid it does not keep, e.g. the connector's own).
    fn misplaced(&self) -> Vec<ReceivedMessage> {
        let ours = |m: &ReceivedMessage| {
            m.field("consumerPid") == Some(self.pids.consumer.as_str())
                || m.field("providerPid") == Some(self.pids.provider.as_str())
        };
        self.store.messages_from(self.cursor).into_iter().filter(|m| m.process.is_none() && ours(m)).collect()
    }

    /// `stop` with every reason prefixed by `label`, plus what the connector sent meanwhile.
    pub(crate) fn failure(&self, label: &str, stop: Stop) -> Stop {
        match prefixed(label, stop) {
            Stop::Fail(mut reasons) => {
                let unmatched = self.unmatched();
                if !unmatched.is_empty() {
                    let sent: Vec<String> = unmatched.iter().map(ReceivedMessage::describe).collect();
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
}

/// `stop` with every reason (or the skip's why) prefixed by `label`.
pub(crate) fn prefixed(label: &str, stop: Stop) -> Stop {
    match stop {
        Stop::Fail(reasons) => Stop::Fail(reasons.into_iter().map(|r| format!("{label}: {r}")).collect()),
        Stop::Skip(why) => Stop::Skip(format!("{label}: {why}")),
    }
}

/// A JSON body cut to [`SNIPPET`] characters.
fn snippet(body: &Value) -> String {
    let text = body.to_string();
    match text.char_indices().nth(SNIPPET) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

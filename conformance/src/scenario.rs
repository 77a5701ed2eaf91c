//! Scenario definitions and the runner that turns them into a [`Report`].

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

use futures::FutureExt as _;

use crate::config::SuiteConfig;
use crate::context::Context;
use crate::report::{Outcome, Report, ScenarioResult};
use crate::verdict::{self, Verdict};

/// The future a scenario function returns.
pub type ScenarioFuture<'a> = Pin<Box<dyn Future<Output = Verdict> + Send + 'a>>;

/// One conformance scenario: an id, a title and the check itself.
#[derive(Clone, Copy)]
pub struct Scenario {
    /// Id such as `CAT:01-01` (see `CONFORMANCE.md`).
    pub id: &'static str,
    /// One-line description of what is checked.
    pub title: &'static str,
    /// The check.
    pub check: for<'a> fn(&'a Context) -> ScenarioFuture<'a>,
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scenario").field("id", &self.id).field("title", &self.title).finish_non_exhaustive()
    }
}

/// Declares a [`Scenario`] from an id, a title and an `async fn(&Context) -> Verdict`.
#[macro_export]
macro_rules! scenario {
    ($id:literal, $title:literal, $check:path) => {
        $crate::scenario::Scenario { id: $id, title: $title, check: |ctx| ::std::boxed::Box::pin($check(ctx)) }
    };
}

/// Runs every scenario of `scenarios` that `config` selects, in order.
pub async fn run_scenarios(config: &SuiteConfig, scenarios: &[Scenario]) -> Report {
    let selected: Vec<&Scenario> = scenarios.iter().filter(|s| config.selects(s.id)).collect();
    if selected.is_empty() {
        return Report::default();
    }
    let context = match Context::new(config.clone()).await {
        Ok(context) => context,
        Err(reason) => {
            let scenarios =
                selected.iter().map(|s| result(s, Outcome::Failed { reasons: vec![reason.clone()] })).collect();
            return Report { scenarios };
        }
    };
    let mut report = Report::default();
    for scenario in selected {
        tracing::info!(id = scenario.id, "running scenario");
        let outcome = match AssertUnwindSafe((scenario.check)(&context)).catch_unwind().await {
            Ok(verdict) => verdict::outcome(verdict),
            Err(panic) => {
                Outcome::Failed { reasons: vec![format!("the scenario panicked: {}", panic_message(&panic))] }
            }
        };
        report.scenarios.push(result(scenario, outcome));
    }
    report
}

/// The reported result of `scenario`.
fn result(scenario: &Scenario, outcome: Outcome) -> ScenarioResult {
    ScenarioResult { id: scenario.id.to_owned(), title: scenario.title.to_owned(), outcome }
}

/// The message of a caught panic, when it has a textual one.
fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".to_owned()
    }
}

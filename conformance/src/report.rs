//! The result of a suite run, as data, text or JSON.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// How one scenario ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Outcome {
    /// Every check of the scenario held.
    Passed,
    /// At least one check failed; each reason says which and why.
    Failed {
        /// What went wrong, one finding per entry.
        reasons: Vec<String>,
    },
    /// The scenario could not run (missing prerequisite or configuration).
    Skipped {
        /// Why the scenario did not run.
        why: String,
    },
}

impl Outcome {
    /// The four-letter label used in the text report.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Passed => "PASS",
            Outcome::Failed { .. } => "FAIL",
            Outcome::Skipped { .. } => "SKIP",
        }
    }
}

/// The outcome of one scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// Scenario id, e.g. `CAT:01-01`.
    pub id: String,
    /// One-line description of what the scenario checks.
    pub title: String,
    /// How it ended.
    pub outcome: Outcome,
}

/// Results of every scenario a run selected, in registry order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// One entry per selected scenario.
    pub scenarios: Vec<ScenarioResult>,
}

impl Report {
    /// True when no scenario failed (skipped scenarios do not count as failures).
    pub fn passed(&self) -> bool {
        !self.scenarios.iter().any(|s| matches!(s.outcome, Outcome::Failed { .. }))
    }

    /// Number of scenarios with the given label (`PASS`, `FAIL`, `SKIP`).
    fn count(&self, label: &str) -> usize {
        self.scenarios.iter().filter(|s| s.outcome.label() == label).count()
    }

    /// Human-readable report: one line per scenario with its status, reasons indented below,
    /// and a closing summary line.
    pub fn render_text(&self) -> String {
        let mut text = String::new();
        for scenario in &self.scenarios {
            let _ = writeln!(text, "{} {} {}", scenario.outcome.label(), scenario.id, scenario.title);
            match &scenario.outcome {
                Outcome::Passed => {}
                Outcome::Failed { reasons } => {
                    for reason in reasons {
                        let _ = writeln!(text, "    - {reason}");
                    }
                }
                Outcome::Skipped { why } => {
                    let _ = writeln!(text, "    - {why}");
                }
            }
        }
        let _ = writeln!(
            text,
            "ran {} scenarios ({} passed, {} failed, {} skipped)",
            self.scenarios.len(),
            self.count("PASS"),
            self.count("FAIL"),
            self.count("SKIP")
        );
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        Report {
            scenarios: vec![
                ScenarioResult { id: "MET:01-01".into(), title: "version endpoint".into(), outcome: Outcome::Passed },
                ScenarioResult {
                    id: "CAT:01-01".into(),
                    title: "catalog request".into(),
                    outcome: Outcome::Failed { reasons: vec!["status 500".into(), "body is not JSON".into()] },
                },
                ScenarioResult {
                    id: "CAT:01-02".into(),
                    title: "dataset request".into(),
                    outcome: Outcome::Skipped { why: "no dataset id".into() },
                },
            ],
        }
    }

    #[test]
    fn text_report_lists_each_scenario_with_indented_reasons() {
        let expected = "\
PASS MET:01-01 version endpoint
FAIL CAT:01-01 catalog request
    - status 500
    - body is not JSON
SKIP CAT:01-02 dataset request
    - no dataset id
ran 3 scenarios (1 passed, 1 failed, 1 skipped)
";
        assert_eq!(sample().render_text(), expected);
    }

    #[test]
    fn a_failure_fails_the_report_but_a_skip_does_not() {
        let mut report = sample();
        assert!(!report.passed());
        report.scenarios.remove(1);
        assert!(report.passed());
    }

    #[test]
    fn json_report_tags_outcomes() -> Result<(), serde_json::Error> {
        let json = serde_json::to_value(sample())?;
        assert_eq!(json["scenarios"][0]["outcome"]["status"], "passed");
        assert_eq!(json["scenarios"][1]["outcome"]["reasons"][0], "status 500");
        assert_eq!(json["scenarios"][2]["outcome"]["why"], "no dataset id");
        let back: Report = serde_json::from_value(json)?;
        assert_eq!(back, sample());
        Ok(())
    }
}

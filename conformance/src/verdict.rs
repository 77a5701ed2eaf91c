//! How a scenario reports back: pass, fail with reasons, or skip.

use crate::report::Outcome;

/// Why a scenario did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The connector under test did something wrong; one reason per finding.
    Fail(Vec<String>),
    /// The scenario could not run; the reason says why.
    Skip(String),
}

impl Stop {
    /// A failure with a single reason.
    pub fn fail(reason: impl Into<String>) -> Self {
        Stop::Fail(vec![reason.into()])
    }

    /// A skip with the given reason.
    pub fn skip(why: impl Into<String>) -> Self {
        Stop::Skip(why.into())
    }
}

impl From<String> for Stop {
    fn from(reason: String) -> Self {
        Stop::fail(reason)
    }
}

impl From<Vec<String>> for Stop {
    fn from(reasons: Vec<String>) -> Self {
        Stop::Fail(reasons)
    }
}

/// What a scenario function returns: `Ok(())` when every check held.
pub type Verdict = Result<(), Stop>;

/// Turns a scenario's verdict into the reported outcome.
pub fn outcome(verdict: Verdict) -> Outcome {
    match verdict {
        Ok(()) => Outcome::Passed,
        Err(Stop::Fail(reasons)) if reasons.is_empty() => {
            Outcome::Failed { reasons: vec!["failed without a reason".to_owned()] }
        }
        Err(Stop::Fail(reasons)) => Outcome::Failed { reasons },
        Err(Stop::Skip(why)) => Outcome::Skipped { why },
    }
}

/// Failure reasons gathered while a scenario keeps checking after a first problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    reasons: Vec<String>,
}

impl Findings {
    /// Records one failure reason.
    pub fn add(&mut self, reason: impl Into<String>) {
        self.reasons.push(reason.into());
    }

    /// Records several failure reasons.
    pub fn extend(&mut self, reasons: impl IntoIterator<Item = String>) {
        self.reasons.extend(reasons);
    }

    /// Keeps the value of `result`, or records its reasons and returns `None`.
    pub fn take<T>(&mut self, result: Result<T, Vec<String>>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(reasons) => {
                self.extend(reasons);
                None
            }
        }
    }

    /// True while nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.reasons.is_empty()
    }

    /// The recorded reasons.
    pub fn into_reasons(self) -> Vec<String> {
        self.reasons
    }

    /// Passes when nothing was recorded, fails with every reason otherwise.
    pub fn finish(self) -> Verdict {
        if self.reasons.is_empty() { Ok(()) } else { Err(Stop::Fail(self.reasons)) }
    }
}

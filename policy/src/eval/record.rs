//! What an evaluation keeps of each judgement: the full report that explanations are made of ([`Report`]), or only
//! the truth values that decide the outcome ([`Truths`]). One evaluator ([`super::walk`]) serves both, so the fast
//! answer and the explained one cannot disagree; the report's texts and paths are only built when it is kept.

use std::fmt;

use super::{ConstraintReport, RuleReport, Truth, Verdict};
use crate::model::{AtomicConstraint, LogicalOperator, Rule, RuleKind};
use crate::operand::lexical_form;

/// Where a judged part is in the policy; written as a JSON pointer (`/permission/0/constraint/1`) only when a report
/// needs it.
#[derive(Clone, Copy)]
pub(super) struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Name(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    /// The top-level member `name` of the policy.
    pub(super) fn root(name: &'a str) -> Path<'a> {
        Path { parent: None, segment: Segment::Name(name) }
    }

    /// The member `name` of this part.
    pub(super) fn name(&'a self, name: &'a str) -> Path<'a> {
        Path { parent: Some(self), segment: Segment::Name(name) }
    }

    /// The `index`-th item of this list.
    pub(super) fn index(&'a self, index: usize) -> Path<'a> {
        Path { parent: Some(self), segment: Segment::Index(index) }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        match self.segment {
            Segment::Name(name) => write!(f, "/{name}"),
            Segment::Index(index) => write!(f, "/{index}"),
        }
    }
}

/// Why a rule does not apply to a request, other than its constraints.
#[derive(Clone, Copy)]
pub(super) enum NotApplicable<'a> {
    /// The rule's action does not cover the requested one.
    Action { rule: &'a str, requested: &'a str },
    /// The rule is assigned to someone other than the caller.
    Assignee(&'a str),
    /// The rule is about another asset than the requested one.
    Target { rule: &'a str, requested: &'a str },
}

impl fmt::Display for NotApplicable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotApplicable::Action { rule, requested } => {
                write!(f, "it is about `{rule}`, which does not cover `{requested}`")
            }
            NotApplicable::Assignee(assignee) => write!(f, "it is assigned to `{assignee}`, not to the caller"),
            NotApplicable::Target { rule, requested } => write!(f, "it is about `{rule}`, not `{requested}`"),
        }
    }
}

/// How many of a list of constraints hold, fail, are unknown or deferred: all that decides a rule or a logical
/// constraint.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Tally {
    held: usize,
    failed: usize,
    unknown: usize,
    deferred: usize,
}

impl Extend<Truth> for Tally {
    fn extend<T: IntoIterator<Item = Truth>>(&mut self, truths: T) {
        for truth in truths {
            match truth {
                Truth::True => self.held += 1,
                Truth::False => self.failed += 1,
                Truth::Unknown => self.unknown += 1,
                Truth::Deferred => self.deferred += 1,
            }
        }
    }
}

impl Tally {
    /// The Kleene combination of the parts under `operator`; deferred parts take no part in it.
    pub(super) fn combine(self, operator: LogicalOperator) -> Truth {
        let decided = self.held + self.failed + self.unknown;
        if decided == 0 && self.deferred > 0 {
            return Truth::Deferred;
        }
        let certain = |holds: bool| if holds { Truth::True } else { Truth::False };
        match operator {
            LogicalOperator::And | LogicalOperator::AndSequence if self.failed > 0 => Truth::False,
            LogicalOperator::And | LogicalOperator::AndSequence if self.unknown > 0 => Truth::Unknown,
            LogicalOperator::And | LogicalOperator::AndSequence => Truth::True,
            LogicalOperator::Or if self.held > 0 => Truth::True,
            LogicalOperator::Or if self.unknown > 0 => Truth::Unknown,
            LogicalOperator::Or => Truth::False,
            LogicalOperator::Xone if self.held > 1 => Truth::False,
            LogicalOperator::Xone if self.unknown > 0 => Truth::Unknown,
            LogicalOperator::Xone => certain(self.held == 1),
        }
    }

    /// Whether a permission with these constraints applies: failing closed, each holds or is deferred.
    pub(super) fn permits(self) -> bool {
        self.failed == 0 && self.unknown == 0
    }

    /// Whether a prohibition with these constraints applies: failing closed, none certainly fails, and none is
    /// left to a later scope.
    pub(super) fn forbids(self) -> bool {
        self.failed == 0 && self.deferred == 0
    }
}

/// What the evaluator keeps of its judgements.
pub(super) trait Record {
    /// What is kept of one constraint.
    type Constraint;
    /// What is kept of a list of constraints: a rule's, or a logical constraint's parts.
    type Constraints: Default + Extend<Self::Constraint>;
    /// What is kept of one rule.
    type Rule;

    /// How the kept constraints stand.
    fn tally(constraints: &Self::Constraints) -> Tally;

    /// A comparison judged; `actual` gives the request's values in words, if it had any.
    fn atomic(
        path: &Path<'_>,
        atomic: &AtomicConstraint,
        verdict: Verdict,
        actual: impl FnOnce() -> Option<Vec<String>>,
    ) -> Self::Constraint;

    /// A logical constraint judged.
    fn logical(path: &Path<'_>, operator: LogicalOperator, truth: Truth, parts: Self::Constraints) -> Self::Constraint;

    /// A rule judged.
    fn rule(
        path: &Path<'_>,
        kind: RuleKind,
        rule: &Rule,
        applies: bool,
        not_applicable: Option<NotApplicable<'_>>,
        constraints: Self::Constraints,
    ) -> Self::Rule;
}

/// Keeps everything: the report of [`super::evaluate`].
pub(super) struct Report;

impl Record for Report {
    type Constraint = ConstraintReport;
    type Constraints = Vec<ConstraintReport>;
    type Rule = RuleReport;

    fn tally(constraints: &Vec<ConstraintReport>) -> Tally {
        let mut tally = Tally::default();
        tally.extend(constraints.iter().map(ConstraintReport::truth));
        tally
    }

    fn atomic(
        path: &Path<'_>,
        atomic: &AtomicConstraint,
        verdict: Verdict,
        actual: impl FnOnce() -> Option<Vec<String>>,
    ) -> ConstraintReport {
        ConstraintReport::Atomic {
            path: path.to_string(),
            left: atomic.left.clone(),
            operator: atomic.operator,
            right: atomic.right.iter().map(lexical_form).collect(),
            actual: actual(),
            verdict,
        }
    }

    fn logical(
        path: &Path<'_>,
        operator: LogicalOperator,
        truth: Truth,
        parts: Vec<ConstraintReport>,
    ) -> ConstraintReport {
        ConstraintReport::Logical { path: path.to_string(), operator, truth, parts }
    }

    fn rule(
        path: &Path<'_>,
        kind: RuleKind,
        rule: &Rule,
        applies: bool,
        not_applicable: Option<NotApplicable<'_>>,
        constraints: Vec<ConstraintReport>,
    ) -> RuleReport {
        RuleReport {
            path: path.to_string(),
            kind,
            action: rule.action.name.clone(),
            applies,
            not_applicable: not_applicable.map(|why| why.to_string()),
            constraints,
        }
    }
}

/// Keeps only truth values: the outcome of [`super::Prepared::outcome`], without building a report.
pub(super) struct Truths;

impl Record for Truths {
    type Constraint = Truth;
    type Constraints = Tally;
    type Rule = ();

    fn tally(constraints: &Tally) -> Tally {
        *constraints
    }

    fn atomic(_: &Path<'_>, _: &AtomicConstraint, verdict: Verdict, _: impl FnOnce() -> Option<Vec<String>>) -> Truth {
        verdict.truth()
    }

    fn logical(_: &Path<'_>, _: LogicalOperator, truth: Truth, _: Tally) -> Truth {
        truth
    }

    fn rule(_: &Path<'_>, _: RuleKind, _: &Rule, _: bool, _: Option<NotApplicable<'_>>, _: Tally) {}
}

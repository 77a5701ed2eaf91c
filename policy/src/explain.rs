//! Decisions in plain words: one sentence per constraint ("purpose `marketing` is not a kind of
//! `air-quality-modelling`"), one line per rule, and the outcome first.

use std::fmt::Write as _;

use crate::eval::{ConstraintReport, Decision, Outcome, RuleReport, Truth, Verdict};
use crate::model::{LogicalOperator, Operator, RuleKind};

/// The decision as text for people, indented by structure.
///
/// ```
/// use ldt_policy::eval::{Context, Environment, evaluate};
/// let policy = ldt_policy::read_policy(&serde_json::json!({"@type": "Set", "permission": [{"action": "use",
///     "constraint": [{"leftOperand": "purpose", "operator": "isA", "rightOperand": "air-quality-modelling"}]}]})).unwrap();
/// let context = Context { purpose: Some("marketing".into()), ..Context::default() };
/// let text = ldt_policy::explain::render(&evaluate(&policy, &context, &Environment::default()));
/// assert!(text.contains("purpose `marketing` is not a kind of `air-quality-modelling`"), "{text}");
/// ```
pub fn render(decision: &Decision) -> String {
    let mut out = String::new();
    let outcome = match decision.outcome {
        Outcome::Permit => "PERMIT",
        Outcome::Deny => "DENY",
    };
    let _ = writeln!(out, "{outcome} `{}`: {}", decision.action, decision.summary);
    for rule in &decision.rules {
        render_rule(rule, &mut out);
    }
    for duty in &decision.duties {
        let _ = writeln!(out, "  duty {} ({}) comes with the permit", duty.path, duty.action);
        for constraint in &duty.constraints {
            render_constraint(constraint, 2, &mut out);
        }
    }
    out
}

/// Why a decision is what it is, in one line per failing constraint: what a DSP termination `reason` carries.
pub fn reasons(decision: &Decision) -> Vec<String> {
    let mut reasons = vec![decision.summary.clone()];
    for rule in decision.rules.iter().filter(|rule| rule.kind == RuleKind::Permission && !rule.applies) {
        if let Some(why) = &rule.not_applicable {
            reasons.push(format!("{} does not apply: {why}", rule.path));
        }
        for constraint in &rule.constraints {
            failing(constraint, &mut reasons);
        }
    }
    reasons
}

fn failing(report: &ConstraintReport, reasons: &mut Vec<String>) {
    match report {
        ConstraintReport::Atomic { .. } if !report.satisfied() => reasons.push(sentence(report)),
        ConstraintReport::Logical { parts, truth: Truth::False | Truth::Unknown, .. } => {
            parts.iter().for_each(|p| failing(p, reasons))
        }
        _ => {}
    }
}

fn render_rule(rule: &RuleReport, out: &mut String) {
    let kind = match rule.kind {
        RuleKind::Permission => "permission",
        RuleKind::Prohibition => "prohibition",
        RuleKind::Duty => "duty",
    };
    let state = if rule.applies { "applies" } else { "does not apply" };
    let _ = write!(out, "  {kind} {} ({}) {state}", rule.path, rule.action);
    match &rule.not_applicable {
        Some(why) => {
            let _ = writeln!(out, ": {why}");
        }
        None => out.push('\n'),
    }
    for constraint in &rule.constraints {
        render_constraint(constraint, 2, out);
    }
}

fn render_constraint(report: &ConstraintReport, depth: usize, out: &mut String) {
    let mark = match report.truth() {
        Truth::True => "✓",
        Truth::False => "✗",
        Truth::Unknown => "?",
        Truth::Deferred => "…",
    };
    let indent = "  ".repeat(depth);
    let _ = writeln!(out, "{indent}{mark} {}", sentence(report));
    if let ConstraintReport::Logical { parts, .. } = report {
        for part in parts {
            render_constraint(part, depth + 1, out);
        }
    }
}

/// One constraint's verdict as a sentence.
pub fn sentence(report: &ConstraintReport) -> String {
    match report {
        ConstraintReport::Logical { operator, truth, parts, .. } => {
            let held = parts.iter().filter(|part| part.satisfied()).count();
            let rule = match operator {
                LogicalOperator::And => "all of",
                LogicalOperator::AndSequence => "all of, in order,",
                LogicalOperator::Or => "at least one of",
                LogicalOperator::Xone => "exactly one of",
            };
            let verdict = match truth {
                Truth::True => "holds",
                Truth::False => "does not hold",
                Truth::Unknown => "cannot be decided",
                Truth::Deferred => "is checked later",
            };
            format!("{rule} {} conditions must hold, and {held} do: {verdict}", parts.len())
        }
        ConstraintReport::Atomic { left, operator, right, actual, verdict, .. } => {
            let right = quoted(right);
            match (verdict, actual) {
                (Verdict::Unresolved(reason), _) => format!("{left} {operator} {right} could not be checked: {reason}"),
                (Verdict::Deferred(scope), _) => format!("{left} {operator} {right} is checked {}", scope.describe()),
                (verdict, actual) => {
                    let actual = actual.as_deref().map(quoted).unwrap_or_default();
                    let relation = relation(*operator, left == "dateTime" || left == "elapsedTime");
                    let phrase = if *verdict == Verdict::Satisfied { relation.0 } else { relation.1 };
                    format!("{left} {actual} {phrase} {right}")
                }
            }
        }
    }
}

/// How an operator reads when it holds, and when it does not.
fn relation(operator: Operator, temporal: bool) -> (&'static str, &'static str) {
    match (operator, temporal) {
        (Operator::Eq, _) => ("is", "is not"),
        (Operator::Neq, _) => ("is not", "is"),
        (Operator::Lt, true) => ("is before", "is not before"),
        (Operator::Lteq, true) => ("is not after", "is after"),
        (Operator::Gt, true) => ("is after", "is not after"),
        (Operator::Gteq, true) => ("is not before", "is before"),
        (Operator::Lt, false) => ("is less than", "is not less than"),
        (Operator::Lteq, false) => ("is at most", "is more than"),
        (Operator::Gt, false) => ("is more than", "is not more than"),
        (Operator::Gteq, false) => ("is at least", "is less than"),
        (Operator::IsA, _) => ("is a kind of", "is not a kind of"),
        (Operator::HasPart, _) => ("includes", "does not include"),
        (Operator::IsPartOf, _) => ("is part of", "is not part of"),
        (Operator::IsAllOf, _) => ("includes all of", "does not include all of"),
        (Operator::IsAnyOf, _) => ("is one of", "is none of"),
        (Operator::IsNoneOf, _) => ("is none of", "is one of"),
    }
}

fn quoted(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|value| format!("`{value}`")).collect();
    match quoted.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

//! An assessment in plain words, for people (the CLI and the demo).

use std::fmt::Write as _;

use crate::slc::assess::{Assessment, Finding, Status};

/// The assessment as text: the verdict and score, each input with its source and findings, the deployment
/// findings, and the proposed contracts.
pub fn render(assessment: &Assessment) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} ({}, by {}): {} — score {}",
        assessment.title,
        assessment.version,
        assessment.kind.label().to_lowercase(),
        assessment.provider,
        assessment.verdict.label(),
        assessment.score
    );
    for input in &assessment.inputs {
        let source = match &input.source {
            Some(source) => format!("`{}` of {}", source.dataset, source.participant.name),
            None => "nothing found".to_owned(),
        };
        let _ = writeln!(out, "  input {}: {source}", input.input);
        for finding in &input.findings {
            line(&mut out, finding);
        }
    }
    if !assessment.deployment.is_empty() {
        let _ = writeln!(out, "  deployment:");
        for finding in &assessment.deployment {
            line(&mut out, finding);
        }
    }
    for proposal in &assessment.proposals {
        let _ = writeln!(
            out,
            "  proposed contract for {}: `{}` of {} under offer `{}` — {}",
            proposal.input,
            proposal.dataset,
            proposal.counter_party_address.as_deref().unwrap_or(&proposal.counter_party_id),
            proposal.offer_id,
            proposal.explanation
        );
    }
    out
}

fn line(out: &mut String, finding: &Finding) {
    let mark = match finding.status {
        Status::Satisfied => "ok   ",
        Status::Adaptable => "adapt",
        Status::Unsatisfied => "NO   ",
    };
    let adaptation = finding
        .adaptation
        .map(|adaptation| format!(" [{}, {:?} effort]", adaptation.kind.label(), adaptation.effort).to_lowercase())
        .unwrap_or_default();
    let _ = writeln!(out, "    {mark} {:<11} {}{adaptation}", finding.requirement.as_str(), finding.reason);
}

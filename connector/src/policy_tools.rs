//! `ldt-connector policy validate|eval`: the policy engine for operators, on files.

use std::path::Path;

use anyhow::Context as _;
use ldt_policy::eval::{Context, evaluate};
use ldt_policy::validate::{Scope, Usage, validate};
use serde_json::{Value, json};

use crate::config::Config;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// JSON, for tools.
    Json,
    /// Plain words, for people.
    Text,
}

/// Validates the policy in `file` for use in `scope` (any scope when `None`); returns what to print and whether it
/// is valid.
pub fn validate_file(
    file: &Path,
    scope: Option<Scope>,
    config: &Config,
    format: Format,
) -> anyhow::Result<(String, bool)> {
    let document = read_json(file)?;
    let claims = config.policy.claims.keys().cloned();
    let usage = Usage::within(scope.as_slice(), claims);
    let problems = match ldt_policy::read_policy(&document) {
        Ok(policy) => validate(&policy, &usage),
        Err(problems) => problems,
    };
    let output = match format {
        Format::Json => serde_json::to_string_pretty(&json!({"valid": problems.is_empty(), "problems": problems}))?,
        Format::Text if problems.is_empty() => format!("{}: valid", file.display()),
        Format::Text => {
            let lines: Vec<String> = problems.iter().map(|problem| format!("  {problem}")).collect();
            format!("{}: {} problem(s)\n{}", file.display(), problems.len(), lines.join("\n"))
        }
    };
    Ok((output, problems.is_empty()))
}

/// Evaluates the policy in `policy_file` against the request context in `context_file` (`now` defaults to the
/// current time) with the engine configuration of `config`; returns what to print.
pub fn eval_files(policy_file: &Path, context_file: &Path, config: &Config, format: Format) -> anyhow::Result<String> {
    let policy = ldt_policy::read_policy(&read_json(policy_file)?).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("{} is not a policy: {}", policy_file.display(), lines.join("; "))
    })?;
    let mut context: Context = serde_json::from_value(read_json(context_file)?)
        .with_context(|| format!("{} is not a request context", context_file.display()))?;
    context.now.get_or_insert_with(|| chrono::Utc::now().fixed_offset());
    let decision = evaluate(&policy, &context, &config.policy);
    Ok(match format {
        Format::Json => serde_json::to_string_pretty(&json!({
            "decision": decision,
            "explanation": ldt_policy::explain::render(&decision),
        }))?,
        Format::Text => ldt_policy::explain::render(&decision),
    })
}

fn read_json(file: &Path) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))
}

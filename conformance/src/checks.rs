//! Checks shared by scenarios on the answers of the connector under test.

use reqwest::StatusCode;
use serde_json::Value;

use crate::http::Exchange;
use crate::jsonld;
use crate::schema::{self, DspSchema};
use crate::verdict::Findings;

/// Records a reason unless the answer has status `expected`; returns whether it had.
pub fn status(findings: &mut Findings, exchange: &Exchange, expected: StatusCode) -> bool {
    if exchange.status == expected {
        return true;
    }
    findings.add(format!(
        "{}: expected status {expected}, got {}: {:?}",
        exchange.describe(),
        exchange.status,
        exchange.body_snippet(300)
    ));
    false
}

/// Records a reason unless the answer declares a JSON media type (`application/json`, or a
/// `+json` type such as `application/ld+json`).
pub fn json_media_type(findings: &mut Findings, exchange: &Exchange) {
    let media_type = exchange
        .content_type()
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase());
    match media_type.as_deref() {
        Some("application/json") => {}
        Some(other) if other.starts_with("application/") && other.ends_with("+json") => {}
        Some(other) => {
            findings.add(format!("{}: Content-Type is {other:?}, expected \"application/json\"", exchange.describe()))
        }
        None => {
            findings.add(format!("{}: answer has no Content-Type, expected \"application/json\"", exchange.describe()))
        }
    }
}

/// Checks a DSP message body: it must validate against `schema` and, for JSON-LD messages,
/// expand with the DSP context to a node of the schema's type.
pub fn dsp_message(schema: DspSchema, message: &Value) -> Result<(), Vec<String>> {
    let mut reasons = Vec::new();
    if let Err(violations) = schema::validate(schema, message) {
        reasons.extend(violations);
    }
    if let Some(type_iri) = schema.type_iri()
        && let Err(problems) = jsonld::check_expansion(message, &type_iri)
    {
        reasons.extend(problems);
    }
    if reasons.is_empty() { Ok(()) } else { Err(reasons) }
}

/// Checks a DSP answer: JSON media type, JSON body, schema and JSON-LD expansion
/// ([`dsp_message`]). Returns the body whenever it is JSON, so callers can check its content
/// even after a schema violation was recorded.
pub fn dsp_answer(findings: &mut Findings, exchange: &Exchange, schema: DspSchema) -> Option<Value> {
    json_media_type(findings, exchange);
    let body = match exchange.json() {
        Ok(body) => body,
        Err(reason) => {
            findings.add(reason);
            return None;
        }
    };
    if let Err(reasons) = dsp_message(schema, &body) {
        let prefix = exchange.describe();
        findings.extend(reasons.into_iter().map(|r| format!("{prefix}: {r}")));
    }
    Some(body)
}

/// Records a reason unless the answer refuses a request the way DSP wants an illegal message
/// refused: a 4xx status other than 404 (which would deny the process exists) with a valid
/// `schema` error body. Returns the body when it is JSON.
pub fn refusal(findings: &mut Findings, exchange: &Exchange, schema: DspSchema) -> Option<Value> {
    if !exchange.status.is_client_error() || exchange.status == StatusCode::NOT_FOUND {
        findings.add(format!(
            "{}: expected a 4xx status other than 404, got {}: {:?}",
            exchange.describe(),
            exchange.status,
            exchange.body_snippet(300)
        ));
        return None;
    }
    dsp_answer(findings, exchange, schema)
}

/// Records a reason for every top-level string property of `body` named in `expected` whose
/// value differs (e.g. both pids of a negotiation answer); `what` names the body.
pub fn fields(findings: &mut Findings, what: &str, body: &Value, expected: &[(&str, &str)]) {
    for (name, value) in expected {
        let actual = body.get(*name);
        if actual.and_then(Value::as_str) != Some(*value) {
            findings.add(format!(
                "{what}: {name} is {}, expected {value:?}",
                actual.map_or_else(|| "missing".to_owned(), Value::to_string)
            ));
        }
    }
}

//! ODRL 2.2 usage policies as the Dataspace Protocol uses them. Pure logic, no IO.
//!
//! - [`model`]: policies, rules, actions, constraints;
//! - [`read_policy`] / [`write_policy`]: from and to DSP compact JSON-LD, with a JSON pointer on every problem
//!   ([`diagnostic`]);
//! - [`catalogue_offer_body`]: the rules of a policy as a DSP catalogue `Offer` publishes them.

pub mod diagnostic;
pub mod eval;
pub mod expiry;
pub mod explain;
mod left_operand;
pub mod matching;
pub mod model;
pub mod operand;
mod read;
mod spatial;
pub mod validate;
pub mod vocabulary;
mod write;

pub use diagnostic::{Diagnostic, Problem};
pub use model::Policy;
pub use read::read_policy;
pub use write::write_policy;

use serde_json::{Map, Value};

/// Keys of a stored policy that never appear in a catalogue offer: the document's own identity and type (the
/// offer gets its own), its JSON-LD context (the catalogue carries one for the whole document) and, per DSP 2025-1,
/// the `target` (a catalogue offer's target is the dataset that carries it) and the parties (set on agreement).
const NOT_IN_CATALOGUE_OFFER: [&str; 6] = ["@context", "@id", "@type", "target", "assigner", "assignee"];

/// The rules of a policy document as they appear in a catalogue `Offer`: every member of the document but those that
/// the offer sets itself or that DSP forbids in a catalogue, and `target` removed from each rule as well.
///
/// ```
/// let policy = serde_json::json!({
///     "@context": "http://www.w3.org/ns/odrl.jsonld", "@id": "p1", "@type": "Set", "target": "ds1",
///     "permission": [{"action": "use", "target": "ds1"}]
/// });
/// let body = ldt_policy::catalogue_offer_body(&policy);
/// assert_eq!(serde_json::Value::Object(body), serde_json::json!({"permission": [{"action": "use"}]}));
/// ```
pub fn catalogue_offer_body(policy: &Value) -> Map<String, Value> {
    let Value::Object(document) = policy else {
        return Map::new();
    };
    document
        .iter()
        .filter(|(key, _)| !NOT_IN_CATALOGUE_OFFER.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), without_rule_targets(value)))
        .collect()
}

/// `value` with `target` removed from every object in it (rules, duties and their nested rules).
fn without_rule_targets(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(without_rule_targets).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .filter(|(key, _)| key.as_str() != "target")
                .map(|(key, value)| (key.clone(), without_rule_targets(value)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strips_identity_context_parties_and_every_target() {
        let policy = json!({
            "@context": ["https://w3id.org/dspace/2025/1/context.jsonld"],
            "@id": "urn:policy:1", "@type": "Agreement", "assigner": "a", "assignee": "b", "target": "t",
            "permission": [{"action": "use", "target": "t",
                "duty": [{"action": "delete", "target": "t"}],
                "constraint": [{"leftOperand": "purpose", "operator": "eq", "rightOperand": "x"}]}],
            "prohibition": [{"action": "distribute"}]
        });
        assert_eq!(
            Value::Object(catalogue_offer_body(&policy)),
            json!({
                "permission": [{"action": "use", "duty": [{"action": "delete"}],
                    "constraint": [{"leftOperand": "purpose", "operator": "eq", "rightOperand": "x"}]}],
                "prohibition": [{"action": "distribute"}]
            })
        );
    }

    #[test]
    fn a_non_object_has_no_body() {
        assert!(catalogue_offer_body(&json!(["not", "a", "policy"])).is_empty());
    }
}

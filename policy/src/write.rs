//! Writing a policy back in DSP 2025-1 compact form, stably: the same policy always gives the same JSON, and
//! reading what is written gives the same policy back.

use serde_json::{Map, Value, json};

use crate::model::{Action, Constraint, Literal, ODRL, Policy, Rule};

/// The policy in DSP compact form, without `@context` (the message that carries it has one).
///
/// ```
/// let document = serde_json::json!({"@type": "Offer", "@id": "o1", "permission": [{"action": "odrl:use"}]});
/// let policy = ldt_policy::read_policy(&document).unwrap();
/// assert_eq!(ldt_policy::write_policy(&policy),
///            serde_json::json!({"@id": "o1", "@type": "Offer", "permission": [{"action": "use"}]}));
/// ```
pub fn write_policy(policy: &Policy) -> Value {
    let mut object = Map::new();
    if let Some(id) = &policy.id {
        object.insert("@id".into(), id.clone().into());
    }
    object.insert("@type".into(), policy.kind.as_str().into());
    // `profile` has no `@set` container in the DSP context: one profile is written without the array.
    let profile: Option<Value> = match policy.profiles.as_slice() {
        [] => None,
        [one] => Some(one.clone().into()),
        many => Some(many.into()),
    };
    if let Some(profile) = profile {
        object.insert("profile".into(), profile);
    }
    for (key, value) in [("assigner", &policy.assigner), ("assignee", &policy.assignee), ("target", &policy.target)] {
        if let Some(value) = value {
            object.insert(key.into(), value.clone().into());
        }
    }
    if let Some(action) = &policy.action {
        object.insert("action".into(), action_json(action));
    }
    if let Some(timestamp) = &policy.timestamp {
        object.insert("timestamp".into(), timestamp.clone().into());
    }
    if let Some(conflict) = policy.conflict {
        object.insert("odrl:conflict".into(), json!({"@id": format!("{ODRL}{}", conflict.as_str())}));
    }
    for (key, rules) in [
        ("permission", &policy.permissions),
        ("prohibition", &policy.prohibitions),
        ("obligation", &policy.obligations),
    ] {
        if !rules.is_empty() {
            object.insert(key.into(), rules.iter().map(rule_json).collect());
        }
    }
    Value::Object(object)
}

fn rule_json(rule: &Rule) -> Value {
    let mut object = Map::new();
    object.insert("action".into(), action_json(&rule.action));
    for (key, value) in [("target", &rule.target), ("assigner", &rule.assigner), ("assignee", &rule.assignee)] {
        if let Some(value) = value {
            object.insert(key.into(), value.clone().into());
        }
    }
    if !rule.constraints.is_empty() {
        object.insert("constraint".into(), constraints_json(&rule.constraints));
    }
    for (key, rules) in
        [("duty", &rule.duties), ("odrl:remedy", &rule.remedies), ("odrl:consequence", &rule.consequences)]
    {
        if !rules.is_empty() {
            object.insert(key.into(), rules.iter().map(rule_json).collect());
        }
    }
    Value::Object(object)
}

/// An action: its name, or, when refined, `{"rdf:value": {"@id": …}, "odrl:refinement": [...]}` with full IRIs
/// where the DSP context has no term.
fn action_json(action: &Action) -> Value {
    if action.refinements.is_empty() {
        return action.name.clone().into();
    }
    json!({
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#value": {"@id": expanded_name(&action.name)},
        "odrl:refinement": constraints_json(&action.refinements),
    })
}

/// An ODRL short name as a full IRI; an IRI as it is.
fn expanded_name(name: &str) -> String {
    if name.contains(':') { name.to_owned() } else { format!("{ODRL}{name}") }
}

fn constraints_json(constraints: &[Constraint]) -> Value {
    constraints.iter().map(constraint_json).collect()
}

fn constraint_json(constraint: &Constraint) -> Value {
    match constraint {
        Constraint::Logical(logical) => json!({logical.operator.as_str(): constraints_json(&logical.constraints)}),
        Constraint::Atomic(atomic) => {
            let mut object = Map::new();
            object.insert("leftOperand".into(), atomic.left.clone().into());
            object.insert("operator".into(), atomic.operator.as_str().into());
            let right = match atomic.right.as_slice() {
                [one] => literal_json(one),
                many => many.iter().map(literal_json).collect(),
            };
            object.insert("rightOperand".into(), right);
            if let Some(unit) = &atomic.unit {
                object.insert("odrl:unit".into(), json!({"@id": unit}));
            }
            if let Some(data_type) = &atomic.data_type {
                object.insert("odrl:dataType".into(), json!({"@id": data_type}));
            }
            Value::Object(object)
        }
    }
}

fn literal_json(literal: &Literal) -> Value {
    match literal {
        Literal::String(text) => text.clone().into(),
        Literal::Number(number) => Value::Number(number.clone()),
        Literal::Bool(flag) => (*flag).into(),
        Literal::Typed { value, datatype } => json!({"@value": value, "@type": datatype}),
        Literal::Iri(iri) => json!({"@id": iri}),
    }
}

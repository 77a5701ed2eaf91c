//! Reading a policy from DSP compact JSON-LD (as the connector's edge normaliser leaves it, or as an operator writes
//! it), with a JSON pointer on every problem. Members outside the DSP context may be written with the `odrl:` prefix
//! or plain (`odrl:refinement` or `refinement`); a one-element list may be written without the array.

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Problem};
use crate::model::{
    Action, AtomicConstraint, ConflictStrategy, Constraint, Literal, LogicalConstraint, LogicalOperator, ODRL,
    Operator, Policy, PolicyKind, Rule, RuleKind, short_name,
};

/// The IRI of `rdf:value`, which names the action of a refined action.
const RDF_VALUE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value";

/// Reads a policy; every problem found is reported, not just the first.
///
/// ```
/// let policy = ldt_policy::read_policy(&serde_json::json!({
///     "@type": "Set",
///     "permission": [{"action": "use", "constraint": [{"leftOperand": "purpose", "operator": "eq", "rightOperand": "research"}]}]
/// })).unwrap();
/// assert_eq!(policy.permissions[0].action.name, "use");
/// ```
pub fn read_policy(document: &Value) -> Result<Policy, Vec<Diagnostic>> {
    let mut reader = Reader::default();
    let policy = reader.policy(document);
    match policy {
        Some(policy) if reader.problems.is_empty() => Ok(policy),
        _ => Err(reader.problems),
    }
}

#[derive(Default)]
struct Reader {
    problems: Vec<Diagnostic>,
}

/// The values of a member: a list, or one value written without the array.
fn many(value: &Value) -> &[Value] {
    match value {
        Value::Array(values) => values,
        Value::Null => &[],
        one => std::slice::from_ref(one),
    }
}

/// The member `name` of `object`, written plain, with the `odrl:` prefix, or as a full ODRL IRI.
fn member<'a>(object: &'a Map<String, Value>, name: &str) -> Option<(&'a str, &'a Value)> {
    [name.to_owned(), format!("odrl:{name}"), format!("{ODRL}{name}")]
        .into_iter()
        .find_map(|key| object.get_key_value(&key))
        .map(|(key, value)| (key.as_str(), value))
}

impl Reader {
    fn report(&mut self, path: &str, problem: Problem) {
        self.problems.push(Diagnostic::new(path, problem));
    }

    fn malformed<T>(&mut self, path: &str, expected: &str) -> Option<T> {
        self.report(path, Problem::Malformed { expected: expected.to_owned() });
        None
    }

    fn object<'a>(&mut self, path: &str, value: &'a Value) -> Option<&'a Map<String, Value>> {
        match value {
            Value::Object(object) => Some(object),
            Value::Array(items) if items.len() == 1 => self.object(path, &items[0]),
            _ => self.malformed(path, "an object"),
        }
    }

    /// A name or IRI: a string, or `{"@id": …}`; a one-element list of either.
    fn iri(&mut self, path: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(text) => Some(text.clone()),
            Value::Object(object) => match object.get("@id") {
                Some(Value::String(id)) => Some(id.clone()),
                _ => self.malformed(path, "an IRI: a string or {\"@id\": …}"),
            },
            Value::Array(items) if items.len() == 1 => self.iri(path, &items[0]),
            _ => self.malformed(path, "an IRI: a string or {\"@id\": …}"),
        }
    }

    fn optional_iri(&mut self, object: &Map<String, Value>, path: &str, name: &str) -> Option<String> {
        let (key, value) = member(object, name)?;
        self.iri(&format!("{path}/{key}"), value)
    }

    fn policy(&mut self, document: &Value) -> Option<Policy> {
        let object = self.object("", document)?;
        let kind = match object.get("@type") {
            None => {
                self.report("", Problem::Missing { member: "@type".into() });
                PolicyKind::Set
            }
            Some(value) => {
                let name = self.iri("/@type", value).unwrap_or_default();
                PolicyKind::parse(&name).unwrap_or_else(|| {
                    self.report("/@type", Problem::UnknownPolicyType { found: name });
                    PolicyKind::Set
                })
            }
        };
        let mut policy = Policy::new(kind);
        policy.id = object.get("@id").and_then(|value| self.iri("/@id", value));
        policy.profiles = member(object, "profile")
            .map(|(key, value)| {
                many(value)
                    .iter()
                    .enumerate()
                    .filter_map(|(i, value)| self.iri(&format!("/{key}/{i}"), value))
                    .collect()
            })
            .unwrap_or_default();
        policy.assigner = self.optional_iri(object, "", "assigner");
        policy.assignee = self.optional_iri(object, "", "assignee");
        policy.target = self.optional_iri(object, "", "target");
        policy.action = member(object, "action").and_then(|(key, value)| self.action(&format!("/{key}"), value));
        policy.timestamp = match object.get("timestamp").or_else(|| object.get("dspace:timestamp")) {
            None => None,
            Some(Value::String(text)) => Some(text.clone()),
            Some(Value::Object(typed)) => typed.get("@value").and_then(Value::as_str).map(str::to_owned),
            Some(_) => self.malformed("/timestamp", "an xsd:dateTime string"),
        };
        policy.conflict = member(object, "conflict").and_then(|(key, value)| {
            let path = format!("/{key}");
            let name = self.iri(&path, value)?;
            let strategy = ConflictStrategy::parse(&name);
            if strategy.is_none() {
                self.report(&path, Problem::UnknownConflictStrategy { found: name });
            }
            strategy
        });
        let shared_action = policy.action.clone();
        for (name, kind) in [
            ("permission", RuleKind::Permission),
            ("prohibition", RuleKind::Prohibition),
            ("obligation", RuleKind::Duty),
        ] {
            let rules = self.rules(object, "", name, kind, shared_action.as_ref());
            match kind {
                RuleKind::Permission => policy.permissions = rules,
                RuleKind::Prohibition => policy.prohibitions = rules,
                RuleKind::Duty => policy.obligations = rules,
            }
        }
        Some(policy)
    }

    fn rules(
        &mut self,
        object: &Map<String, Value>,
        path: &str,
        name: &str,
        kind: RuleKind,
        shared_action: Option<&Action>,
    ) -> Vec<Rule> {
        let Some((key, value)) = member(object, name) else { return Vec::new() };
        many(value)
            .iter()
            .enumerate()
            .filter_map(|(index, rule)| self.rule(&format!("{path}/{key}/{index}"), rule, kind, shared_action))
            .collect()
    }

    fn rule(&mut self, path: &str, value: &Value, kind: RuleKind, shared_action: Option<&Action>) -> Option<Rule> {
        let object = self.object(path, value)?;
        let action = match member(object, "action") {
            Some((key, value)) => self.action(&format!("{path}/{key}"), value)?,
            None => match shared_action {
                Some(action) => action.clone(),
                None => {
                    self.report(path, Problem::Missing { member: "action".into() });
                    return None;
                }
            },
        };
        let mut rule = Rule::new(action);
        rule.target = self.optional_iri(object, path, "target");
        rule.assigner = self.optional_iri(object, path, "assigner");
        rule.assignee = self.optional_iri(object, path, "assignee");
        rule.constraints = self.constraints(object, path, "constraint");
        match kind {
            RuleKind::Permission => rule.duties = self.rules(object, path, "duty", RuleKind::Duty, None),
            RuleKind::Prohibition => rule.remedies = self.rules(object, path, "remedy", RuleKind::Duty, None),
            RuleKind::Duty => rule.consequences = self.rules(object, path, "consequence", RuleKind::Duty, None),
        }
        Some(rule)
    }

    fn action(&mut self, path: &str, value: &Value) -> Option<Action> {
        match value {
            Value::String(name) => Some(Action::from(name.as_str())),
            Value::Array(items) if items.len() == 1 => self.action(path, &items[0]),
            Value::Object(object) => {
                // `rdf:value` names the action; an `@id` beside it only identifies this refined use of it.
                let named =
                    [RDF_VALUE, "rdf:value", "value", "@id"].into_iter().find_map(|key| object.get_key_value(key));
                let Some((key, name)) = named else {
                    return self.malformed(path, "an action name, or an object naming it in rdf:value");
                };
                let name = self.iri(&format!("{path}/{key}"), name)?;
                let refinements = self.constraints(object, path, "refinement");
                Some(Action { name: short_name(&name), refinements })
            }
            _ => self.malformed(path, "an action name"),
        }
    }

    fn constraints(&mut self, object: &Map<String, Value>, path: &str, name: &str) -> Vec<Constraint> {
        let Some((key, value)) = member(object, name) else { return Vec::new() };
        many(value)
            .iter()
            .enumerate()
            .filter_map(|(index, constraint)| self.constraint(&format!("{path}/{key}/{index}"), constraint))
            .collect()
    }

    fn constraint(&mut self, path: &str, value: &Value) -> Option<Constraint> {
        let object = self.object(path, value)?;
        let logical =
            LogicalOperator::ALL.iter().find_map(|operator| member(object, operator.as_str()).map(|m| (*operator, m)));
        if let Some((operator, (key, operands))) = logical {
            // `andSequence` keeps its order; after JSON-LD compaction it may arrive as {"@list": [...]}.
            let operands = operands.get("@list").unwrap_or(operands);
            let constraints = many(operands)
                .iter()
                .enumerate()
                .filter_map(|(index, operand)| self.constraint(&format!("{path}/{key}/{index}"), operand))
                .collect();
            return Some(Constraint::Logical(LogicalConstraint { operator, constraints }));
        }
        let left = match member(object, "leftOperand") {
            Some((key, value)) => self.iri(&format!("{path}/{key}"), value).map(|name| short_name(&name)),
            None => {
                self.report(path, Problem::Missing { member: "leftOperand".into() });
                None
            }
        };
        let operator = match member(object, "operator") {
            Some((key, value)) => {
                let operator_path = format!("{path}/{key}");
                let name = self.iri(&operator_path, value);
                name.and_then(|name| {
                    let operator = Operator::parse(&name);
                    if operator.is_none() {
                        self.report(&operator_path, Problem::UnknownOperator { operator: name });
                    }
                    operator
                })
            }
            None => {
                self.report(path, Problem::Missing { member: "operator".into() });
                None
            }
        };
        let right = match member(object, "rightOperand") {
            Some((key, value)) => {
                let right_path = format!("{path}/{key}");
                let values = value.get("@list").unwrap_or(value);
                many(values)
                    .iter()
                    .enumerate()
                    .map(|(index, value)| {
                        let at = if values.is_array() { format!("{right_path}/{index}") } else { right_path.clone() };
                        self.literal(&at, value)
                    })
                    .collect::<Option<Vec<Literal>>>()
            }
            None => {
                self.report(path, Problem::Missing { member: "rightOperand".into() });
                None
            }
        };
        let unit = self.optional_iri(object, path, "unit");
        let data_type = self.optional_iri(object, path, "dataType");
        Some(Constraint::Atomic(AtomicConstraint { left: left?, operator: operator?, right: right?, unit, data_type }))
    }

    fn literal(&mut self, path: &str, value: &Value) -> Option<Literal> {
        match value {
            Value::String(text) => Some(Literal::String(text.clone())),
            Value::Number(number) => Some(Literal::Number(number.clone())),
            Value::Bool(flag) => Some(Literal::Bool(*flag)),
            Value::Object(object) => match (object.get("@id"), object.get("@value"), object.get("@type")) {
                (Some(Value::String(id)), None, _) => Some(Literal::Iri(id.clone())),
                (None, Some(inner), None) => self.literal(path, inner),
                (None, Some(inner), Some(Value::String(datatype))) => {
                    let lexical = match inner {
                        Value::String(text) => text.clone(),
                        Value::Number(number) => number.to_string(),
                        Value::Bool(flag) => flag.to_string(),
                        _ => return self.malformed(path, "a typed value with a string, number or boolean @value"),
                    };
                    Some(Literal::Typed { value: lexical, datatype: datatype.clone() })
                }
                _ => self.malformed(path, "a value: a string, number, boolean, {\"@value\": …} or {\"@id\": …}"),
            },
            _ => self.malformed(path, "a value: a string, number, boolean, {\"@value\": …} or {\"@id\": …}"),
        }
    }
}

//! Matching a contract request with an offer, and the agreement built from the offer.
//!
//! - a request matches its offer however it orders and writes the same rules, and not when a rule, constraint,
//!   operator, value, prohibition or duty differs, the mismatch naming what;
//! - every ODRL policy of the DSP 2025-1 catalogue and negotiation examples matches itself after writing and reading;
//! - the agreement on each example offer is valid against the official DSP 2025-1 schema (the conformance suite's
//!   offline validator);
//! - on random policies (proptest): a policy matches itself shuffled and rewritten in equivalent forms, not with a
//!   rule taken away, and the agreement on an offer has exactly the offer's rules.

use std::path::PathBuf;

use ldt_conformance::schema::DspSchema;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use ldt_policy::matching::{Difference, Mismatch, Part, Side, agreement, matches};
use ldt_policy::model::{
    Action, AtomicConstraint, ConflictStrategy, Constraint, Literal, LogicalConstraint, LogicalOperator, Operator,
    Policy, PolicyKind, Rule, RuleKind,
};
use ldt_policy::{read_policy, write_policy};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

fn read(document: Value) -> Policy {
    read_policy(&document).unwrap_or_else(|problems| panic!("{document}: {problems:?}"))
}

/// The offer most tests start from: a permission to use for research until 2030, a prohibition to distribute, and
/// a duty to delete.
fn offer() -> Value {
    json!({
        "@id": "urn:offer:1", "@type": "Offer",
        "permission": [{
            "action": "use",
            "constraint": [
                {"leftOperand": "purpose", "operator": "isA", "rightOperand": "https://example.org/purpose/research"},
                {"leftOperand": "dateTime", "operator": "lt", "rightOperand": "2030-01-01T00:00:00Z"},
                {"and": [
                    {"leftOperand": "spatial", "operator": "eq", "rightOperand": "https://example.org/region/EU"},
                    {"leftOperand": "count", "operator": "lteq", "rightOperand": 5}
                ]}
            ],
            "duty": [{"action": "delete", "constraint": [
                {"leftOperand": "elapsedTime", "operator": "eq", "rightOperand": "P30D"}]}]
        }],
        "prohibition": [{"action": "distribute"}]
    })
}

fn mismatch(requested: Value, offered: Value) -> Mismatch {
    match matches(&read(requested.clone()), &read(offered)) {
        Ok(()) => panic!("{requested} matches"),
        Err(mismatch) => mismatch,
    }
}

/// The offer with the permission's constraints replaced by `constraints`.
fn offer_with_constraints(constraints: Value) -> Value {
    let mut document = offer();
    document["permission"][0]["constraint"] = constraints;
    document
}

// ---------------------------------------------------------------------------------------------------------------
// What matches.

#[test]
fn a_request_equal_to_the_offer_matches() {
    assert_eq!(matches(&read(offer()), &read(offer())), Ok(()));
}

#[test]
fn identity_target_and_parties_are_not_compared() {
    let mut request = offer();
    request["@id"] = json!("urn:request:other");
    request["target"] = json!("urn:dataset:1");
    request["assigner"] = json!("did:web:provider.example.org");
    request["assignee"] = json!("did:web:consumer.example.org");
    request["permission"][0]["target"] = json!("urn:dataset:1");
    request["prohibition"][0]["assignee"] = json!("did:web:consumer.example.org");
    assert_eq!(matches(&read(request), &read(offer())), Ok(()));
}

#[test]
fn rules_constraints_and_operands_in_any_order_match() {
    let request = json!({
        "@type": "Offer",
        "prohibition": [{"action": "distribute"}],
        "permission": [{
            "duty": [{"constraint": [{"rightOperand": "P30D", "operator": "eq", "leftOperand": "elapsedTime"}],
                      "action": "delete"}],
            "constraint": [
                {"and": [
                    {"leftOperand": "count", "operator": "lteq", "rightOperand": 5},
                    {"leftOperand": "spatial", "operator": "eq", "rightOperand": "https://example.org/region/EU"}
                ]},
                {"leftOperand": "dateTime", "operator": "lt", "rightOperand": "2030-01-01T00:00:00Z"},
                {"leftOperand": "purpose", "operator": "isA", "rightOperand": "https://example.org/purpose/research"}
            ],
            "action": "use"
        }]
    });
    assert_eq!(matches(&read(request), &read(offer())), Ok(()));
}

#[test]
fn or_and_xone_operands_in_any_order_match() {
    for operator in ["or", "xone"] {
        let a = json!({"leftOperand": "purpose", "operator": "eq", "rightOperand": "research"});
        let b = json!({"leftOperand": "purpose", "operator": "eq", "rightOperand": "teaching"});
        let offered = offer_with_constraints(json!([{operator: [a.clone(), b.clone()]}]));
        let requested = offer_with_constraints(json!([{operator: [b, a]}]));
        assert_eq!(matches(&read(requested), &read(offered)), Ok(()), "{operator}");
    }
}

#[test]
fn repeated_rules_and_constraints_count_once() {
    let mut request = offer();
    let permission = request["permission"][0].clone();
    request["permission"] = json!([permission.clone(), permission]);
    let constraint = request["permission"][0]["constraint"][0].clone();
    request["permission"][0]["constraint"].as_array_mut().unwrap().push(constraint);
    request["prohibition"] = json!([{"action": "distribute"}, {"action": "odrl:distribute"}]);
    assert_eq!(matches(&read(request), &read(offer())), Ok(()));
}

#[test]
fn values_written_differently_match() {
    let mut request = offer();
    request["permission"][0]["action"] = json!("http://www.w3.org/ns/odrl/2/use");
    request["permission"][0]["constraint"] = json!([
        // An IRI, as a reference and in a one-element list.
        {"leftOperand": "odrl:purpose", "operator": "odrl:isA",
         "rightOperand": [{"@id": "https://example.org/purpose/research"}]},
        // The same instant, typed and in another time zone.
        {"leftOperand": "dateTime", "operator": "lt",
         "rightOperand": {"@value": "2030-01-01T01:00:00+01:00", "@type": "xsd:dateTime"}},
        {"and": [
            {"leftOperand": "spatial", "operator": "eq", "rightOperand": "https://example.org/region/EU"},
            {"leftOperand": "count", "operator": "lteq",
             "rightOperand": {"@value": "5", "@type": "http://www.w3.org/2001/XMLSchema#integer"}}
        ]}
    ]);
    // The same duration in hours, typed.
    request["permission"][0]["duty"][0]["constraint"][0]["rightOperand"] =
        json!({"@value": "PT720H", "@type": "xsd:duration"});
    assert_eq!(matches(&read(request), &read(offer())), Ok(()));
}

#[test]
fn numbers_match_by_value() {
    let count = |right: Value| {
        offer_with_constraints(json!([{"leftOperand": "count", "operator": "lteq", "rightOperand": right}]))
    };
    for right in [
        json!(5.0),
        json!({"@value": "5", "@type": "xsd:integer"}),
        json!({"@value": "5.00", "@type": "xsd:decimal"}),
        json!("5"),
        json!([5]),
    ] {
        assert_eq!(matches(&read(count(right.clone())), &read(count(json!(5)))), Ok(()), "{right}");
    }
    let mismatch = mismatch(count(json!(6)), count(json!(5)));
    assert!(
        mismatch.to_string().contains("lacks constraint `count lteq 5` and adds constraint `count lteq 6`"),
        "{mismatch}"
    );
}

#[test]
fn a_right_operand_list_is_a_set() {
    let any_of = |right: Value| {
        offer_with_constraints(json!([{"leftOperand": "spatial", "operator": "isAnyOf", "rightOperand": right}]))
    };
    assert_eq!(
        matches(&read(any_of(json!(["urn:b", "urn:a", "urn:b"]))), &read(any_of(json!(["urn:a", "urn:b"])))),
        Ok(())
    );
    let mismatch = mismatch(any_of(json!(["urn:a"])), any_of(json!(["urn:a", "urn:b"])));
    assert!(mismatch.to_string().contains("spatial isAnyOf [urn:a, urn:b]"), "{mismatch}");
}

#[test]
fn a_literal_that_is_not_its_datatype_matches_only_as_written() {
    let bad = |value: &str, datatype: &str| {
        offer_with_constraints(json!([{"leftOperand": "count", "operator": "lteq",
                                        "rightOperand": {"@value": value, "@type": datatype}}]))
    };
    assert_eq!(matches(&read(bad("five", "xsd:integer")), &read(bad("five", "xsd:integer"))), Ok(()));
    let mismatch = mismatch(bad("five", "xsd:integer"), bad("five", "xsd:decimal"));
    assert!(mismatch.to_string().contains("\"five\"^^http://www.w3.org/2001/XMLSchema#decimal"), "{mismatch}");
}

#[test]
fn the_offers_of_the_dsp_negotiation_examples_match_each_other() {
    // The request names the provider's offer (another @id, the same rules).
    let request = example_policies("negotiation", "contract-request-message.json").remove(0);
    let offered = example_policies("negotiation", "contract-offer-message.json").remove(0);
    assert_eq!(matches(&read(request), &read(offered)), Ok(()));
}

// ---------------------------------------------------------------------------------------------------------------
// What does not match, and how the mismatch says it.

#[test]
fn and_sequence_keeps_its_order() {
    let first = json!({"leftOperand": "purpose", "operator": "eq", "rightOperand": "research"});
    let then = json!({"leftOperand": "dateTime", "operator": "lt", "rightOperand": "2030-01-01T00:00:00Z"});
    let offered = offer_with_constraints(json!([{"andSequence": [first.clone(), then.clone()]}]));
    let reordered = offer_with_constraints(json!([{"andSequence": [then, first]}]));
    assert_eq!(matches(&read(offered.clone()), &read(offered.clone())), Ok(()));
    let mismatch = mismatch(reordered, offered);
    assert_eq!(
        mismatch.to_string(),
        "the request's permission to `use` differs from the offer's: it lacks constraint \
         `andSequence(purpose eq research; dateTime lt 2030-01-01T00:00:00Z)` and adds constraint \
         `andSequence(dateTime lt 2030-01-01T00:00:00Z; purpose eq research)` (at /permission/0/constraint/0 in the \
         request)"
    );
}

#[test]
fn xone_counts_repeated_operands() {
    let a = json!({"leftOperand": "purpose", "operator": "eq", "rightOperand": "research"});
    let offered = offer_with_constraints(json!([{"xone": [a.clone()]}]));
    let mismatch = mismatch(offer_with_constraints(json!([{"xone": [a.clone(), a]}])), offered);
    assert!(
        mismatch.to_string().contains("adds constraint `xone(purpose eq research; purpose eq research)`"),
        "{mismatch}"
    );
}

#[test]
fn an_extra_constraint_is_named() {
    let mut request = offer();
    request["permission"][0]["constraint"]
        .as_array_mut()
        .unwrap()
        .insert(1, json!({"leftOperand": "recipient", "operator": "eq", "rightOperand": "did:web:me"}));
    let mismatch = mismatch(request, offer());
    assert_eq!(
        mismatch.difference,
        Difference::ChangedRule {
            kind: RuleKind::Permission,
            action: "use".into(),
            part: Part::Constraint,
            missing: vec![],
            extra: vec!["`recipient eq did:web:me`".into()],
        }
    );
    assert_eq!((mismatch.side, mismatch.path.as_str()), (Side::Request, "/permission/0/constraint/1"));
    assert_eq!(
        mismatch.to_string(),
        "the request's permission to `use` differs from the offer's: it adds constraint `recipient eq did:web:me` \
         (at /permission/0/constraint/1 in the request)"
    );
}

#[test]
fn a_missing_constraint_is_named() {
    let mut request = offer();
    request["permission"][0]["constraint"].as_array_mut().unwrap().remove(1);
    let mismatch = mismatch(request, offer());
    assert_eq!(
        mismatch.to_string(),
        "the request's permission to `use` differs from the offer's: it lacks constraint \
         `dateTime lt 2030-01-01T00:00:00Z` (at /permission/0 in the request)"
    );
}

#[test]
fn a_different_operator_is_named() {
    let mut request = offer();
    request["permission"][0]["constraint"][0]["operator"] = json!("neq");
    let mismatch = mismatch(request, offer()).to_string();
    assert!(mismatch.contains("lacks constraint `purpose isA https://example.org/purpose/research`"), "{mismatch}");
    assert!(mismatch.contains("adds constraint `purpose neq https://example.org/purpose/research`"), "{mismatch}");
    assert!(mismatch.ends_with("(at /permission/0/constraint/0 in the request)"), "{mismatch}");
}

#[test]
fn a_different_value_is_named() {
    let mut request = offer();
    request["permission"][0]["constraint"][1]["rightOperand"] = json!("2031-01-01T00:00:00Z");
    let mismatch = mismatch(request, offer()).to_string();
    assert!(
        mismatch.contains(
            "lacks constraint `dateTime lt 2030-01-01T00:00:00Z` and adds constraint `dateTime lt 2031-01-01T00:00:00Z`"
        ),
        "{mismatch}"
    );
}

#[test]
fn a_different_value_inside_and_is_named() {
    let mut request = offer();
    request["permission"][0]["constraint"][2]["and"][1]["rightOperand"] = json!(50);
    let mismatch = mismatch(request, offer()).to_string();
    assert!(
        mismatch.contains("adds constraint `and(count lteq 50; spatial eq https://example.org/region/EU)`"),
        "{mismatch}"
    );
}

#[test]
fn a_missing_prohibition_is_named() {
    let mut request = offer();
    request.as_object_mut().unwrap().remove("prohibition");
    let mismatch = mismatch(request, offer());
    assert_eq!(
        mismatch.difference,
        Difference::MissingRule { kind: RuleKind::Prohibition, rule: "to `distribute`".into() }
    );
    assert_eq!(
        mismatch.to_string(),
        "the request has no prohibition to `distribute`: the offer's prohibition is missing from it \
         (at /prohibition/0 in the offer)"
    );
}

#[test]
fn an_extra_rule_is_named() {
    let mut request = offer();
    request["obligation"] = json!([{"action": "compensate", "constraint": [
        {"leftOperand": "payAmount", "operator": "eq", "rightOperand": 10, "odrl:unit": "https://example.org/EUR"}]}]);
    let mismatch = mismatch(request, offer());
    assert_eq!(
        mismatch.to_string(),
        "the request has an obligation to `compensate` with constraint \
         `payAmount eq 10 (unit https://example.org/EUR)`, which the offer has not (at /obligation/0 in the request)"
    );
}

#[test]
fn an_added_duty_is_named() {
    let mut request = offer();
    request["permission"][0]["duty"].as_array_mut().unwrap().push(json!({"action": "inform"}));
    let mismatch = mismatch(request, offer());
    assert_eq!(
        mismatch.difference,
        Difference::ChangedRule {
            kind: RuleKind::Permission,
            action: "use".into(),
            part: Part::Duty,
            missing: vec![],
            extra: vec!["to `inform`".into()],
        }
    );
    assert_eq!(
        mismatch.to_string(),
        "the request's permission to `use` differs from the offer's: it adds duty to `inform` \
         (at /permission/0/duty/1 in the request)"
    );
}

#[test]
fn a_changed_duty_is_named_whole() {
    let mut request = offer();
    request["permission"][0]["duty"][0]["constraint"][0]["rightOperand"] = json!("P60D");
    let mismatch = mismatch(request, offer()).to_string();
    assert!(
        mismatch.contains(
            "lacks duty to `delete` with constraint `elapsedTime eq P30D` \
             and adds duty to `delete` with constraint `elapsedTime eq P60D`"
        ),
        "{mismatch}"
    );
}

#[test]
fn a_refinement_is_compared() {
    let refined = |resolution: u32| {
        let mut document = offer();
        document["permission"][0]["action"] = json!({"rdf:value": {"@id": "odrl:use"}, "odrl:refinement": [
            {"leftOperand": "resolution", "operator": "lteq", "rightOperand": resolution}]});
        document
    };
    assert_eq!(matches(&read(refined(1200)), &read(refined(1200))), Ok(()));
    let mismatch = mismatch(refined(2400), refined(1200)).to_string();
    assert!(mismatch.contains("adds refinement `resolution lteq 2400`"), "{mismatch}");
    assert!(mismatch.contains("/permission/0/action/refinement/0"), "{mismatch}");
}

#[test]
fn an_unrequested_permission_with_another_action_is_missing() {
    let mut request = offer();
    request["permission"][0]["action"] = json!("read");
    let mismatch = mismatch(request, offer());
    assert!(matches!(mismatch.difference, Difference::MissingRule { kind: RuleKind::Permission, .. }));
    assert!(mismatch.to_string().starts_with("the request has no permission to `use` with constraint"), "{mismatch}");
}

#[test]
fn profiles_and_conflict_strategies_are_compared() {
    let mut request = offer();
    request["profile"] = json!("https://example.org/profile");
    assert_eq!(
        mismatch(request.clone(), offer()).to_string(),
        "the request names the profiles [https://example.org/profile] but the offer [] (at /profile in the request)"
    );
    let mut offered = offer();
    offered["profile"] = json!(["https://example.org/profile"]);
    assert_eq!(matches(&read(request.clone()), &read(offered.clone())), Ok(()));

    // No strategy is `prohibit`.
    offered["odrl:conflict"] = json!({"@id": "http://www.w3.org/ns/odrl/2/prohibit"});
    assert_eq!(matches(&read(request.clone()), &read(offered.clone())), Ok(()));
    offered["odrl:conflict"] = json!("odrl:perm");
    let mismatch = mismatch(request, offered);
    assert_eq!(
        mismatch.difference,
        Difference::Conflict { requested: ConflictStrategy::Prohibit, offered: ConflictStrategy::Perm }
    );
}

#[test]
fn a_mismatch_is_an_error() {
    let error: Box<dyn std::error::Error> =
        Box::new(mismatch(json!({"@type": "Offer", "permission": [{"action": "use"}]}), offer()));
    assert!(error.to_string().starts_with("the request's permission to `use` differs"), "{error}");
}

// ---------------------------------------------------------------------------------------------------------------
// The DSP examples.

/// The DSP examples folder (`../shared/dsp-2025-1` beside the repository).
fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/dsp-2025-1")
}

/// Every policy in `value`: the members `hasPolicy`, `offer` and `agreement`, at any depth.
fn policies(value: &Value, found: &mut Vec<Value>) {
    match value {
        Value::Object(object) => {
            for (key, member) in object {
                match (key.as_str(), member) {
                    ("hasPolicy", Value::Array(items)) => found.extend(items.iter().cloned()),
                    ("offer" | "agreement", Value::Object(_)) => found.push(member.clone()),
                    _ => policies(member, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| policies(item, found)),
        _ => {}
    }
}

fn example_policies(folder: &str, file: &str) -> Vec<Value> {
    let path = examples().join(folder).join("example").join(file);
    let document: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut found = Vec::new();
    policies(&document, &mut found);
    found
}

/// Every policy of the catalogue and negotiation examples, with the file it is in.
fn every_example_policy() -> Vec<(String, Value)> {
    let mut all = Vec::new();
    for folder in ["catalog", "negotiation"] {
        let mut files: Vec<String> = std::fs::read_dir(examples().join(folder).join("example"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        for file in files {
            all.extend(example_policies(folder, &file).into_iter().map(|policy| (format!("{folder}/{file}"), policy)));
        }
    }
    all
}

#[test]
fn every_example_policy_matches_itself_after_a_round_trip() {
    let all = every_example_policy();
    assert!(all.len() >= 8, "only {} example policies", all.len());
    for (file, document) in all {
        let policy = read(document);
        let again = read(write_policy(&policy));
        assert_eq!(matches(&again, &policy), Ok(()), "{file}");
        assert_eq!(matches(&policy, &again), Ok(()), "{file}");
    }
}

#[test]
fn the_agreement_on_every_example_offer_has_the_dsp_agreement_shape() {
    let mut offers = 0;
    for (file, document) in every_example_policy() {
        let offered = read(document);
        if offered.kind != PolicyKind::Offer {
            continue;
        }
        offers += 1;
        let agreed = agreement(
            &offered,
            "urn:uuid:e8dc8655-44c2-46ef-b701-4cffdc2faa44".into(),
            "urn:uuid:3dd1add8-4d2d-569e-d634-8394a8836a88".into(),
            "did:web:provider.example.org".into(),
            "did:web:consumer.example.org".into(),
            Utc.with_ymd_and_hms(2025, 6, 30, 12, 0, 0).unwrap() + chrono::TimeDelta::milliseconds(250),
        );
        let written = write_policy(&agreed);
        assert_eq!(agreement_errors(&written), Vec::<String>::new(), "{file}: {written}");
        // What the schema's `timestamp` pattern and the brief ask: an xsd:dateTime to the second, in UTC.
        assert_eq!(written["timestamp"], "2025-06-30T12:00:00Z", "{file}");
        for member in ["@id", "@type", "target", "assigner", "assignee", "timestamp"] {
            assert!(written.get(member).is_some(), "{file}: no {member} in {written}");
        }
        assert_eq!(matches(&read(written), &offered), Ok(()), "{file}");
    }
    assert!(offers >= 5, "only {offers} example offers");
}

#[test]
fn the_schema_check_tells_an_agreement_from_what_is_not() {
    // A guard on the schema check: the DSP example agreement passes, broken ones do not.
    let example = example_policies("negotiation", "contract-agreement-message-full.json").remove(0);
    assert_eq!(agreement_errors(&example), Vec::<String>::new());
    let mut no_assignee = example.clone();
    no_assignee.as_object_mut().unwrap().remove("assignee");
    let errors = agreement_errors(&no_assignee);
    assert!(errors.iter().any(|error| error.contains("assignee")), "{errors:?}");
    let mut no_rules = example.clone();
    no_rules.as_object_mut().unwrap().remove("permission");
    assert!(!agreement_errors(&no_rules).is_empty());
    let mut an_offer = example.clone();
    an_offer["@type"] = json!("Offer");
    assert!(!agreement_errors(&an_offer).is_empty());
    let mut bad_operator = example;
    bad_operator["permission"][0]["constraint"][0]["operator"] = json!("almost");
    assert!(!agreement_errors(&bad_operator).is_empty());
}

/// What in `agreement` breaks the official DSP 2025-1 schema, validated offline by the conformance suite's validator
/// as the `agreement` of a `ContractAgreementMessage`.
fn agreement_errors(agreement: &Value) -> Vec<String> {
    let message = json!({
        "@context": ["https://w3id.org/dspace/2025/1/context.jsonld"],
        "@type": "ContractAgreementMessage",
        "providerPid": "urn:uuid:a343fcbf-99fc-4ce8-8e9b-148c97605aab",
        "consumerPid": "urn:uuid:32541fe6-c580-409e-85a8-8a9a32fbe833",
        "agreement": agreement,
    });
    ldt_conformance::schema::validate(DspSchema::ContractAgreementMessage, &message).err().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------------------------
// Random policies.

const ACTIONS: &[&str] = &["use", "read", "distribute", "print", "delete", "https://example.org/ldt/action/analyse"];

/// A right operand for `left`, as people write it; `dateTime`, `count` and `elapsedTime` get values of their kind.
fn atomic() -> impl Strategy<Value = Constraint> {
    let iri = "urn:ldt:[a-c]{1,2}";
    let atomic = |left: &str, operator: Operator, right: Vec<Literal>| {
        Constraint::Atomic(AtomicConstraint { left: left.into(), operator, right, unit: None, data_type: None })
    };
    let ordered = select(&[Operator::Eq, Operator::Lt, Operator::Lteq, Operator::Gt, Operator::Gteq][..]);
    prop_oneof![
        (ordered.clone(), "20[0-9]{2}-0[1-9]-1[0-9]T[01][0-9]:[0-5]0:00Z").prop_map(move |(operator, at)| atomic(
            "dateTime",
            operator,
            vec![Literal::String(at)]
        )),
        (ordered, 0..20_u32).prop_map(move |(operator, n)| atomic("count", operator, vec![Literal::Number(n.into())])),
        (1..60_u32).prop_map(move |days| atomic(
            "elapsedTime",
            Operator::Lteq,
            vec![Literal::String(format!("P{days}D"))]
        )),
        (select(&[Operator::IsA, Operator::IsAnyOf, Operator::IsNoneOf, Operator::Eq][..]), vec(iri, 1..4)).prop_map(
            move |(operator, values)| atomic("purpose", operator, values.into_iter().map(Literal::String).collect())
        ),
        // Anything else, written in any form, with or without a datatype.
        (
            select(&["spatial", "https://example.org/ldt/tier", "resolution"][..]),
            select(Operator::ALL),
            vec(
                prop_oneof![
                    "[a-z0-9 .:-]{0,8}".prop_map(Literal::String),
                    any::<i32>().prop_map(|n| Literal::Number(n.into())),
                    any::<bool>().prop_map(Literal::Bool),
                    iri.prop_map(Literal::Iri),
                    ("[0-9a-zP:.-]{1,8}", select(&["xsd:integer", "xsd:date", "xsd:string", "urn:ldt:type"][..]))
                        .prop_map(|(value, datatype)| Literal::Typed { value, datatype: datatype.into() }),
                ],
                0..3
            ),
            proptest::option::of(select(&["xsd:decimal", "xsd:string"][..])),
        )
            .prop_map(|(left, operator, right, data_type)| {
                Constraint::Atomic(AtomicConstraint {
                    left: left.into(),
                    operator,
                    right,
                    unit: None,
                    data_type: data_type.map(str::to_owned),
                })
            }),
    ]
}

fn constraint() -> impl Strategy<Value = Constraint> {
    atomic().prop_recursive(3, 16, 4, |inner| {
        (select(LogicalOperator::ALL), vec(inner, 0..4))
            .prop_map(|(operator, constraints)| Constraint::Logical(LogicalConstraint { operator, constraints }))
    })
}

fn rule(nested: BoxedStrategy<Vec<Rule>>) -> impl Strategy<Value = Rule> {
    let target = proptest::option::of(Just("urn:dataset:1".to_owned()));
    (select(ACTIONS), vec(constraint(), 0..2), vec(constraint(), 0..4), nested, target).prop_map(
        |(action, refinements, constraints, nested, target)| Rule {
            action: Action { name: action.into(), refinements },
            target,
            constraints,
            // Nested rules go to every list; the policy keeps only those its kind may have.
            duties: nested.clone(),
            remedies: nested.clone(),
            consequences: nested,
            ..Rule::new("use")
        },
    )
}

fn duty() -> impl Strategy<Value = Rule> {
    rule(Just(Vec::new()).boxed()).prop_map(|rule| Rule { duties: vec![], remedies: vec![], ..rule })
}

fn policy() -> impl Strategy<Value = Policy> {
    let nested = || vec(duty(), 0..2).boxed();
    let permission = rule(nested()).prop_map(|rule| Rule { remedies: vec![], consequences: vec![], ..rule });
    let prohibition = rule(nested()).prop_map(|rule| Rule { duties: vec![], consequences: vec![], ..rule });
    let obligation = rule(nested()).prop_map(|rule| Rule { duties: vec![], remedies: vec![], ..rule });
    (
        vec("https://example\\.org/profile/[a-c]", 0..3),
        proptest::option::of(select(
            &[ConflictStrategy::Perm, ConflictStrategy::Prohibit, ConflictStrategy::Invalid][..],
        )),
        vec(permission, 0..4),
        vec(prohibition, 0..3),
        vec(obligation, 0..2),
    )
        .prop_map(|(profiles, conflict, permissions, prohibitions, obligations)| Policy {
            id: Some("urn:offer:1".into()),
            profiles,
            conflict,
            permissions,
            prohibitions,
            obligations,
            ..Policy::new(PolicyKind::Offer)
        })
}

/// A small deterministic random source for shuffling (SplitMix64).
struct Shuffler(u64);

impl Shuffler {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self) -> bool {
        self.next().is_multiple_of(3)
    }

    /// `items` in a random order, one of them maybe repeated when `repeat`.
    fn shuffle<T: Clone>(&mut self, mut items: Vec<T>, repeat: bool) -> Vec<T> {
        if repeat && !items.is_empty() && self.chance() {
            let again = items[self.below(items.len())].clone();
            items.push(again);
        }
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
        items
    }

    /// The policy as a consumer might request it: every set in another order, some rules, constraints and values
    /// repeated, values in other forms, with its own id, a target and parties.
    fn policy(&mut self, policy: &Policy) -> Policy {
        let rules = |shuffler: &mut Shuffler, rules: &[Rule]| {
            let rules = rules.iter().map(|rule| shuffler.rule(rule)).collect();
            shuffler.shuffle(rules, true)
        };
        Policy {
            id: Some("urn:request:1".into()),
            target: Some("urn:dataset:1".into()),
            assignee: Some("did:web:consumer.example.org".into()),
            profiles: self.shuffle(policy.profiles.clone(), true),
            permissions: rules(self, &policy.permissions),
            prohibitions: rules(self, &policy.prohibitions),
            obligations: rules(self, &policy.obligations),
            ..policy.clone()
        }
    }

    fn rule(&mut self, rule: &Rule) -> Rule {
        let mut rules = |rules: &[Rule]| {
            let rules = rules.iter().map(|rule| self.rule(rule)).collect();
            self.shuffle(rules, true)
        };
        let (duties, remedies, consequences) = (rules(&rule.duties), rules(&rule.remedies), rules(&rule.consequences));
        Rule {
            action: Action { name: rule.action.name.clone(), refinements: self.constraints(&rule.action.refinements) },
            target: self.chance().then(|| "urn:dataset:1".to_owned()),
            constraints: self.constraints(&rule.constraints),
            duties,
            remedies,
            consequences,
            ..rule.clone()
        }
    }

    fn constraints(&mut self, constraints: &[Constraint]) -> Vec<Constraint> {
        let constraints = constraints.iter().map(|constraint| self.constraint(constraint)).collect();
        self.shuffle(constraints, true)
    }

    fn constraint(&mut self, constraint: &Constraint) -> Constraint {
        match constraint {
            Constraint::Logical(logical) => {
                let operands = logical.constraints.iter().map(|operand| self.constraint(operand)).collect();
                let constraints = match logical.operator {
                    LogicalOperator::And | LogicalOperator::Or => self.shuffle(operands, true),
                    LogicalOperator::Xone => self.shuffle(operands, false),
                    LogicalOperator::AndSequence => operands,
                };
                Constraint::Logical(LogicalConstraint { operator: logical.operator, constraints })
            }
            Constraint::Atomic(atomic) => {
                let right = atomic.right.iter().map(|literal| self.literal(atomic, literal)).collect();
                Constraint::Atomic(AtomicConstraint { right: self.shuffle(right, true), ..atomic.clone() })
            }
        }
    }

    /// `literal` written in another form of the same typed value, when there is one.
    fn literal(&mut self, atomic: &AtomicConstraint, literal: &Literal) -> Literal {
        let typed = |value: String, datatype: &str| Literal::Typed { value, datatype: datatype.into() };
        if atomic.data_type.is_some() || !self.chance() {
            return literal.clone();
        }
        match (atomic.left.as_str(), literal) {
            (_, Literal::Number(n)) if n.is_i64() => match self.below(3) {
                0 => typed(n.to_string(), "xsd:integer"),
                1 => typed(format!("{n}.0"), "http://www.w3.org/2001/XMLSchema#decimal"),
                _ => Literal::Number(serde_json::Number::from_f64(n.as_i64().unwrap() as f64).unwrap()),
            },
            ("dateTime", Literal::String(at)) => {
                let at = DateTime::parse_from_rfc3339(at).unwrap();
                let elsewhere = at.with_timezone(&FixedOffset::east_opt(5 * 3600 + 1800).unwrap());
                typed(elsewhere.to_rfc3339(), "xsd:dateTime")
            }
            ("elapsedTime", Literal::String(days)) => {
                let days: u32 = days.trim_start_matches('P').trim_end_matches('D').parse().unwrap();
                typed(format!("PT{}H", days * 24), "xsd:duration")
            }
            (_, Literal::String(text)) if text.starts_with("urn:") => Literal::Iri(text.clone()),
            (_, Literal::Iri(iri)) => Literal::String(iri.clone()),
            _ => literal.clone(),
        }
    }
}

/// The rules with their own target and parties removed, as an agreement carries them.
fn without_parties(rules: &[Rule]) -> Vec<Rule> {
    rules.iter().map(|rule| Rule { target: None, assigner: None, assignee: None, ..rule.clone() }).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn a_policy_matches_itself_shuffled(policy in policy(), seed in any::<u64>()) {
        let shuffled = Shuffler(seed).policy(&policy);
        prop_assert_eq!(matches(&shuffled, &policy), Ok(()), "{}", write_policy(&shuffled));
        prop_assert_eq!(matches(&policy, &shuffled), Ok(()));
        // As the request arrives: written and read again.
        let arrived = read_policy(&write_policy(&shuffled)).unwrap();
        prop_assert_eq!(matches(&arrived, &policy), Ok(()));
    }

    #[test]
    fn a_policy_without_one_of_its_rules_does_not_match(policy in policy(), pick in any::<prop::sample::Index>()) {
        prop_assume!(!policy.permissions.is_empty());
        let index = pick.index(policy.permissions.len());
        let mut fewer = policy.clone();
        let removed = fewer.permissions.remove(index);
        // Unless another permission is the same rule written differently.
        let alone = |rule: &Rule| Policy { permissions: vec![rule.clone()], ..Policy::new(PolicyKind::Offer) };
        let repeated = fewer.permissions.iter().any(|other| matches(&alone(other), &alone(&removed)).is_ok());
        let result = matches(&fewer, &policy);
        prop_assert_eq!(result.is_err(), !repeated, "{:?}", result);
        if let Err(mismatch) = result {
            let named = format!("permission to `{}`", removed.action.name);
            prop_assert!(mismatch.to_string().contains(&named), "{}", mismatch);
        }
    }

    #[test]
    fn the_agreement_has_exactly_the_offers_rules(policy in policy(), seconds in 0_i64..4_000_000_000) {
        let at = Utc.timestamp_opt(seconds, 123_456_789).unwrap();
        let agreed = agreement(&policy, "urn:agreement:1".into(), "urn:dataset:1".into(),
            "did:web:provider".into(), "did:web:consumer".into(), at);
        prop_assert_eq!(agreed.kind, PolicyKind::Agreement);
        prop_assert_eq!(agreed.id.as_deref(), Some("urn:agreement:1"));
        prop_assert_eq!(agreed.target.as_deref(), Some("urn:dataset:1"));
        prop_assert_eq!(agreed.assigner.as_deref(), Some("did:web:provider"));
        prop_assert_eq!(agreed.assignee.as_deref(), Some("did:web:consumer"));
        let timestamp = agreed.timestamp.clone().unwrap();
        prop_assert_eq!(&timestamp, &at.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        prop_assert_eq!(&agreed.profiles, &policy.profiles);
        prop_assert_eq!(agreed.conflict, policy.conflict);
        prop_assert_eq!(&agreed.permissions, &without_parties(&policy.permissions));
        prop_assert_eq!(&agreed.prohibitions, &without_parties(&policy.prohibitions));
        prop_assert_eq!(&agreed.obligations, &without_parties(&policy.obligations));
        prop_assert_eq!(matches(&agreed, &policy), Ok(()));
        prop_assert_eq!(read_policy(&write_policy(&agreed)).unwrap(), agreed);
    }
}

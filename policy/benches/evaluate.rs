//! How fast policies are evaluated, and read and validated.
//!
//! - `outcome/contract_permit`: the three-constraint contract policy (purpose `isA` through a taxonomy, a `dateTime`
//!   window, a membership claim) on its permit path, prepared once and decided without a report
//!   (`Prepared::outcome`), in evaluations per second (goal: 2 million per second per core);
//! - `outcome/and_of_500_constraints`: one permission whose constraint is an `and` of 500 atomic constraints of
//!   mixed kinds, all satisfied so that every one is evaluated (goal: under 100 µs per evaluation);
//! - `explained/…`: the same two with the full report (`Prepared::evaluate`), and `evaluate/…` with the policy's
//!   operands typed on every call as well (`eval::evaluate`);
//! - `read_and_validate/typical_policy`: `read_policy` and `validate::validate` of a typical offer policy.
//!
//! Run with `cargo bench -p ldt-policy`.

use std::hint::black_box;

use chrono::DateTime;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ldt_policy::eval::{Context, Environment, Outcome, Prepared, evaluate};
use ldt_policy::read_policy;
use ldt_policy::validate::{Scope, Usage, validate};
use serde_json::{Value, json};

const MEMBERSHIP: &str = "https://w3id.org/ldt-connector/claims/membership";
const PURPOSE: &str = "https://w3id.org/ldt-connector/purpose/";

fn purpose(name: &str) -> String {
    format!("{PURPOSE}{name}")
}

fn environment() -> Environment {
    Environment {
        purposes: [
            (
                purpose("no2-exposure-study"),
                vec![purpose("air-quality-forecasting"), purpose("public-health-research")],
            ),
            (purpose("air-quality-forecasting"), vec![purpose("air-quality-modelling")]),
            (purpose("air-quality-modelling"), vec![purpose("environmental-research")]),
        ]
        .into(),
        places: [(
            "https://w3id.org/ldt-connector/place/strijp".to_owned(),
            vec!["https://w3id.org/ldt-connector/place/eindhoven".to_owned()],
        )]
        .into(),
        claims: [(MEMBERSHIP.to_owned(), "/membership/status".to_owned())].into(),
        regions: Default::default(),
    }
}

fn context() -> Context {
    Context {
        action: Some("read".into()),
        now: Some(DateTime::parse_from_rfc3339("2025-06-15T10:00:00+02:00").unwrap()),
        caller: Some("did:web:lab.example.org".into()),
        target: Some("urn:ldt:dataset:eindhoven-no2-hourly".into()),
        purpose: Some(purpose("no2-exposure-study")),
        agreement_start: Some(DateTime::parse_from_rfc3339("2025-06-05T10:00:00+02:00").unwrap()),
        count: Some(42),
        places: vec!["https://w3id.org/ldt-connector/place/strijp".into()],
        claims: json!({"membership": {"status": "active"}}),
        facts: [("https://example.org/ldt/role".to_owned(), json!(["researcher", "modeller"]))].into(),
        ..Context::default()
    }
}

fn contract_document() -> Value {
    json!({
        "@type": "Offer",
        "@id": "urn:ldt:offer:no2-for-modelling",
        "permission": [{"action": "use", "constraint": [
            {"leftOperand": "purpose", "operator": "isA", "rightOperand": {"@id": purpose("air-quality-modelling")}},
            {"leftOperand": "dateTime", "operator": "gteq",
             "rightOperand": {"@value": "2025-01-01T00:00:00Z", "@type": "xsd:dateTime"}},
            {"leftOperand": "dateTime", "operator": "lt",
             "rightOperand": {"@value": "2026-01-01T00:00:00Z", "@type": "xsd:dateTime"}},
            {"leftOperand": MEMBERSHIP, "operator": "eq", "rightOperand": "active"}
        ]}]
    })
}

/// The `i`-th of the mixed atomic constraints, every one satisfied by [`context`].
fn mixed_constraint(i: usize) -> Value {
    match i % 8 {
        0 => json!({"leftOperand": "dateTime", "operator": "lt",
                    "rightOperand": {"@value": format!("{}-01-01T00:00:00Z", 2026 + i / 8), "@type": "xsd:dateTime"}}),
        1 => json!({"leftOperand": "count", "operator": "lt", "rightOperand": 100 + i}),
        2 => json!({"leftOperand": "purpose", "operator": "isA", "rightOperand": purpose("air-quality-modelling")}),
        3 => json!({"leftOperand": MEMBERSHIP, "operator": "eq", "rightOperand": "active"}),
        4 => json!({"leftOperand": "https://example.org/ldt/role", "operator": "isAnyOf",
                    "rightOperand": ["researcher", format!("role-{i}")]}),
        5 => json!({"leftOperand": "elapsedTime", "operator": "lteq",
                    "rightOperand": {"@value": format!("P{}D", 30 + i), "@type": "xsd:duration"}}),
        6 => json!({"leftOperand": "spatial", "operator": "isA",
                    "rightOperand": {"@id": "https://w3id.org/ldt-connector/place/eindhoven"}}),
        _ => json!({"leftOperand": "dateTime", "operator": "gteq", "rightOperand": "2025-01-01"}),
    }
}

fn large_document() -> Value {
    let constraints: Vec<Value> = (0..500).map(mixed_constraint).collect();
    json!({"@type": "Agreement", "permission": [{"action": "use", "constraint": [{"and": constraints}]}]})
}

/// A typical offer: contract constraints, two duties, a prohibition.
fn typical_document() -> Value {
    let mut document = contract_document();
    document["permission"][0]["duty"] = json!([
        {"action": "attribute"},
        {"action": "delete", "constraint": [{"leftOperand": "dateTime", "operator": "gteq",
                                             "rightOperand": {"@value": "2026-01-31T00:00:00Z", "@type": "xsd:dateTime"}}]}
    ]);
    document["prohibition"] = json!([{"action": "distribute"}, {"action": "sell"}]);
    document
}

fn bench_evaluate(c: &mut Criterion) {
    let environment = environment();
    let context = context();
    let contract = read_policy(&contract_document()).unwrap();
    let large = read_policy(&large_document()).unwrap();
    let decision = evaluate(&large, &context, &environment);
    assert_eq!(decision.outcome, Outcome::Permit, "{}", ldt_policy::explain::render(&decision));
    let policies = [("contract_permit", contract), ("and_of_500_constraints", large)];

    let mut group = c.benchmark_group("outcome");
    group.throughput(Throughput::Elements(1));
    for (name, policy) in &policies {
        let prepared = Prepared::new(policy.clone());
        assert_eq!(prepared.outcome(&context, &environment), Outcome::Permit);
        group.bench_function(*name, |b| b.iter(|| black_box(&prepared).outcome(black_box(&context), &environment)));
    }
    group.finish();

    let mut group = c.benchmark_group("explained");
    group.throughput(Throughput::Elements(1));
    for (name, policy) in &policies {
        let prepared = Prepared::new(policy.clone());
        group.bench_function(*name, |b| b.iter(|| black_box(&prepared).evaluate(black_box(&context), &environment)));
    }
    group.finish();

    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(1));
    for (name, policy) in &policies {
        group.bench_function(*name, |b| b.iter(|| evaluate(black_box(policy), black_box(&context), &environment)));
    }
    group.finish();
}

fn bench_read_and_validate(c: &mut Criterion) {
    let document = typical_document();
    let usage = Usage::within(&[Scope::Negotiation], [MEMBERSHIP.to_owned()]);
    assert_eq!(validate(&read_policy(&document).unwrap(), &usage), []);
    let mut group = c.benchmark_group("read_and_validate");
    group.throughput(Throughput::Elements(1));
    group.bench_function("typical_policy", |b| {
        b.iter(|| {
            let policy = read_policy(black_box(&document)).unwrap();
            validate(&policy, black_box(&usage))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_evaluate, bench_read_and_validate);
criterion_main!(benches);

//! Evaluation of realistic Local Digital Twin policies (`ldt_policy::eval::evaluate`), with the report and the words
//! (`ldt_policy::explain`) checked as well as the outcome.
//!
//! The running example is a contract policy on an air-quality dataset with three constraints: the purpose must be a
//! kind of air-quality modelling (through the operator's purpose taxonomy), the request must fall in the contract's
//! time window (`dateTime gteq` start `and` `dateTime lt` end), and the caller's verified credentials must say that
//! its membership of the data space is active (a claim, mapped by `Environment::claims`).

use chrono::{DateTime, FixedOffset, TimeDelta};
use ldt_policy::eval::{ConstraintReport, Context, Decision, Environment, Outcome, Truth, Verdict, evaluate};
use ldt_policy::explain::{reasons, render, sentence};
use ldt_policy::model::{LogicalOperator, Policy};
use ldt_policy::read_policy;
use ldt_policy::validate::{Scope, Usage, validate};
use serde_json::{Value, json};

const PURPOSE: &str = "https://w3id.org/ldt-connector/purpose/";
const MEMBERSHIP: &str = "https://w3id.org/ldt-connector/claims/membership";
const LAB: &str = "did:web:lab.example.org";
const OTHER: &str = "did:web:adtech.example.com";
const DATASET: &str = "urn:ldt:dataset:eindhoven-no2-hourly";

fn purpose(name: &str) -> String {
    format!("{PURPOSE}{name}")
}

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

fn read(document: Value) -> Policy {
    read_policy(&document).unwrap_or_else(|problems| {
        panic!("the policy reads: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
    })
}

/// The contract policy: purpose, time window, membership.
fn contract() -> Policy {
    read(json!({
        "@type": "Offer",
        "@id": "urn:ldt:offer:no2-for-modelling",
        "permission": [{"action": "use", "constraint": [
            {"leftOperand": "purpose", "operator": "isA", "rightOperand": {"@id": purpose("air-quality-modelling")}},
            {"and": [
                {"leftOperand": "dateTime", "operator": "gteq",
                 "rightOperand": {"@value": "2025-01-01T00:00:00Z", "@type": "xsd:dateTime"}},
                {"leftOperand": "dateTime", "operator": "lt",
                 "rightOperand": {"@value": "2026-01-01T00:00:00Z", "@type": "xsd:dateTime"}}
            ]},
            {"leftOperand": MEMBERSHIP, "operator": "eq", "rightOperand": "active"}
        ]}]
    }))
}

/// The operator's configuration: a purpose taxonomy and the membership claim.
fn environment() -> Environment {
    let purposes = [
        ("no2-exposure-study", vec!["air-quality-forecasting", "public-health-research"]),
        ("air-quality-forecasting", vec!["air-quality-modelling"]),
        ("air-quality-modelling", vec!["environmental-research"]),
        ("traffic-research", vec!["mobility-research"]),
        ("targeted-advertising", vec!["marketing"]),
    ];
    Environment {
        purposes: purposes
            .into_iter()
            .map(|(narrow, broad)| (purpose(narrow), broad.into_iter().map(purpose).collect()))
            .collect(),
        claims: [(MEMBERSHIP.to_owned(), "/membership/status".to_owned())].into(),
        ..Environment::default()
    }
}

/// A request that the contract permits: a research lab, an NO₂ exposure study (two steps below air-quality
/// modelling in the taxonomy), in June 2025 (in CEST), an active member.
fn request() -> Context {
    Context {
        action: Some("read".into()),
        now: Some(at("2025-06-15T10:00:00+02:00")),
        caller: Some(LAB.into()),
        target: Some(DATASET.into()),
        purpose: Some(purpose("no2-exposure-study")),
        claims: json!({"membership": {"status": "active", "since": "2023-04-01"}}),
        ..Context::default()
    }
}

/// Every atomic report in `reports`, depth first.
fn atomics(reports: &[ConstraintReport]) -> Vec<&ConstraintReport> {
    let mut found = Vec::new();
    for report in reports {
        match report {
            ConstraintReport::Atomic { .. } => found.push(report),
            ConstraintReport::Logical { parts, .. } => found.extend(atomics(parts)),
        }
    }
    found
}

fn path_of(report: &ConstraintReport) -> &str {
    match report {
        ConstraintReport::Atomic { path, .. } | ConstraintReport::Logical { path, .. } => path,
    }
}

fn verdict_of(report: &ConstraintReport) -> &Verdict {
    match report {
        ConstraintReport::Atomic { verdict, .. } => verdict,
        ConstraintReport::Logical { .. } => panic!("{} is a logical constraint", path_of(report)),
    }
}

/// The constraint report at `path`, at any depth of any rule.
fn find<'a>(decision: &'a Decision, path: &str) -> &'a ConstraintReport {
    fn walk<'a>(reports: &'a [ConstraintReport], path: &str) -> Option<&'a ConstraintReport> {
        reports.iter().find_map(|report| match report {
            _ if path_of(report) == path => Some(report),
            ConstraintReport::Logical { parts, .. } => walk(parts, path),
            ConstraintReport::Atomic { .. } => None,
        })
    }
    decision
        .rules
        .iter()
        .find_map(|rule| walk(&rule.constraints, path))
        .unwrap_or_else(|| panic!("no constraint report at {path} in {decision:#?}"))
}

/// What a failing constraint must look like.
#[derive(Debug, Clone, Copy)]
enum Expect {
    NotSatisfied,
    /// Unresolved, with a reason containing this.
    Unresolved(&'static str),
}

struct Case {
    name: &'static str,
    change: fn(&mut Context),
    /// The atomic constraints that fail: path, verdict, fragments of the sentence explaining it.
    failing: &'static [(&'static str, Expect, &'static [&'static str])],
}

const PURPOSE_PATH: &str = "/permission/0/constraint/0";
const FROM_PATH: &str = "/permission/0/constraint/1/and/0";
const UNTIL_PATH: &str = "/permission/0/constraint/1/and/1";
const MEMBERSHIP_PATH: &str = "/permission/0/constraint/2";

const CASES: &[Case] = &[
    Case { name: "everything in order", change: |_| {}, failing: &[] },
    Case {
        name: "the purpose named directly",
        change: |c| c.purpose = Some(purpose("air-quality-modelling")),
        failing: &[],
    },
    Case {
        name: "the first instant of the window, written in another offset",
        change: |c| c.now = Some(at("2025-01-01T01:00:00+01:00")),
        failing: &[],
    },
    Case { name: "the last second of the window", change: |c| c.now = Some(at("2025-12-31T23:59:59Z")), failing: &[] },
    Case {
        name: "a purpose outside the taxonomy branch",
        change: |c| c.purpose = Some(purpose("targeted-advertising")),
        failing: &[(
            PURPOSE_PATH,
            Expect::NotSatisfied,
            &["purpose `https://w3id.org/ldt-connector/purpose/targeted-advertising` is not a kind of \
                 `https://w3id.org/ldt-connector/purpose/air-quality-modelling`"],
        )],
    },
    Case {
        name: "a broader purpose than permitted",
        change: |c| c.purpose = Some(purpose("environmental-research")),
        failing: &[(PURPOSE_PATH, Expect::NotSatisfied, &["environmental-research` is not a kind of"])],
    },
    Case {
        name: "one second before the window",
        change: |c| c.now = Some(at("2024-12-31T23:59:59Z")),
        failing: &[(
            FROM_PATH,
            Expect::NotSatisfied,
            &["dateTime `2024-12-31T23:59:59Z` is before `2025-01-01T00:00:00Z`"],
        )],
    },
    Case {
        name: "the end of the window (lt is exclusive)",
        change: |c| c.now = Some(at("2026-01-01T00:00:00Z")),
        failing: &[(
            UNTIL_PATH,
            Expect::NotSatisfied,
            &["dateTime `2026-01-01T00:00:00Z` is not before `2026-01-01T00:00:00Z`"],
        )],
    },
    Case {
        name: "New Year's Eve west of Greenwich is already past the window",
        change: |c| c.now = Some(at("2025-12-31T23:30:00-01:00")),
        failing: &[(
            UNTIL_PATH,
            Expect::NotSatisfied,
            &["dateTime `2025-12-31T23:30:00-01:00` is not before `2026-01-01T00:00:00Z`"],
        )],
    },
    Case {
        name: "a suspended member",
        change: |c| c.claims = json!({"membership": {"status": "suspended"}}),
        failing: &[(
            MEMBERSHIP_PATH,
            Expect::NotSatisfied,
            &["https://w3id.org/ldt-connector/claims/membership `suspended` is not `active`"],
        )],
    },
    Case {
        name: "no purpose declared",
        change: |c| c.purpose = None,
        failing: &[(
            PURPOSE_PATH,
            Expect::Unresolved("the request does not say a purpose"),
            &["purpose isA `https://w3id.org/ldt-connector/purpose/air-quality-modelling` could not be checked: \
                 the request does not say a purpose"],
        )],
    },
    Case {
        name: "no time",
        change: |c| c.now = None,
        failing: &[
            (FROM_PATH, Expect::Unresolved("the request does not say the time"), &["dateTime gteq"]),
            (UNTIL_PATH, Expect::Unresolved("the request does not say the time"), &["dateTime lt"]),
        ],
    },
    Case {
        name: "no credentials at all",
        change: |c| c.claims = Value::Null,
        failing: &[(
            MEMBERSHIP_PATH,
            Expect::Unresolved("no claim `/membership/status`"),
            &["could not be checked: the caller's credentials have no claim `/membership/status`"],
        )],
    },
    Case {
        name: "credentials without the membership claim",
        change: |c| c.claims = json!({"membership": {"since": "2023-04-01"}}),
        failing: &[(MEMBERSHIP_PATH, Expect::Unresolved("no claim `/membership/status`"), &[MEMBERSHIP])],
    },
    Case {
        name: "a membership claim of the wrong type fails closed",
        change: |c| c.claims = json!({"membership": {"status": true}}),
        failing: &[(MEMBERSHIP_PATH, Expect::Unresolved("cannot compare"), &["could not be checked"])],
    },
    Case {
        name: "nothing known but the action",
        change: |c| *c = Context { action: c.action.clone(), ..Context::default() },
        failing: &[
            (PURPOSE_PATH, Expect::Unresolved("a purpose"), &[]),
            (FROM_PATH, Expect::Unresolved("the time"), &[]),
            (UNTIL_PATH, Expect::Unresolved("the time"), &[]),
            (MEMBERSHIP_PATH, Expect::Unresolved("no claim"), &[]),
        ],
    },
];

#[test]
fn the_contract_policy_permits_exactly_when_every_constraint_holds() {
    let (policy, environment) = (contract(), environment());
    for case in CASES {
        let mut context = request();
        (case.change)(&mut context);
        let decision = evaluate(&policy, &context, &environment);
        let name = case.name;
        let expected = if case.failing.is_empty() { Outcome::Permit } else { Outcome::Deny };
        assert_eq!(decision.outcome, expected, "{name}: {}", render(&decision));
        assert_eq!(decision.action, "read", "{name}");
        assert_eq!(decision.rules.len(), 1, "{name}");
        assert_eq!(decision.rules[0].applies, case.failing.is_empty(), "{name}");
        assert_eq!(decision.rules[0].not_applicable, None, "{name}: only constraints decide here");

        let reports = atomics(&decision.rules[0].constraints);
        assert_eq!(reports.len(), 4, "{name}: purpose, window start, window end, membership");
        let failing: Vec<&str> = reports.iter().filter(|r| !r.satisfied()).map(|r| path_of(r)).collect();
        let expected_paths: Vec<&str> = case.failing.iter().map(|(path, _, _)| *path).collect();
        assert_eq!(failing, expected_paths, "{name}: {}", render(&decision));
        for report in &reports {
            if report.satisfied() {
                assert_eq!(verdict_of(report), &Verdict::Satisfied, "{name}");
            }
        }

        let mut expected_reasons = vec![decision.summary.clone()];
        for (path, expect, fragments) in case.failing {
            let report = find(&decision, path);
            match (expect, verdict_of(report)) {
                (Expect::NotSatisfied, Verdict::NotSatisfied) => {}
                (Expect::Unresolved(why), Verdict::Unresolved(reason)) => {
                    assert!(reason.contains(why), "{name}: {path}: `{reason}` does not say `{why}`")
                }
                (expect, verdict) => panic!("{name}: {path}: expected {expect:?}, got {verdict:?}"),
            }
            let said = sentence(report);
            for fragment in *fragments {
                assert!(said.contains(fragment), "{name}: {path}: `{said}` does not say `{fragment}`");
            }
            expected_reasons.push(said);
        }
        if expected == Outcome::Deny {
            assert_eq!(reasons(&decision), expected_reasons, "{name}");
            assert!(decision.summary.contains("no permission allows `read`"), "{name}: {}", decision.summary);
        } else {
            assert_eq!(reasons(&decision), std::slice::from_ref(&decision.summary), "{name}");
        }
    }
}

#[test]
fn the_contract_policy_is_valid_where_it_is_used() {
    let usage = Usage::within(&[Scope::Negotiation], [MEMBERSHIP.to_owned()]);
    assert_eq!(validate(&contract(), &usage), []);
    // Without the claim mapping, the membership left operand is unknown.
    let problems = validate(&contract(), &Usage::within(&[Scope::Negotiation], []));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "/permission/0/constraint/2/leftOperand");
}

#[test]
fn satisfied_constraints_report_the_values_compared() {
    let decision = evaluate(&contract(), &request(), &environment());
    let ConstraintReport::Atomic { left, right, actual, .. } = find(&decision, FROM_PATH) else { unreachable!() };
    assert_eq!(left, "dateTime");
    assert_eq!(right, &["2025-01-01T00:00:00Z"]);
    assert_eq!(actual.as_deref(), Some(&["2025-06-15T10:00:00+02:00".to_owned()][..]));
    assert_eq!(
        sentence(find(&decision, MEMBERSHIP_PATH)),
        "https://w3id.org/ldt-connector/claims/membership `active` is `active`"
    );
    assert_eq!(
        sentence(find(&decision, "/permission/0/constraint/1")),
        "all of 2 conditions must hold, and 2 do: holds"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// The request context as the CLI reads it from a file.

/// The example context file of `ldt-connector policy eval` (camelCase members).
const CONTEXT_FILE: &str = r#"{
  "action": "read",
  "now": "2025-06-15T10:00:00+02:00",
  "caller": "did:web:lab.example.org",
  "target": "urn:ldt:dataset:eindhoven-no2-hourly",
  "purpose": "https://w3id.org/ldt-connector/purpose/no2-exposure-study",
  "agreementStart": "2025-06-05T10:00:00+02:00",
  "count": 99,
  "places": ["https://w3id.org/ldt-connector/place/eindhoven"],
  "claims": {"membership": {"status": "active", "since": "2023-04-01"}},
  "facts": {"resolution": 1000, "https://example.org/ldt/sensorClass": ["reference", "low-cost"]}
}"#;

#[test]
fn a_context_file_reads_into_a_context() {
    let context: Context = serde_json::from_str(CONTEXT_FILE).expect("the example context file reads");
    assert_eq!(context.action.as_deref(), Some("read"));
    assert_eq!(context.now, Some(at("2025-06-15T08:00:00Z")));
    assert_eq!(context.caller.as_deref(), Some(LAB));
    assert_eq!(context.target.as_deref(), Some(DATASET));
    assert_eq!(context.purpose, Some(purpose("no2-exposure-study")));
    assert_eq!(context.agreement_start, Some(at("2025-06-05T10:00:00+02:00")));
    assert_eq!(context.count, Some(99));
    assert_eq!(context.places, ["https://w3id.org/ldt-connector/place/eindhoven"]);
    assert_eq!(context.claims.pointer("/membership/status"), Some(&json!("active")));
    assert_eq!(context.facts.get("resolution"), Some(&json!(1000)));
    assert_eq!(context.facts.len(), 2);
    assert_eq!(evaluate(&contract(), &context, &environment()).outcome, Outcome::Permit);

    // Every member is optional.
    assert_eq!(serde_json::from_str::<Context>("{}").unwrap(), Context::default());
    // And the context writes back to what it read.
    let written = serde_json::to_value(&context).unwrap();
    assert_eq!(serde_json::from_value::<Context>(written).unwrap(), context);
}

/// The context file example of the README (`ldt-connector policy eval`), verbatim.
const README_CONTEXT_FILE: &str = r#"{
  "action": "use",
  "now": "2026-11-25T10:00:00Z",
  "caller": "did:web:air-quality.eindhoven.example",
  "purpose": "https://w3id.org/ldt-connector/purpose/air-quality-modelling",
  "agreementStart": "2026-11-01T00:00:00Z",
  "count": 3,
  "places": ["https://sws.geonames.org/2756253/"],
  "claims": {"membership": {"status": "active"}},
  "facts": {"resolution": 1200},
  "scope": "negotiation"
}"#;

#[test]
fn the_readme_context_file_example_reads() {
    let context: Context = serde_json::from_str(README_CONTEXT_FILE).expect("the README's context file reads");
    assert_eq!(context.action.as_deref(), Some("use"));
    assert_eq!(context.now, Some(at("2026-11-25T10:00:00Z")));
    assert_eq!(context.caller.as_deref(), Some("did:web:air-quality.eindhoven.example"));
    assert_eq!(context.purpose, Some(purpose("air-quality-modelling")));
    assert_eq!(context.agreement_start, Some(at("2026-11-01T00:00:00Z")));
    assert_eq!(context.count, Some(3));
    assert_eq!(context.places, ["https://sws.geonames.org/2756253/"]);
    assert_eq!(context.claims, json!({"membership": {"status": "active"}}));
    assert_eq!(context.facts.get("resolution"), Some(&json!(1200)));
    assert_eq!(context.scope, Some(Scope::Negotiation));
}

#[test]
fn a_context_file_with_an_unknown_or_misspelt_member_is_refused() {
    for (member, value) in [
        ("agreement_start", json!("2025-06-05T10:00:00Z")),
        ("Purpose", json!("research")),
        ("purposes", json!(["research"])),
        ("recipient", json!(LAB)),
    ] {
        let mut document: Value = serde_json::from_str(CONTEXT_FILE).unwrap();
        document.as_object_mut().unwrap().insert(member.to_owned(), value);
        let error = serde_json::from_value::<Context>(document).expect_err(member).to_string();
        assert!(error.contains("unknown field") && error.contains(member), "{member}: {error}");
    }
    // A time must say its offset; a count cannot be negative.
    assert!(serde_json::from_value::<Context>(json!({"now": "2025-06-15T10:00:00"})).is_err());
    assert!(serde_json::from_value::<Context>(json!({"count": -1})).is_err());
}

// ---------------------------------------------------------------------------------------------------------------
// Actions, parties and targets.

fn outcome(policy: &Policy, context: &Context) -> Outcome {
    evaluate(policy, context, &Environment::default()).outcome
}

fn asking(action: &str) -> Context {
    Context { action: Some(action.into()), caller: Some(LAB.into()), ..Context::default() }
}

#[test]
fn a_permission_covers_the_actions_included_in_its_action() {
    let on_use = read(json!({"@type": "Set", "permission": [{"action": "use"}]}));
    let on_read = read(json!({"@type": "Set", "permission": [{"action": "read"}]}));
    for (policy, action, expected) in [
        (&on_use, "use", Outcome::Permit),
        (&on_use, "read", Outcome::Permit),
        (&on_use, "display", Outcome::Permit), // display ⊂ play ⊂ use
        (&on_use, "sell", Outcome::Deny),      // sell ⊂ transfer, not use
        (&on_read, "read", Outcome::Permit),
        (&on_read, "use", Outcome::Deny),
        (&on_read, "distribute", Outcome::Deny),
    ] {
        assert_eq!(
            outcome(policy, &asking(action)),
            expected,
            "permission {:?}, request {action}",
            policy.permissions[0].action.name
        );
    }
    // No action in the request means `use`.
    assert_eq!(evaluate(&on_read, &Context::default(), &Environment::default()).action, "use");
    assert_eq!(outcome(&on_read, &Context::default()), Outcome::Deny);

    let decision = evaluate(&on_read, &asking("use"), &Environment::default());
    assert_eq!(decision.rules[0].not_applicable.as_deref(), Some("it is about `read`, which does not cover `use`"));
    assert_eq!(reasons(&decision)[1], "/permission/0 does not apply: it is about `read`, which does not cover `use`");
}

#[test]
fn a_prohibition_only_denies_what_its_action_covers() {
    let policy = read(json!({"@type": "Set",
        "permission": [{"action": "use"}],
        "prohibition": [{"action": "distribute"}]}));
    for (action, expected) in [("use", Outcome::Permit), ("read", Outcome::Permit), ("distribute", Outcome::Deny)] {
        let decision = evaluate(&policy, &asking(action), &Environment::default());
        assert_eq!(decision.outcome, expected, "{action}: {}", render(&decision));
        assert_eq!(decision.rules[1].applies, action == "distribute", "{action}");
    }
}

/// A request names its action as DSP messages and the ODRL examples do: prefixed, or as the full IRI. The model
/// keeps ODRL names short "whatever form they arrived in" (`model` module doc), so the request's action should be
/// read the same way.
///
/// ENGINE BUG (kept failing on purpose): `evaluate` compares `Context::action` as written with the short names of the
/// policy, so `odrl:read` or `http://www.w3.org/ns/odrl/2/read` is not covered by a permission on `use` and the
/// request is denied ("it is about `use`, which does not cover `odrl:read`").
#[test]
fn a_requested_action_in_prefixed_or_iri_form_is_the_same_action() {
    let policy = read(json!({"@type": "Set", "permission": [{"action": "odrl:use"}]}));
    for action in ["read", "odrl:read", "http://www.w3.org/ns/odrl/2/read"] {
        let decision = evaluate(&policy, &asking(action), &Environment::default());
        assert_eq!(decision.outcome, Outcome::Permit, "request action `{action}`: {}", render(&decision));
    }
}

#[test]
fn a_permission_assigned_to_another_party_does_not_apply() {
    let policy = read(json!({"@type": "Agreement", "permission": [{"action": "use", "assignee": LAB}]}));
    let decision =
        evaluate(&policy, &Context { caller: Some(OTHER.into()), ..Context::default() }, &Environment::default());
    assert_eq!(decision.outcome, Outcome::Deny);
    assert!(!decision.rules[0].applies);
    assert_eq!(
        decision.rules[0].not_applicable.as_deref(),
        Some("it is assigned to `did:web:lab.example.org`, not to the caller")
    );
    assert!(render(&decision).contains("not to the caller"), "{}", render(&decision));
    // An anonymous caller is not the assignee either.
    assert_eq!(outcome(&policy, &Context::default()), Outcome::Deny);
    assert_eq!(outcome(&policy, &asking("use")), Outcome::Permit);

    // A prohibition for another party does not touch this caller.
    let policy = read(json!({"@type": "Agreement",
        "permission": [{"action": "use"}],
        "prohibition": [{"action": "use", "assignee": OTHER}]}));
    assert_eq!(outcome(&policy, &asking("read")), Outcome::Permit);
    assert_eq!(outcome(&policy, &Context { caller: Some(OTHER.into()), ..asking("read") }), Outcome::Deny);
}

/// DSP 2025-1 agreements carry their parties at policy level (`"assignee"` beside `"@type": "Agreement"`), and ODRL
/// 2.2 §2.1 says policy-level parties are shared by every rule that names none (`Policy::distributed` does that).
///
/// ENGINE BUG (kept failing on purpose): `evaluate` shares the policy-level `target` with the rules but not the
/// policy-level `assignee`, so an agreement made with the lab permits any caller.
#[test]
fn a_policy_level_assignee_binds_every_rule() {
    let agreement = read(json!({"@type": "Agreement", "@id": "urn:ldt:agreement:1",
        "assigner": "did:web:city.example.org", "assignee": LAB, "target": DATASET,
        "timestamp": "2025-06-05T10:00:00Z",
        "permission": [{"action": "use"}]}));
    let stranger = Context { caller: Some(OTHER.into()), ..Context::default() };
    // What sharing the parties first gives.
    assert_eq!(outcome(&agreement.clone().distributed(), &stranger), Outcome::Deny);
    assert_eq!(outcome(&agreement.clone().distributed(), &asking("use")), Outcome::Permit);
    // The same agreement as read.
    assert_eq!(outcome(&agreement, &asking("use")), Outcome::Permit);
    let decision = evaluate(&agreement, &stranger, &Environment::default());
    assert_eq!(decision.outcome, Outcome::Deny, "a stranger uses the lab's agreement: {}", render(&decision));
}

#[test]
fn a_rule_about_another_target_does_not_apply() {
    let policy = read(json!({"@type": "Set", "target": DATASET,
        "permission": [{"action": "use"}, {"action": "use", "target": "urn:ldt:dataset:other"}]}));
    let decision =
        evaluate(&policy, &Context { target: Some(DATASET.into()), ..Context::default() }, &Environment::default());
    assert_eq!(decision.outcome, Outcome::Permit);
    assert_eq!(decision.rules.iter().map(|rule| rule.applies).collect::<Vec<_>>(), [true, false]);
    assert_eq!(
        decision.rules[1].not_applicable.as_deref(),
        Some("it is about `urn:ldt:dataset:other`, not `urn:ldt:dataset:eindhoven-no2-hourly`")
    );
    let elsewhere = Context { target: Some("urn:ldt:dataset:third".into()), ..Context::default() };
    assert_eq!(outcome(&policy, &elsewhere), Outcome::Deny);
}

// ---------------------------------------------------------------------------------------------------------------
// Conflicts.

#[test]
fn conflict_strategies_decide_when_a_permission_and_a_prohibition_both_apply() {
    let marketing = json!({"leftOperand": "purpose", "operator": "isA", "rightOperand": purpose("marketing")});
    let with = |conflict: Option<&str>| {
        let mut document = json!({"@type": "Set",
            "permission": [{"action": "use"}],
            "prohibition": [{"action": "distribute", "constraint": [marketing.clone()]}]});
        if let Some(conflict) = conflict {
            document["conflict"] = json!({"@id": conflict});
        }
        read(document)
    };
    let advertiser = Context {
        action: Some("distribute".into()),
        purpose: Some(purpose("targeted-advertising")),
        ..Context::default()
    };
    for (conflict, expected, summary) in [
        (Some("perm"), Outcome::Permit, "the policy lets permissions win"),
        (Some("odrl:prohibit"), Outcome::Deny, "the policy lets prohibitions win over permissions"),
        (Some("http://www.w3.org/ns/odrl/2/invalid"), Outcome::Deny, "which voids the policy"),
        (None, Outcome::Deny, "which voids the policy"),
    ] {
        let decision = evaluate(&with(conflict), &advertiser, &environment());
        assert_eq!(decision.outcome, expected, "{conflict:?}");
        assert!(decision.summary.contains(summary), "{conflict:?}: {}", decision.summary);
        assert!(decision.rules.iter().all(|rule| rule.applies), "{conflict:?}: both apply");
        assert_eq!(decision.duties, [], "{conflict:?}");
        // Without the prohibited purpose there is no conflict, whatever the strategy.
        let researcher = Context { purpose: Some(purpose("air-quality-forecasting")), ..advertiser.clone() };
        assert_eq!(evaluate(&with(conflict), &researcher, &environment()).outcome, Outcome::Permit, "{conflict:?}");
    }
}

/// What the engine does when a prohibition's constraint cannot be resolved: failing closed, the prohibition
/// applies unless a constraint certainly does not hold, so a caller that declares no purpose is caught by a purpose
/// prohibition; declaring another purpose lifts it.
#[test]
fn an_unresolved_prohibition_constraint_keeps_the_prohibition() {
    let policy = read(json!({"@type": "Set",
        "permission": [{"action": "use"}],
        "prohibition": [{"action": "use", "constraint": [
            {"leftOperand": "purpose", "operator": "isA", "rightOperand": purpose("marketing")}]}]}));
    let decision = evaluate(&policy, &Context::default(), &environment());
    assert_eq!(decision.outcome, Outcome::Deny, "{}", render(&decision));
    assert!(matches!(verdict_of(find(&decision, "/prohibition/0/constraint/0")), Verdict::Unresolved(_)));
    let declared = Context { purpose: Some(purpose("traffic-research")), ..Context::default() };
    assert_eq!(evaluate(&policy, &declared, &environment()).outcome, Outcome::Permit);
}

// ---------------------------------------------------------------------------------------------------------------
// Logical constraints.

#[test]
fn logical_constraints_report_each_part() {
    let policy = read(json!({"@type": "Set", "permission": [{"action": "use", "constraint": [
        {"or": [
            {"leftOperand": "purpose", "operator": "isA", "rightOperand": purpose("air-quality-modelling")},
            {"leftOperand": "purpose", "operator": "isA", "rightOperand": purpose("mobility-research")}
        ]},
        {"xone": [
            {"leftOperand": "https://example.org/ldt/role", "operator": "isAnyOf", "rightOperand": ["researcher"]},
            {"leftOperand": "https://example.org/ldt/role", "operator": "isAnyOf", "rightOperand": ["operator"]}
        ]},
        {"andSequence": {"@list": [
            {"leftOperand": "count", "operator": "lt", "rightOperand": 100},
            {"leftOperand": "dateTime", "operator": "lt", "rightOperand": "2026-01-01T00:00:00Z"}
        ]}},
        {"and": []}
    ]}]}));
    let context = |purpose_name: &str, roles: Value, count: u64| Context {
        purpose: Some(purpose(purpose_name)),
        now: Some(at("2025-06-15T10:00:00Z")),
        count: Some(count),
        facts: [("https://example.org/ldt/role".to_owned(), roles)].into(),
        ..Context::default()
    };
    let logical = |decision: &Decision, index: usize| -> (LogicalOperator, bool, Vec<bool>) {
        match &decision.rules[0].constraints[index] {
            ConstraintReport::Logical { operator, truth, parts, .. } => {
                (*operator, *truth == Truth::True, parts.iter().map(ConstraintReport::satisfied).collect())
            }
            other => panic!("{other:?}"),
        }
    };

    let decision = evaluate(&policy, &context("traffic-research", json!(["researcher"]), 3), &environment());
    assert_eq!(decision.outcome, Outcome::Permit, "{}", render(&decision));
    assert_eq!(logical(&decision, 0), (LogicalOperator::Or, true, vec![false, true]));
    assert_eq!(logical(&decision, 1), (LogicalOperator::Xone, true, vec![true, false]));
    assert_eq!(logical(&decision, 2), (LogicalOperator::AndSequence, true, vec![true, true]));
    assert_eq!(logical(&decision, 3), (LogicalOperator::And, true, vec![]));
    assert_eq!(sentence(&decision.rules[0].constraints[0]), "at least one of 2 conditions must hold, and 1 do: holds");
    assert_eq!(
        path_of(find(&decision, "/permission/0/constraint/2/andSequence/1")),
        "/permission/0/constraint/2/andSequence/1"
    );
    assert_eq!(
        sentence(find(&decision, "/permission/0/constraint/0/or/0")),
        "purpose `https://w3id.org/ldt-connector/purpose/traffic-research` is not a kind of \
         `https://w3id.org/ldt-connector/purpose/air-quality-modelling`"
    );

    // Both roles: xone fails.
    let decision =
        evaluate(&policy, &context("no2-exposure-study", json!(["researcher", "operator"]), 3), &environment());
    assert_eq!(decision.outcome, Outcome::Deny);
    assert_eq!(logical(&decision, 0), (LogicalOperator::Or, true, vec![true, false]));
    assert_eq!(logical(&decision, 1), (LogicalOperator::Xone, false, vec![true, true]));
    assert_eq!(
        sentence(&decision.rules[0].constraints[1]),
        "exactly one of 2 conditions must hold, and 2 do: does not hold"
    );
    assert_eq!(
        reasons(&decision).len(),
        1,
        "no atomic constraint fails, so only the summary: {:?}",
        reasons(&decision)
    );

    // Neither purpose: or fails; the count is used up: andSequence fails.
    let decision = evaluate(&policy, &context("targeted-advertising", json!("operator"), 100), &environment());
    assert_eq!(decision.outcome, Outcome::Deny);
    assert_eq!(logical(&decision, 0), (LogicalOperator::Or, false, vec![false, false]));
    assert_eq!(logical(&decision, 1), (LogicalOperator::Xone, true, vec![false, true]));
    assert_eq!(logical(&decision, 2), (LogicalOperator::AndSequence, false, vec![false, true]));
    assert_eq!(
        sentence(&decision.rules[0].constraints[2]),
        "all of, in order, 2 conditions must hold, and 1 do: does not hold"
    );
    let said = reasons(&decision);
    assert_eq!(said.len(), 4, "summary, the two purposes, the count: {said:?}");
    assert_eq!(said[3], "count `100` is not less than `100`");
}

// ---------------------------------------------------------------------------------------------------------------
// Agreements in use: elapsed time and count.

fn agreement(constraint: Value) -> Policy {
    read(json!({"@type": "Agreement", "permission": [{"action": "use", "constraint": [constraint]}]}))
}

#[test]
fn elapsed_time_is_counted_from_the_agreement() {
    let policy = agreement(
        json!({"leftOperand": "elapsedTime", "operator": "lteq", "rightOperand": {"@value": "P30D", "@type": "xsd:duration"}}),
    );
    let now = at("2025-06-15T10:00:00+02:00");
    let days_ago = |days: i64| Context {
        now: Some(now),
        agreement_start: Some(now - TimeDelta::days(days)),
        ..Context::default()
    };
    for (days, expected, words) in [
        (10, Outcome::Permit, "elapsedTime `P10D` is not after `P30D`"),
        (30, Outcome::Permit, "elapsedTime `P30D` is not after `P30D`"),
        (31, Outcome::Deny, "elapsedTime `P31D` is after `P30D`"),
        (40, Outcome::Deny, "elapsedTime `P40D` is after `P30D`"),
    ] {
        let decision = evaluate(&policy, &days_ago(days), &Environment::default());
        assert_eq!(decision.outcome, expected, "{days} days ago");
        assert_eq!(sentence(find(&decision, "/permission/0/constraint/0")), words, "{days} days ago");
    }
    // Without the agreement's start, or the time, it cannot be checked.
    let decision = evaluate(&policy, &Context { now: Some(now), ..Context::default() }, &Environment::default());
    assert_eq!(decision.outcome, Outcome::Deny);
    assert_eq!(
        verdict_of(find(&decision, "/permission/0/constraint/0")),
        &Verdict::Unresolved("the request does not say when the agreement was made".into())
    );
    let started = Context { agreement_start: Some(now), ..Context::default() };
    assert_eq!(outcome(&policy, &started), Outcome::Deny);
}

#[test]
fn a_month_of_elapsed_time_follows_the_calendar() {
    let policy = agreement(json!({"leftOperand": "elapsedTime", "operator": "lteq", "rightOperand": "P1M"}));
    let check = |start: &str, now: &str| {
        outcome(&policy, &Context { agreement_start: Some(at(start)), now: Some(at(now)), ..Context::default() })
    };
    // From 31 January, a month ends on the last day of February (28 days later)...
    assert_eq!(check("2025-01-31T10:00:00Z", "2025-02-28T10:00:00Z"), Outcome::Permit);
    assert_eq!(check("2025-01-31T10:00:00Z", "2025-02-28T10:00:01Z"), Outcome::Deny);
    assert_eq!(check("2025-01-31T10:00:00Z", "2025-03-01T00:00:00Z"), Outcome::Deny);
    // ... on 29 February in a leap year ...
    assert_eq!(check("2024-01-31T10:00:00Z", "2024-02-29T10:00:00Z"), Outcome::Permit);
    assert_eq!(check("2024-01-31T10:00:00Z", "2024-03-01T09:00:00Z"), Outcome::Deny);
    // ... and from 15 January on 15 February (31 days later).
    assert_eq!(check("2025-01-15T00:00:00Z", "2025-02-15T00:00:00Z"), Outcome::Permit);
    assert_eq!(check("2025-01-15T00:00:00Z", "2025-02-15T00:00:01Z"), Outcome::Deny);
    // The offset the times are written in does not matter.
    assert_eq!(check("2025-01-31T11:00:00+01:00", "2025-02-28T09:30:00-00:30"), Outcome::Permit);
}

#[test]
fn a_count_limit_allows_the_last_use_and_not_one_more() {
    let policy = agreement(json!({"leftOperand": "count", "operator": "lt", "rightOperand": 100}));
    let used = |count| Context { count: Some(count), ..Context::default() };
    assert_eq!(outcome(&policy, &used(0)), Outcome::Permit);
    assert_eq!(outcome(&policy, &used(99)), Outcome::Permit);
    let decision = evaluate(&policy, &used(100), &Environment::default());
    assert_eq!(decision.outcome, Outcome::Deny);
    assert_eq!(reasons(&decision)[1], "count `100` is not less than `100`");
    let decision = evaluate(&policy, &Context::default(), &Environment::default());
    assert_eq!(
        verdict_of(find(&decision, "/permission/0/constraint/0")),
        &Verdict::Unresolved("the request does not say how often the agreement was used".into())
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Duties and explanations.

fn with_duties() -> Policy {
    read(json!({"@type": "Agreement",
        "permission": [
            {"action": "use", "constraint": [
                {"leftOperand": "purpose", "operator": "isA", "rightOperand": purpose("air-quality-modelling")}],
             "duty": [
                {"action": "attribute"},
                {"action": "delete", "constraint": [
                    {"leftOperand": "dateTime", "operator": "gteq", "rightOperand": "2026-01-01T00:00:00Z"}]}
             ]},
            {"action": "use", "constraint": [
                {"leftOperand": "purpose", "operator": "isA", "rightOperand": purpose("mobility-research")}],
             "duty": [{"action": "compensate"}]}
        ],
        "prohibition": [{"action": "distribute"}],
        "obligation": [{"action": "inform"}]}))
}

#[test]
fn duties_come_with_a_permit_and_only_from_the_permissions_that_apply() {
    let context =
        Context { purpose: Some(purpose("no2-exposure-study")), now: Some(at("2025-06-15T10:00:00Z")), ..request() };
    let decision = evaluate(&with_duties(), &context, &environment());
    assert_eq!(decision.outcome, Outcome::Permit, "{}", render(&decision));
    let duties: Vec<(&str, &str)> = decision.duties.iter().map(|d| (d.path.as_str(), d.action.as_str())).collect();
    assert_eq!(
        duties,
        [("/permission/0/duty/0", "attribute"), ("/permission/0/duty/1", "delete"), ("/obligation/0", "inform")]
    );
    assert_eq!(decision.duties[0].constraints, []);
    // The deletion is not due yet: its constraint is reported, and does not hold the permit back.
    let [deadline] = decision.duties[1].constraints.as_slice() else { panic!("{:?}", decision.duties[1]) };
    assert_eq!(path_of(deadline), "/permission/0/duty/1/constraint/0");
    assert_eq!(verdict_of(deadline), &Verdict::NotSatisfied);
    assert_eq!(sentence(deadline), "dateTime `2025-06-15T10:00:00Z` is before `2026-01-01T00:00:00Z`");

    let text = render(&decision);
    for line in [
        "PERMIT `read`: a permission allows `read` and no prohibition forbids it",
        "permission /permission/0 (use) applies",
        "permission /permission/1 (use) does not apply",
        "prohibition /prohibition/0 (distribute) does not apply: it is about `distribute`, which does not cover `read`",
        "duty /permission/0/duty/1 (delete) comes with the permit",
        "duty /obligation/0 (inform) comes with the permit",
        "✗ dateTime `2025-06-15T10:00:00Z` is before `2026-01-01T00:00:00Z`",
        "✓ purpose `https://w3id.org/ldt-connector/purpose/no2-exposure-study` is a kind of",
    ] {
        assert!(text.contains(line), "`{line}` missing from:\n{text}");
    }
    assert!(!text.contains("(compensate)"), "the duty of a permission that does not apply:\n{text}");

    // The other permission's duty when it is that one that applies.
    let context = Context { purpose: Some(purpose("traffic-research")), ..context };
    let decision = evaluate(&with_duties(), &context, &environment());
    let duties: Vec<&str> = decision.duties.iter().map(|d| d.action.as_str()).collect();
    assert_eq!(duties, ["compensate", "inform"]);

    // The decision as the API returns it.
    let json = serde_json::to_value(&decision).unwrap();
    assert_eq!(json["outcome"], "permit");
    assert_eq!(json["duties"][0]["path"], "/permission/1/duty/0");
    assert_eq!(json["rules"][0]["constraints"][0]["verdict"], json!({"state": "notSatisfied"}));
}

#[test]
fn a_deny_carries_no_duty_and_says_why() {
    for context in [
        Context { purpose: Some(purpose("targeted-advertising")), ..request() },
        Context { action: Some("distribute".into()), ..request() },
        Context { purpose: None, ..request() },
    ] {
        let decision = evaluate(&with_duties(), &context, &environment());
        assert_eq!(decision.outcome, Outcome::Deny, "{context:?}");
        assert_eq!(decision.duties, [], "{context:?}");
        let text = render(&decision);
        assert!(text.starts_with(&format!("DENY `{}`: ", decision.action)), "{text}");
        for rule in [
            "permission /permission/0 (use)",
            "permission /permission/1 (use)",
            "prohibition /prohibition/0 (distribute)",
        ] {
            assert!(text.contains(rule), "`{rule}` missing from:\n{text}");
        }
        assert!(!text.contains("comes with the permit"), "{text}");
        assert!(serde_json::to_value(&decision).unwrap().get("duties").is_none());
    }

    let decision = evaluate(
        &with_duties(),
        &Context { purpose: Some(purpose("targeted-advertising")), ..request() },
        &environment(),
    );
    assert_eq!(
        reasons(&decision),
        [
            "no permission allows `read` for this request".to_owned(),
            "purpose `https://w3id.org/ldt-connector/purpose/targeted-advertising` is not a kind of \
             `https://w3id.org/ldt-connector/purpose/air-quality-modelling`"
                .to_owned(),
            "purpose `https://w3id.org/ldt-connector/purpose/targeted-advertising` is not a kind of \
             `https://w3id.org/ldt-connector/purpose/mobility-research`"
                .to_owned(),
        ]
    );
    let decision = evaluate(&with_duties(), &Context { purpose: None, ..request() }, &environment());
    let said = reasons(&decision);
    assert_eq!(said.len(), 3, "{said:?}");
    assert!(
        said[1..].iter().all(|reason| reason.ends_with("could not be checked: the request does not say a purpose")),
        "{said:?}"
    );
}

#[test]
fn an_action_refinement_narrows_the_permission() {
    let policy = read(json!({"@type": "Set", "permission": [{"action": {
        "rdf:value": {"@id": "odrl:print"},
        "refinement": [{"leftOperand": "resolution", "operator": "lteq", "rightOperand": {"@value": "1200", "@type": "xsd:integer"}}]
    }}]}));
    let printing = |dpi: Value| Context {
        action: Some("print".into()),
        facts: [("resolution".to_owned(), dpi)].into(),
        ..Context::default()
    };
    assert_eq!(outcome(&policy, &printing(json!(1000))), Outcome::Permit);
    assert_eq!(outcome(&policy, &printing(json!("1200"))), Outcome::Permit, "a number given as text is read as one");
    let decision = evaluate(&policy, &printing(json!(1300)), &Environment::default());
    assert_eq!(decision.outcome, Outcome::Deny);
    let refinement = find(&decision, "/permission/0/action/odrl:refinement/0");
    assert_eq!(sentence(refinement), "resolution `1300` is more than `1200`");
    let decision = evaluate(&policy, &printing(json!("high")), &Environment::default());
    assert!(matches!(verdict_of(find(&decision, "/permission/0/action/odrl:refinement/0")), Verdict::Unresolved(_)));
}

//! The W3C ODRL formal-semantics examples (`shared/odrl/w3c-formal-semantics`, see its README): nine runs, each a
//! policy, an evaluation request and the compliance report the draft expects. Each run is mapped onto this engine's
//! `Context` and evaluated; the outcome must be the one in the table below, which records the draft's outcome (read
//! from the report file and checked too) beside ours, and why they differ where they do.
//!
//! Mapping a policy onto `read_policy`'s shape ([`policy`]); every step is a JSON rewrite done here, the file is not
//! changed:
//! 1. `@context` (the W3C ODRL context) is dropped: the files use the compact terms that context defines (`permission`,
//!    `leftOperand`, `rdf:value`, `refinement`, `unit`…), which is what the reader reads.
//! 2. `uid` becomes `@id`: the ODRL context aliases `uid` to `@id`; the reader reads `@id`.
//! 3. An action node that has both `@id` and `rdf:value` (the duties of C1 and C2:
//!    `{"@id": "http://example.com/action/1", "rdf:value": {"@id": "odrl:compensate"}, …}`) loses its `@id`: there the
//!    `@id` names the refined action node, and `rdf:value` names the action. The reader takes `@id` first (an engine
//!    bug, see [`a_refined_action_with_its_own_id_is_named_by_its_rdf_value`]), so without this step the duty would be
//!    an action called `http://example.com/action/1`.
//! 4. The `@id`s of rules and constraints are kept; the reader does not use them.
//!
//! Mapping a request onto a `Context` ([`context`]):
//! - `evaluatedAction` → `action`, its `odrl:` prefix removed (the engine compares the request's action as written,
//!   see the failing test `a_requested_action_in_prefixed_or_iri_form_is_the_same_action` in `evaluation.rs`);
//! - `evaluatedParty` → `caller` (absent in the B runs; see [`PARTY_SLIP`] for the C runs);
//! - `evaluatedTarget` → `target`;
//! - each `requestParameters` entry by its `describesFeature`:
//!   - `sotw:CurrentXSDDateTime` → `now`; the value has no time zone and is taken as UTC, as the engine takes a
//!     right operand without one;
//!   - any other feature is the `unit` of one of the policy's constraints (B1: `http://dbpedia.org/resource/Dots_per_inch`
//!     is the unit of the `resolution` refinement): its value goes to `facts` under that constraint's left operand, as
//!     a number when it reads as one. The B requests write the value as `{"@id": "1000", …}` where `"@value"` is meant
//!     (an upstream slip): either is read.
//! - the state of the world the draft derives from the time: `ex:dayOfWeek` (C2's duty constraint) → `facts`, the
//!   English name of the day of `now` in UTC;
//! - the `state*.json` files (a payment fulfilling the duty, C12 and C23) have no counterpart: duties are not
//!   preconditions here (see the table), so whether one was fulfilled does not enter the decision.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset};
use ldt_policy::eval::{ConstraintReport, Context, Decision, Environment, Outcome, Verdict, evaluate};
use ldt_policy::explain::render;
use ldt_policy::{Policy, read_policy};
use serde_json::{Map, Value};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/odrl/w3c-formal-semantics/examples");

/// Requests C11–C23 name the party `http://example.com/party/billie1`; the policies' assignee is
/// `http://example.com/party/billie`, and the draft's reports ignore the mismatch (README: upstream slips). The runs are
/// about duties, not parties, so the table is evaluated with the party the policy names; what the requests say
/// literally is checked in [`the_c_requests_as_written_name_another_party`].
const PARTY_SLIP: (&str, &str) = ("http://example.com/party/billie1", "http://example.com/party/billie");

/// The activation state of the rule: whether it applies to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Activation {
    Active,
    Inactive,
}

struct Run {
    name: &'static str,
    /// The draft's `controlState` and `activationState` (from the report).
    draft: (Outcome, Activation),
    /// Ours: the outcome, and whether the permission applies.
    ours: (Outcome, Activation),
    /// The duties that come with our permit, with the verdict on the duty's constraint if it has one.
    duties: &'static [(&'static str, Option<Verdict>)],
    /// Why ours differs from the draft's, if it does.
    why: &'static str,
}

const DUTY_WITHOUT_CONSTRAINT: &[(&str, Option<Verdict>)] = &[("compensate", None)];
const DUTY_NOT_DUE: &[(&str, Option<Verdict>)] = &[("compensate", Some(Verdict::NotSatisfied))];
const DUTY_DUE: &[(&str, Option<Verdict>)] = &[("compensate", Some(Verdict::Satisfied))];

const RUNS: &[Run] = &[
    Run {
        name: "A11",
        draft: (Outcome::Permit, Activation::Active),
        ours: (Outcome::Permit, Activation::Active),
        duties: &[],
        why: "",
    },
    Run {
        name: "A12",
        draft: (Outcome::Deny, Activation::Inactive),
        ours: (Outcome::Deny, Activation::Inactive),
        duties: &[],
        why: "",
    },
    Run {
        name: "B11",
        draft: (Outcome::Permit, Activation::Active),
        ours: (Outcome::Permit, Activation::Active),
        duties: &[],
        why: "",
    },
    Run {
        name: "B12",
        draft: (Outcome::Deny, Activation::Active),
        ours: (Outcome::Deny, Activation::Inactive),
        duties: &[],
        why: "same outcome; the draft calls the permission active but denies, because its refinement is not satisfied. \
              Here a refinement narrows the action: printing at 1300 dpi is not the `print ≤ 1200 dpi` the permission \
              is about, so the permission does not apply (inactive) and nothing permits the request.",
    },
    Run {
        name: "C11",
        draft: (Outcome::Deny, Activation::Inactive),
        ours: (Outcome::Permit, Activation::Active),
        duties: DUTY_WITHOUT_CONSTRAINT,
        why: "the draft makes the unfulfilled duty (pay 5 EUR) a precondition and denies. Here duties are obligations the \
              caller takes on with the permit, stored on the agreement and enforced there, not preconditions of the \
              decision: permit, with the duty `compensate` returned.",
    },
    Run {
        name: "C12",
        draft: (Outcome::Permit, Activation::Active),
        ours: (Outcome::Permit, Activation::Active),
        duties: DUTY_WITHOUT_CONSTRAINT,
        why: "",
    },
    Run {
        name: "C21",
        draft: (Outcome::Permit, Activation::Active),
        ours: (Outcome::Permit, Activation::Active),
        duties: DUTY_NOT_DUE,
        why: "",
    },
    Run {
        name: "C22",
        draft: (Outcome::Deny, Activation::Inactive),
        ours: (Outcome::Permit, Activation::Active),
        duties: DUTY_DUE,
        why: "as C11: on a Sunday the duty is active and unpaid, which the draft treats as a precondition. Here it is \
              returned with the permit, its constraint `ex:dayOfWeek eq Sunday` reported satisfied (the duty is due).",
    },
    Run {
        name: "C23",
        draft: (Outcome::Permit, Activation::Active),
        ours: (Outcome::Permit, Activation::Active),
        duties: DUTY_DUE,
        why: "",
    },
];

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn subdirectories(path: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    found.sort();
    found
}

/// The folder of `run` (`examples/<group>/<example>/<run>`).
fn run_folder(run: &str) -> PathBuf {
    subdirectories(Path::new(EXAMPLES))
        .iter()
        .flat_map(|group| subdirectories(group))
        .flat_map(|example| subdirectories(&example))
        .find(|folder| folder.file_name().is_some_and(|name| name == run))
        .unwrap_or_else(|| panic!("no folder for run {run} under {EXAMPLES}"))
}

/// The one file in `folder` whose name starts with `prefix` and ends in `.json`.
fn file_starting(folder: &Path, prefix: &str) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with(prefix) && name.ends_with(".json")
        })
        .collect();
    assert_eq!(found.len(), 1, "{prefix}*.json in {}: {found:?}", folder.display());
    found.remove(0)
}

/// The run's policy file, its evaluation request and its compliance report.
fn files(run: &str) -> (Value, Value, Value) {
    let folder = run_folder(run);
    let policy = file_starting(folder.parent().unwrap(), "policy");
    (
        load(&policy),
        load(&file_starting(&folder, "evaluationrequest")),
        load(&file_starting(&folder, "compliancereport")),
    )
}

/// Steps 1 and 2 of the policy mapping: the document without its context, `uid` as `@id`.
fn without_context(document: &Value) -> Value {
    let mut object = document.as_object().expect("a policy is an object").clone();
    object.remove("@context");
    if let Some(uid) = object.remove("uid") {
        object.insert("@id".into(), uid);
    }
    Value::Object(object)
}

/// Step 3: every action node that names its action in `rdf:value` without its own `@id`.
fn without_action_node_ids(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if let Some(action) = object.get_mut("action") {
                let nodes = match action {
                    Value::Array(items) => items.iter_mut().collect(),
                    one => vec![one],
                };
                for node in nodes.into_iter().filter_map(Value::as_object_mut) {
                    if node.contains_key("rdf:value") {
                        node.remove("@id");
                    }
                }
            }
            object.values_mut().for_each(without_action_node_ids);
        }
        Value::Array(items) => items.iter_mut().for_each(without_action_node_ids),
        _ => {}
    }
}

/// The W3C policy in our reader's shape (steps 1 to 4 of the module doc).
fn policy(document: &Value) -> Policy {
    let mut mapped = without_context(document);
    without_action_node_ids(&mut mapped);
    read_policy(&mapped).unwrap_or_else(|problems| panic!("{mapped}: {problems:?}"))
}

/// The left operand of the policy's constraint whose `unit` is `feature`, at any depth.
fn left_operand_with_unit<'a>(policy: &'a Value, feature: &str) -> Option<&'a str> {
    match policy {
        Value::Object(object) => {
            if object.get("unit").and_then(Value::as_str) == Some(feature) {
                return object.get("leftOperand").and_then(Value::as_str);
            }
            object.values().find_map(|member| left_operand_with_unit(member, feature))
        }
        Value::Array(items) => items.iter().find_map(|item| left_operand_with_unit(item, feature)),
        _ => None,
    }
}

/// The text of a request value: `{"@value": …}`, or `{"@id": …}` (the B requests' slip), or a plain value.
fn lexical(value: &Value) -> String {
    let inner = value.get("@value").or_else(|| value.get("@id")).unwrap_or(value);
    match inner {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// An xsd:dateTime of a request, UTC when it has no time zone.
fn instant(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_rfc3339(&format!("{text}Z")))
        .unwrap_or_else(|error| panic!("`{text}` is no xsd:dateTime: {error}"))
}

/// The evaluation request as a `Context` (the request mapping of the module doc). `correct_party` replaces the
/// slipped party name (see [`PARTY_SLIP`]).
fn context(request: &Value, policy_document: &Value, correct_party: bool) -> Context {
    let text = |key: &str| request.get(key).and_then(Value::as_str).map(str::to_owned);
    let mut context = Context {
        action: text("evaluatedAction").map(|action| action.trim_start_matches("odrl:").to_owned()),
        caller: text("evaluatedParty"),
        target: text("evaluatedTarget"),
        ..Context::default()
    };
    if correct_party && context.caller.as_deref() == Some(PARTY_SLIP.0) {
        context.caller = Some(PARTY_SLIP.1.to_owned());
    }
    let parameters = match request.get("requestParameters") {
        Some(Value::Array(items)) => items.clone(),
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    };
    for parameter in &parameters {
        let feature = parameter["describesFeature"].as_str().expect("a request parameter describes a feature");
        let value = lexical(&parameter["value"]);
        if feature == "sotw:CurrentXSDDateTime" {
            let now = instant(&value);
            context.now = Some(now);
            let day = now.to_utc().weekday();
            let names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
            context.facts.insert("ex:dayOfWeek".into(), names[day.num_days_from_monday() as usize].into());
        } else {
            let left = left_operand_with_unit(policy_document, feature)
                .unwrap_or_else(|| panic!("no constraint of the policy has the unit {feature}"));
            let number = value.parse::<serde_json::Number>().map(Value::Number);
            context.facts.insert(left.to_owned(), number.unwrap_or(Value::String(value)));
        }
    }
    context
}

/// The draft's decision from a compliance report: the `controlState` and `activationState` of its rule report.
fn draft_decision(report: &Value) -> (Outcome, Activation) {
    let rule_reports: Vec<&Map<String, Value>> = report
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_object)
        .filter(|member| member.get("@type").and_then(Value::as_str) == Some("report:ruleReport"))
        .collect();
    let [rule] = rule_reports.as_slice() else { panic!("one rule report expected in {report}") };
    let outcome = match rule["report:controlState"].as_str() {
        Some("report:Permit") => Outcome::Permit,
        Some("report:Deny") => Outcome::Deny,
        other => panic!("controlState {other:?}"),
    };
    let activation = match rule["report:activationState"].as_str() {
        Some("report:Active") => Activation::Active,
        Some("report:Inactive") => Activation::Inactive,
        other => panic!("activationState {other:?}"),
    };
    (outcome, activation)
}

fn ours(decision: &Decision) -> (Outcome, Activation) {
    let permissions: Vec<_> = decision.rules.iter().filter(|rule| rule.path.starts_with("/permission/")).collect();
    let [permission] = permissions.as_slice() else { panic!("one permission expected: {decision:?}") };
    (decision.outcome, if permission.applies { Activation::Active } else { Activation::Inactive })
}

fn evaluate_run(run: &str, correct_party: bool) -> Decision {
    let (policy_document, request, _) = files(run);
    let context = context(&request, &policy_document, correct_party);
    evaluate(&policy(&policy_document), &context, &Environment::default())
}

#[test]
fn every_run_gives_the_outcome_in_the_table() {
    let mut differ = Vec::new();
    for run in RUNS {
        let name = run.name;
        let (_, _, report) = files(name);
        assert_eq!(draft_decision(&report), run.draft, "{name}: the table misstates the draft's report");
        let decision = evaluate_run(name, true);
        assert_eq!(ours(&decision), run.ours, "{name}:\n{}", render(&decision));
        assert_eq!(
            run.why.is_empty(),
            run.draft == run.ours,
            "{name}: a difference needs a reason, and only a difference"
        );
        if run.draft != run.ours {
            differ.push(name);
        }

        let duties: Vec<(&str, Option<Verdict>)> = decision
            .duties
            .iter()
            .map(|duty| {
                let verdict = match duty.constraints.as_slice() {
                    [] => None,
                    [ConstraintReport::Atomic { verdict, .. }] => Some(verdict.clone()),
                    other => panic!("{name}: {other:?}"),
                };
                (duty.action.as_str(), verdict)
            })
            .collect();
        let expected: Vec<(&str, Option<Verdict>)> = run.duties.to_vec();
        assert_eq!(duties, expected, "{name}:\n{}", render(&decision));
        if let Some(duty) = decision.duties.first() {
            assert_eq!(duty.path, "/permission/0/duty/0", "{name}");
        }
    }
    assert_eq!(differ, ["B12", "C11", "C22"], "the runs where our semantics differ from the draft's on purpose");
}

#[test]
fn the_constraints_are_judged_as_the_draft_judges_them() {
    // A1: `dateTime lt 2018-01-01` (an xsd:date: before the day begins).
    for (run, verdict) in [("A11", Verdict::Satisfied), ("A12", Verdict::NotSatisfied)] {
        let decision = evaluate_run(run, true);
        let [ConstraintReport::Atomic { path, verdict: found, .. }] = decision.rules[0].constraints.as_slice() else {
            panic!("{run}: {decision:?}")
        };
        assert_eq!((path.as_str(), found), ("/permission/0/constraint/0", &verdict), "{run}");
    }
    // B1: the refinement `resolution lteq 1200`, fed from the request's dots-per-inch parameter.
    for (run, verdict, actual) in [("B11", Verdict::Satisfied, "1000"), ("B12", Verdict::NotSatisfied, "1300")] {
        let decision = evaluate_run(run, true);
        let [ConstraintReport::Atomic { path, verdict: found, actual: Some(values), .. }] =
            decision.rules[0].constraints.as_slice()
        else {
            panic!("{run}: {decision:?}")
        };
        assert_eq!(path, "/permission/0/action/odrl:refinement/0", "{run}");
        assert_eq!((found, values.as_slice()), (&verdict, &[actual.to_owned()][..]), "{run}");
    }
}

#[test]
fn the_c_requests_as_written_name_another_party() {
    // Taken literally, `billie1` is not the assignee `billie`: the permission does not apply to that caller, so every
    // C run is denied — unlike the draft's reports, which ignore the parties.
    for run in ["C11", "C12", "C21", "C22", "C23"] {
        let decision = evaluate_run(run, false);
        assert_eq!(decision.outcome, Outcome::Deny, "{run}");
        assert_eq!(
            decision.rules[0].not_applicable.as_deref(),
            Some("it is assigned to `http://example.com/party/billie`, not to the caller"),
            "{run}"
        );
        assert_eq!(decision.duties, [], "{run}");
    }
}

#[test]
fn the_runs_are_the_nine_of_the_readme() {
    let names: Vec<&str> = RUNS.iter().map(|run| run.name).collect();
    assert_eq!(names, ["A11", "A12", "B11", "B12", "C11", "C12", "C21", "C22", "C23"]);
    // A2 has a policy but no run; it reads (a prohibition for one assignee).
    let folder = Path::new(EXAMPLES).join("A Evaluation of Constraints/A2 Example of a constrained prohibition");
    let a2 = policy(&load(&file_starting(&folder, "policy")));
    assert_eq!(a2.id.as_deref(), Some("http://example.com/policy/A2"));
    assert_eq!(a2.prohibitions[0].assignee.as_deref(), Some("http://example.com/assignee:55"));
}

/// ODRL 2.2 (§2.4.2 and the formal-semantics examples): a refined action is a node whose `rdf:value` names the action;
/// the node may have its own `@id`. C1 and C2 give their duty's action node the `@id` `http://example.com/action/1`.
///
/// ENGINE BUG (kept failing on purpose): `read_policy` looks for the action's name in `@id` before `rdf:value`
/// (`read.rs`, `Reader::action`), so the duty's action is read as `http://example.com/action/1` instead of
/// `compensate` — which `validate` then reports as an unknown action, and a permit returns as the duty to perform.
#[test]
fn a_refined_action_with_its_own_id_is_named_by_its_rdf_value() {
    for run in ["C11", "C21"] {
        let (document, _, _) = files(run);
        let read = read_policy(&without_context(&document)).expect("the policy reads");
        let duty = &read.permissions[0].duties[0];
        assert_eq!(duty.action.name, "compensate", "{run}");
        assert_eq!(duty.action.refinements.len(), 1, "{run}");
    }
}

//! Laws of the logical constraints and of reading and writing, on random policies (proptest).
//!
//! Logic: random trees of `and`, `or`, `xone` and `andSequence` over atomic constraints whose truth the test controls
//! — comparisons of the request's `count` with a number (true or false as the test computes), and constraints that
//! cannot be resolved (a fact the request lacks, a number compared with a word). Each logical constraint must be
//! satisfied exactly as its operator says of its parts, judged as the engine judges each part alone; an unresolved
//! part counts as not satisfied (fail closed), so it never makes `and` hold.
//!
//! Reading and writing: for random policies (actions from the ODRL vocabulary, refinements, constraints with any
//! operator and literal, nested logical constraints, duties, remedies, consequences), reading what `write_policy`
//! writes gives the same policy, also through JSON text, and writing is then a fixed point.

use ldt_policy::eval::{ConstraintReport, Context, Environment, Outcome, Prepared, Verdict, evaluate};
use ldt_policy::model::{
    Action, AtomicConstraint, ConflictStrategy, Constraint, Literal, LogicalConstraint, LogicalOperator, Operator,
    Policy, PolicyKind, Rule,
};
use ldt_policy::validate::Scope;
use ldt_policy::{read_policy, write_policy};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::json;

// ---------------------------------------------------------------------------------------------------------------
// Logic.

/// What an atomic constraint of the tree is, and so whether it holds for a request whose count is `COUNT`.
#[derive(Debug, Clone)]
enum Leaf {
    /// `count <operator> <n>`: true or false.
    Count(Operator, u64),
    /// A left operand the request has no value for: unresolved.
    Absent,
    /// `count eq "many"`: a number compared with a word, unresolved.
    Incomparable,
}

#[derive(Debug, Clone)]
enum Tree {
    Leaf(Leaf),
    Node(LogicalOperator, Vec<Tree>),
}

/// Three-valued truth of an atomic constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unresolved,
}

const COUNT: u64 = 5;

impl Leaf {
    fn truth(&self) -> Truth {
        let holds = match *self {
            Leaf::Count(Operator::Eq, n) => COUNT == n,
            Leaf::Count(Operator::Neq, n) => COUNT != n,
            Leaf::Count(Operator::Lt, n) => COUNT < n,
            Leaf::Count(Operator::Lteq, n) => COUNT <= n,
            Leaf::Count(Operator::Gt, n) => COUNT > n,
            Leaf::Count(Operator::Gteq, n) => COUNT >= n,
            Leaf::Count(operator, _) => unreachable!("{operator}"),
            Leaf::Absent | Leaf::Incomparable => return Truth::Unresolved,
        };
        if holds { Truth::True } else { Truth::False }
    }

    fn constraint(&self) -> Constraint {
        let (left, operator, right) = match *self {
            Leaf::Count(operator, n) => ("count", operator, Literal::Number(n.into())),
            Leaf::Absent => ("https://example.org/ldt/absent", Operator::Eq, Literal::Number(1.into())),
            Leaf::Incomparable => ("count", Operator::Eq, Literal::String("many".into())),
        };
        Constraint::Atomic(AtomicConstraint {
            left: left.into(),
            operator,
            right: vec![right],
            unit: None,
            data_type: None,
        })
    }
}

impl Tree {
    fn constraint(&self) -> Constraint {
        match self {
            Tree::Leaf(leaf) => leaf.constraint(),
            Tree::Node(operator, parts) => Constraint::Logical(LogicalConstraint {
                operator: *operator,
                constraints: parts.iter().map(Tree::constraint).collect(),
            }),
        }
    }

    /// Whether the tree holds, by the truth table, an unresolved leaf counting as not satisfied.
    fn holds(&self) -> bool {
        self.truth() == Truth::True
    }

    /// The truth in Kleene's three-valued logic: an unresolved part makes `and` unresolved unless another part is
    /// false, `or` unresolved unless another part is true, and `xone` unresolved unless two parts are true.
    fn truth(&self) -> Truth {
        match self {
            Tree::Leaf(leaf) => leaf.truth(),
            Tree::Node(operator, parts) => {
                let truths: Vec<Truth> = parts.iter().map(Tree::truth).collect();
                let held = truths.iter().filter(|t| **t == Truth::True).count();
                let unknown = truths.iter().filter(|t| **t == Truth::Unresolved).count();
                match operator {
                    LogicalOperator::And | LogicalOperator::AndSequence if held == parts.len() => Truth::True,
                    LogicalOperator::And | LogicalOperator::AndSequence if held + unknown == parts.len() => {
                        Truth::Unresolved
                    }
                    LogicalOperator::And | LogicalOperator::AndSequence => Truth::False,
                    LogicalOperator::Or if held > 0 => Truth::True,
                    LogicalOperator::Or if unknown > 0 => Truth::Unresolved,
                    LogicalOperator::Or => Truth::False,
                    LogicalOperator::Xone if held > 1 => Truth::False,
                    LogicalOperator::Xone if unknown > 0 => Truth::Unresolved,
                    LogicalOperator::Xone if held == 1 => Truth::True,
                    LogicalOperator::Xone => Truth::False,
                }
            }
        }
    }

    /// The tree with every unresolved leaf replaced by a leaf that holds (`true`) or not.
    fn resolved(&self, to: bool) -> Tree {
        match self {
            Tree::Leaf(leaf) if leaf.truth() == Truth::Unresolved => {
                Tree::Leaf(Leaf::Count(if to { Operator::Eq } else { Operator::Neq }, COUNT))
            }
            Tree::Leaf(_) => self.clone(),
            Tree::Node(operator, parts) => Tree::Node(*operator, parts.iter().map(|part| part.resolved(to)).collect()),
        }
    }
}

fn leaf() -> impl Strategy<Value = Leaf> {
    const ORDERED: &[Operator] =
        &[Operator::Eq, Operator::Neq, Operator::Lt, Operator::Lteq, Operator::Gt, Operator::Gteq];
    prop_oneof![
        6 => (select(ORDERED), 0..=2 * COUNT).prop_map(|(operator, n)| Leaf::Count(operator, n)),
        1 => Just(Leaf::Absent),
        1 => Just(Leaf::Incomparable),
    ]
}

fn operator_among(operators: &'static [LogicalOperator]) -> impl Strategy<Value = LogicalOperator> {
    select(operators)
}

/// Random trees of logical constraints with `operators`, up to four levels deep.
fn tree_of(operators: &'static [LogicalOperator]) -> impl Strategy<Value = Tree> {
    leaf().prop_map(Tree::Leaf).prop_recursive(4, 48, 4, move |inner| {
        (operator_among(operators), vec(inner, 0..5)).prop_map(|(operator, parts)| Tree::Node(operator, parts))
    })
}

fn tree() -> impl Strategy<Value = Tree> {
    tree_of(LogicalOperator::ALL)
}

/// `constraints` on a permission to use, evaluated for a request whose count is `COUNT`.
fn judge(constraints: Vec<Constraint>) -> (Outcome, Vec<ConstraintReport>) {
    let mut permission = Rule::new("use");
    permission.constraints = constraints;
    let mut policy = Policy::new(PolicyKind::Agreement);
    policy.permissions.push(permission);
    let context = Context { count: Some(COUNT), ..Context::default() };
    let decision = evaluate(&policy, &context, &Environment::default());
    let rule = decision.rules.into_iter().next().expect("one rule report");
    assert_eq!(rule.applies, decision.outcome == Outcome::Permit);
    (decision.outcome, rule.constraints)
}

/// Whether `tree` is satisfied when the engine judges it alone.
fn engine_holds(tree: &Tree) -> bool {
    let (outcome, reports) = judge(vec![tree.constraint()]);
    let [report] = reports.as_slice() else { panic!("one report per constraint: {reports:?}") };
    assert_eq!(report.satisfied(), outcome == Outcome::Permit);
    report.satisfied()
}

/// The report agrees with the tree at every level: the same shape and operator, each atomic verdict the leaf's
/// truth, each logical node satisfied as the truth table says.
fn check_report(tree: &Tree, report: &ConstraintReport, path: &str) -> Result<(), TestCaseError> {
    match (tree, report) {
        (Tree::Leaf(leaf), ConstraintReport::Atomic { path: at, verdict, .. }) => {
            prop_assert_eq!(at, path);
            let truth = match verdict {
                Verdict::Satisfied => Truth::True,
                Verdict::NotSatisfied => Truth::False,
                Verdict::Unresolved(_) => Truth::Unresolved,
                #[allow(unreachable_patterns)]
                other => return Err(TestCaseError::fail(format!("unexpected verdict {other:?} at {path}"))),
            };
            prop_assert_eq!(truth, leaf.truth(), "{:?} at {}", leaf, path);
        }
        (
            Tree::Node(operator, parts),
            ConstraintReport::Logical { path: at, operator: reported, truth, parts: reports },
        ) => {
            prop_assert_eq!(at, path);
            prop_assert_eq!(reported, operator);
            let truth = match truth {
                ldt_policy::eval::Truth::True => Truth::True,
                ldt_policy::eval::Truth::False => Truth::False,
                ldt_policy::eval::Truth::Unknown => Truth::Unresolved,
                ldt_policy::eval::Truth::Deferred => return Err(TestCaseError::fail(format!("deferred at {path}"))),
            };
            prop_assert_eq!(truth, tree.truth(), "{:?} at {}", operator, path);
            prop_assert_eq!(reports.len(), parts.len());
            for (index, (part, part_report)) in parts.iter().zip(reports).enumerate() {
                check_report(part, part_report, &format!("{path}/{operator}/{index}"))?;
            }
        }
        (tree, report) => prop_assert!(false, "{:?} reported as {:?}", tree, report),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn reports_follow_the_truth_tables(trees in vec(tree(), 0..4)) {
        let (outcome, reports) = judge(trees.iter().map(Tree::constraint).collect());
        prop_assert_eq!(reports.len(), trees.len());
        for (index, (tree, report)) in trees.iter().zip(&reports).enumerate() {
            check_report(tree, report, &format!("/permission/0/constraint/{index}"))?;
        }
        let permitted = trees.iter().all(Tree::holds);
        prop_assert_eq!(outcome, if permitted { Outcome::Permit } else { Outcome::Deny });
    }

    #[test]
    fn and_holds_iff_every_part_holds(parts in vec(tree(), 0..5)) {
        let each: Vec<bool> = parts.iter().map(engine_holds).collect();
        let and = engine_holds(&Tree::Node(LogicalOperator::And, parts.clone()));
        prop_assert_eq!(and, each.iter().all(|&held| held), "parts {:?}", each);
    }

    #[test]
    fn and_sequence_holds_as_and_does(parts in vec(tree(), 0..5)) {
        let and = engine_holds(&Tree::Node(LogicalOperator::And, parts.clone()));
        prop_assert_eq!(engine_holds(&Tree::Node(LogicalOperator::AndSequence, parts)), and);
    }

    #[test]
    fn or_holds_iff_some_part_holds(parts in vec(tree(), 0..5)) {
        let each: Vec<bool> = parts.iter().map(engine_holds).collect();
        let or = engine_holds(&Tree::Node(LogicalOperator::Or, parts.clone()));
        prop_assert_eq!(or, each.iter().any(|&held| held), "parts {:?}", each);
    }

    #[test]
    fn xone_holds_iff_exactly_one_part_holds_and_none_is_unknown(parts in vec(tree(), 0..5)) {
        let truths: Vec<Truth> = parts.iter().map(Tree::truth).collect();
        let xone = engine_holds(&Tree::Node(LogicalOperator::Xone, parts.clone()));
        let held = truths.iter().filter(|t| **t == Truth::True).count();
        let unknown = truths.contains(&Truth::Unresolved);
        prop_assert_eq!(xone, held == 1 && !unknown, "parts {:?}", truths);
    }

    #[test]
    fn an_unresolved_part_never_makes_and_hold(
        parts in vec(tree(), 0..5),
        unresolved in prop_oneof![Just(Leaf::Absent), Just(Leaf::Incomparable)],
        position in any::<prop::sample::Index>(),
        sequence in any::<bool>(),
    ) {
        let mut parts = parts;
        let at = position.index(parts.len() + 1);
        parts.insert(at, Tree::Leaf(unresolved));
        let operator = if sequence { LogicalOperator::AndSequence } else { LogicalOperator::And };
        let (outcome, reports) = judge(vec![Tree::Node(operator, parts).constraint()]);
        prop_assert_eq!(outcome, Outcome::Deny);
        prop_assert!(!reports[0].satisfied());
        let ConstraintReport::Logical { parts: reported, .. } = &reports[0] else { panic!("{reports:?}") };
        let is_unresolved = matches!(&reported[at], ConstraintReport::Atomic { verdict: Verdict::Unresolved(_), .. });
        prop_assert!(is_unresolved, "{:?}", reported[at]);
    }

    /// Fail closed: a tree of `and`, `or` and `andSequence` that holds while some of its parts are unresolved holds
    /// whatever those parts would turn out to be — it never relied on them. (`xone` is left out: "exactly one" is not
    /// monotone, and with unresolved parts counted as not satisfied it can hold when they would make it fail; see
    /// `xone_counts_an_unresolved_part_as_not_satisfied`.)
    #[test]
    fn a_monotone_tree_that_holds_never_relied_on_an_unresolved_part(
        tree in tree_of(&[LogicalOperator::And, LogicalOperator::Or, LogicalOperator::AndSequence])
    ) {
        if engine_holds(&tree) {
            prop_assert!(engine_holds(&tree.resolved(true)));
            prop_assert!(engine_holds(&tree.resolved(false)));
        }
    }
}

/// `xone` of an unresolved part and a satisfied one does not hold: had the unresolved part held, xone would not,
/// so the engine cannot grant it (fail closed).
#[test]
fn xone_with_an_unresolved_part_does_not_hold() {
    let tree =
        Tree::Node(LogicalOperator::Xone, vec![Tree::Leaf(Leaf::Absent), Tree::Leaf(Leaf::Count(Operator::Eq, COUNT))]);
    assert!(!engine_holds(&tree));
    assert!(!engine_holds(&tree.resolved(true)), "had the absent fact held, xone would not");
    assert!(engine_holds(&tree.resolved(false)), "had it failed, xone would");
}

// ---------------------------------------------------------------------------------------------------------------
// Reading what is written.

/// ODRL actions (short names, as the reader keeps them) and one of the connector's own, by IRI.
const ACTIONS: &[&str] = &[
    "use",
    "transfer",
    "read",
    "display",
    "distribute",
    "delete",
    "attribute",
    "compensate",
    "inform",
    "anonymize",
    "aggregate",
    "derive",
    "print",
    "sell",
    "nextPolicy",
    "https://w3id.org/ldt-connector/action/simulate",
];

/// ODRL left operands (short names) and claims by IRI.
const LEFT_OPERANDS: &[&str] = &[
    "dateTime",
    "elapsedTime",
    "count",
    "purpose",
    "spatial",
    "recipient",
    "resolution",
    "payAmount",
    "percentage",
    "https://w3id.org/ldt-connector/claims/membership",
    "https://example.org/ldt/role",
];

const DATATYPES: &[&str] = &[
    "xsd:dateTime",
    "xsd:date",
    "xsd:duration",
    "xsd:decimal",
    "xsd:integer",
    "xsd:string",
    "http://www.w3.org/2001/XMLSchema#anyURI",
    "xsd:boolean",
];

fn iri() -> impl Strategy<Value = String> {
    prop_oneof![
        "urn:ldt:[a-z]{1,6}:[a-z0-9-]{1,10}",
        "did:web:[a-z]{1,8}\\.example\\.org",
        "https://w3id\\.org/ldt-connector/[a-z]{1,8}/[a-z-]{1,12}",
    ]
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        any::<String>().prop_map(Literal::String),
        "[a-zA-Z0-9 :./-]{0,20}".prop_map(Literal::String),
        any::<i64>().prop_map(|n| Literal::Number(n.into())),
        any::<u64>().prop_map(|n| Literal::Number(n.into())),
        // Numbers as people write them (`12.5`, `-0.003`, `1.2e9`): serde_json, as the workspace configures it
        // (without `float_roundtrip`), may read a 17-digit float back one ulp off from JSON text; any float is
        // checked without text in `any_float_reads_back_as_written`.
        (-999_999_i64..999_999, -9_i32..9)
            .prop_filter_map("finite", |(mantissa, exponent)| {
                serde_json::Number::from_f64(format!("{mantissa}e{exponent}").parse::<f64>().ok()?)
            })
            .prop_map(Literal::Number),
        any::<bool>().prop_map(Literal::Bool),
        (
            prop_oneof![
                "2025-0[1-9]-[12][0-9]T[01][0-9]:00:00Z",
                "P[1-9][0-9]?D",
                "-?[0-9]{1,4}(\\.[0-9]{1,3})?",
                any::<String>()
            ],
            select(DATATYPES)
        )
            .prop_map(|(value, datatype)| Literal::Typed { value, datatype: datatype.into() }),
        iri().prop_map(Literal::Iri),
    ]
}

fn atomic() -> impl Strategy<Value = Constraint> {
    (
        select(LEFT_OPERANDS),
        select(Operator::ALL),
        vec(literal(), 0..4),
        proptest::option::of(iri()),
        proptest::option::of(select(DATATYPES)),
    )
        .prop_map(|(left, operator, right, unit, data_type)| {
            Constraint::Atomic(AtomicConstraint {
                left: left.into(),
                operator,
                right,
                unit,
                data_type: data_type.map(str::to_owned),
            })
        })
}

fn constraint() -> impl Strategy<Value = Constraint> {
    atomic().prop_recursive(3, 24, 4, |inner| {
        (select(LogicalOperator::ALL), vec(inner, 0..4))
            .prop_map(|(operator, constraints)| Constraint::Logical(LogicalConstraint { operator, constraints }))
    })
}

fn action() -> impl Strategy<Value = Action> {
    (select(ACTIONS), prop_oneof![2 => Just(Vec::new()), 1 => vec(constraint(), 1..3)])
        .prop_map(|(name, refinements)| Action { name: name.into(), refinements })
}

/// The parts every rule has: action, target and parties, constraints.
fn rule_base() -> impl Strategy<Value = Rule> {
    (
        action(),
        proptest::option::of(iri()),
        proptest::option::of(iri()),
        proptest::option::of(iri()),
        vec(constraint(), 0..3),
    )
        .prop_map(|(action, target, assigner, assignee, constraints)| Rule {
            action,
            target,
            assigner,
            assignee,
            constraints,
            duties: Vec::new(),
            remedies: Vec::new(),
            consequences: Vec::new(),
        })
}

/// A duty (or obligation, remedy, consequence), with consequences of its own down to `depth`.
fn duty(depth: u32) -> BoxedStrategy<Rule> {
    if depth == 0 {
        return rule_base().boxed();
    }
    (rule_base(), vec(duty(depth - 1), 0..2))
        .prop_map(|(mut rule, consequences)| {
            rule.consequences = consequences;
            rule
        })
        .boxed()
}

fn permission() -> impl Strategy<Value = Rule> {
    (rule_base(), vec(duty(1), 0..3)).prop_map(|(mut rule, duties)| {
        rule.duties = duties;
        rule
    })
}

fn prohibition() -> impl Strategy<Value = Rule> {
    (rule_base(), vec(duty(1), 0..2)).prop_map(|(mut rule, remedies)| {
        rule.remedies = remedies;
        rule
    })
}

fn policy() -> impl Strategy<Value = Policy> {
    let header = (
        proptest::option::of(iri()),
        select(&[PolicyKind::Set, PolicyKind::Offer, PolicyKind::Agreement][..]),
        vec(iri(), 0..3),
        proptest::option::of(iri()),
        proptest::option::of(iri()),
        proptest::option::of(iri()),
        proptest::option::of(action()),
        proptest::option::of("20[0-9]{2}-[01][0-9]-[0-2][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z"),
        proptest::option::of(select(
            &[ConflictStrategy::Perm, ConflictStrategy::Prohibit, ConflictStrategy::Invalid][..],
        )),
    );
    let rules = (vec(permission(), 0..3), vec(prohibition(), 0..3), vec(duty(1), 0..2));
    (header, rules).prop_map(
        |(
            (id, kind, profiles, assigner, assignee, target, action, timestamp, conflict),
            (permissions, prohibitions, obligations),
        )| Policy {
            id,
            kind,
            profiles,
            assigner,
            assignee,
            target,
            action,
            timestamp,
            conflict,
            permissions,
            prohibitions,
            obligations,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn reading_what_is_written_gives_the_same_policy(policy in policy()) {
        let written = write_policy(&policy);
        let read = read_policy(&written);
        prop_assert!(read.is_ok(), "{}: {:?}", written, read);
        prop_assert_eq!(read.as_ref().unwrap(), &policy, "written as {}", written);
        // Through JSON text too, as a message carries it.
        let text = serde_json::to_string(&written).unwrap();
        let reparsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&read_policy(&reparsed).unwrap(), &policy, "written as {}", text);
    }

    #[test]
    fn writing_is_a_fixed_point(policy in policy()) {
        let once = write_policy(&policy);
        let twice = write_policy(&read_policy(&once).unwrap());
        prop_assert_eq!(&twice, &once);
        prop_assert_eq!(serde_json::to_string(&twice).unwrap(), serde_json::to_string(&once).unwrap());
    }
}

proptest! {
    #[test]
    fn any_float_reads_back_as_written(number in any::<f64>().prop_filter_map("finite", serde_json::Number::from_f64)) {
        let mut permission = Rule::new("use");
        permission.constraints.push(Constraint::Atomic(AtomicConstraint {
            left: "percentage".into(),
            operator: Operator::Lteq,
            right: vec![Literal::Number(number)],
            unit: None,
            data_type: None,
        }));
        let mut policy = Policy::new(PolicyKind::Set);
        policy.permissions.push(permission);
        prop_assert_eq!(read_policy(&write_policy(&policy)).unwrap(), policy);
    }
}

#[test]
fn a_written_policy_carries_every_kind_of_member() {
    // A guard on the generators above: a sample policy written as DSP writes it.
    let mut permission = Rule::new("use");
    permission.duties.push(Rule::new("delete"));
    let mut policy = Policy::new(PolicyKind::Agreement);
    policy.conflict = Some(ConflictStrategy::Perm);
    policy.permissions.push(permission);
    assert_eq!(
        write_policy(&policy),
        json!({"@type": "Agreement", "odrl:conflict": {"@id": "http://www.w3.org/ns/odrl/2/perm"},
               "permission": [{"action": "use", "duty": [{"action": "delete"}]}]})
    );
}

// ---------------------------------------------------------------------------------------------------------------
// The outcome without a report.

/// Permissions and prohibitions on random actions whose constraints are random trees, under a random conflict
/// strategy: policies whose outcome varies with the request.
fn decidable_policy() -> impl Strategy<Value = Policy> {
    let rule = || {
        (select(ACTIONS), vec(tree(), 0..3)).prop_map(|(action, trees)| {
            let mut rule = Rule::new(action);
            rule.constraints = trees.iter().map(Tree::constraint).collect();
            rule
        })
    };
    let conflict = proptest::option::of(select(
        &[ConflictStrategy::Perm, ConflictStrategy::Prohibit, ConflictStrategy::Invalid][..],
    ));
    (vec(rule(), 0..3), vec(rule(), 0..3), conflict).prop_map(|(permissions, prohibitions, conflict)| {
        let mut policy = Policy::new(PolicyKind::Set);
        policy.permissions = permissions;
        policy.prohibitions = prohibitions;
        policy.conflict = conflict;
        policy
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// `Prepared::outcome`, which builds no report, decides as `evaluate` does, and a prepared policy reports as
    /// `evaluate` does: for policies whose outcome varies with the request, and for random policies of any shape,
    /// requested with any action, in any scope (`count` is deferred outside transfers).
    #[test]
    fn the_outcome_without_a_report_is_the_reported_outcome(
        policy in prop_oneof![decidable_policy(), policy()],
        action in select(ACTIONS),
        scope in proptest::option::of(select(&[Scope::Catalogue, Scope::Negotiation, Scope::Transfer][..])),
    ) {
        let context = Context { action: Some(action.into()), count: Some(COUNT), scope, ..Context::default() };
        let environment = Environment::default();
        let decision = evaluate(&policy, &context, &environment);
        let prepared = Prepared::new(policy);
        prop_assert_eq!(prepared.outcome(&context, &environment), decision.outcome);
        prop_assert_eq!(prepared.evaluate(&context, &environment), decision);
    }
}

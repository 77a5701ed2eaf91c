//! Will a Surface-level component work on an LDT? Each requirement of its descriptor is judged against the LDT's
//! capability profile — satisfied, satisfiable with a named adaptation (with a rough effort), or unsatisfied — with
//! the reason in plain words; an input missing at home is looked for in the other LDTs' catalogues, and the offer
//! that would fill it is proposed, with whether this LDT's credentials and the component's usage meet its policy.
//! Pure: the caller supplies the profiles, the policy environment, this LDT's claims and the time.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, FixedOffset, Utc};
use geo::{Contains, Intersects};
use ldt_policy::eval::{Context, Environment, Outcome};
use ldt_policy::operand::Duration;
use ldt_policy::validate::Scope;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::product::{LdtKind, Spatial};
use crate::slc::descriptor::{Exchange, Input, OperatedBy, Runtime, SlcDescriptor, SlcKind};
use crate::slc::profile::{Area, LdtProfile, OfferTerms, Participant, ProductProfile, english};

/// How well a requirement is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// As is.
    Satisfied,
    /// After an adaptation.
    Adaptable,
    /// Not.
    Unsatisfied,
}

/// A rough effort class of an adaptation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Effort {
    /// Hours: configuration, a standard conversion, a contract under an offer the LDT already meets.
    Low,
    /// Days: a mapping or bridge to build and run.
    Medium,
    /// Weeks: new data, new infrastructure.
    High,
}

/// What has to be done to meet a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum AdaptationKind {
    /// Map one version of a data model to another.
    DataModelMapping,
    /// Convert one file format to another.
    FormatConversion,
    /// Add attributes the product lacks.
    MissingAttribute,
    /// Collect a stream into batches.
    StreamBatching,
    /// Poll an HTTP source and publish it as a stream.
    StreamFromPolling,
    /// Bridge one delivery mechanism to another (pull to push, NATS to MQTT).
    ExchangeBridge,
    /// Derive data of another LDT kind (clean, aggregate, prepare as model input).
    KindTransformation,
    /// Fill the part of the area the product does not cover.
    Coverage,
    /// Publish the product's PROV-O lineage.
    Lineage,
    /// Set up metrics scraping.
    Metrics,
    /// Obtain a credential or role from the data-space authority.
    Credential,
    /// Provide another runtime.
    Runtime,
    /// Negotiate a contract for another LDT's data product.
    NewContract,
    /// Confirm with the data's owner what the catalogue does not say.
    Confirmation,
}

impl AdaptationKind {
    /// The adaptation's name in words.
    pub fn label(self) -> &'static str {
        match self {
            AdaptationKind::DataModelMapping => "data-model version mapping",
            AdaptationKind::FormatConversion => "format conversion",
            AdaptationKind::MissingAttribute => "missing attribute",
            AdaptationKind::StreamBatching => "stream to be batched",
            AdaptationKind::StreamFromPolling => "polling to a stream",
            AdaptationKind::ExchangeBridge => "exchange bridge",
            AdaptationKind::KindTransformation => "data transformation",
            AdaptationKind::Coverage => "spatial coverage",
            AdaptationKind::Lineage => "lineage publication",
            AdaptationKind::Metrics => "metrics scraping",
            AdaptationKind::Credential => "credential",
            AdaptationKind::Runtime => "runtime",
            AdaptationKind::NewContract => "new contract",
            AdaptationKind::Confirmation => "confirmation",
        }
    }
}

/// The adaptation a requirement needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Adaptation {
    /// What sort.
    pub kind: AdaptationKind,
    /// How much work, roughly.
    pub effort: Effort,
}

/// A requirement of a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Requirement {
    /// Where an input's data comes from (another LDT's product needs a contract).
    Source,
    /// An input's data model and version.
    DataModel,
    /// An input's LDT kind.
    LdtKind,
    /// An input's attributes.
    Attributes,
    /// How an input is delivered.
    Exchange,
    /// An input's file format.
    MediaType,
    /// The area an input covers.
    Spatial,
    /// How far back an input reaches.
    History,
    /// How fresh an input is.
    Freshness,
    /// An input's PROV-O lineage.
    Lineage,
    /// Whether an offer's policy allows the component's usage of an input.
    Usage,
    /// Whether this LDT meets one of the offers the component is published under.
    Access,
    /// Who runs the component.
    Operation,
    /// What it runs on.
    Runtime,
    /// The compute it needs.
    Resources,
    /// A credential the LDT must hold.
    Credential,
    /// A role the LDT must have.
    Role,
    /// Metrics scraping.
    Metrics,
}

impl Requirement {
    /// The requirement's name as written in JSON (`dataModel`).
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::Source => "source",
            Requirement::DataModel => "dataModel",
            Requirement::LdtKind => "ldtKind",
            Requirement::Attributes => "attributes",
            Requirement::Exchange => "exchange",
            Requirement::MediaType => "mediaType",
            Requirement::Spatial => "spatial",
            Requirement::History => "history",
            Requirement::Freshness => "freshness",
            Requirement::Lineage => "lineage",
            Requirement::Usage => "usage",
            Requirement::Access => "access",
            Requirement::Operation => "operation",
            Requirement::Runtime => "runtime",
            Requirement::Resources => "resources",
            Requirement::Credential => "credential",
            Requirement::Role => "role",
            Requirement::Metrics => "metrics",
        }
    }
}

/// One requirement judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Which requirement.
    pub requirement: Requirement,
    /// How well it is met.
    pub status: Status,
    /// The adaptation it needs, if it is [`Status::Adaptable`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adaptation: Option<Adaptation>,
    /// Why, in plain words.
    pub reason: String,
}

/// Where an input's data comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The LDT that has it.
    pub participant: Participant,
    /// The product's id.
    pub dataset: String,
    /// Its title.
    pub title: String,
}

/// A contract that would fill an input from another LDT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Proposal {
    /// The input it fills.
    pub input: String,
    /// The provider's connector address (`counterPartyAddress` of a negotiation).
    pub counter_party_address: Option<String>,
    /// The provider's participant id.
    pub counter_party_id: String,
    /// The data product.
    pub dataset: String,
    /// The offer's id.
    pub offer_id: String,
    /// The offer as its catalogue publishes it.
    #[schema(value_type = Object)]
    pub offer: Value,
    /// The purpose to declare when negotiating: the component's.
    pub purpose: String,
    /// This LDT's credentials and the component's declared usage meet the offer's policy.
    pub permitted: bool,
    /// The policy decision in plain words.
    pub explanation: String,
}

/// One input judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InputAssessment {
    /// The input's name.
    pub input: String,
    /// The product chosen for it, if any follows its data model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Its requirements judged.
    pub findings: Vec<Finding>,
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Every requirement is satisfied.
    WorksAsIs,
    /// None is unsatisfied, some need adaptations.
    WorksWithAdaptations,
    /// Some requirement cannot be met.
    DoesNotWork,
}

impl Verdict {
    /// The verdict in words.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::WorksAsIs => "works as is",
            Verdict::WorksWithAdaptations => "works with adaptations",
            Verdict::DoesNotWork => "does not work",
        }
    }
}

/// A component judged against an LDT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    /// The component's id.
    pub slc: String,
    /// Its title.
    pub title: String,
    /// Its kind.
    pub kind: SlcKind,
    /// Its provider's name.
    pub provider: String,
    /// Its version.
    pub version: String,
    /// The overall answer.
    pub verdict: Verdict,
    /// 0–100: how much of it works as is (each requirement counts, adaptations partly by effort); for ranking.
    pub score: u32,
    /// Its inputs judged.
    pub inputs: Vec<InputAssessment>,
    /// The requirements of running it judged: operation and runtime, resources, credentials, roles, metrics, and
    /// (when it is offered) whether this LDT may obtain it.
    pub deployment: Vec<Finding>,
    /// Contracts with other LDTs that would fill missing inputs.
    pub proposals: Vec<Proposal>,
}

/// Orders assessments best first: by verdict, then score, then id.
pub fn rank(assessments: &mut [Assessment]) {
    assessments.sort_by(ranking);
}

/// The order of [`rank`]: better verdict first, then higher score, then id.
pub fn ranking(a: &Assessment, b: &Assessment) -> std::cmp::Ordering {
    a.verdict.cmp(&b.verdict).then(b.score.cmp(&a.score)).then_with(|| a.slc.cmp(&b.slc))
}

/// A requirement's grade: status with its adaptation.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Grade {
    Met,
    Adapt(AdaptationKind, Effort),
    Unmet,
}

impl Grade {
    /// The grade a finding records (the inverse of [`Check::finding`]).
    fn of(finding: &Finding) -> Grade {
        match (finding.status, finding.adaptation) {
            (Status::Unsatisfied, _) => Grade::Unmet,
            (_, Some(adaptation)) => Grade::Adapt(adaptation.kind, adaptation.effort),
            _ => Grade::Met,
        }
    }

    /// How far from met, 0 (met) to 1 (unmet).
    fn shortfall(self) -> f64 {
        match self {
            Grade::Met => 0.0,
            Grade::Adapt(_, Effort::Low) => 0.25,
            Grade::Adapt(_, Effort::Medium) => 0.5,
            Grade::Adapt(_, Effort::High) => 0.75,
            Grade::Unmet => 1.0,
        }
    }
}

/// A grade with its reason, written only when explaining (the search over candidates does not).
struct Check {
    requirement: Requirement,
    grade: Grade,
    reason: String,
}

impl Check {
    fn finding(self) -> Finding {
        let (status, adaptation) = match self.grade {
            Grade::Met => (Status::Satisfied, None),
            Grade::Adapt(kind, effort) => (Status::Adaptable, Some(Adaptation { kind, effort })),
            Grade::Unmet => (Status::Unsatisfied, None),
        };
        Finding { requirement: self.requirement, status, adaptation, reason: self.reason }
    }
}

/// Collects checks, writing reasons only if `explain`.
struct Checks {
    explain: bool,
    list: Vec<Check>,
    /// (unmet requirements, total shortfall) so far: lower is better.
    cost: (usize, f64),
    /// The cost of the best candidate so far, while searching: a candidate that reaches it need not be judged on.
    bound: Option<(usize, f64)>,
}

impl Checks {
    /// Checks that explain themselves (the chosen candidate's).
    fn explained() -> Checks {
        Checks { explain: true, list: Vec::new(), cost: (0, 0.0), bound: None }
    }

    /// Checks of a candidate in a search, without reasons, given up once `bound` is reached.
    fn searching(bound: Option<(usize, f64)>) -> Checks {
        Checks { explain: false, list: Vec::new(), cost: (0, 0.0), bound }
    }

    fn add(&mut self, requirement: Requirement, grade: Grade, reason: impl FnOnce() -> String) {
        self.cost.0 += usize::from(grade == Grade::Unmet);
        self.cost.1 += grade.shortfall();
        if self.explain {
            self.list.push(Check { requirement, grade, reason: reason() });
        }
    }

    /// True once this candidate can no longer beat the best one.
    fn beaten(&self) -> bool {
        self.bound.is_some_and(|bound| self.cost >= bound)
    }
}

/// The grade of a product of another LDT that is offered: it comes under a new contract.
const NEW_CONTRACT: Grade = Grade::Adapt(AdaptationKind::NewContract, Effort::Low);

/// Media types converted into one another with standard tools.
const CONVERTIBLE: [&str; 5] =
    ["text/csv", "application/json", "application/geo+json", "application/vnd.apache.parquet", "application/ld+json"];

/// The EU frequency vocabulary: each name with its update period as an ISO 8601 duration (`PT0S`: continuously;
/// `None`: never or irregularly) and in words.
const FREQUENCIES: [(&str, Option<&str>, &str); 37] = [
    ("UPDATE_CONT", Some("PT0S"), "continuously"),
    ("CONT", Some("PT0S"), "continuously"),
    ("1MIN", Some("PT1M"), "every minute"),
    ("5MIN", Some("PT5M"), "every 5 minutes"),
    ("10MIN", Some("PT10M"), "every 10 minutes"),
    ("15MIN", Some("PT15M"), "every 15 minutes"),
    ("30MIN", Some("PT30M"), "every 30 minutes"),
    ("HOURLY", Some("PT1H"), "hourly"),
    ("BIHOURLY", Some("PT2H"), "every 2 hours"),
    ("TRIHOURLY", Some("PT3H"), "every 3 hours"),
    ("12HRS", Some("PT12H"), "every 12 hours"),
    ("DAILY_2", Some("PT12H"), "twice a day"),
    ("DAILY", Some("P1D"), "daily"),
    ("WEEKLY_5", Some("P1DT9H36M"), "five times a week"),
    ("WEEKLY_3", Some("P2DT8H"), "three times a week"),
    ("WEEKLY_2", Some("P3DT12H"), "twice a week"),
    ("WEEKLY", Some("P7D"), "weekly"),
    ("BIWEEKLY", Some("P14D"), "every two weeks"),
    ("MONTHLY_3", Some("P10D"), "three times a month"),
    ("MONTHLY_2", Some("P15D"), "twice a month"),
    ("MONTHLY", Some("P1M"), "monthly"),
    ("BIMONTHLY", Some("P2M"), "every two months"),
    ("QUARTERLY", Some("P3M"), "quarterly"),
    ("ANNUAL_3", Some("P4M"), "three times a year"),
    ("ANNUAL_2", Some("P6M"), "twice a year"),
    ("ANNUAL", Some("P1Y"), "yearly"),
    ("BIENNIAL", Some("P2Y"), "every two years"),
    ("TRIENNIAL", Some("P3Y"), "every three years"),
    ("QUADRENNIAL", Some("P4Y"), "every four years"),
    ("QUINQUENNIAL", Some("P5Y"), "every five years"),
    ("DECENNIAL", Some("P10Y"), "every ten years"),
    ("NEVER", None, "never"),
    ("IRREG", None, "irregularly"),
    ("AS_NEEDED", None, "as needed"),
    ("NOT_PLANNED", None, "with no plan"),
    ("OTHER", None, "at some other frequency"),
    ("UNKNOWN", None, "at an unknown frequency"),
];

/// How often a product is updated.
#[derive(Debug, Clone, Copy)]
enum Updates {
    /// At this period, said so in words.
    Every(&'static str, Duration),
    /// Never.
    Never,
    /// Without a period, said so in words.
    Irregularly(&'static str),
}

/// [`FREQUENCIES`] with their periods parsed, once.
static PERIODS: LazyLock<Vec<(&'static str, Updates)>> = LazyLock::new(|| {
    FREQUENCIES
        .iter()
        .map(|&(name, period, words)| {
            let updates = match period.and_then(|period| period.parse().ok()) {
                Some(period) => Updates::Every(words, period),
                None if name == "NEVER" => Updates::Never,
                None => Updates::Irregularly(words),
            };
            (name, updates)
        })
        .collect()
});

/// How often a product with the EU frequency IRI `frequency` (`…/frequency/HOURLY`) is updated, if known.
fn updates_of(frequency: &str) -> Option<Updates> {
    let name = frequency.rsplit('/').next()?;
    PERIODS.iter().find(|(known, _)| *known == name).map(|(_, updates)| *updates)
}

/// True if `version` is `accepted` or one of its sub-versions (`0.3` accepts `0.3.2`).
fn version_accepted(version: &str, accepted: &str) -> bool {
    version == accepted || version.strip_prefix(accepted).is_some_and(|rest| rest.starts_with('.'))
}

/// The major part of a version (`0` of `0.3.1`).
fn major(version: &str) -> &str {
    version.split('.').next().unwrap_or(version)
}

/// An input with its area and durations parsed once per assessment.
struct Want<'a> {
    input: &'a Input,
    area: Area,
    /// `minHistory`, parsed.
    history: Option<Duration>,
    /// `maxStaleness`, parsed.
    staleness: Option<Duration>,
    /// A start at or before this has the history needed for sure (`now` minus `minHistory`; near a month's end
    /// calendar arithmetic may differ by a day, so a later start is checked exactly).
    latest_start: Option<DateTime<Utc>>,
}

impl Want<'_> {
    fn of(input: &Input, now: DateTime<FixedOffset>) -> Want<'_> {
        let duration = |text: &Option<String>| text.as_deref().and_then(|text| text.parse::<Duration>().ok());
        let history = duration(&input.min_history);
        let latest_start = history
            .and_then(|history| Duration::new(-history.months(), -history.days(), -history.seconds()))
            .and_then(|back| back.add_to(now))
            .map(|at| at.with_timezone(&Utc));
        Want {
            input,
            area: Area::of(input.spatial.as_ref()),
            history,
            staleness: duration(&input.max_staleness),
            latest_start,
        }
    }
}

/// Judges components against one LDT (`home`), looking for missing inputs among `others`.
pub struct Assessor<'a> {
    /// The LDT assessed.
    pub home: &'a LdtProfile,
    /// The other LDTs of the data space.
    pub others: &'a [Arc<LdtProfile>],
    /// The policy environment (purpose taxonomy, claim pointers).
    pub environment: &'a Environment,
    /// The home LDT's verified claims, as its credentials state them.
    pub claims: &'a Value,
    /// The time of the assessment.
    pub now: DateTime<Utc>,
}

impl Assessor<'_> {
    /// Judges `slc`.
    pub fn assess(&self, slc: &SlcDescriptor) -> Assessment {
        self.judge(slc, None)
    }

    /// Judges `slc` as published under `offers`: also whether this LDT meets one of them (`access`).
    pub fn assess_offered(&self, slc: &SlcDescriptor, offers: &[Arc<OfferTerms>]) -> Assessment {
        self.judge(slc, Some(offers))
    }

    fn judge(&self, slc: &SlcDescriptor, offers: Option<&[Arc<OfferTerms>]>) -> Assessment {
        let permits = RefCell::new(HashMap::new());
        let judge = Judge { assessor: self, slc, permits: &permits, now: self.now.fixed_offset() };
        let mut inputs = Vec::with_capacity(slc.inputs.len());
        let mut proposals = Vec::new();
        for input in &slc.inputs {
            let want = Want::of(input, judge.now);
            inputs.push(judge.input(&want, &mut proposals));
        }
        let mut deployment = judge.deployment();
        if let Some(offers) = offers {
            deployment.insert(0, judge.access(offers));
        }
        let grades: Vec<Grade> =
            inputs.iter().flat_map(|input| &input.findings).chain(&deployment).map(Grade::of).collect();
        let verdict = if grades.contains(&Grade::Unmet) {
            Verdict::DoesNotWork
        } else if grades.iter().any(|grade| matches!(grade, Grade::Adapt(..))) {
            Verdict::WorksWithAdaptations
        } else {
            Verdict::WorksAsIs
        };
        let shortfall: f64 = grades.iter().map(|grade| grade.shortfall()).sum();
        let score =
            if grades.is_empty() { 100 } else { (100.0 * (1.0 - shortfall / grades.len() as f64)).round() as u32 };
        Assessment {
            slc: slc.id.clone(),
            title: english(slc.title.iter().map(|(tag, text)| (tag.as_str(), text.as_str()))),
            kind: slc.kind,
            provider: slc.provider.name.clone(),
            version: slc.version.clone(),
            verdict,
            score,
            inputs,
            deployment,
            proposals,
        }
    }
}

/// One component's assessment under way: the memo of offer decisions for its usage.
struct Judge<'a> {
    assessor: &'a Assessor<'a>,
    slc: &'a SlcDescriptor,
    /// Offer (by address) → its policy permits the component's usage for the home LDT.
    permits: &'a RefCell<HashMap<usize, bool>>,
    now: DateTime<FixedOffset>,
}

/// The best candidate found for an input: its cost, the LDT and the product.
type Best<'p> = ((usize, f64), &'p LdtProfile, &'p ProductProfile);

impl<'a> Judge<'a> {
    /// Judges one input: the best product at home; failing that, the best in another LDT, proposed as a contract.
    fn input(&self, want: &Want, proposals: &mut Vec<Proposal>) -> InputAssessment {
        let home = self.assessor.home;
        let local = self.best(want, [home], None);
        // Another LDT's product is taken only with fewer unmet requirements: candidates that cannot do better are
        // given up as soon as they reach as many.
        let remote = match local {
            Some(((0, _), _, _)) => None,
            Some(((unmet, _), _, _)) => {
                self.best(want, self.assessor.others.iter().map(Arc::as_ref), Some((unmet, 0.0)))
            }
            None => self.best(want, self.assessor.others.iter().map(Arc::as_ref), None),
        };
        let chosen = remote.or(local);
        let name = want.input.name.clone();
        let Some((_, ldt, product)) = chosen else {
            let model = &want.input.data_model.id;
            let reason = format!("no data product follows `{model}`, in this LDT or in any other of the data space");
            return InputAssessment {
                input: name,
                source: None,
                findings: vec![Check { requirement: Requirement::DataModel, grade: Grade::Unmet, reason }.finding()],
            };
        };
        let mut checks = Checks::explained();
        self.candidate(want, ldt, product, &mut checks);
        if !std::ptr::eq(ldt, home)
            && let Some(proposal) = self.proposal(want, ldt, product)
        {
            proposals.push(proposal);
        }
        InputAssessment {
            input: name,
            source: Some(Source {
                participant: ldt.participant.clone(),
                dataset: product.id.clone(),
                title: product.title.clone(),
            }),
            findings: checks.list.into_iter().map(Check::finding).collect(),
        }
    }

    /// The candidate with the lowest cost among the products of `ldts` that follow the input's data model, if one
    /// costs less than `bound`.
    fn best<'p>(
        &self,
        want: &Want,
        ldts: impl IntoIterator<Item = &'p LdtProfile>,
        bound: Option<(usize, f64)>,
    ) -> Option<Best<'p>> {
        let mut best: Option<Best<'p>> = None;
        for ldt in ldts {
            // The least a candidate can cost: one of another LDT comes under a new contract at least.
            let floor = if std::ptr::eq(ldt, self.assessor.home) { Grade::Met } else { NEW_CONTRACT }.shortfall();
            for product in ldt.following(&want.input.data_model.id) {
                let mut checks = Checks::searching(best.map(|(cost, _, _)| cost).or(bound));
                if self.candidate(want, ldt, product, &mut checks) {
                    best = Some((checks.cost, ldt, product));
                    if checks.cost.1 <= floor {
                        return best;
                    }
                }
            }
        }
        best
    }

    /// Judges every requirement of the input against `product` of `ldt`, cheapest first; false if given up
    /// because it cannot beat the bound.
    fn candidate(&self, want: &Want, ldt: &LdtProfile, product: &ProductProfile, checks: &mut Checks) -> bool {
        let input = want.input;
        let at_home = std::ptr::eq(ldt, self.assessor.home);
        if !at_home {
            let name = &ldt.participant.name;
            let grade = if product.offers.is_empty() { Grade::Unmet } else { NEW_CONTRACT };
            checks.add(Requirement::Source, grade, || match grade {
                Grade::Unmet => format!("`{}` of {name} fits best, but it is offered under no policy", product.id),
                _ => format!(
                    "`{}` of {name} fits better than anything this LDT has; it comes under a contract with {name}",
                    product.id
                ),
            });
        }
        let steps: [&dyn Fn(&mut Checks); 9] = [
            &|checks| data_model(input, product, checks),
            &|checks| ldt_kind(input.ldt_kind, product, checks),
            &|checks| attributes(input, product, checks),
            &|checks| delivery(input, product, checks),
            &|checks| self.history(want, product, checks),
            &|checks| self.freshness(want, product, checks),
            &|checks| self.lineage(product, checks),
            &|checks| self.usage(at_home, product, checks),
            &|checks| spatial(want, product, checks),
        ];
        for step in steps {
            step(checks);
            if checks.beaten() {
                return false;
            }
        }
        true
    }

    fn lineage(&self, product: &ProductProfile, checks: &mut Checks) {
        if !self.slc.observability.lineage {
            return;
        }
        let grade = if product.lineage { Grade::Met } else { Grade::Adapt(AdaptationKind::Lineage, Effort::Medium) };
        checks.add(Requirement::Lineage, grade, || match grade {
            Grade::Met => format!("`{}` publishes its lineage (prov:wasGeneratedBy)", product.id),
            _ => format!("`{}` does not publish its PROV-O lineage, which the component needs", product.id),
        });
    }

    fn history(&self, want: &Want, product: &ProductProfile, checks: &mut Checks) {
        let (Some(wanted), Some(duration)) = (&want.input.min_history, want.history) else { return };
        match product.start {
            None => checks.add(Requirement::History, Grade::Adapt(AdaptationKind::Confirmation, Effort::Low), || {
                format!("`{}` does not say since when it has data; {wanted} of history is needed", product.id)
            }),
            Some(start) => {
                let enough = want.latest_start.is_some_and(|latest| start <= latest)
                    || duration.add_to(start.fixed_offset()).is_some_and(|reached| reached <= self.now);
                let grade = if enough { Grade::Met } else { Grade::Unmet };
                checks.add(Requirement::History, grade, || {
                    let since = start.format("%Y-%m-%d");
                    if enough {
                        format!("`{}` has data since {since}, at least the {wanted} needed", product.id)
                    } else {
                        format!("`{}` has data only since {since}; {wanted} of history is needed", product.id)
                    }
                });
            }
        }
    }

    fn freshness(&self, want: &Want, product: &ProductProfile, checks: &mut Checks) {
        let (Some(wanted), Some(limit)) = (&want.input.max_staleness, want.staleness) else { return };
        if let Some(end) = product.end
            && limit.add_to(end.fixed_offset()).is_none_or(|stale_from| stale_from < self.now)
        {
            return checks.add(Requirement::Freshness, Grade::Unmet, || {
                let end = end.format("%Y-%m-%d");
                format!("`{}` ended on {end}: its newest data is older than the {wanted} allowed", product.id)
            });
        }
        let streamed = product.channels.iter().any(|channel| channel.exchange.is_some_and(Exchange::is_stream));
        let updates = if streamed {
            Some(Updates::Every("as a live stream", Duration::new(0, 0, 0.into()).expect("zero is a duration")))
        } else {
            product.periodicity.as_deref().and_then(updates_of)
        };
        let (words, period) = match updates {
            Some(Updates::Every(words, period)) => (words, period),
            Some(Updates::Never) => {
                return checks.add(Requirement::Freshness, Grade::Unmet, || {
                    format!("`{}` is never updated; data at most {wanted} old is needed", product.id)
                });
            }
            Some(Updates::Irregularly(words)) => {
                return checks.add(
                    Requirement::Freshness,
                    Grade::Adapt(AdaptationKind::Confirmation, Effort::Low),
                    || format!("`{}` is updated {words}; check its data is at most {wanted} old", product.id),
                );
            }
            None => {
                return checks.add(
                    Requirement::Freshness,
                    Grade::Adapt(AdaptationKind::Confirmation, Effort::Low),
                    || {
                        format!(
                            "`{}` does not say how often it is updated; data at most {wanted} old is needed",
                            product.id
                        )
                    },
                );
            }
        };
        let fresh = match period.partial_cmp(&limit) {
            Some(order) => order.is_le(),
            // Months against days: compared from now.
            None => match (period.add_to(self.now), limit.add_to(self.now)) {
                (Some(period), Some(limit)) => period <= limit,
                _ => false,
            },
        };
        let grade = if fresh { Grade::Met } else { Grade::Unmet };
        checks.add(Requirement::Freshness, grade, || {
            let verdict = if fresh { "fresh enough" } else { "too stale" };
            format!("`{}` is updated {words} ({verdict}: data at most {wanted} old is needed)", product.id)
        });
    }

    /// Does one of the product's offers allow the component's usage (purpose and actions) to the home LDT?
    fn usage(&self, at_home: bool, product: &ProductProfile, checks: &mut Checks) {
        let usage = &self.slc.usage;
        if at_home && self.slc.deployment.operated_by == OperatedBy::Ldt {
            let grade =
                if usage.redistribution { Grade::Adapt(AdaptationKind::Confirmation, Effort::Low) } else { Grade::Met };
            return checks.add(Requirement::Usage, grade, || match grade {
                Grade::Met => format!("the component runs on this LDT, on its own `{}`: no data leaves it", product.id),
                _ => format!(
                    "the component runs on this LDT but passes `{}` on: confirm the LDT may redistribute it",
                    product.id
                ),
            });
        }
        if at_home && product.offers.is_empty() {
            return checks.add(Requirement::Usage, Grade::Met, || {
                format!("`{}` is this LDT's own data, offered to no one: no policy of it restricts the use", product.id)
            });
        }
        let permitted = product.offers.iter().find(|offer| self.permits(offer));
        let grade = if permitted.is_some() { Grade::Met } else { Grade::Unmet };
        checks.add(Requirement::Usage, grade, || {
            let actions = usage.actions().collect::<Vec<_>>().join(", ");
            let purpose = &usage.purpose;
            match (permitted, product.offers.first()) {
                (Some(offer), _) => format!("offer `{}` allows {actions} for the purpose {purpose}", offer.id),
                (None, Some(offer)) => format!(
                    "no offer of `{}` allows {actions} for the purpose {purpose}: {}",
                    product.id,
                    self.explain(offer)
                ),
                (None, None) => format!("`{}` is offered under no policy", product.id),
            }
        });
    }

    /// The policy context of the home LDT asking for `action` with the component's purpose.
    fn context(&self, action: &str) -> Context {
        Context {
            action: Some(action.to_owned()),
            now: Some(self.now),
            caller: Some(self.assessor.home.participant.id.clone()),
            purpose: Some(self.slc.usage.purpose.clone()),
            claims: self.assessor.claims.clone(),
            scope: Some(Scope::Negotiation),
            ..Context::default()
        }
    }

    /// True if `offer` permits every action of the component's usage to the home LDT (memoised per offer).
    fn permits(&self, offer: &OfferTerms) -> bool {
        let key = offer as *const OfferTerms as usize;
        if let Some(&known) = self.permits.borrow().get(&key) {
            return known;
        }
        let environment = self.assessor.environment;
        let permitted = self
            .slc
            .usage
            .actions()
            .all(|action| offer.policy.outcome(&self.context(action), environment) == Outcome::Permit);
        self.permits.borrow_mut().insert(key, permitted);
        permitted
    }

    /// Why `offer` does not permit the usage: the first refused action's decision in words.
    fn explain(&self, offer: &OfferTerms) -> String {
        let environment = self.assessor.environment;
        for action in self.slc.usage.actions() {
            let decision = offer.policy.evaluate(&self.context(action), environment);
            if decision.outcome != Outcome::Permit {
                return ldt_policy::explain::render(&decision);
            }
        }
        "it permits the usage".into()
    }

    /// Whether this LDT may obtain the component itself: one of the offers it is published under permits `use`.
    fn access(&self, offers: &[Arc<OfferTerms>]) -> Finding {
        let environment = self.assessor.environment;
        let context = self.context("use");
        let permitted = offers.iter().find(|offer| offer.policy.outcome(&context, environment) == Outcome::Permit);
        let grade = if permitted.is_some() { Grade::Met } else { Grade::Unmet };
        let reason = match (permitted, offers.first()) {
            (Some(offer), _) => format!("this LDT meets the component's offer `{}`", offer.id),
            (None, Some(offer)) => {
                let decision = offer.policy.evaluate(&context, environment);
                format!("this LDT meets none of the component's offers: {}", ldt_policy::explain::render(&decision))
            }
            (None, None) => "the component is offered under no policy this connector can read".into(),
        };
        Check { requirement: Requirement::Access, grade, reason }.finding()
    }

    /// The contract proposed for `product` of another LDT: its first offer that permits the usage, else its first.
    fn proposal(&self, want: &Want, ldt: &LdtProfile, product: &ProductProfile) -> Option<Proposal> {
        let permitted = product.offers.iter().find(|offer| self.permits(offer));
        let offer = permitted.or(product.offers.first())?;
        Some(Proposal {
            input: want.input.name.clone(),
            counter_party_address: ldt.participant.address.clone(),
            counter_party_id: ldt.participant.id.clone(),
            dataset: product.id.clone(),
            offer_id: offer.id.clone(),
            offer: offer.document.clone(),
            purpose: self.slc.usage.purpose.clone(),
            permitted: permitted.is_some(),
            explanation: match permitted {
                Some(_) => format!(
                    "the policy of offer `{}` permits {} for the purpose {} to this LDT",
                    offer.id,
                    self.slc.usage.actions().collect::<Vec<_>>().join(", "),
                    self.slc.usage.purpose
                ),
                None => self.explain(offer),
            },
        })
    }

    /// The deployment, credential and observability requirements, judged against the home LDT.
    fn deployment(&self) -> Vec<Finding> {
        let home = self.assessor.home;
        let deployment = &self.slc.deployment;
        let capabilities = &home.deployment;
        let mut checks = Checks::explained();
        match deployment.operated_by {
            OperatedBy::Provider => checks.add(Requirement::Operation, Grade::Met, || {
                format!("{} runs it as a service; this LDT only supplies the data", self.slc.provider.name)
            }),
            OperatedBy::Ldt => {
                let runtime = deployment.runtime.unwrap_or(Runtime::Oci);
                let grade = match runtime {
                    Runtime::Oci if capabilities.oci || capabilities.kubernetes => Grade::Met,
                    Runtime::Kubernetes if capabilities.kubernetes => Grade::Met,
                    Runtime::Kubernetes if capabilities.oci => Grade::Adapt(AdaptationKind::Runtime, Effort::High),
                    _ => Grade::Unmet,
                };
                checks.add(Requirement::Runtime, grade, || {
                    let wanted = if runtime == Runtime::Oci { "an OCI container runtime" } else { "Kubernetes" };
                    match grade {
                        Grade::Met => format!("it needs {wanted}, which this LDT has"),
                        Grade::Adapt(..) => format!(
                            "it needs {wanted}; this LDT runs only OCI containers: set up Kubernetes or run its \
                             images without it"
                        ),
                        _ => format!("it needs {wanted}; this LDT runs no containers"),
                    }
                });
                let needed = deployment.resources;
                let enough = needed.cpu <= capabilities.cpu
                    && needed.memory_mib <= capabilities.memory_mib
                    && needed.gpu <= capabilities.gpu;
                checks.add(Requirement::Resources, if enough { Grade::Met } else { Grade::Unmet }, || {
                    format!(
                        "it needs {} CPU, {} MiB memory, {} GPU; this LDT gives a component {} CPU, {} MiB, {} GPU",
                        needed.cpu,
                        needed.memory_mib,
                        needed.gpu,
                        capabilities.cpu,
                        capabilities.memory_mib,
                        capabilities.gpu
                    )
                });
            }
        }
        for (requirement, names, held) in [
            (Requirement::Credential, &deployment.credentials, &home.credentials.types),
            (Requirement::Role, &deployment.roles, &home.credentials.roles),
        ] {
            for name in names {
                let grade = if held.contains(name) {
                    Grade::Met
                } else {
                    Grade::Adapt(AdaptationKind::Credential, Effort::Low)
                };
                checks.add(requirement, grade, || match grade {
                    Grade::Met => format!("this LDT holds the {} `{name}`", requirement.as_str()),
                    _ => format!(
                        "this LDT lacks the {} `{name}`: ask the data-space authority for it",
                        requirement.as_str()
                    ),
                });
            }
        }
        if self.slc.observability.metrics {
            let grade =
                if capabilities.metrics { Grade::Met } else { Grade::Adapt(AdaptationKind::Metrics, Effort::Medium) };
            checks.add(Requirement::Metrics, grade, || match grade {
                Grade::Met => "this LDT scrapes components' metrics endpoints".into(),
                _ => "it exposes a metrics endpoint this LDT does not scrape yet: set up Prometheus scraping".into(),
            });
        }
        checks.list.into_iter().map(Check::finding).collect()
    }
}

fn data_model(input: &Input, product: &ProductProfile, checks: &mut Checks) {
    let wanted = &input.data_model;
    let accepted = &wanted.versions;
    // A product may follow several versions of the model: the best one counts.
    let judged = product.models.iter().filter(|model| model.id == wanted.id).map(|model| {
        let grade = match &model.version {
            _ if accepted.is_empty() => Grade::Met,
            None => Grade::Adapt(AdaptationKind::Confirmation, Effort::Low),
            Some(version) if accepted.iter().any(|accepted| version_accepted(version, accepted)) => Grade::Met,
            Some(version) if accepted.iter().any(|accepted| major(accepted) == major(version)) => {
                Grade::Adapt(AdaptationKind::DataModelMapping, Effort::Low)
            }
            Some(_) => Grade::Adapt(AdaptationKind::DataModelMapping, Effort::Medium),
        };
        (grade, model)
    });
    let Some((grade, model)) = judged.min_by(|a, b| a.0.shortfall().total_cmp(&b.0.shortfall())) else { return };
    checks.add(Requirement::DataModel, grade, || {
        let versions = accepted.join(", ");
        match (&model.version, grade) {
            (Some(version), Grade::Met) => format!("`{}` follows {} version {version}", product.id, wanted.id),
            (None, Grade::Met) => format!("`{}` follows {}", product.id, wanted.id),
            (None, _) => format!(
                "`{}` follows {} without saying which version; the component accepts {versions}",
                product.id, wanted.id
            ),
            (Some(version), _) => {
                // The nearest accepted version: one of the same major version, else the last listed.
                let target = accepted.iter().find(|accepted| major(accepted) == major(version)).or(accepted.last());
                format!(
                    "`{}` follows {} version {version}; the component accepts {versions}: map {version} to {}",
                    product.id,
                    wanted.id,
                    target.map_or("", String::as_str)
                )
            }
        }
    });
}

fn ldt_kind(wanted: Option<LdtKind>, product: &ProductProfile, checks: &mut Checks) {
    let Some(wanted) = wanted else { return };
    let grade = match product.kind {
        None => Grade::Adapt(AdaptationKind::Confirmation, Effort::Low),
        Some(kind) if kind == wanted => Grade::Met,
        Some(LdtKind::Raw) if matches!(wanted, LdtKind::Transformed | LdtKind::ModelInput) => {
            Grade::Adapt(AdaptationKind::KindTransformation, Effort::Medium)
        }
        Some(LdtKind::Transformed) if wanted == LdtKind::ModelInput => {
            Grade::Adapt(AdaptationKind::KindTransformation, Effort::Low)
        }
        Some(_) => Grade::Unmet,
    };
    checks.add(Requirement::LdtKind, grade, || match product.kind {
        None => format!("`{}` does not say its LDT kind; {} is needed", product.id, wanted.label().to_lowercase()),
        Some(kind) if grade == Grade::Met => format!("`{}` is {}", product.id, kind.label().to_lowercase()),
        Some(kind) if grade == Grade::Unmet => format!(
            "`{}` is {}; the component needs {}, which cannot be made from it",
            product.id,
            kind.label().to_lowercase(),
            wanted.label().to_lowercase()
        ),
        Some(kind) => format!(
            "`{}` is {}; the component needs {}: derive it",
            product.id,
            kind.label().to_lowercase(),
            wanted.label().to_lowercase()
        ),
    });
}

fn attributes(input: &Input, product: &ProductProfile, checks: &mut Checks) {
    if input.attributes.is_empty() {
        return;
    }
    if product.attributes.is_empty() {
        return checks.add(Requirement::Attributes, Grade::Adapt(AdaptationKind::Confirmation, Effort::Low), || {
            format!("`{}` does not list its attributes; check it has {}", product.id, input.attributes.join(", "))
        });
    }
    let missing = || input.attributes.iter().filter(|name| !product.attributes.contains(*name));
    let grade = match missing().count() {
        0 => Grade::Met,
        1 | 2 => Grade::Adapt(AdaptationKind::MissingAttribute, Effort::Medium),
        _ => Grade::Adapt(AdaptationKind::MissingAttribute, Effort::High),
    };
    checks.add(Requirement::Attributes, grade, || {
        if grade == Grade::Met {
            format!("`{}` has {}", product.id, input.attributes.join(", "))
        } else {
            let missing: Vec<&str> = missing().map(String::as_str).collect();
            format!("`{}` lacks {}: add or derive them", product.id, missing.join(", "))
        }
    });
}

/// How the input's data is delivered and in what format, judged per distribution (one distribution must serve
/// both): the best distribution's exchange and media type.
fn delivery(input: &Input, product: &ProductProfile, checks: &mut Checks) {
    let accepted: &[Exchange] = if input.exchange.is_empty() { &Exchange::ALL } else { &input.exchange };
    let judged = product.channels.iter().filter_map(|channel| {
        let way = channel.exchange?;
        let exchange = way_grade(way, accepted);
        let media = media_grade(channel.media_type.as_deref(), &input.media_types);
        let shortfall = exchange.0.shortfall() + media.map_or(0.0, |(grade, _)| grade.shortfall());
        Some((shortfall, way, exchange, channel.media_type.as_deref(), media))
    });
    let Some((_, from, (grade, to), offered, media)) = judged.min_by(|a, b| a.0.total_cmp(&b.0)) else {
        return checks.add(Requirement::Exchange, Grade::Unmet, || {
            format!("`{}` has no distribution in a transfer format this connector knows", product.id)
        });
    };
    checks.add(Requirement::Exchange, grade, || match grade {
        Grade::Adapt(kind, _) => format!(
            "`{}` is delivered by {}; the component takes {}: {}",
            product.id,
            from.label(),
            to.label(),
            kind.label()
        ),
        _ => format!("`{}` is delivered by {}", product.id, from.label()),
    });
    let Some((grade, target)) = media else { return };
    checks.add(Requirement::MediaType, grade, || {
        let wanted = input.media_types.join(" or ");
        match (grade, offered) {
            (Grade::Met, _) => format!("`{}` is available as {target}", product.id),
            (_, None) => format!("`{}` does not say its media type; {wanted} is needed", product.id),
            (_, Some(from)) => {
                format!(
                    "`{}` is available as {from}; the component reads {wanted}: convert {from} to {target}",
                    product.id
                )
            }
        }
    });
}

/// Data delivered by `way` for a component that takes `accepted`: met, or the cheapest bridge and its target.
fn way_grade(way: Exchange, accepted: &[Exchange]) -> (Grade, Exchange) {
    if accepted.contains(&way) {
        return (Grade::Met, way);
    }
    accepted
        .iter()
        .map(|&to| {
            let (kind, effort) = bridge(way, to);
            (Grade::Adapt(kind, effort), to)
        })
        .min_by(|a, b| a.0.shortfall().total_cmp(&b.0.shortfall()))
        .unwrap_or((Grade::Unmet, way))
}

/// What turns data delivered by `from` into data delivered by `to`.
fn bridge(from: Exchange, to: Exchange) -> (AdaptationKind, Effort) {
    match (from.is_stream(), to.is_stream()) {
        (true, false) => (AdaptationKind::StreamBatching, Effort::Medium),
        (false, true) if from == Exchange::HttpPull => (AdaptationKind::StreamFromPolling, Effort::Medium),
        _ => (AdaptationKind::ExchangeBridge, Effort::Low),
    }
}

/// Data of media type `offered` for a component that reads `wanted` (none: any): the grade and the media type to
/// deliver — a standard conversion where one exists.
fn media_grade<'w>(offered: Option<&str>, wanted: &'w [String]) -> Option<(Grade, &'w str)> {
    let first = wanted.first()?.as_str();
    let standard = |media_type: &str| CONVERTIBLE.contains(&media_type);
    Some(match offered {
        None => (Grade::Adapt(AdaptationKind::Confirmation, Effort::Low), first),
        Some(offered) => match wanted.iter().find(|wanted| *wanted == offered) {
            Some(same) => (Grade::Met, same.as_str()),
            None => match wanted.iter().find(|wanted| standard(wanted)).filter(|_| standard(offered)) {
                Some(target) => (Grade::Adapt(AdaptationKind::FormatConversion, Effort::Low), target.as_str()),
                None => (Grade::Adapt(AdaptationKind::FormatConversion, Effort::Medium), first),
            },
        },
    })
}

fn spatial(want: &Want, product: &ProductProfile, checks: &mut Checks) {
    let Some(wanted) = &want.input.spatial else { return };
    let grade = match (&want.area, &product.area) {
        (Area::Shape(needed, needed_box), Area::Shape(covered, covered_box)) => {
            let boxes = needed_box.zip(*covered_box);
            if boxes.is_some_and(|(needed, covered)| !covered.intersects(&needed)) {
                Grade::Unmet
            } else if boxes.is_none_or(|(needed, covered)| covered.contains(&needed)) && covered.contains(needed) {
                Grade::Met
            } else if covered.intersects(needed) {
                Grade::Adapt(AdaptationKind::Coverage, Effort::High)
            } else {
                Grade::Unmet
            }
        }
        (Area::Place(needed), Area::Place(covered)) if needed == covered => Grade::Met,
        _ => Grade::Adapt(AdaptationKind::Confirmation, Effort::Low),
    };
    checks.add(Requirement::Spatial, grade, || {
        let area = match wanted {
            Spatial::Place(place) => place.clone(),
            Spatial::Geometry(_) => "the area".to_owned(),
        };
        match (grade, &product.area) {
            (Grade::Met, _) => format!("`{}` covers {area}", product.id),
            (Grade::Unmet, _) => format!("`{}` lies outside {area}", product.id),
            (_, Area::Unknown) => format!("`{}` does not say which area it covers; {area} is needed", product.id),
            (Grade::Adapt(AdaptationKind::Coverage, _), _) => {
                format!("`{}` covers only part of {area}: the rest must come from elsewhere", product.id)
            }
            _ => format!("`{}` states its area differently; check it covers {area}", product.id),
        }
    });
}

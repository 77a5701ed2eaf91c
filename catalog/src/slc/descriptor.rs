//! The descriptor of a Surface-level component (SLC): what it is, who provides it, and what it requires of the LDT it
//! runs on — its inputs, the usage it makes of them, the provenance and observability it needs, and how it is
//! deployed. The JSON form is documented by `assets/slc/slc-descriptor.schema.json`.

use std::collections::BTreeMap;

use ldt_policy::operand::Duration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::product::{Agent, FieldError, LangText, LdtKind, Problems, Spatial, check_spatial};

/// A Surface-level component as its provider describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SlcDescriptor {
    /// Stable id chosen by the provider; an IRI or a plain token such as `urban-heat-island-dashboard`.
    pub id: String,
    /// `dct:title` per language; at least one.
    pub title: LangText,
    /// `dct:description` per language; at least one.
    pub description: LangText,
    /// What sort of component it is.
    pub kind: SlcKind,
    /// `dct:publisher`: who provides it.
    pub provider: Agent,
    /// `dcat:version` of the component, e.g. `2.1.0`.
    pub version: String,
    /// `dct:license`: the IRI of its licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// `dcat:keyword` per language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keywords: BTreeMap<String, Vec<String>>,
    /// Where the component is reached when its provider runs it as a service (`dcat:endpointURL`); by default the
    /// publishing connector's DSP endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_url: Option<String>,
    /// The data it needs; at least one.
    pub inputs: Vec<Input>,
    /// What it will do with the data.
    pub usage: Usage,
    /// The provenance and observability it needs.
    #[serde(default)]
    pub observability: Observability,
    /// Who runs it, where, with what.
    pub deployment: Deployment,
    /// For an AI model: what it is, after MLDCAT-AP's `MachineLearningModel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai_model: Option<AiModel>,
}

/// The sort of a Surface-level component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum SlcKind {
    /// A dashboard, map or other visualisation.
    Visualisation,
    /// An analysis.
    Analysis,
    /// A simulation.
    Simulation,
    /// A trained AI model, e.g. a traffic-congestion prediction.
    AiModel,
    /// Decision support: scenarios, recommendations.
    DecisionSupport,
}

impl SlcKind {
    /// Every kind, in declaration order.
    pub const ALL: [SlcKind; 5] =
        [SlcKind::Visualisation, SlcKind::Analysis, SlcKind::Simulation, SlcKind::AiModel, SlcKind::DecisionSupport];

    /// The kind's name as written in JSON (`aiModel`).
    pub fn as_str(self) -> &'static str {
        match self {
            SlcKind::Visualisation => "visualisation",
            SlcKind::Analysis => "analysis",
            SlcKind::Simulation => "simulation",
            SlcKind::AiModel => "aiModel",
            SlcKind::DecisionSupport => "decisionSupport",
        }
    }

    /// The kind's English label.
    pub fn label(self) -> &'static str {
        match self {
            SlcKind::Visualisation => "Visualisation",
            SlcKind::Analysis => "Analysis",
            SlcKind::Simulation => "Simulation",
            SlcKind::AiModel => "AI model",
            SlcKind::DecisionSupport => "Decision support",
        }
    }
}

/// One input of a component: which data it needs, in what shape, how fresh and from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Input {
    /// A short name of the input, unique within the descriptor, e.g. `traffic-counts`.
    pub name: String,
    /// The data model the input must conform to.
    pub data_model: DataModel,
    /// The attributes of the data model it reads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
    /// The stage of the LDT the data must come from (MIM8: raw, transformed, model input, model output…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ldt_kind: Option<LdtKind>,
    /// The area the data must cover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spatial: Option<Spatial>,
    /// How far back the data must reach, as an ISO 8601 duration (`P1Y`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_history: Option<String>,
    /// How old the newest data may be at most, as an ISO 8601 duration (`PT15M`): the update period it needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_staleness: Option<String>,
    /// How it can receive the data; empty: any way.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exchange: Vec<Exchange>,
    /// The media types it can read (`text/csv`, `application/geo+json`, `application/vnd.apache.parquet`, and
    /// `application/ld+json` for the NGSI-LD API); empty: any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_types: Vec<String>,
}

/// A data model and the versions of it accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataModel {
    /// Its IRI (`dct:conformsTo`), e.g. a Smart Data Models schema.
    pub id: String,
    /// The versions accepted, each matching itself and its sub-versions (`0.3` accepts `0.3.2`); empty: any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}

/// A way of receiving data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Exchange {
    /// It fetches the data over HTTP (`HttpData-PULL`).
    HttpPull,
    /// The data is posted to it over HTTP (`HttpData-PUSH`).
    HttpPush,
    /// A live MQTT stream (`MQTT-PUSH`, `MQTT-PULL`).
    MqttStream,
    /// A live NATS stream (`NATS-PUSH`, `NATS-PULL`).
    NatsStream,
}

impl Exchange {
    /// Every way, in declaration order.
    pub const ALL: [Exchange; 4] = [Exchange::HttpPull, Exchange::HttpPush, Exchange::MqttStream, Exchange::NatsStream];

    /// How a distribution of the DSP transfer `format` delivers data, if it is one this connector knows.
    pub fn of_format(format: &str) -> Option<Exchange> {
        match format {
            "HttpData-PULL" => Some(Exchange::HttpPull),
            "HttpData-PUSH" => Some(Exchange::HttpPush),
            "MQTT-PUSH" | "MQTT-PULL" => Some(Exchange::MqttStream),
            "NATS-PUSH" | "NATS-PULL" => Some(Exchange::NatsStream),
            _ => None,
        }
    }

    /// True for a live stream.
    pub fn is_stream(self) -> bool {
        matches!(self, Exchange::MqttStream | Exchange::NatsStream)
    }

    /// The way's name in words.
    pub fn label(self) -> &'static str {
        match self {
            Exchange::HttpPull => "HTTP pull",
            Exchange::HttpPush => "HTTP push",
            Exchange::MqttStream => "MQTT stream",
            Exchange::NatsStream => "NATS stream",
        }
    }
}

/// What a component does with the data, checked against the offers' policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Usage {
    /// The purpose it declares (the ODRL `purpose`), an IRI.
    pub purpose: String,
    /// It creates derived data (ODRL `derive`).
    #[serde(default)]
    pub derivatives: bool,
    /// It passes data on to others (ODRL `distribute`).
    #[serde(default)]
    pub redistribution: bool,
}

impl Usage {
    /// The ODRL actions this usage needs permitted: `use`, and `derive` and `distribute` when declared.
    pub fn actions(&self) -> impl Iterator<Item = &'static str> {
        [Some("use"), self.derivatives.then_some("derive"), self.redistribution.then_some("distribute")]
            .into_iter()
            .flatten()
    }
}

/// The provenance and observability a component needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Observability {
    /// Every input must publish its PROV-O lineage (`prov:wasGeneratedBy`).
    #[serde(default)]
    pub lineage: bool,
    /// The LDT must scrape a metrics endpoint of the component (Prometheus).
    #[serde(default)]
    pub metrics: bool,
}

/// How a component is deployed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Deployment {
    /// Who runs it.
    pub operated_by: OperatedBy,
    /// What it runs on, when the LDT runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Runtime>,
    /// The OCI image reference, when the LDT runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// What it needs to run, when the LDT runs it.
    #[serde(default)]
    pub resources: Resources,
    /// The verifiable credential types the LDT must hold to use it (e.g. `MembershipCredential`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<String>,
    /// The data-space roles the LDT must have, named after their role credentials (`dataConsumer`,
    /// `dataProvider`, `componentProvider`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

/// Who runs a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum OperatedBy {
    /// Its provider, as a service the LDT's data goes to.
    Provider,
    /// The LDT, on its own infrastructure.
    Ldt,
}

/// What a component runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Runtime {
    /// An OCI container runtime (Docker, Podman).
    Oci,
    /// A Kubernetes cluster.
    Kubernetes,
}

/// Compute resources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resources {
    /// CPU cores.
    #[serde(default)]
    pub cpu: f64,
    /// Memory in MiB.
    #[serde(default)]
    pub memory_mib: u64,
    /// GPUs.
    #[serde(default)]
    pub gpu: u32,
}

/// An AI model's description, after MLDCAT-AP's `MachineLearningModel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AiModel {
    /// The task it performs, e.g. `time-series-forecasting`.
    pub task: String,
    /// The framework or format it is built in, e.g. `onnx`, `pytorch`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// The datasets (IRIs) it was trained on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trained_on: Vec<String>,
}

impl SlcDescriptor {
    /// [`SlcDescriptor::validate`] for a descriptor found at `pointer` in a larger document: each problem's
    /// pointer starts with it (`/descriptor/inputs/0/name`).
    pub fn validate_at(&self, pointer: &str) -> Result<(), Vec<FieldError>> {
        self.validate().map_err(|errors| {
            errors
                .into_iter()
                .map(|error| FieldError { pointer: format!("{pointer}{}", error.pointer), ..error })
                .collect()
        })
    }

    /// Checks everything the types alone do not; each problem names its field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        problems.check_id("/id", &self.id);
        problems.check_lang_text("/title", &self.title, true);
        problems.check_lang_text("/description", &self.description, true);
        problems.check_keywords("/keywords", &self.keywords);
        problems.check_agent("/provider", &self.provider);
        problems.check_keyword("/version", &self.version);
        if let Some(license) = &self.license {
            problems.check_iri("/license", license);
        }
        if let Some(endpoint) = &self.endpoint_url {
            problems.check_iri("/endpointUrl", endpoint);
        }
        if self.inputs.is_empty() {
            problems.add("/inputs", "needs at least one input");
        }
        problems.check_len("/inputs", &self.inputs);
        for (index, input) in self.inputs.iter().enumerate() {
            let pointer = format!("/inputs/{index}");
            input.check(&pointer, &mut problems);
            if self.inputs[..index].iter().any(|earlier| earlier.name == input.name) {
                problems.add(format!("{pointer}/name"), format!("`{}` is used twice", input.name));
            }
        }
        problems.check_iri("/usage/purpose", &self.usage.purpose);
        self.deployment.check(&mut problems);
        if let Some(model) = &self.ai_model {
            problems.check_keyword("/aiModel/task", &model.task);
            if let Some(framework) = &model.framework {
                problems.check_keyword("/aiModel/framework", framework);
            }
            problems.check_len("/aiModel/trainedOn", &model.trained_on);
            for (index, dataset) in model.trained_on.iter().enumerate() {
                problems.check_iri(&format!("/aiModel/trainedOn/{index}"), dataset);
            }
        }
        problems.into_result()
    }
}

impl Input {
    fn check(&self, pointer: &str, problems: &mut Problems) {
        problems.check_id(&format!("{pointer}/name"), &self.name);
        problems.check_iri(&format!("{pointer}/dataModel/id"), &self.data_model.id);
        problems.check_len(&format!("{pointer}/dataModel/versions"), &self.data_model.versions);
        problems.check_len(&format!("{pointer}/exchange"), &self.exchange);
        problems.check_len(&format!("{pointer}/mediaTypes"), &self.media_types);
        for (index, version) in self.data_model.versions.iter().enumerate() {
            problems.check_keyword(&format!("{pointer}/dataModel/versions/{index}"), version);
        }
        problems.check_len(&format!("{pointer}/attributes"), &self.attributes);
        for (index, attribute) in self.attributes.iter().enumerate() {
            problems.check_keyword(&format!("{pointer}/attributes/{index}"), attribute);
        }
        if let Some(spatial) = &self.spatial {
            check_spatial(&format!("{pointer}/spatial"), spatial, problems);
        }
        for (field, duration) in [("minHistory", &self.min_history), ("maxStaleness", &self.max_staleness)] {
            if let Some(duration) = duration {
                check_duration(&format!("{pointer}/{field}"), duration, problems);
            }
        }
        for (index, media_type) in self.media_types.iter().enumerate() {
            problems.check_media_type(&format!("{pointer}/mediaTypes/{index}"), media_type);
        }
    }
}

impl Deployment {
    fn check(&self, problems: &mut Problems) {
        if self.operated_by == OperatedBy::Ldt && self.runtime.is_none() {
            problems.add("/deployment/runtime", "is needed when the LDT runs the component: `oci` or `kubernetes`");
        }
        if self.operated_by == OperatedBy::Ldt && self.image.is_none() {
            problems.add("/deployment/image", "is needed when the LDT runs the component: an OCI image reference");
        }
        if let Some(image) = &self.image {
            problems.check_keyword("/deployment/image", image);
        }
        let Resources { cpu, .. } = self.resources;
        if !cpu.is_finite() || cpu < 0.0 {
            problems.add("/deployment/resources/cpu", "must be a number of cores, zero or more");
        }
        for (field, names) in [("credentials", &self.credentials), ("roles", &self.roles)] {
            problems.check_len(&format!("/deployment/{field}"), names);
            for (index, name) in names.iter().enumerate() {
                problems.check_id(&format!("/deployment/{field}/{index}"), name);
            }
        }
    }
}

/// Checks that `text` is a positive ISO 8601 duration.
fn check_duration(pointer: &str, text: &str, problems: &mut Problems) {
    match text.parse::<Duration>() {
        Ok(duration) if !duration.is_negative() && !duration.is_zero() => {}
        _ => problems
            .add(pointer, format!("`{}` is not a positive ISO 8601 duration such as `P30D`", text.escape_debug())),
    }
}

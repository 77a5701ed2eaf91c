//! Offline validation of DSP messages against the official 2025-1 JSON schemas.
//!
//! Every schema is embedded from `assets/dsp-2025-1/` and registered under its `$id`
//! (`https://w3id.org/dspace/2025/1/<folder>/<file>`), so cross-schema `$ref`s resolve
//! without touching the network.

use std::collections::HashMap;
use std::sync::OnceLock;

use jsonschema::{Registry, Validator};
use serde_json::Value;

/// Prefix shared by the `$id` of every bundled DSP 2025-1 schema.
pub const SCHEMA_BASE: &str = "https://w3id.org/dspace/2025/1/";

/// One of the official DSP 2025-1 JSON schemas that describe a whole message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DspSchema {
    /// `common/protocol-version-schema.json` (answer of `/.well-known/dspace-version`).
    ProtocolVersion,
    /// `common/did-service-schema.json` (a DID document's DSP service entry).
    DidService,
    /// `catalog/catalog-request-message-schema.json`.
    CatalogRequestMessage,
    /// `catalog/dataset-request-message-schema.json`.
    DatasetRequestMessage,
    /// `catalog/catalog-schema.json`.
    Catalog,
    /// `catalog/dataset-schema.json`.
    Dataset,
    /// `catalog/catalog-error-schema.json`.
    CatalogError,
    /// `negotiation/contract-request-message-schema.json`.
    ContractRequestMessage,
    /// `negotiation/contract-offer-message-schema.json`.
    ContractOfferMessage,
    /// `negotiation/contract-agreement-message-schema.json`.
    ContractAgreementMessage,
    /// `negotiation/contract-agreement-verification-message-schema.json`.
    ContractAgreementVerificationMessage,
    /// `negotiation/contract-negotiation-event-message-schema.json`.
    ContractNegotiationEventMessage,
    /// `negotiation/contract-negotiation-termination-message-schema.json`.
    ContractNegotiationTerminationMessage,
    /// `negotiation/contract-negotiation-schema.json`.
    ContractNegotiation,
    /// `negotiation/contract-negotiation-error-schema.json`.
    ContractNegotiationError,
    /// `transfer/transfer-request-message-schema.json`.
    TransferRequestMessage,
    /// `transfer/transfer-start-message-schema.json`.
    TransferStartMessage,
    /// `transfer/transfer-suspension-message-schema.json`.
    TransferSuspensionMessage,
    /// `transfer/transfer-completion-message-schema.json`.
    TransferCompletionMessage,
    /// `transfer/transfer-termination-message-schema.json`.
    TransferTerminationMessage,
    /// `transfer/transfer-process-schema.json`.
    TransferProcess,
    /// `transfer/transfer-error-schema.json`.
    TransferError,
}

impl DspSchema {
    /// Every message schema, in a stable order.
    pub const ALL: [DspSchema; 22] = [
        Self::ProtocolVersion,
        Self::DidService,
        Self::CatalogRequestMessage,
        Self::DatasetRequestMessage,
        Self::Catalog,
        Self::Dataset,
        Self::CatalogError,
        Self::ContractRequestMessage,
        Self::ContractOfferMessage,
        Self::ContractAgreementMessage,
        Self::ContractAgreementVerificationMessage,
        Self::ContractNegotiationEventMessage,
        Self::ContractNegotiationTerminationMessage,
        Self::ContractNegotiation,
        Self::ContractNegotiationError,
        Self::TransferRequestMessage,
        Self::TransferStartMessage,
        Self::TransferSuspensionMessage,
        Self::TransferCompletionMessage,
        Self::TransferTerminationMessage,
        Self::TransferProcess,
        Self::TransferError,
    ];

    /// Path of the schema relative to the bundle root, e.g. `catalog/catalog-schema.json`.
    pub fn path(self) -> &'static str {
        match self {
            Self::ProtocolVersion => "common/protocol-version-schema.json",
            Self::DidService => "common/did-service-schema.json",
            Self::CatalogRequestMessage => "catalog/catalog-request-message-schema.json",
            Self::DatasetRequestMessage => "catalog/dataset-request-message-schema.json",
            Self::Catalog => "catalog/catalog-schema.json",
            Self::Dataset => "catalog/dataset-schema.json",
            Self::CatalogError => "catalog/catalog-error-schema.json",
            Self::ContractRequestMessage => "negotiation/contract-request-message-schema.json",
            Self::ContractOfferMessage => "negotiation/contract-offer-message-schema.json",
            Self::ContractAgreementMessage => "negotiation/contract-agreement-message-schema.json",
            Self::ContractAgreementVerificationMessage => {
                "negotiation/contract-agreement-verification-message-schema.json"
            }
            Self::ContractNegotiationEventMessage => "negotiation/contract-negotiation-event-message-schema.json",
            Self::ContractNegotiationTerminationMessage => {
                "negotiation/contract-negotiation-termination-message-schema.json"
            }
            Self::ContractNegotiation => "negotiation/contract-negotiation-schema.json",
            Self::ContractNegotiationError => "negotiation/contract-negotiation-error-schema.json",
            Self::TransferRequestMessage => "transfer/transfer-request-message-schema.json",
            Self::TransferStartMessage => "transfer/transfer-start-message-schema.json",
            Self::TransferSuspensionMessage => "transfer/transfer-suspension-message-schema.json",
            Self::TransferCompletionMessage => "transfer/transfer-completion-message-schema.json",
            Self::TransferTerminationMessage => "transfer/transfer-termination-message-schema.json",
            Self::TransferProcess => "transfer/transfer-process-schema.json",
            Self::TransferError => "transfer/transfer-error-schema.json",
        }
    }

    /// The schema's `$id`.
    pub fn id(self) -> String {
        format!("{SCHEMA_BASE}{}", self.path())
    }

    /// The compact `@type` a message of this schema carries, if it is a JSON-LD message.
    pub fn message_type(self) -> Option<&'static str> {
        Some(match self {
            Self::ProtocolVersion | Self::DidService => return None,
            Self::CatalogRequestMessage => "CatalogRequestMessage",
            Self::DatasetRequestMessage => "DatasetRequestMessage",
            Self::Catalog => "Catalog",
            Self::Dataset => "Dataset",
            Self::CatalogError => "CatalogError",
            Self::ContractRequestMessage => "ContractRequestMessage",
            Self::ContractOfferMessage => "ContractOfferMessage",
            Self::ContractAgreementMessage => "ContractAgreementMessage",
            Self::ContractAgreementVerificationMessage => "ContractAgreementVerificationMessage",
            Self::ContractNegotiationEventMessage => "ContractNegotiationEventMessage",
            Self::ContractNegotiationTerminationMessage => "ContractNegotiationTerminationMessage",
            Self::ContractNegotiation => "ContractNegotiation",
            Self::ContractNegotiationError => "ContractNegotiationError",
            Self::TransferRequestMessage => "TransferRequestMessage",
            Self::TransferStartMessage => "TransferStartMessage",
            Self::TransferSuspensionMessage => "TransferSuspensionMessage",
            Self::TransferCompletionMessage => "TransferCompletionMessage",
            Self::TransferTerminationMessage => "TransferTerminationMessage",
            Self::TransferProcess => "TransferProcess",
            Self::TransferError => "TransferError",
        })
    }

    /// The expanded type IRI (from the 2025/1 JSON-LD context) of a message of this schema.
    pub fn type_iri(self) -> Option<String> {
        let name = self.message_type()?;
        Some(match name {
            "Catalog" | "Dataset" => format!("http://www.w3.org/ns/dcat#{name}"),
            _ => format!("{SCHEMA_BASE}{name}"),
        })
    }

    /// The schema describing messages whose compact `@type` is `message_type`.
    pub fn for_message_type(message_type: &str) -> Option<DspSchema> {
        Self::ALL.into_iter().find(|schema| schema.message_type() == Some(message_type))
    }
}

/// Most violations listed for one message before the rest are summarised.
const MAX_REASONS: usize = 20;

/// Longest violation message kept (messages may quote the whole offending value).
const MAX_REASON_CHARS: usize = 300;

/// Compiled validators for every [`DspSchema`], resolving references only inside the bundle.
pub struct SchemaSet {
    validators: HashMap<DspSchema, Validator>,
}

impl std::fmt::Debug for SchemaSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaSet").field("schemas", &self.validators.len()).finish()
    }
}

impl SchemaSet {
    /// The process-wide set compiled from the bundled schemas (compiled once, on first use).
    ///
    /// Fails only if the bundle itself is broken, which is a bug in this crate.
    pub fn bundled() -> Result<&'static SchemaSet, String> {
        static SET: OnceLock<Result<SchemaSet, String>> = OnceLock::new();
        SET.get_or_init(SchemaSet::compile).as_ref().map_err(Clone::clone)
    }

    /// Compiles every message schema against a registry holding the whole bundle.
    fn compile() -> Result<SchemaSet, String> {
        let mut documents = Vec::with_capacity(BUNDLE.len());
        for (path, text) in BUNDLE {
            let document: Value = serde_json::from_str(&normalise_refs(text))
                .map_err(|e| format!("bundled schema {path} is not JSON: {e}"))?;
            documents.push((format!("{SCHEMA_BASE}{path}"), document));
        }
        let registry = Registry::new()
            .extend(documents.iter().cloned())
            .and_then(|builder| builder.prepare())
            .map_err(|e| format!("cannot register the bundled DSP schemas: {e}"))?;
        let mut validators = HashMap::new();
        for schema in DspSchema::ALL {
            let id = schema.id();
            let document = documents
                .iter()
                .find(|(uri, _)| *uri == id)
                .map(|(_, document)| document)
                .ok_or_else(|| format!("schema {} is not bundled", schema.path()))?;
            let validator = jsonschema::options()
                .offline()
                .with_registry(&registry)
                .build(document)
                .map_err(|e| format!("cannot compile schema {}: {e}", schema.path()))?;
            validators.insert(schema, validator);
        }
        Ok(SchemaSet { validators })
    }

    /// Validates `instance` against `schema`; each reason names the schema file, the JSON
    /// pointer of the offending value and what is wrong with it.
    pub fn validate(&self, schema: DspSchema, instance: &Value) -> Result<(), Vec<String>> {
        let Some(validator) = self.validators.get(&schema) else {
            return Err(vec![format!("schema {} is not compiled", schema.path())]);
        };
        let mut reasons: Vec<String> = Vec::new();
        let mut omitted = 0usize;
        for error in validator.iter_errors(instance) {
            let pointer = error.instance_path().as_str();
            let pointer = if pointer.is_empty() { "/" } else { pointer };
            let reason =
                format!("schema {}: at {pointer}: {}", schema.path(), shorten(&error.to_string(), MAX_REASON_CHARS));
            if reasons.contains(&reason) {
                continue;
            }
            if reasons.len() < MAX_REASONS {
                reasons.push(reason);
            } else {
                omitted += 1;
            }
        }
        if omitted > 0 {
            reasons.push(format!("schema {}: … and {omitted} more violations", schema.path()));
        }
        if reasons.is_empty() { Ok(()) } else { Err(reasons) }
    }
}

/// Validates `instance` against `schema` with the bundled [`SchemaSet`].
pub fn validate(schema: DspSchema, instance: &Value) -> Result<(), Vec<String>> {
    SchemaSet::bundled().map_err(|e| vec![e])?.validate(schema, instance)
}

/// Cuts `text` to at most `max` characters, marking the cut with `…`.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Repairs the bundle's `$ref`s whose fragment lacks the leading `/` of a JSON pointer
/// (`transfer-schema.json#definitions/…` in the published 2025-1 transfer schemas), which a
/// strict resolver would read as an unknown anchor.
fn normalise_refs(text: &str) -> String {
    text.replace(".json#definitions/", ".json#/definitions/")
}

/// Embeds bundled schema files as `(path, text)` pairs.
macro_rules! bundle {
    ($($path:literal),* $(,)?) => {
        [$(($path, include_str!(concat!("../../assets/dsp-2025-1/", $path)))),*]
    };
}

/// Every bundled schema file, message schemas and the ones they reference, by path.
const BUNDLE: [(&str, &str); 26] = bundle![
    "catalog/catalog-error-schema.json",
    "catalog/catalog-request-message-schema.json",
    "catalog/catalog-schema.json",
    "catalog/dataset-request-message-schema.json",
    "catalog/dataset-schema.json",
    "common/context-schema.json",
    "common/did-service-schema.json",
    "common/protocol-version-schema.json",
    "negotiation/contract-agreement-message-schema.json",
    "negotiation/contract-agreement-verification-message-schema.json",
    "negotiation/contract-negotiation-error-schema.json",
    "negotiation/contract-negotiation-event-message-schema.json",
    "negotiation/contract-negotiation-schema.json",
    "negotiation/contract-negotiation-termination-message-schema.json",
    "negotiation/contract-offer-message-schema.json",
    "negotiation/contract-request-message-schema.json",
    "negotiation/contract-schema.json",
    "transfer/data-address-schema.json",
    "transfer/transfer-completion-message-schema.json",
    "transfer/transfer-error-schema.json",
    "transfer/transfer-process-schema.json",
    "transfer/transfer-request-message-schema.json",
    "transfer/transfer-schema.json",
    "transfer/transfer-start-message-schema.json",
    "transfer/transfer-suspension-message-schema.json",
    "transfer/transfer-termination-message-schema.json",
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::PathBuf;

    /// The shared DSP 2025-1 folder (`shared/` sits beside the repository).
    fn shared() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/dsp-2025-1"))
    }

    fn read_json(path: &std::path::Path) -> Value {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
    }

    /// Every `*.json` of `shared/dsp-2025-1/<folder>/example/`, sorted.
    fn examples(folder: &str) -> Vec<PathBuf> {
        let dir = shared().join(folder).join("example");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .map(|entry| entry.expect("directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no examples in {}", dir.display());
        files
    }

    /// The schema an example file illustrates: by `@type`, else by file name.
    fn schema_of(path: &std::path::Path, example: &Value) -> DspSchema {
        if let Some(schema) = example.get("@type").and_then(Value::as_str).and_then(DspSchema::for_message_type) {
            return schema;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        match name {
            "protocol-version.json" => DspSchema::ProtocolVersion,
            n if n.ends_with("-did-service.json") => DspSchema::DidService,
            other => panic!("no schema known for example {other}"),
        }
    }

    /// Published examples that contradict their own published schema, with the JSON pointer
    /// of the violation: `serviceEndpoint` of a DataService must end in `/catalog` by the
    /// schema's pattern, but the example points at `/.well-known/dspace-version`.
    const SPEC_DEFECTS: [(&str, &str); 1] = [("common/example/dataservice-did-service.json", "at /serviceEndpoint:")];

    fn assert_examples_validate(folder: &str) {
        let set = SchemaSet::bundled().expect("bundled schemas compile");
        for path in examples(folder) {
            let example = read_json(&path);
            let schema = schema_of(&path, &example);
            let known_defect = SPEC_DEFECTS.iter().find(|(file, _)| path.ends_with(file));
            if let Some((file, pointer)) = known_defect {
                let reasons = set.validate(schema, &example).expect_err(file);
                assert!(reasons.len() == 1 && reasons[0].contains(pointer), "{file}: {reasons:#?}");
                continue;
            }
            assert_eq!(set.validate(schema, &example), Ok(()), "{} against {}", path.display(), schema.path());
        }
    }

    #[test]
    fn every_bundled_message_schema_compiles() {
        let set = SchemaSet::bundled().expect("bundled schemas compile");
        assert_eq!(set.validators.len(), DspSchema::ALL.len());
    }

    #[test]
    fn catalog_examples_validate() {
        assert_examples_validate("catalog");
    }

    #[test]
    fn common_examples_validate() {
        assert_examples_validate("common");
    }

    #[test]
    fn negotiation_examples_validate() {
        assert_examples_validate("negotiation");
    }

    #[test]
    fn transfer_examples_validate() {
        assert_examples_validate("transfer");
    }

    #[test]
    fn bundled_schemas_match_the_shared_copies() {
        for (path, text) in BUNDLE {
            let shared: Value = read_json(&shared().join(path));
            let bundled: Value = serde_json::from_str(text).expect("bundled JSON");
            assert_eq!(bundled, shared, "{path} differs from the shared copy");
        }
    }

    #[test]
    fn a_broken_catalog_fails_naming_schema_and_pointer() {
        let mut catalog = read_json(&shared().join("catalog/example/catalog.json"));
        catalog["dataset"][0]["distribution"] = json!("not-an-array");
        catalog.as_object_mut().expect("object").remove("participantId");
        let reasons = validate(DspSchema::Catalog, &catalog).expect_err("must fail");
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("catalog/catalog-schema.json") && r.contains("at /dataset/0/distribution:")),
            "{reasons:#?}"
        );
        assert!(reasons.iter().any(|r| r.contains("at /:") && r.contains("participantId")), "{reasons:#?}");
    }

    #[test]
    fn a_message_without_the_dsp_context_fails() {
        let mut error = read_json(&shared().join("catalog/example/catalog-error.json"));
        error["@context"] = json!(["https://example.org/other.jsonld"]);
        let reasons = validate(DspSchema::CatalogError, &error).expect_err("must fail");
        assert!(reasons.iter().any(|r| r.contains("at /@context:")), "{reasons:#?}");
    }

    #[test]
    fn transfer_refs_without_a_pointer_slash_resolve() {
        let message = json!({
            "@context": ["https://w3id.org/dspace/2025/1/context.jsonld"],
            "@type": "TransferTerminationMessage",
            "providerPid": "urn:p",
            "consumerPid": "urn:c",
            "code": "1"
        });
        assert_eq!(validate(DspSchema::TransferTerminationMessage, &message), Ok(()));
        let mut wrong = message.clone();
        wrong["@type"] = json!("TransferCompletionMessage");
        assert!(validate(DspSchema::TransferTerminationMessage, &wrong).is_err());
    }

    #[test]
    fn message_types_map_to_schemas_and_iris() {
        assert_eq!(DspSchema::for_message_type("CatalogError"), Some(DspSchema::CatalogError));
        assert_eq!(DspSchema::for_message_type("Nope"), None);
        assert_eq!(DspSchema::Catalog.type_iri().as_deref(), Some("http://www.w3.org/ns/dcat#Catalog"));
        assert_eq!(
            DspSchema::TransferError.type_iri().as_deref(),
            Some("https://w3id.org/dspace/2025/1/TransferError")
        );
        assert_eq!(DspSchema::Dataset.id(), "https://w3id.org/dspace/2025/1/catalog/dataset-schema.json");
    }
}

//! JSON-LD expansion check of DSP messages with the bundled 2025/1 contexts.
//!
//! Documents are expanded with an in-memory loader that knows only the DSP context and the
//! ODRL profile it imports; any other remote context fails the check instead of being fetched.

use std::collections::HashMap;

use json_ld::{IriBuf, JsonLdProcessor, RemoteDocument};
use serde_json::Value;

/// URL of the DSP 2025/1 JSON-LD context every message must reference.
pub const DSP_CONTEXT: &str = "https://w3id.org/dspace/2025/1/context.jsonld";

/// URL of the ODRL profile context the DSP context imports.
pub const ODRL_PROFILE: &str = "https://w3id.org/dspace/2025/1/odrl-profile.jsonld";

/// The two bundled context files, by the URL they are served at.
const CONTEXTS: [(&str, &str); 2] = [
    (DSP_CONTEXT, include_str!("../../assets/dsp-2025-1/context/dspace.jsonld")),
    (ODRL_PROFILE, include_str!("../../assets/dsp-2025-1/context/odrl.jsonld")),
];

/// Builds the offline loader serving the bundled contexts.
fn loader() -> Result<HashMap<IriBuf, RemoteDocument>, String> {
    let mut documents = HashMap::new();
    for (url, text) in CONTEXTS {
        let iri = IriBuf::new(url.to_owned()).map_err(|e| format!("bad context IRI {url}: {e}"))?;
        let json: Value = serde_json::from_str(text).map_err(|e| format!("bundled context {url} is not JSON: {e}"))?;
        let document = RemoteDocument::new(
            Some(iri.clone()),
            "application/ld+json".parse().ok(),
            json_syntax::Value::from_serde_json(json),
        );
        documents.insert(iri, document);
    }
    Ok(documents)
}

/// Expands `document` as JSON-LD and checks that the result is not empty and that one of its
/// top-level nodes has the type `expected_type_iri` (e.g. `http://www.w3.org/ns/dcat#Catalog`).
///
/// Runs synchronously: the loader is in memory, so expansion never waits on anything.
pub fn check_expansion(document: &Value, expected_type_iri: &str) -> Result<(), Vec<String>> {
    let loader = loader().map_err(|e| vec![e])?;
    let input = RemoteDocument::new(
        None,
        "application/ld+json".parse().ok(),
        json_syntax::Value::from_serde_json(document.clone()),
    );
    let expanded = futures::executor::block_on(input.expand(&loader))
        .map_err(|e| vec![format!("JSON-LD expansion failed: {e}")])?;
    if expanded.is_empty() {
        return Err(vec![
            "JSON-LD expansion is empty (no term maps to an IRI: is the DSP context missing?)".to_owned(),
        ]);
    }
    let types: Vec<String> = expanded
        .iter()
        .filter_map(|object| object.as_node())
        .flat_map(|node| node.types().iter().map(|t| t.as_str().to_owned()))
        .collect();
    if types.iter().any(|t| t == expected_type_iri) {
        Ok(())
    } else {
        Err(vec![format!(
            "JSON-LD expansion has no top-level node of type <{expected_type_iri}> (types found: {})",
            if types.is_empty() { "none".to_owned() } else { types.join(", ") }
        )])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DCAT_CATALOG: &str = "http://www.w3.org/ns/dcat#Catalog";

    fn example(path: &str) -> Value {
        let file = format!("{}/../../shared/dsp-2025-1/{path}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
    }

    #[test]
    fn the_catalog_example_expands_to_a_dcat_catalog() {
        assert_eq!(check_expansion(&example("catalog/example/catalog.json"), DCAT_CATALOG), Ok(()));
    }

    #[test]
    fn negotiation_examples_expand_through_the_imported_odrl_profile() {
        assert_eq!(
            check_expansion(
                &example("negotiation/example/contract-request-message.json"),
                "https://w3id.org/dspace/2025/1/ContractRequestMessage"
            ),
            Ok(())
        );
    }

    #[test]
    fn every_typed_example_expands_to_its_type() {
        for folder in ["catalog", "negotiation", "transfer"] {
            let dir = format!("{}/../../shared/dsp-2025-1/{folder}/example", env!("CARGO_MANIFEST_DIR"));
            let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
            for entry in entries {
                let name = entry.expect("entry").file_name();
                let name = name.to_string_lossy();
                let document = example(&format!("{folder}/example/{name}"));
                let schema = document
                    .get("@type")
                    .and_then(Value::as_str)
                    .and_then(crate::schema::DspSchema::for_message_type)
                    .unwrap_or_else(|| panic!("{name} has no DSP @type"));
                let iri = schema.type_iri().expect("typed schema");
                assert_eq!(check_expansion(&document, &iri), Ok(()), "{folder}/{name}");
            }
        }
    }

    #[test]
    fn the_wrong_type_is_reported() {
        let reasons = check_expansion(&example("catalog/example/dataset.json"), DCAT_CATALOG)
            .expect_err("a dataset is no catalog");
        assert!(reasons[0].contains("http://www.w3.org/ns/dcat#Dataset"), "{reasons:?}");
    }

    #[test]
    fn an_unknown_remote_context_fails_without_fetching() {
        let mut catalog = example("catalog/example/catalog.json");
        catalog["@context"] = json!(["https://example.org/unknown-context.jsonld"]);
        let reasons = check_expansion(&catalog, DCAT_CATALOG).expect_err("must fail");
        assert!(reasons[0].contains("unknown-context.jsonld"), "{reasons:?}");
    }

    #[test]
    fn a_document_without_the_dsp_context_fails() {
        let mut catalog = example("catalog/example/catalog.json");
        catalog.as_object_mut().expect("object").remove("@context");
        assert!(check_expansion(&catalog, DCAT_CATALOG).is_err());
        assert!(check_expansion(&json!({"participantId": "x"}), DCAT_CATALOG).is_err());
    }
}

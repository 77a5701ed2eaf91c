//! Catalogue bodies: the request the suite sends, and the Dataset its counter-party serves
//! when it plays the provider.

use serde_json::{Value, json};
use url::Url;

use crate::jsonld::DSP_CONTEXT;

/// `@id` of the DataService the counter-party's datasets are distributed through.
const DATA_SERVICE_ID: &str = "urn:ldt-conformance:data-service";

/// The `CatalogRequestMessage` the suite sends (no filter).
pub fn catalog_request() -> Value {
    json!({
        "@context": [DSP_CONTEXT],
        "@type": "CatalogRequestMessage",
        "filter": []
    })
}

/// Id of the one offer the counter-party attaches to dataset `dataset_id`.
pub fn offer_id(dataset_id: &str) -> String {
    format!("urn:ldt-conformance:offer:{dataset_id}")
}

/// The counter-party's offer for `dataset_id`, as it appears in a catalogue (no `target`).
pub fn offer(dataset_id: &str) -> Value {
    json!({
        "@id": offer_id(dataset_id),
        "@type": "Offer",
        "permission": [{"action": "use"}]
    })
}

/// The counter-party's `Dataset` `dataset_id`: its [`offer`] and one distribution served by
/// a DataService at `endpoint`.
pub fn dataset(dataset_id: &str, endpoint: &Url) -> Value {
    json!({
        "@context": [DSP_CONTEXT],
        "@id": dataset_id,
        "@type": "Dataset",
        "hasPolicy": [offer(dataset_id)],
        "distribution": [{
            "@type": "Distribution",
            "format": "HttpData-PULL",
            "accessService": {
                "@id": DATA_SERVICE_ID,
                "@type": "DataService",
                "endpointURL": endpoint.as_str()
            }
        }]
    })
}

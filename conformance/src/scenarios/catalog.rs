//! Catalogue scenarios (connector under test as provider).

use reqwest::StatusCode;
use serde_json::Value;

use crate::checks;
use crate::context::Context;
use crate::http::Auth;
use crate::links;
use crate::messages::catalog as bodies;
use crate::schema::DspSchema;
use crate::verdict::{Findings, Stop, Verdict};

/// Most catalogue pages CAT:01-01 follows while looking for the seeded dataset.
const MAX_PAGES: usize = 20;

/// CAT:01-01: `POST <dsp>/catalog/request` answers 200 with a valid Catalog; with a seeded
/// dataset id, following `rel="next"` pages, one of them lists that dataset.
pub async fn catalog_request(ctx: &Context) -> Verdict {
    let mut url = ctx.dsp_url(&["catalog", "request"]).await?;
    let message = bodies::catalog_request();
    let wanted = ctx.dataset_id();
    let mut findings = Findings::default();
    let mut pages = 0;
    let mut found = false;
    loop {
        pages += 1;
        let exchange = ctx.client().post_json(&url, &message, Auth::Send).await;
        let exchange = match exchange {
            Ok(exchange) => exchange,
            Err(reason) => {
                findings.add(reason);
                break;
            }
        };
        if !checks::status(&mut findings, &exchange, StatusCode::OK) {
            break;
        }
        let catalog = checks::dsp_answer(&mut findings, &exchange, DspSchema::Catalog);
        let Some(wanted) = wanted else {
            break;
        };
        if catalog.as_ref().is_some_and(|c| catalog_lists(c, wanted)) {
            found = true;
            break;
        }
        match links::next_page(&exchange) {
            Ok(Some(next)) if pages < MAX_PAGES => url = next,
            Ok(Some(_)) => {
                findings.add(format!("stopped following catalogue pages after {MAX_PAGES}"));
                break;
            }
            Ok(None) => break,
            Err(reason) => {
                findings.add(reason);
                break;
            }
        }
    }
    if let Some(wanted) = wanted
        && !found
        && findings.is_empty()
    {
        findings.add(format!("the catalogue ({pages} page(s)) does not list the seeded dataset {wanted:?}"));
    }
    findings.finish()
}

/// Whether `catalog` (or a catalogue nested in it) lists a dataset with `@id` `id`.
fn catalog_lists(catalog: &Value, id: &str) -> bool {
    let entries = |key: &str| -> Vec<&Value> {
        match catalog.get(key) {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(item @ Value::Object(_)) => vec![item],
            _ => Vec::new(),
        }
    };
    entries("dataset").iter().any(|dataset| dataset.get("@id").and_then(Value::as_str) == Some(id))
        || entries("catalog").iter().any(|nested| catalog_lists(nested, id))
}

/// CAT:01-02: `GET <dsp>/catalog/datasets/<id>` answers 200 with a valid Dataset whose `@id`
/// is the seeded id.
pub async fn dataset_request(ctx: &Context) -> Verdict {
    let Some(id) = ctx.dataset_id() else {
        return Err(Stop::skip("no seeded dataset id configured (--dataset-id)"));
    };
    let url = ctx.dsp_url(&["catalog", "datasets", id]).await?;
    let exchange = ctx.client().get(&url, Auth::Send).await?;
    let mut findings = Findings::default();
    if checks::status(&mut findings, &exchange, StatusCode::OK)
        && let Some(dataset) = checks::dsp_answer(&mut findings, &exchange, DspSchema::Dataset)
    {
        let actual = dataset.get("@id");
        if actual.and_then(Value::as_str) != Some(id) {
            findings.add(format!(
                "{}: Dataset @id is {}, expected {id:?}",
                exchange.describe(),
                actual.map_or_else(|| "missing".to_owned(), Value::to_string)
            ));
        }
    }
    findings.finish()
}

/// CAT:01-03: `GET <dsp>/catalog/datasets/<unknown id>` answers 4xx with a valid CatalogError.
pub async fn unknown_dataset(ctx: &Context) -> Verdict {
    let id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    let url = ctx.dsp_url(&["catalog", "datasets", &id]).await?;
    let exchange = ctx.client().get(&url, Auth::Send).await?;
    let mut findings = Findings::default();
    if exchange.status.is_client_error() {
        checks::dsp_answer(&mut findings, &exchange, DspSchema::CatalogError);
    } else {
        findings.add(format!(
            "{}: expected a 4xx status for an unknown dataset, got {}: {:?}",
            exchange.describe(),
            exchange.status,
            exchange.body_snippet(300)
        ));
    }
    findings.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_datasets_in_nested_catalogues() {
        let catalog = json!({
            "dataset": [{"@id": "a"}],
            "catalog": [{"dataset": [{"@id": "b"}]}]
        });
        assert!(catalog_lists(&catalog, "a"));
        assert!(catalog_lists(&catalog, "b"));
        assert!(!catalog_lists(&catalog, "c"));
        assert!(!catalog_lists(&json!("not a catalogue"), "a"));
    }
}

//! Opening a negotiation: the suite requests one as consumer (CN), or triggers the connector
//! to request one from the suite as provider (CN_C).

use reqwest::StatusCode;
use serde_json::Value;

use super::Case;
use super::terms::NegotiationTerms;
use crate::checks;
use crate::context::Context;
use crate::http::Auth;
use crate::messages::{catalog, negotiation as bodies};
use crate::negotiation::Negotiation;
use crate::scenarios::opening::{self, labelled};
use crate::scenarios::session::Session;
use crate::schema::DspSchema;
use crate::trigger::Request;
use crate::verdict::{Findings, Stop};

/// A negotiation session of a scenario.
pub(crate) type NegotiationSession<'a> = Session<'a, Negotiation, NegotiationTerms>;

/// The suite, as consumer, requests the offer of the connector's dataset for `case`:
/// `GET <dsp>/catalog/datasets/<id>`, then the initial `ContractRequestMessage` to
/// `<dsp>/negotiations/request`, answered 201 with a `REQUESTED` negotiation.
pub(crate) async fn as_consumer<'a>(ctx: &'a Context, case: &'a Case) -> Result<NegotiationSession<'a>, Stop> {
    let dataset_id = ctx.config().scenario_dataset_id(case.id);
    let catalog_offer = dataset_offer(ctx, &dataset_id).await.map_err(|stop| labelled("dataset request", stop))?;
    let offer = bodies::message_offer(&catalog_offer, &dataset_id)
        .map_err(|reason| labelled("dataset request", Stop::fail(reason)))?;
    let build = |consumer_pid: &str, callback: &str| bodies::initial_request(consumer_pid, &offer, callback);
    let opening = opening::as_consumer::<Negotiation>(ctx, build).await?;
    Ok(Session::new(ctx, case, opening, NegotiationTerms { dataset_id, offer }))
}

/// The connector, as consumer, is triggered through its negotiation webhook to request the
/// counter-party's offer for `case`'s dataset; its `ContractRequestMessage` must reach
/// `<counter-party>/negotiations/request`, valid, for that offer and dataset, with a
/// `callbackAddress`.
pub(crate) async fn as_provider<'a>(ctx: &'a Context, case: &'a Case) -> Result<NegotiationSession<'a>, Stop> {
    let webhook = opening::webhook(ctx.config().negotiation_trigger.as_ref(), "negotiation")?;
    let dataset_id = ctx.config().scenario_dataset_id(case.id);
    let offer_id = catalog::offer_id(&dataset_id);
    let request = Request::Negotiation { offer_id: &offer_id, dataset_id: &dataset_id };
    let requests_offer = |body: &Value| body.pointer("/offer/@id").and_then(Value::as_str) == Some(offer_id.as_str());
    let what = format!("ContractRequestMessage for offer {offer_id:?}");
    let (body, opening) = opening::triggered::<Negotiation>(ctx, webhook, request, requests_offer, &what).await?;
    let mut findings = Findings::default();
    let offer = body.get("offer").unwrap_or(&Value::Null);
    checks::fields(&mut findings, "its ContractRequestMessage: offer", offer, &[("target", &dataset_id)]);
    findings.finish().map_err(|stop| labelled("initial request", stop))?;
    let offer = bodies::message_offer(&catalog::offer(&dataset_id), &dataset_id).map_err(Stop::fail)?;
    Ok(Session::new(ctx, case, opening, NegotiationTerms { dataset_id, offer }))
}

/// The first offer of the connector's dataset `dataset_id` (a valid `Dataset` answered 200).
async fn dataset_offer(ctx: &Context, dataset_id: &str) -> Result<Value, Stop> {
    let url = ctx.dsp_url(&["catalog", "datasets", dataset_id]).await?;
    let exchange = ctx.client().get(&url, Auth::Send).await?;
    let mut findings = Findings::default();
    let dataset = if checks::status(&mut findings, &exchange, StatusCode::OK) {
        checks::dsp_answer(&mut findings, &exchange, DspSchema::Dataset)
    } else {
        None
    };
    if let Some(dataset) = &dataset {
        let what = format!("{}: the Dataset", exchange.describe());
        checks::fields(&mut findings, &what, dataset, &[("@id", dataset_id)]);
    }
    findings.finish()?;
    dataset
        .as_ref()
        .and_then(first_offer)
        .cloned()
        .ok_or_else(|| Stop::fail(format!("{}: the Dataset has no offer in hasPolicy", exchange.describe())))
}

/// `hasPolicy` of a dataset: the object itself, or the first of an array.
fn first_offer(dataset: &Value) -> Option<&Value> {
    match dataset.get("hasPolicy")? {
        Value::Array(offers) => offers.first(),
        offer @ Value::Object(_) => Some(offer),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_first_offer_is_taken_from_an_array_or_an_object() {
        let offer = json!({"@id": "urn:o"});
        assert_eq!(first_offer(&json!({"hasPolicy": [offer.clone(), {"@id": "urn:2"}]})), Some(&offer));
        assert_eq!(first_offer(&json!({"hasPolicy": offer.clone()})), Some(&offer));
        assert_eq!(first_offer(&json!({"hasPolicy": []})), None);
        assert_eq!(first_offer(&json!({})), None);
    }
}

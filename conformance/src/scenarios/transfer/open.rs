//! Opening a transfer, once an agreement is finalized: the suite requests one as consumer
//! (TP), or triggers the connector to request one from the suite as provider (TP_C).

use serde_json::Value;

use super::Case;
use super::terms::TransferTerms;
use crate::context::Context;
use crate::counterparty::Grant;
use crate::messages::transfer as bodies;
use crate::scenarios::negotiation::agreement::{self, Agreement};
use crate::scenarios::opening;
use crate::scenarios::session::{Session, prefixed};
use crate::transfer::{FORMAT, Transfer};
use crate::trigger::Request;
use crate::verdict::Stop;

/// A transfer session of a scenario.
type TransferSession<'a> = Session<'a, Transfer, TransferTerms>;

/// `stop` of obtaining the agreement, labelled.
fn agreeing(stop: Stop) -> Stop {
    prefixed("agreement", stop)
}

/// The suite, as consumer, negotiates an agreement on the connector's dataset for `case`,
/// then sends the initial `TransferRequestMessage` for it (HTTP pull) to
/// `<dsp>/transfers/request`, answered 201 with a `REQUESTED` transfer process.
pub(super) async fn as_consumer<'a>(ctx: &'a Context, case: &'a Case) -> Result<TransferSession<'a>, Stop> {
    let agreement = agreement::as_consumer(ctx, case.id, case.title).await.map_err(agreeing)?;
    let build = |consumer_pid: &str, callback: &str| bodies::request(consumer_pid, &agreement.id, callback);
    let opening = opening::as_consumer::<Transfer>(ctx, build).await?;
    Ok(Session::new(ctx, case, opening, TransferTerms { data_address: None }))
}

/// The connector, as consumer, negotiates an agreement on the suite's dataset for `case`
/// (triggered through its negotiation webhook), then is triggered through its transfer
/// webhook to request the data; its `TransferRequestMessage` for the agreement must reach
/// `<counter-party>/transfers/request`, valid, with a `callbackAddress`. The suite's starts
/// will hand out a data address at its own data endpoint.
pub(super) async fn as_provider<'a>(ctx: &'a Context, case: &'a Case) -> Result<TransferSession<'a>, Stop> {
    let webhook = opening::webhook(ctx.config().transfer_trigger.as_ref(), "transfer")?;
    let Agreement { id: agreement_id, dataset_id } =
        agreement::as_provider(ctx, case.id, case.title).await.map_err(agreeing)?;
    let request = Request::Transfer { agreement_id: &agreement_id, format: FORMAT };
    let for_agreement = |body: &Value| body.get("agreementId").and_then(Value::as_str) == Some(agreement_id.as_str());
    let what = format!("TransferRequestMessage for agreement {agreement_id:?}");
    let (_, opening) = opening::triggered::<Transfer>(ctx, webhook, request, for_agreement, &what).await?;

    let counter_party = ctx.counter_party()?;
    let provider_pid = opening.pids.provider.clone();
    let endpoint = counter_party.data_url(&provider_pid).map_err(Stop::fail)?;
    let token = uuid::Uuid::new_v4().simple().to_string();
    counter_party.store().grant(&token, Grant { provider_pid, dataset_id });
    let data_address = bodies::data_address(endpoint.as_str(), &token);
    Ok(Session::new(ctx, case, opening, TransferTerms { data_address: Some(data_address) }))
}

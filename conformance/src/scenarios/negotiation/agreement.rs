//! A finalized agreement between the suite and the connector, which a transfer scenario
//! needs first: negotiated for the scenario's dataset with the suite as consumer (the
//! connector provides it and decides as usual: the dataset is no negotiation scenario's) or
//! as provider (the connector, triggered through its negotiation webhook, consumes).

use serde_json::Value;

use super::open::{self, NegotiationSession};
use super::{Case, Step};
use crate::context::Context;
use crate::negotiation::Message::{Accepted, Agreement as AgreementMessage, Finalized, Offer, Verification};
use crate::negotiation::{Role, State};
use crate::scenarios::script::Step::{Await, Send};
use crate::verdict::Stop;

/// A finalized agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Agreement {
    /// The agreement's `@id`.
    pub id: String,
    /// The dataset it is about (its `target`).
    pub dataset_id: String,
}

/// The suite, as consumer, negotiates the connector's offer of the dataset of scenario `id`
/// until `FINALIZED`: the connector offers or agrees by itself, the suite accepts an offer
/// and verifies the agreement, the connector finalizes.
pub(crate) async fn as_consumer(ctx: &Context, id: &'static str, title: &'static str) -> Result<Agreement, Stop> {
    let case = Case { id, title, cut: Role::Provider, steps: &[], end: State::Finalized };
    let mut session = open::as_consumer(ctx, &case).await?;
    let answer = session.await_any(&[Offer, AgreementMessage]).await;
    let (kind, first) = answer.map_err(|stop| session.failure("the connector's answer", stop))?;
    let rest: &[Step] = if kind == Offer {
        &[Send(Accepted), Await(AgreementMessage), Send(Verification), Await(Finalized)]
    } else {
        &[Send(Verification), Await(Finalized)]
    };
    let mut bodies = vec![first];
    bodies.extend(session.run(rest).await?);
    finalized(ctx, &session, id, &bodies).await
}

/// The connector, as consumer, is triggered to request the suite's offer of the dataset of
/// scenario `id`; the suite agrees at once, the connector verifies, the suite finalizes. The
/// counter-party then takes transfer requests for the agreement.
pub(crate) async fn as_provider(ctx: &Context, id: &'static str, title: &'static str) -> Result<Agreement, Stop> {
    let case = Case { id, title, cut: Role::Consumer, steps: &[], end: State::Finalized };
    let mut session = open::as_provider(ctx, &case).await?;
    let bodies = session.run(&[Send(AgreementMessage), Await(Verification), Send(Finalized)]).await?;
    let agreement = finalized(ctx, &session, id, &bodies).await?;
    ctx.counter_party()?.store().add_agreement(&agreement.id, &agreement.dataset_id);
    Ok(agreement)
}

/// The agreement among the negotiation messages `bodies`, once the connector reports the
/// negotiation `FINALIZED`.
async fn finalized(
    ctx: &Context,
    session: &NegotiationSession<'_>,
    id: &str,
    bodies: &[Value],
) -> Result<Agreement, Stop> {
    let end = State::Finalized;
    session.expect_state(end).await.map_err(|stop| session.failure(&format!("end state {end}"), stop))?;
    let agreement_id = bodies
        .iter()
        .find_map(|body| body.pointer("/agreement/@id"))
        .and_then(Value::as_str)
        .ok_or_else(|| Stop::fail("the agreement has no @id"))?;
    Ok(Agreement { id: agreement_id.to_owned(), dataset_id: ctx.config().scenario_dataset_id(id) })
}

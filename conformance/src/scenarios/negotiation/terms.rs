//! What the suite says in its negotiation messages and checks in the connector's: the offer
//! of the scenario's dataset, and agreements between the two participants.

use serde_json::Value;

use crate::checks;
use crate::context::Context;
use crate::messages::negotiation::{self as bodies, AgreementTerms};
use crate::messages::timestamp;
use crate::negotiation::{Message, Negotiation, Pids, Role, fresh_id};
use crate::scenarios::session::Terms;
use crate::verdict::{Findings, Stop};

/// The subject of one negotiation: a dataset and the offer for it.
#[derive(Debug, Clone)]
pub(super) struct NegotiationTerms {
    /// The dataset negotiated for.
    pub dataset_id: String,
    /// The offer, with `target` (as negotiation messages carry it).
    pub offer: Value,
}

impl Terms<Negotiation> for NegotiationTerms {
    async fn body(&self, ctx: &Context, pids: &Pids, case_id: &str, message: Message) -> Result<Value, Stop> {
        Ok(match message {
            Message::Request => bodies::counter_request(pids, &self.offer),
            Message::Offer => bodies::offer(pids, &self.offer),
            Message::Accepted | Message::Finalized => {
                bodies::event(pids, message).ok_or_else(|| Stop::fail(format!("{message} is no event")))?
            }
            Message::Agreement => {
                let assignee = ctx.connector_participant_id().await?;
                let terms = AgreementTerms {
                    id: &fresh_id(),
                    target: &self.dataset_id,
                    assigner: &ctx.config().participant_id,
                    assignee,
                    timestamp: &timestamp::now(),
                };
                bodies::agreement_message(pids, &bodies::agreement(&self.offer, &terms))
            }
            Message::Verification => bodies::verification(pids),
            Message::Termination => {
                bodies::termination(pids, &format!("{case_id}: the conformance suite ends this negotiation"))
            }
        })
    }

    /// Offers and requests must be for the dataset; an agreement (only a provider agrees, so
    /// the suite is the consumer) must name it and the suite as assignee.
    fn check(&self, ctx: &Context, findings: &mut Findings, _cut: Role, message: Message, body: &Value) {
        let what = format!("its {message}");
        let dataset = self.dataset_id.as_str();
        match message {
            Message::Offer | Message::Request => {
                let offer = body.get("offer").unwrap_or(&Value::Null);
                checks::fields(findings, &format!("{what}: offer"), offer, &[("target", dataset)]);
            }
            Message::Agreement => {
                let agreement = body.get("agreement").unwrap_or(&Value::Null);
                let assignee = ctx.config().participant_id.as_str();
                let expected = [("target", dataset), ("assignee", assignee)];
                checks::fields(findings, &format!("{what}: agreement"), agreement, &expected);
            }
            _ => {}
        }
    }
}

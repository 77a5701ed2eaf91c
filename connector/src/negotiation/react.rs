//! What this side does by itself after it accepted a message: pure rules over the negotiation. The provider's
//! decision on a request needs the catalogue and the caller's claims, so it is only named here ([`Reaction::Decide`])
//! and made by the shell.

use serde_json::Value;

use super::machine::{Kind, Role};
use super::process::Negotiation;
use super::terms::verify_agreement;

/// One thing to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reaction {
    /// Send a message of this kind (with a reason, for a termination).
    Send(Kind, Option<String>),
    /// Provider: decide on the request (agree, counter-offer or refuse).
    Decide,
    /// Wait for the operator (approve or reject through the management API).
    AwaitOperator,
}

/// What this side does after accepting `received` into `negotiation`. `asked` is the offer the process held before
/// (for a consumer: the terms it asked for); `own_id` is this participant's id; `unsolicited` is true when the
/// message began the process (a provider's first offer).
pub fn react(
    negotiation: &Negotiation,
    received: Kind,
    asked: &Value,
    own_id: &str,
    unsolicited: bool,
) -> Vec<Reaction> {
    match (negotiation.role, received) {
        (Role::Provider, Kind::Request) => vec![Reaction::Decide],
        (Role::Provider, Kind::Accepted) => vec![Reaction::Send(Kind::Agreement, None)],
        (Role::Provider, Kind::Verification) => vec![Reaction::Send(Kind::Finalized, None)],
        (Role::Consumer, Kind::Offer) if unsolicited => vec![Reaction::AwaitOperator],
        (Role::Consumer, Kind::Offer) => match same_terms(&negotiation.offer, asked) {
            Ok(()) => vec![Reaction::Send(Kind::Accepted, None)],
            Err(reason) => vec![terminate(format!("the provider's offer is not what was asked for: {reason}"))],
        },
        (Role::Consumer, Kind::Agreement) => {
            let agreement = negotiation.agreement.as_ref().unwrap_or(&Value::Null);
            match verify_agreement(agreement, asked, &negotiation.dataset_id, &negotiation.counter_party, own_id) {
                Ok(()) => vec![Reaction::Send(Kind::Verification, None)],
                Err(reason) => vec![terminate(reason)],
            }
        }
        _ => Vec::new(),
    }
}

/// A termination for `reason`.
pub fn terminate(reason: String) -> Reaction {
    Reaction::Send(Kind::Termination, Some(reason))
}

/// Whether the rules of `offered` are those of `asked` (canonically compared).
fn same_terms(offered: &Value, asked: &Value) -> Result<(), String> {
    let read = |document: &Value| ldt_policy::read_policy(document).map_err(|_| "it cannot be read".to_owned());
    ldt_policy::matching::matches(&read(offered)?, &read(asked)?).map_err(|mismatch| mismatch.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::negotiation::machine::State;
    use crate::negotiation::terms::agreement_document;

    fn consumer(offer: Value) -> Negotiation {
        Negotiation {
            pid: "c".into(),
            peer_pid: Some("p".into()),
            role: Role::Consumer,
            state: State::Offered,
            counter_party: "did:web:p".into(),
            peer_address: "http://p/dsp".into(),
            dataset_id: "d".into(),
            offer,
            agreement: None,
            purpose: None,
        }
    }

    fn asked() -> Value {
        json!({"@id": "o", "@type": "Offer", "target": "d", "permission": [{"action": "use"}]})
    }

    #[test]
    fn a_consumer_accepts_the_offer_it_asked_for_and_nothing_else() {
        let same =
            consumer(json!({"@id": "o2", "@type": "Offer", "target": "d", "permission": [{"action": "odrl:use"}]}));
        assert_eq!(react(&same, Kind::Offer, &asked(), "did:web:c", false), vec![Reaction::Send(Kind::Accepted, None)]);
        let other = consumer(json!({"@id": "o", "@type": "Offer", "target": "d", "permission": [{"action": "read"}]}));
        let reactions = react(&other, Kind::Offer, &asked(), "did:web:c", false);
        assert!(
            matches!(&reactions[..], [Reaction::Send(Kind::Termination, Some(reason))] if reason.contains("not what was asked for"))
        );
        assert_eq!(react(&same, Kind::Offer, &asked(), "did:web:c", true), vec![Reaction::AwaitOperator]);
    }

    #[test]
    fn a_consumer_verifies_only_an_agreement_on_its_terms_from_its_provider() {
        let policy = ldt_policy::read_policy(&asked()).unwrap();
        let mut negotiation = consumer(asked());
        negotiation.agreement =
            Some(agreement_document(&policy, "a".into(), "d", "did:web:p", "did:web:c", chrono::Utc::now()));
        assert_eq!(
            react(&negotiation, Kind::Agreement, &asked(), "did:web:c", false),
            vec![Reaction::Send(Kind::Verification, None)]
        );
        negotiation.counter_party = "did:web:someone-else".into();
        let reactions = react(&negotiation, Kind::Agreement, &asked(), "did:web:c", false);
        assert!(
            matches!(&reactions[..], [Reaction::Send(Kind::Termination, Some(reason))] if reason.contains("assigner"))
        );
    }

    #[test]
    fn a_provider_decides_on_requests_agrees_on_acceptance_and_finalizes_on_verification() {
        let provider = Negotiation { role: Role::Provider, ..consumer(asked()) };
        assert_eq!(react(&provider, Kind::Request, &asked(), "did:web:p", false), vec![Reaction::Decide]);
        assert_eq!(react(&provider, Kind::Accepted, &asked(), "", false), vec![Reaction::Send(Kind::Agreement, None)]);
        assert_eq!(
            react(&provider, Kind::Verification, &asked(), "", false),
            vec![Reaction::Send(Kind::Finalized, None)]
        );
        assert!(react(&provider, Kind::Termination, &asked(), "", false).is_empty());
    }
}

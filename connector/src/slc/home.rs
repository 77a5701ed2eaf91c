//! This LDT's capability profile, derived from what it already has: every product with the offers it is under, the
//! configured deployment capabilities, and the credentials it holds (their types, the roles they grant — a
//! `DataConsumerCredential` grants `dataConsumer` — and the claims policies would read from them).

use std::collections::HashMap;
use std::sync::Arc;

use ldt_catalog::offer::offer_iri;
use ldt_catalog::slc::profile::{Credentials, OfferTerms, Participant};
use ldt_catalog::slc::{LdtProfile, ProductProfile};
use ldt_identity::jwt::Jwt;
use ldt_identity::vc::{Credential, JwtClaims};
use ldt_identity::verify::VerifiedCredential;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::dcp::verifier::{claim_key, claims_of};
use crate::store::StoreError;

/// Products read per query when the profile is built.
const PAGE: usize = 1000;

/// This LDT's profile and its claims (as another connector would read them from its credentials).
pub async fn profile(state: &AppState) -> Result<(LdtProfile, Value), StoreError> {
    let mut products = Vec::new();
    let mut offers: HashMap<String, Option<Arc<OfferTerms>>> = HashMap::new();
    let mut cursor = None;
    loop {
        let page = state.store.own_products(cursor.as_ref(), PAGE).await?;
        for entry in page.items {
            let terms = entry
                .offers
                .iter()
                .filter_map(|(offer_id, rules)| {
                    let known = offers.entry(offer_id.clone()).or_insert_with(|| {
                        let mut document = json!({"@id": offer_iri(offer_id, &entry.product.id), "@type": "Offer"});
                        document.as_object_mut()?.extend(rules.iter().map(|(k, v)| (k.clone(), v.clone())));
                        OfferTerms::new(offer_id.clone(), document)
                    });
                    known.clone()
                })
                .collect();
            products.push(ProductProfile::of_product(&entry.product, terms));
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let (credentials, claims) = held(state).await?;
    let participant = Participant {
        id: state.identity.did.clone(),
        name: state.config.participant.name.clone(),
        address: Some(state.public_url.to_string()),
    };
    Ok((LdtProfile::new(participant, products, state.config.slc.deployment.clone(), credentials), claims))
}

/// The credentials this connector holds, as types and roles, and the claims policies read from them. A held
/// credential that cannot be read is left out.
async fn held(state: &AppState) -> Result<(Credentials, Value), StoreError> {
    let mut credentials = Credentials::default();
    let mut verified = Vec::new();
    for row in state.store.held_credentials(&[]).await? {
        let Some(credential) = read(&row.payload) else {
            tracing::warn!(credential = %row.id, "a held credential cannot be read; it is left out of the profile");
            continue;
        };
        let held =
            VerifiedCredential { types: credential.types, issuer: credential.issuer, subject: credential.subject };
        credentials.types.insert(held.kind().to_owned());
        if held.kind() != "MembershipCredential" {
            credentials.roles.insert(claim_key(held.kind()));
        }
        verified.push(held);
    }
    Ok((credentials, claims_of(&verified)))
}

/// A held VC-JWT's credential (our own: its signature is not checked again).
fn read(payload: &str) -> Option<Credential> {
    let jwt: Jwt<JwtClaims> = Jwt::parse(payload).ok()?;
    Credential::from_claims(&jwt.claims).ok()
}

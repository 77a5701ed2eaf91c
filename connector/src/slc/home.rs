//! This LDT's capability profile, derived from what it already has: every product with the offers it is under, the
//! configured deployment capabilities, and the credentials it holds (their types, the roles they grant — a
//! `DataConsumerCredential` grants `dataConsumer` — and the claims policies would read from them). What is read
//! from the store is gathered here ([`read`]); the profile is built from it off the async threads ([`Home::profile`]).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use ldt_catalog::slc::profile::{Credentials, DeploymentCapabilities, OfferTerms, Participant};
use ldt_catalog::slc::{LdtProfile, ProductProfile};
use ldt_identity::jwt::Jwt;
use ldt_identity::vc::{Credential, JwtClaims};
use ldt_identity::verify::VerifiedCredential;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::dcp::verifier::{claim_key, claims_of};
use crate::store::StoreError;
use crate::store::catalog::CatalogEntry;

/// What this LDT's profile is built from.
pub struct Home {
    participant: Participant,
    entries: Vec<CatalogEntry>,
    deployment: DeploymentCapabilities,
    credentials: Credentials,
    claims: Value,
}

/// Reads this LDT's products with their offers, and its credentials.
pub async fn read(state: &AppState) -> Result<Home, StoreError> {
    let entries = state.store.own_products().await?;
    let (credentials, claims) = held(state).await?;
    let participant = Participant {
        id: state.identity.did.clone(),
        name: state.config.participant.name.clone(),
        address: Some(state.public_url.to_string()),
    };
    Ok(Home { participant, entries, deployment: state.config.slc.deployment.clone(), credentials, claims })
}

impl Home {
    /// The profile, and the claims this LDT would present (CPU work: geometries, policies).
    pub fn profile(self) -> (LdtProfile, Value) {
        // Each offer's policy is read once, however many products it covers.
        let mut offers: HashMap<String, Option<Arc<OfferTerms>>> = HashMap::new();
        let products = self
            .entries
            .iter()
            .map(|entry| {
                let terms = entry
                    .offers
                    .iter()
                    .filter_map(|(offer_id, rules)| {
                        let known = offers.entry(offer_id.clone()).or_insert_with(|| {
                            let mut document = json!({"@id": offer_id, "@type": "Offer"});
                            document.as_object_mut()?.extend(rules.iter().map(|(k, v)| (k.clone(), v.clone())));
                            OfferTerms::new(offer_id.clone(), document)
                        });
                        known.clone()
                    })
                    .collect();
                ProductProfile::of_product(&entry.product, terms)
            })
            .collect();
        (LdtProfile::new(self.participant, products, self.deployment, self.credentials), self.claims)
    }
}

/// The credentials this connector holds and that are valid now, as types and roles, and the claims policies read
/// from them. A held credential that cannot be read is left out.
async fn held(state: &AppState) -> Result<(Credentials, Value), StoreError> {
    let now = Utc::now();
    let mut credentials = Credentials::default();
    let mut verified = Vec::new();
    for row in state.store.held_credentials(&[]).await? {
        let Some(credential) = read_credential(&row.payload) else {
            tracing::warn!(credential = %row.id, "a held credential cannot be read; it is left out of the profile");
            continue;
        };
        if credential.valid_from > now || credential.valid_until.is_some_and(|until| until <= now) {
            continue;
        }
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
fn read_credential(payload: &str) -> Option<Credential> {
    let jwt: Jwt<JwtClaims> = Jwt::parse(payload).ok()?;
    Credential::from_claims(&jwt.claims).ok()
}

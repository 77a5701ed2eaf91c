//! The demo's Surface-level components: a component provider publishes an urban heat-island dashboard and a
//! traffic-congestion AI model; the air-quality LDT discovers them across the data space, sees which work on it and
//! with what adaptations, and gets the contract proposed for the input it lacks — which it then negotiates.

use anyhow::{Context as _, bail};
use serde_json::{Value, json};

use super::{Member, manage, print, until_ended};
use crate::app::RunningConnector;
use crate::management::slcs::Discovery;
use crate::slc_tools::discovery_text;

/// The air-quality LDT's own data products and offer, as its operator registers them.
pub const AIR_QUALITY_SEED: &str = include_str!("air-quality-ldt.json");

/// The component provider's policy, offer and components.
pub const PROVIDER_SEED: &str = include_str!("slc-provider.json");

/// Step: the air-quality LDT asks which components of the data space work on it; the ranked, explained answer is
/// printed, and the contract proposed for the traffic model's missing input is returned with the discovery.
pub async fn discover(air_quality: &RunningConnector, authority: &RunningConnector) -> anyhow::Result<Discovery> {
    print::heading("The air-quality LDT asks which Surface-level components of the data space work on it");
    let answer = manage(air_quality, "/slcs/discover", &json!({"authorityAddress": authority.url()}))
        .await
        .context("discovery")?;
    let discovery: Discovery = serde_json::from_value(answer)?;
    for line in discovery_text(&discovery).lines() {
        println!("  {line}");
    }
    Ok(discovery)
}

/// Step: the contract proposed for the traffic model's missing input is shown, and the air-quality LDT negotiates
/// it with the traffic LDT.
pub async fn negotiate_proposal(
    air_quality: &RunningConnector,
    traffic: &Member,
    discovery: &Discovery,
) -> anyhow::Result<()> {
    print::heading("The contract proposed for the traffic model's missing input, negotiated with the traffic LDT");
    let proposal = discovery
        .candidates
        .iter()
        .flat_map(|candidate| &candidate.assessment.proposals)
        .find(|proposal| proposal.counter_party_id == traffic.did)
        .context("discovery proposed no contract with the traffic LDT")?;
    println!("  for input    {} of the traffic-congestion model", proposal.input);
    println!("  provider     {}", proposal.counter_party_address.as_deref().unwrap_or(&proposal.counter_party_id));
    println!("  data product {}\n  offer        {}", proposal.dataset, proposal.offer_id);
    println!("  policy       {}", serde_json::to_string(&rules(&proposal.offer))?);
    println!("  purpose      {}", proposal.purpose);
    println!("  fits         {} — {}", if proposal.permitted { "yes" } else { "no" }, proposal.explanation);
    let request = json!({"counterPartyAddress": traffic.address, "counterPartyId": traffic.did,
        "datasetId": proposal.dataset, "offerId": proposal.offer_id, "purpose": proposal.purpose});
    let started = manage(air_quality, "/negotiations", &request).await?;
    let pid = started["pid"].as_str().context("the started negotiation has no pid")?;
    let negotiation = until_ended(air_quality, pid).await?;
    if negotiation["state"] != "FINALIZED" {
        bail!("the traffic LDT did not agree to the proposed contract: {}", negotiation["explanation"]);
    }
    println!(
        "  negotiated   {} — the model's input is covered",
        negotiation["agreement"]["@id"].as_str().unwrap_or("")
    );
    Ok(())
}

/// The offer's rules, without its id and type.
fn rules(offer: &Value) -> Value {
    let mut rules = offer.clone();
    if let Some(object) = rules.as_object_mut() {
        object.retain(|key, _| !key.starts_with('@'));
    }
    rules
}

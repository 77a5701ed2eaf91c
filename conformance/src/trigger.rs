//! The connector's negotiation webhook: how the suite makes a connector under test start a
//! negotiation as consumer.

use serde_json::{Value, json};
use url::Url;

use crate::http::{Auth, DspClient};

/// What the webhook is told: ask `provider_id` at `connector_address` for `offer_id` on
/// `dataset_id`.
#[derive(Debug, Clone)]
pub struct NegotiationTrigger<'a> {
    /// The provider's participant id (the suite's).
    pub provider_id: &'a str,
    /// The offer to request.
    pub offer_id: &'a str,
    /// The dataset the offer is for.
    pub dataset_id: &'a str,
    /// The provider's DSP base URL (the suite's counter-party).
    pub connector_address: &'a Url,
}

impl NegotiationTrigger<'_> {
    /// The plain JSON body the webhook receives.
    pub fn body(&self) -> Value {
        json!({
            "providerId": self.provider_id,
            "offerId": self.offer_id,
            "datasetId": self.dataset_id,
            "connectorAddress": self.connector_address.as_str()
        })
    }

    /// POSTs the trigger to `webhook` (with `X-Api-Key: api_key` when given); any 2xx means
    /// the connector took it.
    pub async fn send(&self, client: &DspClient, webhook: &Url, api_key: Option<&str>) -> Result<(), String> {
        let headers: Vec<(&'static str, &str)> = api_key.map(|key| ("X-Api-Key", key)).into_iter().collect();
        let exchange = client.post_json_with_headers(webhook, &self.body(), Auth::Omit, &headers).await?;
        if exchange.status.is_success() {
            Ok(())
        } else {
            Err(format!(
                "{}: the negotiation trigger answered {}: {:?}",
                exchange.describe(),
                exchange.status,
                exchange.body_snippet(300)
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_names_provider_offer_dataset_and_address() -> Result<(), url::ParseError> {
        let address = Url::parse("http://127.0.0.1:9/")?;
        let trigger = NegotiationTrigger {
            provider_id: "urn:suite",
            offer_id: "urn:offer",
            dataset_id: "cn-c-01-01",
            connector_address: &address,
        };
        assert_eq!(
            trigger.body(),
            json!({
                "providerId": "urn:suite",
                "offerId": "urn:offer",
                "datasetId": "cn-c-01-01",
                "connectorAddress": "http://127.0.0.1:9/"
            })
        );
        Ok(())
    }
}

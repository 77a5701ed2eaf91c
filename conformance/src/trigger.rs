//! The connector's webhooks: how the suite makes a connector under test start a negotiation
//! or a transfer as consumer. Both take plain JSON (not JSON-LD) with `X-Api-Key`.

use serde_json::{Value, json};
use url::Url;

use crate::http::{Auth, DspClient};

/// What a webhook is told: ask `provider_id` at `connector_address` for `request`.
#[derive(Debug, Clone)]
pub struct Trigger<'a> {
    /// The provider's participant id (the suite's).
    pub provider_id: &'a str,
    /// The provider's DSP base URL (the suite's counter-party).
    pub connector_address: &'a Url,
    /// What to ask for.
    pub request: Request<'a>,
}

/// What the connector is to ask the provider for.
#[derive(Debug, Clone)]
pub enum Request<'a> {
    /// A negotiation (the negotiation webhook): `offer_id` on `dataset_id`.
    Negotiation {
        /// The offer to request.
        offer_id: &'a str,
        /// The dataset the offer is for.
        dataset_id: &'a str,
    },
    /// A transfer (the transfer webhook): the data of the finalized `agreement_id` in `format`.
    Transfer {
        /// The agreement to transfer the data of.
        agreement_id: &'a str,
        /// The transfer format, e.g. `HttpData-PULL`.
        format: &'a str,
    },
}

impl Trigger<'_> {
    /// The plain JSON body the webhook receives: `providerId`, `connectorAddress`, and
    /// `offerId` + `datasetId` or `agreementId` + `format`.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "providerId": self.provider_id,
            "connectorAddress": self.connector_address.as_str()
        });
        let (first, second) = match self.request {
            Request::Negotiation { offer_id, dataset_id } => (("offerId", offer_id), ("datasetId", dataset_id)),
            Request::Transfer { agreement_id, format } => (("agreementId", agreement_id), ("format", format)),
        };
        for (name, value) in [first, second] {
            body[name] = json!(value);
        }
        body
    }

    /// POSTs the trigger to `webhook` (with `X-Api-Key: api_key` when given); any 2xx means
    /// the connector took it.
    pub async fn send(&self, client: &DspClient, webhook: &Url, api_key: Option<&str>) -> Result<(), String> {
        let headers: Vec<(&'static str, &str)> = api_key.map(|key| ("X-Api-Key", key)).into_iter().collect();
        let exchange = client.post_json_with_headers(webhook, &self.body(), Auth::Omit, &headers).await?;
        if exchange.status.is_success() {
            return Ok(());
        }
        let what = match self.request {
            Request::Negotiation { .. } => "negotiation",
            Request::Transfer { .. } => "transfer",
        };
        Err(format!(
            "{}: the {what} trigger answered {}: {:?}",
            exchange.describe(),
            exchange.status,
            exchange.body_snippet(300)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bodies_name_the_provider_its_address_and_what_to_ask_for() -> Result<(), url::ParseError> {
        let address = Url::parse("http://127.0.0.1:9/")?;
        let negotiation = Trigger {
            provider_id: "urn:suite",
            connector_address: &address,
            request: Request::Negotiation { offer_id: "urn:offer", dataset_id: "cn-c-01-01" },
        };
        assert_eq!(
            negotiation.body(),
            json!({
                "providerId": "urn:suite",
                "offerId": "urn:offer",
                "datasetId": "cn-c-01-01",
                "connectorAddress": "http://127.0.0.1:9/"
            })
        );
        let transfer = Trigger {
            request: Request::Transfer { agreement_id: "urn:uuid:a", format: "HttpData-PULL" },
            ..negotiation
        };
        assert_eq!(
            transfer.body(),
            json!({
                "providerId": "urn:suite",
                "agreementId": "urn:uuid:a",
                "format": "HttpData-PULL",
                "connectorAddress": "http://127.0.0.1:9/"
            })
        );
        Ok(())
    }
}

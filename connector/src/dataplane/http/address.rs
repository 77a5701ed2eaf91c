//! Where and how to reach a transfer's data: the DSP `DataAddress` (in a TransferStartMessage for a pull, in a
//! TransferRequestMessage for a push) and the endpoint data reference the provider issues for an HTTP pull.

use serde::{Deserialize, Serialize};

use crate::transfer::message::{AUTH_TYPE, AUTHORIZATION, DataAddress, EndpointProperty};

/// The `endpointType` of an HTTP data address.
pub const HTTP_ENDPOINT_TYPE: &str = "https://w3id.org/idsa/v4.1/HTTP";

/// What a consumer needs to pull a transfer's data over HTTP: the endpoint, the bearer token to present there, and
/// how to get a new token before this one expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointDataReference {
    /// The transfer's URL on this connector's data plane; sub-paths and query parameters are passed on to the
    /// backend when the grant allows.
    pub endpoint: String,
    /// The access token, presented as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The refresh token, exchanged at `refresh_endpoint` for a new reference while the transfer is started.
    pub refresh_token: String,
    /// Where to refresh (an OAuth 2.0 refresh request, RFC 6749 §6).
    pub refresh_endpoint: String,
}

impl EndpointDataReference {
    /// The reference as the `dataAddress` of a TransferStartMessage: the endpoint, with the endpoint properties
    /// `authorization`, `authType` (`bearer`), `expiresIn`, `refreshToken` and `refreshEndpoint`.
    pub fn data_address(&self) -> DataAddress {
        let property = |name: &str, value: &str| EndpointProperty { name: name.into(), value: value.into() };
        DataAddress {
            endpoint_type: HTTP_ENDPOINT_TYPE.into(),
            endpoint: Some(self.endpoint.clone()),
            endpoint_properties: vec![
                property(AUTHORIZATION, &self.access_token),
                property(AUTH_TYPE, "bearer"),
                property("expiresIn", &self.expires_in.to_string()),
                property("refreshToken", &self.refresh_token),
                property("refreshEndpoint", &self.refresh_endpoint),
            ],
        }
    }
}

/// The answer of the refresh endpoint: an OAuth 2.0 access token response (RFC 6749 §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The new access token.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The new refresh token; the old one stays valid until it expires.
    pub refresh_token: String,
}

impl From<EndpointDataReference> for TokenResponse {
    fn from(reference: EndpointDataReference) -> TokenResponse {
        TokenResponse {
            access_token: reference.access_token,
            token_type: "Bearer".into(),
            expires_in: reference.expires_in,
            refresh_token: reference.refresh_token,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_is_a_dsp_data_address() {
        let reference = EndpointDataReference {
            endpoint: "https://provider.example/data/urn:uuid:t1".into(),
            access_token: "access".into(),
            expires_in: 300,
            refresh_token: "refresh".into(),
            refresh_endpoint: "https://provider.example/data/token".into(),
        };
        let address = serde_json::to_value(reference.data_address()).unwrap();
        assert_eq!(
            address,
            serde_json::json!({
                "@type": "DataAddress",
                "endpointType": "https://w3id.org/idsa/v4.1/HTTP",
                "endpoint": "https://provider.example/data/urn:uuid:t1",
                "endpointProperties": [
                    {"@type": "EndpointProperty", "name": "authorization", "value": "access"},
                    {"@type": "EndpointProperty", "name": "authType", "value": "bearer"},
                    {"@type": "EndpointProperty", "name": "expiresIn", "value": "300"},
                    {"@type": "EndpointProperty", "name": "refreshToken", "value": "refresh"},
                    {"@type": "EndpointProperty", "name": "refreshEndpoint", "value": "https://provider.example/data/token"},
                ]
            })
        );
        let back: DataAddress = serde_json::from_value(address).unwrap();
        assert_eq!(back.property("authorization"), Some("access"));
        assert_eq!(back.property("missing"), None);
    }
}

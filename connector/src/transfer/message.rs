//! The transfer process messages of the DSP 2025-1 HTTPS binding: reading the ones peers send (already normalised
//! to the compact form at the edge) into one [`Incoming`] shape, writing the ones we send ([`Outgoing`]), the
//! [`DataAddress`] a request or a start carries, and the `TransferProcess` and `TransferError` bodies. Pure.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::machine::{Kind, State, TransferProcess};
use crate::dsp::process_common::{
    Protocol as _, expect_type, insert_reason, is_http_url, message_head, process_error, process_object, read_pid,
    reason_text,
};

/// The endpoint property holding an opaque token to present at the endpoint.
pub const AUTHORIZATION: &str = "authorization";

/// The endpoint property naming the token's type, e.g. `bearer`.
pub const AUTH_TYPE: &str = "authType";

/// Where a transfer's data is (DSP `DataAddress`): the provider's endpoint the consumer pulls from, given in the
/// provider's start, or the consumer's endpoint the provider pushes to, given in the request. Serialises to its
/// DSP compact form, and is read only from it (`@type` `DataAddress` included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "@type", rename = "DataAddress", rename_all = "camelCase", from = "ReceivedDataAddress")]
pub struct DataAddress {
    /// The kind of transport, e.g. `https://w3id.org/idsa/v4.1/HTTP`; it decides which properties are needed.
    pub endpoint_type: String,
    /// The endpoint, when the transport has one address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The transport's properties, e.g. [`AUTHORIZATION`] and [`AUTH_TYPE`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoint_properties: Vec<EndpointProperty>,
}

/// A [`DataAddress`] as received: the same fields, and a `@type` that must say `DataAddress`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReceivedDataAddress {
    #[serde(rename = "@type")]
    _type: DataAddressType,
    endpoint_type: String,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    endpoint_properties: Vec<EndpointProperty>,
}

/// The one `@type` a data address has.
#[derive(Deserialize)]
enum DataAddressType {
    DataAddress,
}

impl From<ReceivedDataAddress> for DataAddress {
    fn from(received: ReceivedDataAddress) -> DataAddress {
        let ReceivedDataAddress { endpoint_type, endpoint, endpoint_properties, .. } = received;
        DataAddress { endpoint_type, endpoint, endpoint_properties }
    }
}

/// One named property of a [`DataAddress`]. `Debug` never shows an [`AUTHORIZATION`] value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "@type", rename = "EndpointProperty")]
pub struct EndpointProperty {
    /// Its name, e.g. [`AUTHORIZATION`].
    pub name: String,
    /// Its value.
    pub value: String,
}

impl fmt::Debug for EndpointProperty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if self.name == AUTHORIZATION { "<redacted>" } else { &self.value };
        f.debug_struct("EndpointProperty").field("name", &self.name).field("value", &value).finish()
    }
}

impl DataAddress {
    /// The value of the endpoint property `name`, if given.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.endpoint_properties.iter().find(|property| property.name == name).map(|property| property.value.as_str())
    }

    /// The token to present at the endpoint, if any.
    pub fn authorization(&self) -> Option<&str> {
        self.property(AUTHORIZATION)
    }

    /// The type of [`DataAddress::authorization`], e.g. `bearer`.
    pub fn auth_type(&self) -> Option<&str> {
        self.property(AUTH_TYPE)
    }
}

/// Any transfer message as received, in compact form. Which fields must be present depends on the kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Wire {
    /// The message type, e.g. `TransferStartMessage`.
    #[serde(rename = "@type")]
    pub message_type: String,
    /// The consumer's process id.
    #[serde(default)]
    pub consumer_pid: Option<String>,
    /// The provider's process id.
    #[serde(default)]
    pub provider_pid: Option<String>,
    /// The agreement a request asks for data under.
    #[serde(default)]
    pub agreement_id: Option<String>,
    /// The format (distribution) a request asks for, e.g. `HttpData-PULL`.
    #[serde(default)]
    pub format: Option<String>,
    /// Where the consumer receives messages (requests).
    #[serde(default)]
    pub callback_address: Option<String>,
    /// Where the data is (a push request, a start).
    #[serde(default)]
    pub data_address: Option<DataAddress>,
    /// A suspension's or termination's code.
    #[serde(default)]
    pub code: Option<String>,
    /// A suspension's or termination's reasons.
    #[serde(default)]
    pub reason: Option<Value>,
}

/// What a consumer's request asks for, besides its pid and a push request's data address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The agreement the data is asked for under.
    pub agreement_id: String,
    /// The format asked for, e.g. `HttpData-PULL`.
    pub format: String,
    /// Where the consumer receives the process's messages: an http(s) URL.
    pub callback_address: String,
}

/// A transfer message a peer sent, checked for the fields its kind needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// What it does.
    pub kind: Kind,
    /// The consumer's process id (always present).
    pub consumer_pid: String,
    /// The provider's process id (absent only on a request).
    pub provider_pid: Option<String>,
    /// What a request asks for (requests only).
    pub request: Option<Request>,
    /// Where the data is (push requests and starts, when given).
    pub data_address: Option<DataAddress>,
    /// Why, for a suspension or termination: its code and reasons in words.
    pub reason: Option<String>,
}

/// The DSP message type that carries a message of `kind`.
fn message_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Request => "TransferRequestMessage",
        Kind::Start => "TransferStartMessage",
        Kind::Suspension => "TransferSuspensionMessage",
        Kind::Completion => "TransferCompletionMessage",
        Kind::Termination => "TransferTerminationMessage",
    }
}

impl Wire {
    /// The message as an [`Incoming`] of the kind the endpoint takes (each transfer endpoint takes one:
    /// `expected`), or why it is not one.
    pub fn read(self, expected: Kind) -> Result<Incoming, String> {
        expect_type(message_type(expected), &self.message_type)?;
        let request = match expected {
            Kind::Request => Some(read_request(self.agreement_id, self.format, self.callback_address)?),
            _ => None,
        };
        let consumer_pid = read_pid(self.consumer_pid, "consumerPid", true)?.unwrap_or_default();
        let provider_pid = read_pid(self.provider_pid, "providerPid", expected != Kind::Request)?;
        let explained = matches!(expected, Kind::Suspension | Kind::Termination);
        Ok(Incoming {
            kind: expected,
            consumer_pid,
            provider_pid,
            request,
            data_address: self.data_address.filter(|_| matches!(expected, Kind::Request | Kind::Start)),
            reason: explained.then(|| reason_text(self.code.as_deref(), self.reason.as_ref())).flatten(),
        })
    }
}

/// The fields of a request, each required; the callback address must be an http(s) URL (else the request is
/// refused for good: the provider could never answer).
fn read_request(
    agreement_id: Option<String>,
    format: Option<String>,
    callback_address: Option<String>,
) -> Result<Request, String> {
    let required = |value: Option<String>, name: &str| {
        value.filter(|value| !value.is_empty()).ok_or_else(|| format!("a TransferRequestMessage needs `{name}`"))
    };
    let request = Request {
        agreement_id: required(agreement_id, "agreementId")?,
        format: required(format, "format")?,
        callback_address: required(callback_address, "callbackAddress")?,
    };
    if !is_http_url(&request.callback_address) {
        return Err(format!(
            "the callbackAddress `{}` is not an http(s) URL (unrecoverable)",
            request.callback_address
        ));
    }
    Ok(request)
}

/// The body of a message of `kind` between the processes `consumer_pid` and `provider_pid`.
#[derive(Debug, Clone, Default)]
pub struct Outgoing<'a> {
    /// The consumer's process id.
    pub consumer_pid: &'a str,
    /// The provider's process id; `None` on a request.
    pub provider_pid: Option<&'a str>,
    /// The agreement asked under (requests).
    pub agreement_id: &'a str,
    /// The format asked for (requests).
    pub format: &'a str,
    /// Our callback address (requests).
    pub callback_address: Option<&'a str>,
    /// Where the data is (push requests and starts, when there is one to give).
    pub data_address: Option<&'a DataAddress>,
    /// Why (suspensions and terminations).
    pub reason: Option<&'a str>,
}

impl Outgoing<'_> {
    /// The DSP message of `kind` with these fields.
    pub fn render(&self, kind: Kind) -> Value {
        let mut message = message_head(message_type(kind), Some(self.consumer_pid), self.provider_pid);
        match kind {
            Kind::Request => {
                message.insert("agreementId".into(), self.agreement_id.into());
                message.insert("format".into(), self.format.into());
                if let Some(callback) = self.callback_address {
                    message.insert("callbackAddress".into(), callback.into());
                }
            }
            Kind::Suspension => insert_reason(&mut message, "SUSPENDED", self.reason),
            Kind::Termination => insert_reason(&mut message, "TERMINATED", self.reason),
            Kind::Start | Kind::Completion => {}
        }
        if let Some(address) = self.data_address.filter(|_| matches!(kind, Kind::Request | Kind::Start)) {
            message.insert("dataAddress".into(), json!(address));
        }
        Value::Object(message)
    }
}

/// The `TransferProcess` object that acknowledges a message and answers a state query.
pub fn transfer_object(consumer_pid: &str, provider_pid: &str, state: State) -> Value {
    process_object(TransferProcess::OBJECT_TYPE, consumer_pid, provider_pid, state.as_str())
}

/// A `TransferError` with both pids (those known), a code and a reason.
pub fn transfer_error(consumer_pid: Option<&str>, provider_pid: Option<&str>, code: &str, reason: &str) -> Value {
    process_error(TransferProcess::ERROR_TYPE, consumer_pid, provider_pid, code, reason)
}

#[cfg(test)]
mod tests {
    use ldt_conformance::schema::{DspSchema, validate};

    use super::*;
    use crate::dsp::jsonld::Normaliser;

    fn wire(value: Value) -> Wire {
        serde_json::from_value(value).unwrap()
    }

    fn pull_address() -> DataAddress {
        DataAddress {
            endpoint_type: "https://w3id.org/idsa/v4.1/HTTP".into(),
            endpoint: Some("https://provider.example/data/urn:uuid:p".into()),
            endpoint_properties: vec![
                EndpointProperty { name: AUTHORIZATION.into(), value: "secret-token".into() },
                EndpointProperty { name: AUTH_TYPE.into(), value: "bearer".into() },
            ],
        }
    }

    /// One message of each kind, all fields set, as we render them.
    fn rendered() -> Vec<(Kind, Value)> {
        let address = pull_address();
        let fields = Outgoing {
            consumer_pid: "urn:uuid:c",
            provider_pid: Some("urn:uuid:p"),
            agreement_id: "urn:uuid:a",
            format: "HttpData-PULL",
            callback_address: Some("https://consumer.example/dsp/callback"),
            data_address: Some(&address),
            reason: Some("the consumer's quota is used up"),
        };
        let request = Outgoing { provider_pid: None, ..fields.clone() };
        Kind::ALL
            .into_iter()
            .map(|kind| (kind, if kind == Kind::Request { &request } else { &fields }.render(kind)))
            .collect()
    }

    fn schema_of(message: &Value) -> DspSchema {
        DspSchema::for_message_type(message["@type"].as_str().unwrap()).unwrap()
    }

    #[test]
    fn rendered_messages_meet_the_official_schemas_and_read_back_as_sent() {
        for (kind, message) in rendered() {
            assert_eq!(validate(schema_of(&message), &message), Ok(()), "{kind:?}: {message}");
            let read = wire(message.clone()).read(kind).unwrap();
            assert_eq!((read.kind, read.consumer_pid.as_str()), (kind, "urn:uuid:c"));
            assert_eq!(read.provider_pid.as_deref(), (kind != Kind::Request).then_some("urn:uuid:p"));
            let carries_address = matches!(kind, Kind::Request | Kind::Start);
            assert_eq!(read.data_address, carries_address.then(pull_address), "{kind:?}");
            let explained = matches!(kind, Kind::Suspension | Kind::Termination);
            assert_eq!(read.reason.as_deref(), explained.then_some("the consumer's quota is used up"), "{kind:?}");
            let request = Request {
                agreement_id: "urn:uuid:a".into(),
                format: "HttpData-PULL".into(),
                callback_address: "https://consumer.example/dsp/callback".into(),
            };
            assert_eq!(read.request, (kind == Kind::Request).then_some(request), "{kind:?}");
        }
        let completion = Outgoing { consumer_pid: "c", provider_pid: Some("p"), ..Outgoing::default() };
        let bare = completion.render(Kind::Completion);
        assert_eq!(bare.as_object().map(|message| message.len()), Some(4), "only the context, type and pids: {bare}");
    }

    #[tokio::test]
    async fn rendered_messages_pass_the_edge_unchanged_and_their_expanded_form_reads_the_same() {
        let normaliser = Normaliser::new();
        for (kind, message) in rendered() {
            assert_eq!(normaliser.normalise(message.clone()).await.unwrap(), message, "{kind:?}: fast path");
            let expanded = normaliser.expand(&message).await.unwrap();
            let compacted = normaliser.normalise(expanded).await.unwrap();
            let read = wire(compacted).read(kind).unwrap();
            assert_eq!(read, wire(message).read(kind).unwrap(), "{kind:?}: expanded form");
        }
    }

    #[test]
    fn process_objects_and_errors_meet_the_official_schemas() {
        for state in State::ALL {
            let object = transfer_object("urn:uuid:c", "urn:uuid:p", state);
            assert_eq!(validate(DspSchema::TransferProcess, &object), Ok(()), "{object}");
            assert_eq!(object["state"], state.as_str());
        }
        let error = transfer_error(Some("urn:uuid:c"), Some("urn:uuid:p"), "IllegalTransition", "no");
        assert_eq!(validate(DspSchema::TransferError, &error), Ok(()), "{error}");
        assert_eq!(error["reason"], json!(["no"]));
        let unknown = transfer_error(None, None, "NotFound", "there is no such transfer");
        assert!(unknown.get("consumerPid").is_none() && unknown.get("providerPid").is_none());
    }

    #[test]
    fn each_missing_field_is_named() {
        let request = || {
            json!({"@type": "TransferRequestMessage", "consumerPid": "c", "agreementId": "a", "format": "f",
                "callbackAddress": "https://c/cb"})
        };
        assert!(wire(request()).read(Kind::Request).is_ok());
        for (field, error) in [
            ("consumerPid", "the message needs a `consumerPid`"),
            ("agreementId", "a TransferRequestMessage needs `agreementId`"),
            ("format", "a TransferRequestMessage needs `format`"),
            ("callbackAddress", "a TransferRequestMessage needs `callbackAddress`"),
        ] {
            let mut missing = request();
            missing.as_object_mut().unwrap().remove(field);
            assert_eq!(wire(missing).read(Kind::Request).unwrap_err(), error);
            let mut empty = request();
            empty[field] = json!("");
            assert_eq!(wire(empty).read(Kind::Request).unwrap_err(), error, "an empty {field}");
        }
        for kind in [Kind::Start, Kind::Suspension, Kind::Completion, Kind::Termination] {
            let message = || json!({"@type": message_type(kind), "consumerPid": "c", "providerPid": "p"});
            assert!(wire(message()).read(kind).is_ok(), "{kind:?}");
            for pid in ["consumerPid", "providerPid"] {
                let mut missing = message();
                missing.as_object_mut().unwrap().remove(pid);
                assert_eq!(wire(missing).read(kind).unwrap_err(), format!("the message needs a `{pid}`"));
            }
        }
    }

    #[test]
    fn wrong_types_are_refused() {
        let completion = wire(json!({"@type": "TransferCompletionMessage", "consumerPid": "c", "providerPid": "p"}));
        assert_eq!(
            completion.read(Kind::Termination).unwrap_err(),
            "expected a TransferTerminationMessage, got `TransferCompletionMessage`"
        );
        let ftp = wire(json!({"@type": "TransferRequestMessage", "consumerPid": "c", "agreementId": "a",
            "format": "f", "callbackAddress": "ftp://c/cb"}));
        assert!(ftp.read(Kind::Request).unwrap_err().contains("not an http(s) URL"));
        let start = |data_address: Value| {
            serde_json::from_value::<Wire>(json!({"@type": "TransferStartMessage", "consumerPid": "c",
                "providerPid": "p", "dataAddress": data_address}))
        };
        for bad in [
            json!("https://provider/data"),
            json!({"endpointType": "https://w3id.org/idsa/v4.1/HTTP"}),
            json!({"@type": "EndpointProperty", "endpointType": "https://w3id.org/idsa/v4.1/HTTP"}),
            json!({"@type": "DataAddress", "endpoint": "https://provider/data"}),
            json!({"@type": "DataAddress", "endpointType": "t", "endpointProperties": {"name": "a", "value": "b"}}),
            json!({"@type": "DataAddress", "endpointType": "t",
                "endpointProperties": [{"@type": "EndpointProperty", "name": "authorization"}]}),
        ] {
            assert!(start(bad.clone()).is_err(), "accepted {bad}");
        }
        assert!(serde_json::from_value::<Wire>(json!({"@type": "TransferStartMessage", "consumerPid": 7})).is_err());
        let minimal = start(json!({"@type": "DataAddress", "endpointType": "t"})).unwrap().read(Kind::Start).unwrap();
        assert_eq!(minimal.data_address.map(|address| address.endpoint_properties), Some(Vec::new()));
    }

    #[test]
    fn a_data_address_reads_its_properties_by_name_and_hides_the_token_in_debug_output() {
        let address = pull_address();
        assert_eq!((address.authorization(), address.auth_type()), (Some("secret-token"), Some("bearer")));
        assert_eq!(address.property("region"), None);
        let debug = format!("{address:?}");
        assert!(!debug.contains("secret-token") && debug.contains("bearer"), "{debug}");
        let json = serde_json::to_value(&address).unwrap();
        assert_eq!(json["@type"], "DataAddress");
        assert_eq!(
            json["endpointProperties"][0],
            json!({"@type": "EndpointProperty", "name": "authorization",
            "value": "secret-token"})
        );
        assert_eq!(serde_json::from_value::<DataAddress>(json).unwrap(), address);
    }

    #[test]
    fn reasons_of_suspensions_and_terminations_become_one_sentence() {
        let suspension = wire(json!({"@type": "TransferSuspensionMessage", "consumerPid": "c", "providerPid": "p",
            "code": "99", "reason": ["maintenance", {"@value": "back at noon"}]}));
        assert_eq!(suspension.read(Kind::Suspension).unwrap().reason.as_deref(), Some("maintenance; back at noon"));
        let coded = wire(json!({"@type": "TransferTerminationMessage", "consumerPid": "c", "providerPid": "p",
            "code": "99"}));
        assert_eq!(coded.read(Kind::Termination).unwrap().reason.as_deref(), Some("code 99"));
    }
}

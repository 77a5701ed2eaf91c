//! Transfer process bodies: the messages the suite sends and the data address it hands out
//! as provider.

use serde_json::{Value, json};

use super::{with_pids, with_reason};
use crate::jsonld::DSP_CONTEXT;
use crate::process::{Pids, ProcessMessage as _};
use crate::transfer::{FORMAT, HTTP_ENDPOINT_TYPE, Message};

/// The `TransferRequestMessage` asking for the data of `agreement_id` by HTTP pull
/// ([`FORMAT`]), as a new process under `consumer_pid` answered at `callback_address`.
pub fn request(consumer_pid: &str, agreement_id: &str, callback_address: &str) -> Value {
    json!({
        "@context": [DSP_CONTEXT],
        "@type": "TransferRequestMessage",
        "consumerPid": consumer_pid,
        "agreementId": agreement_id,
        "format": FORMAT,
        "callbackAddress": callback_address
    })
}

/// A `DataAddress` for HTTP pull from `endpoint`, presenting `token` as a bearer token.
pub fn data_address(endpoint: &str, token: &str) -> Value {
    json!({
        "@type": "DataAddress",
        "endpointType": HTTP_ENDPOINT_TYPE,
        "endpoint": endpoint,
        "endpointProperties": [
            {"@type": "EndpointProperty", "name": "authorization", "value": token},
            {"@type": "EndpointProperty", "name": "authType", "value": "bearer"}
        ]
    })
}

/// The `kind` message within the transfer `pids`: a start carries `data_address` when given
/// (a provider's start of a pull transfer must), a suspension or termination says `reason`.
pub fn message(pids: &Pids, kind: Message, data_address: Option<&Value>, reason: &str) -> Value {
    match kind {
        Message::Suspension => with_reason(kind.message_type(), pids, "ldt-conformance:suspended", reason),
        Message::Termination => with_reason(kind.message_type(), pids, "ldt-conformance:terminated", reason),
        Message::Start | Message::Completion => {
            let mut message = with_pids(kind.message_type(), pids);
            if let Some(address) = data_address.filter(|_| kind == Message::Start) {
                message.insert("dataAddress".to_owned(), address.clone());
            }
            Value::Object(message)
        }
    }
}

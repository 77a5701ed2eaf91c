//! What the suite says in its transfer messages and checks in the connector's: the data
//! address of a pull transfer.

use serde_json::Value;
use url::Url;

use crate::checks;
use crate::context::Context;
use crate::messages::transfer as bodies;
use crate::process::{Pids, Role};
use crate::scenarios::session::Terms;
use crate::transfer::{HTTP_ENDPOINT_TYPE, Message, Transfer};
use crate::verdict::{Findings, Stop};

/// The `endpointProperties` an HTTP pull data address must name: the token to present and
/// how to present it.
const ENDPOINT_PROPERTIES: [&str; 2] = ["authorization", "authType"];

/// The subject of one transfer: the data address the suite hands out in its starts, when it
/// is the provider.
#[derive(Debug, Clone)]
pub(super) struct TransferTerms {
    /// The suite's `DataAddress` (provider only).
    pub data_address: Option<Value>,
}

impl Terms<Transfer> for TransferTerms {
    async fn body(&self, _ctx: &Context, pids: &Pids, case_id: &str, message: Message) -> Result<Value, Stop> {
        let verb = if message == Message::Suspension { "suspends" } else { "ends" };
        let reason = format!("{case_id}: the conformance suite {verb} this transfer");
        Ok(bodies::message(pids, message, self.data_address.as_ref(), &reason))
    }

    /// Every start of the provider (first or resuming) must carry the data address of the
    /// pull transfer.
    fn check(&self, _ctx: &Context, findings: &mut Findings, cut: Role, message: Message, body: &Value) {
        if message == Message::Start && cut == Role::Provider {
            check_data_address(findings, &format!("its {message}"), body.get("dataAddress"));
        }
    }
}

/// Records a finding for everything an HTTP pull `DataAddress` (`address`, of the message
/// `what`) lacks: the HTTP `endpointType`, an http(s) `endpoint` and the
/// [`ENDPOINT_PROPERTIES`] (its schema is checked with the message's).
fn check_data_address(findings: &mut Findings, what: &str, address: Option<&Value>) {
    let Some(address) = address else {
        findings.add(format!("{what} has no dataAddress: a provider's start of a pull transfer needs one"));
        return;
    };
    let what = format!("{what}: dataAddress");
    checks::fields(findings, &what, address, &[("endpointType", HTTP_ENDPOINT_TYPE)]);
    match address.get("endpoint").and_then(Value::as_str).map(Url::parse) {
        Some(Ok(url)) if matches!(url.scheme(), "http" | "https") => {}
        Some(Ok(url)) => findings.add(format!("{what}: endpoint {url} is not an http(s) URL")),
        Some(Err(e)) => findings.add(format!("{what}: endpoint is not a URL: {e}")),
        None => findings.add(format!("{what} has no endpoint to pull from")),
    }
    let properties = address.get("endpointProperties").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    let named =
        |name: &str| properties.iter().any(|property| property.get("name").and_then(Value::as_str) == Some(name));
    for name in ENDPOINT_PROPERTIES.into_iter().filter(|name| !named(name)) {
        findings.add(format!("{what}: endpointProperties has no {name:?}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(address: Option<&Value>) -> Vec<String> {
        let mut findings = Findings::default();
        check_data_address(&mut findings, "its TransferStartMessage", address);
        findings.into_reasons()
    }

    #[test]
    fn a_pull_data_address_needs_an_http_endpoint_and_a_token() {
        let good = bodies::data_address("https://cut.example/data/1", "token");
        assert_eq!(problems(Some(&good)), Vec::<String>::new());
        assert_eq!(
            problems(None),
            ["its TransferStartMessage has no dataAddress: a provider's start of a pull transfer needs one"]
        );

        let bare = json!({"@type": "DataAddress", "endpointType": "urn:other", "endpoint": "ftp://cut.example/x"});
        assert_eq!(
            problems(Some(&bare)),
            [
                "its TransferStartMessage: dataAddress: endpointType is \"urn:other\", expected \"https://w3id.org/idsa/v4.1/HTTP\"",
                "its TransferStartMessage: dataAddress: endpoint ftp://cut.example/x is not an http(s) URL",
                "its TransferStartMessage: dataAddress: endpointProperties has no \"authorization\"",
                "its TransferStartMessage: dataAddress: endpointProperties has no \"authType\"",
            ]
        );
        let mut relative = good.clone();
        relative["endpoint"] = json!("/data/1");
        assert!(problems(Some(&relative))[0].contains("endpoint is not a URL"));
        relative.as_object_mut().map(|address| address.remove("endpoint"));
        assert_eq!(problems(Some(&relative)), ["its TransferStartMessage: dataAddress has no endpoint to pull from"]);
    }
}

//! A stand-in data-space authority for DCP tests: a `did:web` issuer served over real HTTP with its DID document
//! and its revocation and suspension status lists, issuing real signed `MembershipCredential`s into a connector's
//! credential service through the DCP storage API.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use chrono::{TimeDelta, Utc};
use ldt_identity::dcp::CredentialMessage;
use ldt_identity::did::{DidDocument, did_web};
use ldt_identity::keys::{KeyAlgorithm, SigningKey};
use ldt_identity::status_list::{StatusList, StatusListKind, StatusPurpose, list_subject};
use ldt_identity::token;
use ldt_identity::vc::{Credential, VcVersion, issue};
use serde_json::json;

use super::connector::TestConnector;

/// An issuer of membership credentials with its own HTTP server.
pub struct TestAuthority {
    /// Its DID.
    pub did: String,
    base: String,
    state: Arc<Issuer>,
}

struct Issuer {
    did: String,
    base: String,
    key: SigningKey,
    document: DidDocument,
    revoked: Mutex<StatusList>,
    suspended: Mutex<StatusList>,
}

impl TestAuthority {
    /// Starts an authority on a free local port.
    pub async fn start() -> TestAuthority {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let did = did_web(&url::Url::parse(&base).unwrap()).unwrap();
        let key = SigningKey::generate("key-1", KeyAlgorithm::EdDsa).unwrap();
        let document = DidDocument::new(&did, [(key.id(), key.public_jwk())], []);
        let empty = || Mutex::new(StatusList::new(131_072).unwrap());
        let state = Arc::new(Issuer {
            did: did.clone(),
            base: base.clone(),
            key,
            document,
            revoked: empty(),
            suspended: empty(),
        });
        let app = Router::new()
            .route(
                "/.well-known/did.json",
                get(|State(s): State<Arc<Issuer>>| async move { axum::Json(s.document.clone()) }),
            )
            .route("/status/{purpose}", get(status_list))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        TestAuthority { did, base, state }
    }

    /// A `MembershipCredential` for `holder`, with revocation and suspension entries at `index`, valid from
    /// `valid_from` until `valid_until`, as a VC-JWT of `version`.
    pub fn membership(&self, holder: &str, index: usize, version: VcVersion) -> String {
        let now = Utc::now();
        self.credential(holder, index, version, now - TimeDelta::hours(1), Some(now + TimeDelta::days(365)))
    }

    /// A membership credential with the validity period given.
    pub fn credential(
        &self,
        holder: &str,
        index: usize,
        version: VcVersion,
        valid_from: chrono::DateTime<Utc>,
        valid_until: Option<chrono::DateTime<Utc>>,
    ) -> String {
        let entry = |purpose: &str| {
            let list = format!("{}/status/{purpose}", self.base);
            json!({"id": format!("{list}#{index}"), "type": "BitstringStatusListEntry", "statusPurpose": purpose,
                   "statusListIndex": index.to_string(), "statusListCredential": list})
        };
        let credential = Credential {
            id: Some(format!("urn:uuid:{}", uuid::Uuid::new_v4())),
            types: vec!["VerifiableCredential".into(), "MembershipCredential".into()],
            issuer: self.did.clone(),
            subject: json!({"id": holder, "memberOf": self.did, "status": "active"}),
            valid_from,
            valid_until,
            status: Some(json!([entry("revocation"), entry("suspension")])),
        };
        issue(&credential, version, &self.state.key).unwrap()
    }

    /// Delivers `credentials` to `connector`'s credential service (the DCP storage API) with a self-issued token;
    /// returns the HTTP status.
    pub async fn deliver(&self, connector: &TestConnector, credentials: Vec<String>) -> u16 {
        let holder = connector.state().identity.did.clone();
        let token = token::mint(&self.state.key, &self.did, &holder, None, Utc::now(), TimeDelta::minutes(5)).unwrap();
        let message = CredentialMessage::issued(
            uuid::Uuid::new_v4().to_string(),
            uuid::Uuid::new_v4().to_string(),
            credentials.into_iter().map(|jwt| ("MembershipCredential".to_owned(), jwt)).collect(),
        );
        let response = connector
            .http()
            .post(format!("{}/dcp/credentials", connector.url()))
            .bearer_auth(token)
            .json(&message)
            .send()
            .await
            .unwrap();
        response.status().as_u16()
    }

    /// Issues a membership credential (index `index`) to `connector`.
    pub async fn admit(&self, connector: &TestConnector, index: usize) {
        let credential = self.membership(&connector.state().identity.did, index, VcVersion::V2);
        assert_eq!(self.deliver(connector, vec![credential]).await, 200);
    }

    /// Revokes the credential at `index`.
    pub fn revoke(&self, index: usize) {
        self.state.revoked.lock().unwrap().set(index, true).unwrap();
    }

    /// Suspends the credential at `index`.
    pub fn suspend(&self, index: usize) {
        self.state.suspended.lock().unwrap().set(index, true).unwrap();
    }
}

/// `GET /status/{purpose}`: the status list credential, signed now.
async fn status_list(State(issuer): State<Arc<Issuer>>, Path(purpose): Path<String>) -> String {
    let (purpose, list) = match purpose.as_str() {
        "revocation" => (StatusPurpose::Revocation, issuer.revoked.lock().unwrap().clone()),
        _ => (StatusPurpose::Suspension, issuer.suspended.lock().unwrap().clone()),
    };
    let id = format!("{}/status/{}", issuer.base, purpose.as_str());
    let credential = Credential {
        id: Some(id.clone()),
        types: vec!["VerifiableCredential".into(), "BitstringStatusListCredential".into()],
        issuer: issuer.did.clone(),
        subject: list_subject(&format!("{id}#list"), StatusListKind::Bitstring, purpose, &list),
        valid_from: Utc::now() - TimeDelta::hours(1),
        valid_until: None,
        status: None,
    };
    issue(&credential, VcVersion::V2, &issuer.key).unwrap()
}

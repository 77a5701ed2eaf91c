//! The one place where the caller of a DSP endpoint is identified: a layer in front of every DSP route but version
//! discovery, which turns the `Authorization` header into an [`Authenticated`] caller or refuses the request. A
//! bearer token is a DCP self-issued token, verified with the caller's DID and credentials
//! ([`crate::dcp::verifier`]), or one of the static tokens configured for tools that cannot speak DCP.

use std::collections::HashMap;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use ldt_identity::Caller;

use super::error::DspError;
use crate::app::AppState;

/// The identified caller of the current request, placed in the request's extensions by [`authenticate`].
#[derive(Debug, Clone)]
pub struct Authenticated(pub Caller);

/// The configured static tokens and whom each stands for.
#[derive(Debug, Clone, Default)]
pub struct Authenticator {
    callers_by_token: HashMap<String, Caller>,
}

impl Authenticator {
    /// An authenticator accepting each token for the caller it stands for.
    pub fn new(tokens: impl IntoIterator<Item = (String, Caller)>) -> Authenticator {
        Authenticator { callers_by_token: tokens.into_iter().collect() }
    }

    /// The caller a static token stands for.
    pub fn static_caller(&self, token: &str) -> Option<Caller> {
        self.callers_by_token.get(token).cloned()
    }
}

/// The token of an `Authorization` header's value (`Bearer <token>`; a bare token is taken as it is).
fn bearer(authorization: Option<&str>) -> Result<&str, String> {
    let header = authorization.ok_or("the request has no Authorization header")?;
    let token = header.strip_prefix("Bearer ").or_else(|| header.strip_prefix("bearer ")).unwrap_or(header).trim();
    if token.is_empty() { Err("the bearer token is empty".into()) } else { Ok(token) }
}

/// The caller of a request with `authorization`, or why it is refused.
async fn identify(state: &AppState, authorization: Option<&str>) -> Result<Caller, String> {
    let token = bearer(authorization)?;
    match state.authenticator.static_caller(token) {
        Some(caller) => Ok(caller),
        None => state.callers.identify(token).await,
    }
}

/// Middleware: identifies the caller or answers 401 with a DSP error body. The token itself is never logged.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, DspError> {
    let authorization = request.headers().get(header::AUTHORIZATION).and_then(|value| value.to_str().ok());
    match identify(&state, authorization).await {
        Ok(caller) => {
            request.extensions_mut().insert(Authenticated(caller));
            Ok(next.run(request).await)
        }
        Err(reason) => {
            tracing::info!(path = %request.uri().path(), %reason, "DSP request refused");
            Err(DspError::unauthorized(&reason))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_tokens_stand_for_their_caller() {
        let caller = Caller { participant_id: "did:web:a".into(), claims: serde_json::json!({"role": "x"}) };
        let authenticator = Authenticator::new([("secret-token-aaaaaaaa".to_owned(), caller)]);
        let token = bearer(Some("Bearer secret-token-aaaaaaaa")).unwrap();
        let caller = authenticator.static_caller(token).unwrap();
        assert_eq!(caller.participant_id, "did:web:a");
        assert_eq!(caller.claims["role"], "x");
        assert_eq!(bearer(Some("secret-token-aaaaaaaa")).unwrap(), "secret-token-aaaaaaaa", "a bare token is taken");
        assert!(authenticator.static_caller("other").is_none());
        assert!(bearer(None).is_err());
        assert!(bearer(Some("Bearer ")).is_err());
    }
}

//! The one place where the caller of a DSP endpoint is identified: a layer in front of every DSP route but version
//! discovery, which turns the `Authorization` header into an [`Authenticated`] caller or refuses the request.

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

/// Decides who holds a bearer token. Today: a configured table of static tokens; DCP tokens replace it.
#[derive(Debug, Clone, Default)]
pub struct Authenticator {
    callers_by_token: HashMap<String, Caller>,
}

impl Authenticator {
    /// An authenticator accepting each token for the caller it stands for.
    pub fn new(tokens: impl IntoIterator<Item = (String, Caller)>) -> Authenticator {
        Authenticator { callers_by_token: tokens.into_iter().collect() }
    }

    /// The caller presenting `authorization` (the header's value), or why it is refused.
    pub fn identify(&self, authorization: Option<&str>) -> Result<Caller, &'static str> {
        let header = authorization.ok_or("the request has no Authorization header")?;
        let token = header.strip_prefix("Bearer ").or_else(|| header.strip_prefix("bearer ")).unwrap_or(header).trim();
        self.callers_by_token.get(token).cloned().ok_or("the bearer token is not recognised")
    }
}

/// Middleware: identifies the caller or answers 401 with a DSP error body. The token itself is never logged.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, DspError> {
    let authorization = request.headers().get(header::AUTHORIZATION).and_then(|value| value.to_str().ok());
    match state.authenticator.identify(authorization) {
        Ok(caller) => {
            request.extensions_mut().insert(Authenticated(caller));
            Ok(next.run(request).await)
        }
        Err(reason) => {
            tracing::info!(path = %request.uri().path(), reason, "DSP request refused");
            Err(DspError::unauthorized(reason))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifies_known_tokens_only() {
        let caller = Caller { participant_id: "did:web:a".into(), claims: serde_json::json!({"role": "x"}) };
        let authenticator = Authenticator::new([("secret-token-aaaaaaaa".to_owned(), caller)]);
        let caller = authenticator.identify(Some("Bearer secret-token-aaaaaaaa")).unwrap();
        assert_eq!(caller.participant_id, "did:web:a");
        assert_eq!(caller.claims["role"], "x");
        assert!(authenticator.identify(Some("secret-token-aaaaaaaa")).is_ok(), "a bare token is accepted too");
        assert!(authenticator.identify(Some("Bearer other")).is_err());
        assert!(authenticator.identify(None).is_err());
    }
}

//! Extractors whose rejections are RFC 9457 problems: a JSON body whose errors point at the bad field, and path
//! and query parameters.

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use super::problem::Problem;

/// A JSON request body of type `T`; malformed JSON, a wrong type, an unknown field or an over-limit body are 4xx
/// problems naming the field.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| Problem::new(rejection.status(), rejection.body_text()))?;
        // Syntax first, then types: a well-formed body of the wrong shape is a field problem, never "not JSON".
        let document: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|error| Problem::new(StatusCode::BAD_REQUEST, format!("the body is not valid JSON: {error}")))?;
        let value = serde_path_to_error::deserialize(document).map_err(|error| {
            let mut pointer = pointer(error.path());
            let detail = error.into_inner().to_string();
            // A missing field's path is its object's: the pointer names the field itself.
            if let Some(field) = missing_field(&detail) {
                pointer = format!("{pointer}/{}", ldt_catalog::product::escape_pointer(field));
            }
            Problem::invalid_field(pointer, detail)
        })?;
        Ok(ApiJson(value))
    }
}

/// The JSON pointer (RFC 6901) of a serde path.
fn pointer(path: &serde_path_to_error::Path) -> String {
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(ldt_catalog::product::escape_pointer(key)),
            // An externally tagged enum is written `{"variant": …}`: the variant is a key of the document.
            Segment::Enum { variant } => Some(ldt_catalog::product::escape_pointer(variant)),
            Segment::Unknown => None,
        })
        .fold(String::new(), |pointer, part| format!("{pointer}/{part}"))
}

/// The field a deserialisation error says is missing, if that is what it says (serde's words: ``missing field
/// `name` ``).
fn missing_field(detail: &str) -> Option<&str> {
    detail.strip_prefix("missing field `")?.strip_suffix('`')
}

/// Path parameters; a bad one is a 400 problem.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Problem))]
pub struct ApiPath<T>(pub T);

/// Query parameters; a bad one is a 400 problem.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Problem))]
pub struct ApiQuery<T>(pub T);

impl From<PathRejection> for Problem {
    fn from(rejection: PathRejection) -> Problem {
        Problem::new(rejection.status(), rejection.body_text())
    }
}

impl From<QueryRejection> for Problem {
    fn from(rejection: QueryRejection) -> Problem {
        Problem::new(rejection.status(), rejection.body_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        #[serde(rename = "a/b")]
        value: u32,
        #[serde(default)]
        choice: Option<Choice>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    enum Choice {
        Ids(Vec<String>),
    }

    #[test]
    fn pointers_locate_the_bad_field() {
        let json = r#"{"items": [{"a/b": 1}, {"a/b": "x"}]}"#;
        let error =
            serde_path_to_error::deserialize::<_, Outer>(&mut serde_json::Deserializer::from_str(json)).unwrap_err();
        assert_eq!(pointer(error.path()), "/items/1/a~1b");
        let json = serde_json::json!({"items": [{"a/b": 1, "choice": {"ids": [1]}}]});
        let error = serde_path_to_error::deserialize::<_, Outer>(json).unwrap_err();
        assert_eq!(pointer(error.path()), "/items/0/choice/ids/0");
    }

    #[test]
    fn a_missing_field_is_named() {
        let error = serde_path_to_error::deserialize::<_, Outer>(serde_json::json!({"items": [{}]})).unwrap_err();
        assert_eq!(pointer(error.path()), "/items/0");
        assert_eq!(missing_field(&error.into_inner().to_string()), Some("a/b"));
        assert_eq!(missing_field("invalid type: string \"x\", expected u32"), None);
    }
}

//! Support shared by the connector's integration tests: a fresh, isolated database per test and small builders
//! for valid records.
//!
//! Use it from a test file with `mod common;`. Every call of [`test_config`] gets its own database — a new
//! temporary directory for SQLite, a new schema for PostgreSQL — so tests may run in parallel and in any order.
//!
//! PostgreSQL tests need `LDT_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5432/test`); without it they
//! fail rather than silently testing nothing. `.ci/run` sets it.

// Each test file compiles this module on its own and uses only some of its helpers.
#![allow(dead_code)]

use ldt_catalog::{DataProduct, LdtKind};
use ldt_connector::config::Config;
use ldt_connector::store::policies::PolicyDocument;
use serde_json::json;
pub mod authority;
pub mod brokers;
pub mod connector;
pub mod contract;

/// The environment variable holding the PostgreSQL URL that PostgreSQL tests run against.
pub const POSTGRES_URL_VAR: &str = "LDT_TEST_POSTGRES_URL";

/// A database backend to run a test against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    /// The embedded default: an SQLite file in the data directory.
    Sqlite,
    /// The PostgreSQL server at `LDT_TEST_POSTGRES_URL`, in a schema of the test's own.
    Postgres,
}

/// A configuration whose data directory is a fresh temporary directory and whose database is empty and used by
/// no other test: for [`Db::Sqlite`] the default SQLite file in that directory, for [`Db::Postgres`] a new schema
/// (`t_<uuid>`, created by `Store::open`) in the database at `LDT_TEST_POSTGRES_URL`.
///
/// Keep the returned directory alive for as long as the configuration is used: dropping it deletes the directory.
///
/// # Panics
///
/// For [`Db::Postgres`], if `LDT_TEST_POSTGRES_URL` is not set.
pub async fn test_config(db: Db) -> (Config, tempfile::TempDir) {
    let dir = tempfile::Builder::new().prefix("ldt-test-").tempdir().expect("cannot create a temporary directory");
    let mut config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
    // Tests run side by side; a small pool each keeps PostgreSQL well under its connection limit.
    config.database.max_connections = 4;
    if db == Db::Postgres {
        let url = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
            panic!(
                "{POSTGRES_URL_VAR} is not set: run the tests through .ci/run, or export \
                 {POSTGRES_URL_VAR}=postgres://postgres@127.0.0.1:5432/test"
            )
        });
        config.database.url = Some(url);
        config.database.schema = Some(format!("t_{}", uuid::Uuid::new_v4().simple()));
    }
    config.validate().expect("the test configuration is valid");
    (config, dir)
}

/// A small valid product: English title and description, the given `keywords` (in English), the LDT `kind`, and
/// one `HttpData-PULL` distribution `api` with an HTTP backend. Change its public fields for more.
pub fn product(id: &str, kind: LdtKind, keywords: &[&str]) -> DataProduct {
    let mut document = json!({
        "id": id,
        "title": {"en": format!("Product {id}")},
        "description": {"en": format!("The test product {id}.")},
        "ldtKind": kind,
        "distributions": [{
            "id": "api",
            "format": "HttpData-PULL",
            "mediaType": "application/json",
            "backend": {"type": "http", "url": "http://backend.internal/data"}
        }]
    });
    if !keywords.is_empty() {
        document["keywords"] = json!({"en": keywords});
    }
    serde_json::from_value(document).expect("the test product is well formed")
}

/// A policy `id` whose document is the simplest ODRL offer: `{"@type": "Set", "permission": [{"action": "use"}]}`.
pub fn policy(id: &str) -> PolicyDocument {
    PolicyDocument { id: id.to_owned(), policy: json!({"@type": "Set", "permission": [{"action": "use"}]}) }
}

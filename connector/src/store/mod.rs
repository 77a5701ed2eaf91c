//! Durable state: sea-orm over SQLite (embedded default) or PostgreSQL, migrations applied at start.
//!
//! Each module holds the queries of one kind of record; every write that touches several tables is one
//! transaction. List reads are keyset-paged ([`ldt_catalog::paging`]) so their cost does not grow with depth.

pub mod authority;
pub mod catalog;
pub mod entity;
pub mod history;
pub mod identity;
pub mod migration;
pub mod negotiations;
pub mod offers;
pub mod outbox;
pub mod policies;
pub mod products;
pub mod slcs;
pub mod transfers;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use ldt_catalog::paging::{Cursor, Page};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction,
    DbErr, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select, SqlErr, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use tokio::sync::Mutex;

use crate::config::Config;

/// The connector's database.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    writer: Arc<Mutex<()>>,
}

/// The PostgreSQL advisory lock key of catalogue writes (any constant unique to this use).
const CATALOG_WRITE_LOCK: i64 = 7_224_201;

/// A write that changes at least this many rows changes the tables enough that the query planner's statistics are
/// refreshed after it: without them PostgreSQL plans a freshly imported catalogue with sequential scans, and
/// background auto-analysis may come minutes later.
const STATISTICS_AFTER: u64 = 1000;

/// The current time at the precision both databases keep (microseconds), so what a write returns equals what a
/// later read returns.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Why a store operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No record with that id.
    #[error("{kind} `{id}` does not exist")]
    NotFound {
        /// What kind of record.
        kind: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The write conflicts with what is stored (a duplicate id, a record still in use).
    #[error("{0}")]
    Conflict(String),
    /// The write refers to records that do not exist; `pointer` locates the reference in the request.
    #[error("{detail}")]
    BadReference {
        /// JSON pointer to the reference.
        pointer: String,
        /// What is wrong.
        detail: String,
    },
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// A stored document could not be read back.
    #[error("stored {kind} `{id}` is unreadable: {reason}")]
    Corrupt {
        /// What kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// Why it could not be read.
        reason: String,
    },
}

impl StoreError {
    /// A `Conflict` saying `conflict()` when this is a unique-key violation, else the error itself.
    fn or_duplicate(self, conflict: impl FnOnce() -> String) -> StoreError {
        match self {
            StoreError::Database(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                StoreError::Conflict(conflict())
            }
            other => other,
        }
    }

    pub(crate) fn not_found(kind: &'static str, id: &str) -> StoreError {
        StoreError::NotFound { kind, id: id.to_owned() }
    }

    /// `NotFound` for an id no record can have: ids are validated free of control characters, and PostgreSQL
    /// refuses a NUL in text outright, so such a lookup is answered without asking the database.
    fn unless_storable(kind: &'static str, id: &str) -> Result<(), StoreError> {
        if id.chars().any(char::is_control) { Err(StoreError::not_found(kind, id)) } else { Ok(()) }
    }

    pub(crate) fn corrupt(kind: &'static str, id: &str, error: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt { kind, id: id.to_owned(), reason: error.to_string() }
    }
}

impl Store {
    /// Connects to the configured database, creating the SQLite file or the PostgreSQL schema if needed, and
    /// applies pending migrations.
    pub async fn open(config: &Config) -> Result<Store, StoreError> {
        let url = config.database_url();
        if url.starts_with("sqlite:") {
            tokio::fs::create_dir_all(&config.data_dir)
                .await
                .map_err(|error| DbErr::Custom(format!("cannot create {}: {error}", config.data_dir.display())))?;
        }
        if let Some(schema) = &config.database.schema {
            let admin = Database::connect(url.as_str()).await?;
            admin.execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"")).await?;
            admin.close().await?;
        }
        let mut options = ConnectOptions::new(url.as_str());
        options
            .max_connections(config.database.max_connections)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            // A pooled connection that broke fails its query and is replaced; pinging each before use costs a
            // round trip per statement.
            .test_before_acquire(false)
            .sqlx_logging(false)
            // On every pooled connection: WAL lets readers run while one writer commits; FULL syncs each commit,
            // so a state whose message leaves right after its commit survives a power loss, not only a crash.
            .map_sqlx_sqlite_opts(|options| {
                options.journal_mode(SqliteJournalMode::Wal).synchronous(SqliteSynchronous::Full).foreign_keys(true)
            });
        if let Some(schema) = &config.database.schema {
            options.set_schema_search_path(schema.as_str());
        }
        let db = Database::connect(options).await?;
        migration::Migrator::up(&db, None).await?;
        Ok(Store { db, writer: Arc::new(Mutex::new(())) })
    }

    /// Runs `work` as one catalogue write transaction: committed when it succeeds; when it fails, rolled back —
    /// and the rollback awaited — before the next write may begin.
    ///
    /// Catalogue writes run one at a time: which offers cover which products is worked out from what the
    /// transaction reads, so two writes interleaved could each miss the other's rows. In-process a mutex serialises
    /// them (and spares SQLite's lock upgrade); on PostgreSQL an advisory lock does the same across replicas.
    pub(crate) async fn write<T>(
        &self,
        work: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let _writer = self.writer.lock().await;
        self.in_transaction(async |txn| {
            if txn.get_database_backend() == DatabaseBackend::Postgres {
                txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({CATALOG_WRITE_LOCK})")).await?;
            }
            work(txn).await
        })
        .await
    }

    /// Runs `work` as one transaction of process state (negotiations, transfers, the outbox), committed when it
    /// succeeds and rolled back (awaited) when it fails. On SQLite, which has one writer, such transactions take
    /// their turn in-process; on PostgreSQL they run side by side and lock the rows they change.
    pub(crate) async fn transact<T>(
        &self,
        work: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let _writer = self.sqlite_turn().await;
        self.in_transaction(work).await
    }

    /// On SQLite, the in-process writer's turn, for a write outside [`Store::transact`]: SQLite has one writer, and a
    /// write from outside the turn would make a transaction that began by reading fail to upgrade (`BUSY_SNAPSHOT`).
    /// `None` on PostgreSQL, where writers do not wait for one another.
    pub(crate) async fn sqlite_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.db.get_database_backend() {
            DatabaseBackend::Postgres => None,
            _ => Some(self.writer.lock().await),
        }
    }

    /// Whether row locks (`FOR UPDATE`) are needed and available: on PostgreSQL.
    pub(crate) fn locks_rows(&self) -> bool {
        self.db.get_database_backend() == DatabaseBackend::Postgres
    }

    async fn in_transaction<T>(
        &self,
        work: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let txn = self.db.begin().await?;
        match work(&txn).await {
            Ok(value) => {
                txn.commit().await?;
                Ok(value)
            }
            Err(error) => {
                if let Err(rollback) = txn.rollback().await {
                    tracing::warn!(%rollback, "a failed write could not be rolled back");
                }
                Err(error)
            }
        }
    }

    /// Refreshes the planner's statistics if a write just changed at least [`STATISTICS_AFTER`] rows.
    async fn refresh_statistics_after(&self, changed_rows: u64) -> Result<(), StoreError> {
        if changed_rows < STATISTICS_AFTER { Ok(()) } else { self.refresh_statistics().await }
    }

    /// Refreshes the query planner's statistics of the catalogue tables (after a bulk import).
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        let statement = match self.db.get_database_backend() {
            DatabaseBackend::Postgres => "ANALYZE dataset, distribution, dataset_term, offer_dataset",
            _ => "ANALYZE",
        };
        self.db.execute_unprepared(statement).await?;
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<(), StoreError> {
        Ok(self.db.close().await?)
    }
}

/// One keyset page of `select`, ordered by the string column `key`, of at most `limit` rows.
async fn page_of<E, C>(
    db: &C,
    select: Select<E>,
    key: E::Column,
    cursor: Option<&Cursor>,
    limit: usize,
    row_key: impl Fn(&E::Model) -> &str,
) -> Result<Page<E::Model>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let select = match cursor {
        None => select.order_by(key, Order::Asc),
        Some(Cursor::After(after)) => select.filter(key.gt(after.as_str())).order_by(key, Order::Asc),
        Some(Cursor::Before(before)) => select.filter(key.lt(before.as_str())).order_by(key, Order::Desc),
    };
    let rows = select.limit(limit as u64 + 1).all(db).await?;
    Ok(Page::from_rows(rows, cursor, limit, row_key))
}

/// `column IN (values)`, or a condition that is never true when `values` is empty.
fn is_in(column: impl ColumnTrait, values: impl IntoIterator<Item = String>) -> SimpleExpr {
    let values: Vec<String> = values.into_iter().collect();
    if values.is_empty() { Expr::val(1).eq(0) } else { column.is_in(values) }
}

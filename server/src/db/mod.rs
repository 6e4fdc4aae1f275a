//! The `Database` boundary: every SQL statement of the server lives below this folder.
//!
//! One pool type (sqlx's `Any` driver) serves SQLite and PostgreSQL. Queries are written once in
//! the SQL both dialects share — `$1` placeholders (sqlx binds them by number on SQLite too),
//! `BIGINT`-compatible integers for times (Unix milliseconds) and flags, text ids — and where the
//! dialects differ (locking, upserts) the code asks [`Database::dialect`]. Each dialect has its own
//! migration folder (`migrations/sqlite`, `migrations/postgres`), embedded in the binary and run at
//! start.
//!
//! Handlers never see sqlx errors: methods return [`DbError`], and "no such row" becomes
//! `DbError::NotFound` here, at the boundary.

pub mod accounts;
pub mod audit;
pub mod blobs;
pub mod datasets;
pub mod eval_tasks;
pub mod evaluations;
pub mod identifiers;
pub mod jobs;
pub mod mixtures;
pub mod models;
pub mod workers;
pub mod workspaces;

#[cfg(test)]
mod scoped_tests;

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use polytune_api::WorkspaceId;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Executor, SqlSafeStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error in {op}: {source}")]
    Query { op: &'static str, source: sqlx::Error },
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Test-only fault injection (debug builds only): `POLYTUNE_TEST_FAULTS=point=pause:MS,point=fail`.
/// `pause` sleeps at the named point (inside its transaction) so a test can put another write
/// in between deterministically; `fail` makes the point return a query error.
pub(crate) async fn fault(point: &'static str) -> DbResult<()> {
    #[cfg(debug_assertions)]
    {
        static FAULTS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
        let faults = FAULTS.get_or_init(|| {
            std::env::var("POLYTUNE_TEST_FAULTS")
                .unwrap_or_default()
                .split(',')
                .filter_map(|f| f.split_once('='))
                .map(|(p, a)| (p.trim().to_owned(), a.trim().to_owned()))
                .collect()
        });
        for (_, action) in faults.iter().filter(|(p, _)| p == point) {
            if let Some(ms) = action.strip_prefix("pause:").and_then(|ms| ms.parse().ok()) {
                tokio::time::sleep(Duration::from_millis(ms)).await;
            } else if action == "fail" {
                let source = sqlx::Error::Protocol(format!("injected fault at {point}"));
                return Err(DbError::Query { op: point, source });
            }
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = point;
    Ok(())
}

impl DbError {
    /// Wraps a sqlx error with the operation it happened in, sorting out the cases callers
    /// handle differently (missing row, unique violation, connection loss).
    pub fn from_sqlx(op: &'static str, source: sqlx::Error) -> Self {
        match &source {
            sqlx::Error::RowNotFound => DbError::NotFound,
            sqlx::Error::Database(e) if e.is_unique_violation() => DbError::Conflict(e.message().to_owned()),
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                DbError::Unavailable(source.to_string())
            }
            _ => DbError::Query { op, source },
        }
    }
}

/// Shorthand used by every query: `.map_err(q("op"))`.
pub(crate) fn q(op: &'static str) -> impl FnOnce(sqlx::Error) -> DbError {
    move |e| DbError::from_sqlx(op, e)
}

pub type DbResult<T> = Result<T, DbError>;

#[derive(Clone)]
pub struct Database {
    pool: AnyPool,
    dialect: Dialect,
}

/// The database seen from inside one workspace: every method on it reads and writes only rows of
/// that workspace (or rows hanging off them), so a handler or a job cannot reach another
/// workspace's data by passing the wrong id. The only ways to get one are from a request's
/// workspace capability ([`crate::auth::WorkspaceCap::db`]) and from a claimed job's scope
/// ([`crate::jobs::context::JobScope`]); both go through [`WorkspaceProof`].
#[derive(Clone)]
pub struct Scoped {
    db: Database,
    ws: WorkspaceId,
}

/// Something that proves which workspace the caller may act in: a checked request capability or
/// a claimed job's row. Implemented only by those two.
pub trait WorkspaceProof {
    fn proven_workspace(&self) -> &WorkspaceId;
}

impl Database {
    /// The workspace-scoped view of the database, for the workspace `proof` was checked for.
    pub fn scoped(&self, proof: &impl WorkspaceProof) -> Scoped {
        Scoped { db: self.clone(), ws: proof.proven_workspace().clone() }
    }
}

impl Scoped {
    pub fn workspace_id(&self) -> &WorkspaceId {
        &self.ws
    }

    /// The unscoped database, for what is not a workspace's row (the job queue's leases, users).
    pub fn unscoped(&self) -> &Database {
        &self.db
    }

    pub fn dialect(&self) -> Dialect {
        self.db.dialect
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.db.pool
    }

    pub(crate) async fn begin_write(&self, op: &'static str) -> DbResult<sqlx::Transaction<'static, sqlx::Any>> {
        self.db.begin_write(op).await
    }

    /// Errs `NotFound` unless `id` is a row of `table` in this workspace: the guard of writes to
    /// tables that hang off it without a workspace column of their own (run points, checkpoints,
    /// evaluation items).
    pub(crate) async fn own(&self, table: &'static str, id: &str) -> DbResult<()> {
        let sql = format!("SELECT 1 FROM {table} WHERE id = $1 AND workspace_id = $2");
        let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(self.ws.as_str())
            .fetch_optional(self.pool())
            .await
            .map_err(q("row in workspace"))?;
        found.map(|_| ()).ok_or(DbError::NotFound)
    }
}

impl std::fmt::Debug for Scoped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scoped").field("workspace", &self.ws).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").field("dialect", &self.dialect).finish_non_exhaustive()
    }
}

impl Database {
    /// Connects (creating the SQLite file if needed), applies the connection settings and runs the
    /// dialect's migrations.
    pub async fn connect(url: &str, max_connections: u32) -> DbResult<Self> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Dialect::Postgres
        } else if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else {
            return Err(DbError::Unavailable(format!(
                "database URL must start with sqlite: or postgres:// (got {:?})",
                url.split(':').next().unwrap_or("")
            )));
        };
        let url = match dialect {
            // Create the file on first start.
            Dialect::Sqlite if !url.contains("mode=") => {
                Cow::Owned(format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' }))
            }
            _ => Cow::Borrowed(url),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(q("parse database url"))?;
        let pool = AnyPoolOptions::new()
            .max_connections(match dialect {
                // One writer at a time anyway; a few readers are enough under WAL.
                Dialect::Sqlite => max_connections.min(8),
                Dialect::Postgres => max_connections,
            })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        // WAL lets readers run beside the writer; FULL makes every commit durable
                        // (jobs and metrics must survive a power cut).
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| DbError::Unavailable(e.to_string()))?;
        let db = Database { pool, dialect };
        db.migrate().await?;
        Ok(db)
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: the write lock is
    /// taken at BEGIN, where `busy_timeout` waits for another writer. A deferred `BEGIN` that
    /// reads first cannot wait when it upgrades to a writer: if another connection holds the
    /// write lock, or committed since the first read, the write fails at once with SQLITE_BUSY
    /// ("database is locked") — the 500 behind the flaky role-change test. Every transaction
    /// here writes, so all begin with this.
    pub(crate) async fn begin_write(&self, op: &'static str) -> DbResult<sqlx::Transaction<'static, sqlx::Any>> {
        let tx = match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Dialect::Postgres => self.pool.begin().await,
        };
        tx.map_err(q(op))
    }

    async fn migrate(&self) -> DbResult<()> {
        let sources: &[(i64, &str, &'static str)] = match self.dialect {
            Dialect::Sqlite => &[
                (1, "accounts", include_str!("../../../migrations/sqlite/0001_accounts.sql")),
                (2, "jobs", include_str!("../../../migrations/sqlite/0002_jobs.sql")),
                (3, "datasets", include_str!("../../../migrations/sqlite/0003_datasets.sql")),
                (4, "models", include_str!("../../../migrations/sqlite/0004_models.sql")),
                (5, "mixtures", include_str!("../../../migrations/sqlite/0005_mixtures.sql")),
                (6, "identifiers", include_str!("../../../migrations/sqlite/0006_identifiers.sql")),
                (7, "evaluations", include_str!("../../../migrations/sqlite/0007_evaluations.sql")),
                (8, "job_error_detail", include_str!("../../../migrations/sqlite/0008_job_error_detail.sql")),
                (9, "eval_tasks", include_str!("../../../migrations/sqlite/0009_eval_tasks.sql")),
            ],
            Dialect::Postgres => &[
                (1, "accounts", include_str!("../../../migrations/postgres/0001_accounts.sql")),
                (2, "jobs", include_str!("../../../migrations/postgres/0002_jobs.sql")),
                (3, "datasets", include_str!("../../../migrations/postgres/0003_datasets.sql")),
                (4, "models", include_str!("../../../migrations/postgres/0004_models.sql")),
                (5, "mixtures", include_str!("../../../migrations/postgres/0005_mixtures.sql")),
                (6, "identifiers", include_str!("../../../migrations/postgres/0006_identifiers.sql")),
                (7, "evaluations", include_str!("../../../migrations/postgres/0007_evaluations.sql")),
                (8, "job_error_detail", include_str!("../../../migrations/postgres/0008_job_error_detail.sql")),
                (9, "eval_tasks", include_str!("../../../migrations/postgres/0009_eval_tasks.sql")),
            ],
        };
        let migrations = sources
            .iter()
            .map(|(v, d, sql)| Migration::new(*v, Cow::Borrowed(*d), MigrationType::Simple, sql.into_sql_str(), false))
            .collect();
        Migrator::with_migrations(migrations).run(&self.pool).await?;
        Ok(())
    }

    /// `GET /readyz`: can we run a query right now?
    pub async fn ping(&self) -> DbResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(q("ping"))?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

//! The job queue's SQL: enqueue, claim (without double execution), lease renewal, progress and
//! events, finishing, re-queueing expired leases, cancel and retry; and the workers table.
//!
//! Claiming: on PostgreSQL the candidate row is picked `FOR UPDATE SKIP LOCKED`, so concurrent
//! workers never wait on or take the same row; on SQLite the single `UPDATE … WHERE id = (SELECT …)
//! AND state = 'queued'` statement runs under SQLite's one-writer lock. Either way the claim is
//! one short statement: no transaction is held while a job runs. A running job is owned by
//! `(worker_id, attempt)`: every later write checks both, so a worker that lost its lease can no
//! longer touch the job.

use polytune_api::{
    Counters, ErrorDetail, EventBody, Job, JobEvent, JobId, JobOutput, JobPayload, JobProgress, JobState, LogLine,
    Phase, StateChange, WorkerId,
};
use sqlx::Row;

use super::{Database, DbError, DbResult, Dialect, Scoped, now_ms, q};

/// What a worker can run: CPU jobs always; GPU jobs only with a GPU.
#[derive(Debug, Clone, Copy)]
pub struct Capacity {
    pub has_gpu: bool,
    pub memory_mb: i64,
}

pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload: &'a str,
    pub priority: i64,
    pub needs_gpu: bool,
    pub memory_mb: i64,
    pub max_attempts: i64,
    pub created_by: &'a str,
}

/// A job as a worker holds it after claiming.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub workspace_id: String,
    pub kind: String,
    pub payload: String,
    pub attempt: i64,
    pub checkpoint: Option<String>,
}

const JOB_COLUMNS: &str = "j.id, j.workspace_id, j.kind, j.payload, j.state, j.priority, j.needs_gpu, j.memory_mb, \
     u.email AS created_by_email, j.created_at, j.started_at, j.finished_at, j.attempt, j.max_attempts, j.worker_id, \
     j.heartbeat_at, j.progress, j.phase, j.counters, j.result, j.error, j.error_detail, j.cancel_requested, j.checkpoint";

fn job_from_row(row: &sqlx::any::AnyRow) -> DbResult<Job> {
    let state: String = row.try_get("state").map_err(q("job state"))?;
    let json = |col: &str| -> DbResult<serde_json::Value> {
        let s: Option<String> = row.try_get(col).map_err(q("job json"))?;
        Ok(s.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(serde_json::Value::Null))
    };
    let id: String = row.try_get("id").map_err(q("job id"))?;
    let kind: String = row.try_get("kind").map_err(q("job kind"))?;
    let unreadable = |what: String| DbError::Corrupt(format!("job {id}: {what}"));
    let work = JobPayload::parse(&kind, json("payload")?).map_err(|e| unreadable(format!("payload: {e}")))?;
    let result = match json("result")? {
        serde_json::Value::Null => None,
        v => Some(JobOutput::parse(work.kind(), v).map_err(|e| unreadable(format!("result: {e}")))?),
    };
    let phase: String = row.try_get("phase").map_err(q("job phase"))?;
    let counters: Counters = serde_json::from_value(json("counters")?).unwrap_or_default();
    Ok(Job {
        id: id.into(),
        workspace_id: row.try_get::<String, _>("workspace_id").map_err(q("job ws"))?.into(),
        work,
        state: JobState::parse(&state).unwrap_or(JobState::Failed),
        priority: row.try_get("priority").map_err(q("job priority"))?,
        needs_gpu: row.try_get::<i64, _>("needs_gpu").map_err(q("job gpu"))? != 0,
        memory_mb: row.try_get("memory_mb").map_err(q("job mem"))?,
        created_by: row.try_get("created_by_email").map_err(q("job creator"))?,
        created_at: row.try_get("created_at").map_err(q("job created"))?,
        started_at: row.try_get("started_at").map_err(q("job started"))?,
        finished_at: row.try_get("finished_at").map_err(q("job finished"))?,
        attempt: row.try_get("attempt").map_err(q("job attempt"))?,
        max_attempts: row.try_get("max_attempts").map_err(q("job max"))?,
        worker_id: row.try_get::<Option<String>, _>("worker_id").map_err(q("job worker"))?.map(WorkerId::from),
        heartbeat_at: row.try_get("heartbeat_at").map_err(q("job heartbeat"))?,
        progress: row.try_get("progress").map_err(q("job progress"))?,
        phase: Phase::parse(&phase),
        counters,
        result,
        error: row.try_get("error").map_err(q("job error"))?,
        error_detail: row
            .try_get::<Option<String>, _>("error_detail")
            .map_err(q("job error detail"))?
            .and_then(|d| serde_json::from_str(&d).ok()),
        cancel_requested: row.try_get::<i64, _>("cancel_requested").map_err(q("job cancel"))? != 0,
        has_checkpoint: row.try_get::<Option<String>, _>("checkpoint").map_err(q("job checkpoint"))?.is_some(),
    })
}

fn event_from_row(row: &sqlx::any::AnyRow) -> DbResult<JobEvent> {
    let data: String = row.try_get("data").map_err(q("event data"))?;
    let kind: String = row.try_get("kind").map_err(q("event kind"))?;
    let id: i64 = row.try_get("id").map_err(q("event id"))?;
    // An event this version cannot read still keeps its place in the stream (as a log line), so
    // a follower moves past it.
    let body = EventBody::parse(&kind, &data).unwrap_or_else(|e| {
        tracing::warn!(event = id, %kind, error = %e, "job event read as a log line");
        EventBody::Log(LogLine::default())
    });
    Ok(JobEvent {
        id,
        job_id: row.try_get::<String, _>("job_id").map_err(q("event job"))?.into(),
        at: row.try_get("at").map_err(q("event at"))?,
        message: row.try_get("message").map_err(q("event message"))?,
        body,
    })
}

impl Scoped {
    pub async fn enqueue_job(&self, j: NewJob<'_>) -> DbResult<JobId> {
        let id = super::new_id();
        let ws = self.workspace_id().as_str();
        let now = now_ms();
        let mut tx = self.begin_write("begin enqueue").await?;
        sqlx::query(
            "INSERT INTO jobs (id, workspace_id, kind, payload, state, priority, needs_gpu, memory_mb, created_by, created_at, not_before, max_attempts) \
             VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&id)
        .bind(ws)
        .bind(j.kind)
        .bind(j.payload)
        .bind(j.priority)
        .bind(i64::from(j.needs_gpu))
        .bind(j.memory_mb)
        .bind(j.created_by)
        .bind(now)
        .bind(now)
        .bind(j.max_attempts)
        .execute(&mut *tx)
        .await
        .map_err(q("insert job"))?;
        let queued = EventBody::State(StateChange::to(JobState::Queued));
        insert_event(&mut tx, self.dialect(), &id, ws, "queued", &queued).await?;
        tx.commit().await.map_err(q("commit enqueue"))?;
        Ok(id.into())
    }
}

impl Database {
    /// Takes the next runnable job this worker can run, or `None`.
    pub async fn claim_job(&self, worker_id: &str, cap: Capacity, lease_ms: i64) -> DbResult<Option<Claimed>> {
        let now = now_ms();
        let lock = match self.dialect() {
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
            Dialect::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET state = 'running', worker_id = $1, attempt = attempt + 1, lease_expires_at = $2, heartbeat_at = $3, \
               started_at = COALESCE(started_at, $3), phase = 'starting' \
             WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND not_before <= $3 AND (needs_gpu = 0 OR $4 = 1) \
                         AND memory_mb <= $5 ORDER BY priority DESC, created_at, id LIMIT 1{lock}) \
               AND state = 'queued' \
             RETURNING id, workspace_id, kind, payload, attempt, checkpoint"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(worker_id)
            .bind(now + lease_ms)
            .bind(now)
            .bind(i64::from(cap.has_gpu))
            .bind(cap.memory_mb)
            .fetch_optional(self.pool())
            .await
            .map_err(q("claim job"))?;
        let Some(row) = row else { return Ok(None) };
        let claimed = Claimed {
            id: row.try_get("id").map_err(q("claimed id"))?,
            workspace_id: row.try_get("workspace_id").map_err(q("claimed ws"))?,
            kind: row.try_get("kind").map_err(q("claimed kind"))?,
            payload: row.try_get("payload").map_err(q("claimed payload"))?,
            attempt: row.try_get("attempt").map_err(q("claimed attempt"))?,
            checkpoint: row.try_get("checkpoint").map_err(q("claimed checkpoint"))?,
        };
        let running = StateChange {
            worker_id: Some(worker_id.into()),
            attempt: Some(claimed.attempt),
            ..StateChange::to(JobState::Running)
        };
        let message = format!("running on {worker_id} (attempt {})", claimed.attempt);
        self.job_event(&claimed.id, &claimed.workspace_id, &message, &EventBody::State(running)).await?;
        Ok(Some(claimed))
    }

    /// Renews the lease. Returns `Ok(None)` when the job is no longer this attempt's (lease lost),
    /// else whether cancellation was requested.
    pub async fn renew_lease(
        &self,
        job_id: &str,
        worker_id: &str,
        attempt: i64,
        lease_ms: i64,
    ) -> DbResult<Option<bool>> {
        let now = now_ms();
        let row = sqlx::query(
            "UPDATE jobs SET lease_expires_at = $1, heartbeat_at = $2 \
             WHERE id = $3 AND worker_id = $4 AND attempt = $5 AND state = 'running' RETURNING cancel_requested",
        )
        .bind(now + lease_ms)
        .bind(now)
        .bind(job_id)
        .bind(worker_id)
        .bind(attempt)
        .fetch_optional(self.pool())
        .await
        .map_err(q("renew lease"))?;
        row.map(|r| r.try_get::<i64, _>("cancel_requested").map(|c| c != 0)).transpose().map_err(q("lease row"))
    }

    /// Records progress (and an event for live viewers). Returns `None` once the attempt lost
    /// the job, else whether cancellation was requested (so a job notices within one step).
    pub async fn job_progress(
        &self,
        owner: (&str, &str, i64),
        workspace_id: &str,
        report: &JobProgress,
    ) -> DbResult<Option<bool>> {
        let phase = report.phase.map(Phase::as_str).unwrap_or("");
        let (job_id, worker_id, attempt) = owner;
        let row = sqlx::query(
            "UPDATE jobs SET progress = $1, phase = $2, counters = $3 \
             WHERE id = $4 AND worker_id = $5 AND attempt = $6 AND state = 'running' RETURNING cancel_requested",
        )
        .bind(report.fraction)
        .bind(phase)
        .bind(serde_json::to_string(&report.counters).unwrap_or_default())
        .bind(job_id)
        .bind(worker_id)
        .bind(attempt)
        .fetch_optional(self.pool())
        .await
        .map_err(q("job progress"))?;
        let Some(row) = row else { return Ok(None) };
        let cancel = row.try_get::<i64, _>("cancel_requested").map_err(q("progress cancel"))? != 0;
        self.job_event(job_id, workspace_id, phase, &EventBody::Progress(report.clone())).await?;
        Ok(Some(cancel))
    }

    /// Stores a checkpoint atomically with the progress it corresponds to.
    pub async fn job_checkpoint(&self, owner: (&str, &str, i64), checkpoint: &str) -> DbResult<bool> {
        let (job_id, worker_id, attempt) = owner;
        Ok(sqlx::query(
            "UPDATE jobs SET checkpoint = $1 WHERE id = $2 AND worker_id = $3 AND attempt = $4 AND state = 'running'",
        )
        .bind(checkpoint)
        .bind(job_id)
        .bind(worker_id)
        .bind(attempt)
        .execute(self.pool())
        .await
        .map_err(q("job checkpoint"))?
        .rows_affected()
            == 1)
    }

    /// Appends to the event stream. Readers follow the stream by id (`id > last seen`), so ids
    /// must become visible in order: on PostgreSQL concurrent inserts could commit out of id order
    /// and a reader could skip one, so inserts take a transaction-scoped advisory lock (held for
    /// the few hundred microseconds of the insert). SQLite has one writer anyway.
    pub async fn job_event(&self, job_id: &str, workspace_id: &str, message: &str, body: &EventBody) -> DbResult<()> {
        let mut tx = self.begin_write("begin event").await?;
        insert_event(&mut tx, self.dialect(), job_id, workspace_id, message, body).await?;
        tx.commit().await.map_err(q("commit event"))?;
        Ok(())
    }

    /// Ends an attempt: succeeded (with result), failed (with error; re-queued with backoff while
    /// attempts remain), cancelled, or released by a stopping worker. Only the owning attempt can
    /// finish a job; returns whether it did.
    pub async fn finish_job(
        &self,
        owner: (&str, &str, i64),
        workspace_id: &str,
        outcome: Outcome<'_>,
    ) -> DbResult<bool> {
        let (job_id, worker_id, attempt) = owner;
        // $1 now, $2 the outcome's text (result or error); the owner check and RETURNING are shared.
        let (sql, value, message): (&'static str, Option<&str>, &str) = match outcome {
            Outcome::Succeeded(result) => (
                "UPDATE jobs SET state = 'succeeded', finished_at = $1, result = $2, progress = 1, phase = 'done', error_detail = NULL, \
                   lease_expires_at = NULL \
                 WHERE id = $3 AND worker_id = $4 AND attempt = $5 AND state = 'running' RETURNING state",
                Some(result),
                "succeeded",
            ),
            Outcome::Released => (
                "UPDATE jobs SET state = 'queued', attempt = attempt - 1, not_before = $1, error = $2, error_detail = NULL, worker_id = NULL, \
                   lease_expires_at = NULL, phase = 'waiting_for_worker' \
                 WHERE id = $3 AND worker_id = $4 AND attempt = $5 AND state = 'running' RETURNING state",
                None,
                "released by a stopping worker; resumes from its checkpoint",
            ),
            Outcome::Cancelled => (
                "UPDATE jobs SET state = 'cancelled', finished_at = $1, error = $2, error_detail = NULL, lease_expires_at = NULL \
                 WHERE id = $3 AND worker_id = $4 AND attempt = $5 AND state = 'running' RETURNING state",
                Some("cancelled"),
                "cancelled",
            ),
            Outcome::Failed(error, _) => (
                "UPDATE jobs SET state = CASE WHEN attempt < max_attempts THEN 'queued' ELSE 'failed' END, \
                   finished_at = CASE WHEN attempt < max_attempts THEN NULL ELSE $1 END, \
                   not_before = $1 + 1000 * attempt * attempt, error = $2, error_detail = $6, worker_id = NULL, \
                   lease_expires_at = NULL \
                 WHERE id = $3 AND worker_id = $4 AND attempt = $5 AND state = 'running' RETURNING state",
                Some(error),
                error,
            ),
        };
        let detail = match outcome {
            Outcome::Failed(_, Some(d)) => serde_json::to_string(d).ok(),
            _ => None,
        };
        let mut query = sqlx::query_scalar(sql).bind(now_ms()).bind(value).bind(job_id).bind(worker_id).bind(attempt);
        if matches!(outcome, Outcome::Failed(..)) {
            query = query.bind(detail);
        }
        let state: Option<String> = query.fetch_optional(self.pool()).await.map_err(q("finish job"))?;
        let Some(state) = state else { return Ok(false) };
        let state = JobState::parse(&state).unwrap_or(JobState::Failed);
        let change = match outcome {
            Outcome::Failed(error, detail) => StateChange {
                error: Some(error.to_string()),
                error_detail: detail.cloned(),
                retrying: state == JobState::Queued,
                ..StateChange::to(state)
            },
            _ => StateChange::to(state),
        };
        self.job_event(job_id, workspace_id, message, &EventBody::State(change)).await?;
        Ok(true)
    }

    /// Re-queues running jobs whose lease expired (their worker died or lost the database), with
    /// backoff; jobs out of attempts fail with the last error. Returns how many were touched.
    pub async fn requeue_expired(&self) -> DbResult<u64> {
        let now = now_ms();
        let expired: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT id, workspace_id, attempt, max_attempts FROM jobs WHERE state = 'running' AND lease_expires_at < $1",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await
        .map_err(q("find expired"))?;
        let mut touched = 0;
        for (id, ws, attempt, max) in expired {
            let (state, msg) = if attempt < max {
                (JobState::Queued, "lease expired: re-queued")
            } else {
                (JobState::Failed, "lease expired: out of attempts")
            };
            let n = sqlx::query(
                "UPDATE jobs SET state = $1, worker_id = NULL, lease_expires_at = NULL, not_before = $2, \
                   error = COALESCE(error, $3), error_detail = CASE WHEN error IS NULL THEN NULL ELSE error_detail END, \
                   finished_at = CASE WHEN $1 = 'failed' THEN $4 ELSE NULL END \
                 WHERE id = $5 AND state = 'running' AND attempt = $6 AND lease_expires_at < $4",
            )
            .bind(state.as_str())
            .bind(now + 500 * attempt)
            .bind(msg)
            .bind(now)
            .bind(&id)
            .bind(attempt)
            .execute(self.pool())
            .await
            .map_err(q("requeue expired"))?
            .rows_affected();
            if n == 1 {
                touched += 1;
                self.job_event(&id, &ws, msg, &EventBody::State(StateChange::to(state))).await?;
            }
        }
        Ok(touched)
    }
}

impl Scoped {
    /// Cancels a queued job at once, or asks a running one to stop at its next safe point.
    pub async fn cancel_job(&self, job_id: &JobId) -> DbResult<Option<JobState>> {
        let (workspace_id, job_id) = (self.workspace_id().as_str(), job_id.as_str());
        let now = now_ms();
        let queued = sqlx::query(
            "UPDATE jobs SET state = 'cancelled', finished_at = $1, error = 'cancelled before it started', error_detail = NULL \
             WHERE id = $2 AND workspace_id = $3 AND state = 'queued'",
        )
        .bind(now)
        .bind(job_id)
        .bind(workspace_id)
        .execute(self.pool())
        .await
        .map_err(q("cancel queued"))?
        .rows_affected();
        if queued == 1 {
            let cancelled = EventBody::State(StateChange::to(JobState::Cancelled));
            self.unscoped().job_event(job_id, workspace_id, "cancelled", &cancelled).await?;
            return Ok(Some(JobState::Cancelled));
        }
        let running = sqlx::query(
            "UPDATE jobs SET cancel_requested = 1 WHERE id = $1 AND workspace_id = $2 AND state = 'running'",
        )
        .bind(job_id)
        .bind(workspace_id)
        .execute(self.pool())
        .await
        .map_err(q("cancel running"))?
        .rows_affected();
        if running == 1 {
            let asked = EventBody::Log(LogLine::default());
            self.unscoped().job_event(job_id, workspace_id, "cancellation requested", &asked).await?;
            return Ok(Some(JobState::Running));
        }
        Ok(None)
    }

    /// Puts a failed or cancelled job back in the queue with fresh attempts (keeping its checkpoint).
    pub async fn retry_job(&self, job_id: &JobId) -> DbResult<bool> {
        let (workspace_id, job_id) = (self.workspace_id().as_str(), job_id.as_str());
        let now = now_ms();
        let n = sqlx::query(
            "UPDATE jobs SET state = 'queued', not_before = $1, finished_at = NULL, error = NULL, error_detail = NULL, cancel_requested = 0, \
               max_attempts = attempt + 3 WHERE id = $2 AND workspace_id = $3 AND state IN ('failed', 'cancelled')",
        )
        .bind(now)
        .bind(job_id)
        .bind(workspace_id)
        .execute(self.pool())
        .await
        .map_err(q("retry job"))?
        .rows_affected();
        if n == 1 {
            let queued = EventBody::State(StateChange::to(JobState::Queued));
            self.unscoped().job_event(job_id, workspace_id, "queued again", &queued).await?;
        }
        Ok(n == 1)
    }

    pub async fn jobs(&self, limit: i64) -> DbResult<Vec<Job>> {
        let workspace_id = self.workspace_id().as_str();
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs j JOIN users u ON u.id = j.created_by WHERE j.workspace_id = $1 \
             ORDER BY j.created_at DESC, j.id DESC LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(workspace_id)
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .map_err(q("list jobs"))?;
        // One row this version cannot read (written by a newer one, or damaged) is left out of the
        // list, with a warning, rather than hiding every other job.
        Ok(rows
            .iter()
            .filter_map(|r| job_from_row(r).map_err(|e| tracing::warn!(error = %e, "job left out of the list")).ok())
            .collect())
    }

    pub async fn job(&self, job_id: &JobId) -> DbResult<Option<Job>> {
        let (workspace_id, job_id) = (self.workspace_id().as_str(), job_id.as_str());
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs j JOIN users u ON u.id = j.created_by WHERE j.workspace_id = $1 AND j.id = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(workspace_id)
            .bind(job_id)
            .fetch_optional(self.pool())
            .await
            .map_err(q("get job"))?;
        row.as_ref().map(job_from_row).transpose()
    }

    /// Events after `after` (exclusive), oldest first: of one job, or of a whole workspace.
    pub async fn job_events(&self, job_id: Option<&JobId>, after: i64, limit: i64) -> DbResult<Vec<JobEvent>> {
        let (workspace_id, job_id) = (self.workspace_id().as_str(), job_id.map(|j| j.as_str()));
        let rows = sqlx::query(
            "SELECT id, job_id, at, kind, message, data FROM job_events \
             WHERE workspace_id = $1 AND ($2 IS NULL OR job_id = $2) AND id > $3 ORDER BY id LIMIT $4",
        )
        .bind(workspace_id)
        .bind(job_id)
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(q("job events"))?;
        rows.iter().map(event_from_row).collect()
    }

    pub async fn last_job_event_id(&self) -> DbResult<i64> {
        let workspace_id = self.workspace_id().as_str();
        let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM job_events WHERE workspace_id = $1")
            .bind(workspace_id)
            .fetch_one(self.pool())
            .await
            .map_err(q("last event id"))?;
        Ok(id.unwrap_or(0))
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    Succeeded(&'a str),
    /// The error in words, and as a code with arguments where the job knows one.
    Failed(&'a str, Option<&'a ErrorDetail>),
    Cancelled,
    /// The worker is shutting down: back to the queue, the attempt not counted.
    Released,
}

/// Lock key serializing event inserts on PostgreSQL (see [`Database::job_event`]).
const EVENT_ORDER_LOCK: i64 = 0x706f_6c79_7475_6e65;

async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    dialect: Dialect,
    job_id: &str,
    workspace_id: &str,
    message: &str,
    body: &EventBody,
) -> DbResult<()> {
    if dialect == Dialect::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(EVENT_ORDER_LOCK)
            .execute(&mut **tx)
            .await
            .map_err(q("event order lock"))?;
    }
    sqlx::query(
        "INSERT INTO job_events (job_id, workspace_id, at, kind, message, data) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(job_id)
    .bind(workspace_id)
    .bind(now_ms())
    .bind(body.kind())
    .bind(message)
    .bind(body.data_json())
    .execute(&mut **tx)
    .await
    .map_err(q("insert event"))?;
    Ok(())
}

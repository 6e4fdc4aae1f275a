//! The workers table: each worker registers what its machine offers and heartbeats with the jobs
//! it runs; the studio reads machine facts from here.

use polytune_api::Worker;
use sqlx::Row;

use super::{Database, DbResult, now_ms, q};

impl Database {
    pub async fn register_worker(
        &self,
        id: &str,
        hostname: &str,
        capabilities: &polytune_api::Capabilities,
        slots: i64,
    ) -> DbResult<()> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO workers (id, hostname, pid, capabilities, slots, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(id)
        .bind(hostname)
        .bind(i64::from(std::process::id()))
        .bind(serde_json::to_string(capabilities).unwrap_or_default())
        .bind(slots)
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(q("register worker"))?;
        Ok(())
    }

    pub async fn worker_heartbeat(&self, id: &str, current_jobs: &[String], stopped: bool) -> DbResult<()> {
        let now = now_ms();
        sqlx::query("UPDATE workers SET heartbeat_at = $1, current_jobs = $2, stopped_at = $3 WHERE id = $4")
            .bind(now)
            .bind(serde_json::to_string(current_jobs).unwrap_or_else(|_| "[]".into()))
            .bind(stopped.then_some(now))
            .bind(id)
            .execute(self.pool())
            .await
            .map_err(q("worker heartbeat"))?;
        Ok(())
    }

    /// Workers seen in the last hour, newest heartbeat first.
    pub async fn workers(&self) -> DbResult<Vec<Worker>> {
        let now = now_ms();
        let rows = sqlx::query(
            "SELECT id, hostname, pid, capabilities, slots, started_at, heartbeat_at, current_jobs, stopped_at FROM workers \
             WHERE heartbeat_at > $1 ORDER BY heartbeat_at DESC",
        )
        .bind(now - 3_600_000)
        .fetch_all(self.pool())
        .await
        .map_err(q("list workers"))?;
        rows.iter()
            .map(|r| {
                let caps: String = r.try_get("capabilities").map_err(q("worker caps"))?;
                let jobs: String = r.try_get("current_jobs").map_err(q("worker jobs"))?;
                let heartbeat_at: i64 = r.try_get("heartbeat_at").map_err(q("worker hb"))?;
                Ok(Worker {
                    id: r.try_get::<String, _>("id").map_err(q("worker id"))?.into(),
                    hostname: r.try_get("hostname").map_err(q("worker host"))?,
                    pid: r.try_get("pid").map_err(q("worker pid"))?,
                    capabilities: serde_json::from_str(&caps).unwrap_or_default(),
                    slots: r.try_get("slots").map_err(q("worker slots"))?,
                    started_at: r.try_get("started_at").map_err(q("worker started"))?,
                    heartbeat_at,
                    heartbeat_age_ms: now - heartbeat_at,
                    current_jobs: serde_json::from_str(&jobs).unwrap_or_default(),
                    stopped_at: r.try_get("stopped_at").map_err(q("worker stopped"))?,
                })
            })
            .collect()
    }
}

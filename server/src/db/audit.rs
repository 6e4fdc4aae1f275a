//! The append-only audit log.

use polytune_api::AuditEvent;

use super::{Database, DbResult, now_ms, q};

/// One thing worth recording. Empty strings are stored as NULL.
#[derive(Debug, Default, Clone)]
pub struct AuditEntry<'a> {
    pub action: &'a str,
    pub actor_id: Option<&'a str>,
    pub actor_email: Option<&'a str>,
    pub workspace_id: Option<&'a str>,
    pub target: Option<&'a str>,
    pub detail: Option<String>,
    pub client_ip: Option<&'a str>,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    action: String,
    actor_email: Option<String>,
    workspace_id: Option<String>,
    target: Option<String>,
    detail: Option<String>,
    client_ip: Option<String>,
}

impl Database {
    pub async fn audit(&self, e: AuditEntry<'_>) -> DbResult<()> {
        sqlx::query(
            "INSERT INTO audit_events (at, action, actor_id, actor_email, workspace_id, target, detail, client_ip) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(now_ms())
        .bind(e.action)
        .bind(e.actor_id)
        .bind(e.actor_email)
        .bind(e.workspace_id)
        .bind(e.target)
        .bind(e.detail.as_deref())
        .bind(e.client_ip)
        .execute(self.pool())
        .await
        .map_err(q("write audit event"))?;
        Ok(())
    }

    /// Newest first, at most `limit`, before event id `before` when paging. `workspace_id = None`
    /// lists everything (administrators).
    pub async fn audit_events(
        &self,
        workspace_id: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> DbResult<Vec<AuditEvent>> {
        super::fault("audit_events").await?;
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, at, action, actor_email, workspace_id, target, detail, client_ip FROM audit_events \
             WHERE ($1 IS NULL OR workspace_id = $1) AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(workspace_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(q("list audit events"))?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEvent {
                id: r.id,
                at: r.at,
                action: r.action,
                actor_email: r.actor_email,
                workspace_id: r.workspace_id.map(Into::into),
                target: r.target,
                detail: r.detail,
                client_ip: r.client_ip,
            })
            .collect())
    }
}

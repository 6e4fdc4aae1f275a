//! Language identifiers a workspace trained, and which one its profiles use.

use polytune_api::{Identifier, IdentifierId, IdentifierReport, IdentifierState, JobId, VersionId};

use super::{DbResult, Scoped, now_ms, q};

type Row = (String, String, Option<String>, String, String, Option<String>, i64, i64);
const COLS: &str = "id, name, version_id, job_id, state, report, active, created_at";

fn from_row(r: Row) -> Identifier {
    let (id, name, version_id, job_id, state, report, active, created_at) = r;
    let state = match state.as_str() {
        "ready" => IdentifierState::Ready,
        "failed" => IdentifierState::Failed,
        _ => IdentifierState::Training,
    };
    let report: Option<IdentifierReport> = report.and_then(|r| serde_json::from_str(&r).ok());
    Identifier {
        id: id.into(),
        name,
        version_id: version_id.map(VersionId::from).unwrap_or_default(),
        job_id: job_id.into(),
        state,
        active: active != 0,
        report,
        created_at,
    }
}

impl Scoped {
    pub async fn insert_identifier(
        &self,
        id: &IdentifierId,
        name: &str,
        version_id: &VersionId,
        user_id: &str,
    ) -> DbResult<()> {
        self.own_version(version_id).await?;
        sqlx::query(
            "INSERT INTO identifiers (id, workspace_id, name, version_id, job_id, state, active, created_by, created_at) \
             VALUES ($1, $2, $3, $4, '', 'training', 0, $5, $6)",
        )
        .bind(id.as_str())
        .bind(self.workspace_id().as_str())
        .bind(name)
        .bind(version_id.as_str())
        .bind(user_id)
        .bind(now_ms())
        .execute(self.pool())
        .await
        .map_err(q("insert identifier"))?;
        Ok(())
    }

    pub async fn set_identifier_job(&self, id: &IdentifierId, job_id: &JobId) -> DbResult<()> {
        sqlx::query("UPDATE identifiers SET job_id = $1 WHERE id = $2 AND workspace_id = $3")
            .bind(job_id.as_str())
            .bind(id.as_str())
            .bind(self.workspace_id().as_str())
            .execute(self.pool())
            .await
            .map_err(q("set identifier job"))?;
        Ok(())
    }

    pub async fn finish_identifier(&self, id: &IdentifierId, blob: &str, report: &IdentifierReport) -> DbResult<()> {
        sqlx::query(
            "UPDATE identifiers SET state = 'ready', blob = $1, report = $2 WHERE id = $3 AND workspace_id = $4",
        )
        .bind(blob)
        .bind(serde_json::to_string(report).unwrap_or_default())
        .bind(id.as_str())
        .bind(self.workspace_id().as_str())
        .execute(self.pool())
        .await
        .map_err(q("finish identifier"))?;
        Ok(())
    }

    pub async fn fail_identifier(&self, id: &IdentifierId) -> DbResult<()> {
        sqlx::query(
            "UPDATE identifiers SET state = 'failed' WHERE id = $1 AND workspace_id = $2 AND state = 'training'",
        )
        .bind(id.as_str())
        .bind(self.workspace_id().as_str())
        .execute(self.pool())
        .await
        .map_err(q("fail identifier"))?;
        Ok(())
    }

    pub async fn identifiers(&self) -> DbResult<Vec<Identifier>> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM identifiers WHERE workspace_id = $1 ORDER BY created_at DESC"
        )))
        .bind(self.workspace_id().as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("list identifiers"))?;
        Ok(rows.into_iter().map(from_row).collect())
    }

    pub async fn identifier(&self, id: &IdentifierId) -> DbResult<Option<Identifier>> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM identifiers WHERE workspace_id = $1 AND id = $2"
        )))
        .bind(self.workspace_id().as_str())
        .bind(id.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(q("get identifier"))?;
        Ok(row.map(from_row))
    }

    /// The active identifier of a workspace and its model blob, if one is active.
    pub async fn active_identifier(&self) -> DbResult<Option<(String, String)>> {
        sqlx::query_as("SELECT id, blob FROM identifiers WHERE workspace_id = $1 AND active = 1 AND state = 'ready' AND blob IS NOT NULL")
            .bind(self.workspace_id().as_str())
            .fetch_optional(self.pool())
            .await
            .map_err(q("active identifier"))
    }

    /// Makes `id` (a ready identifier of the workspace) the active one, or none.
    pub async fn use_identifier(&self, id: Option<&IdentifierId>) -> DbResult<()> {
        let mut tx = self.begin_write("use identifier").await?;
        sqlx::query("UPDATE identifiers SET active = 0 WHERE workspace_id = $1")
            .bind(self.workspace_id().as_str())
            .execute(&mut *tx)
            .await
            .map_err(q("use identifier"))?;
        if let Some(id) = id {
            sqlx::query("UPDATE identifiers SET active = 1 WHERE workspace_id = $1 AND id = $2 AND state = 'ready'")
                .bind(self.workspace_id().as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(q("use identifier"))?;
        }
        tx.commit().await.map_err(q("use identifier"))?;
        Ok(())
    }
}

//! Evaluation tasks made from a workspace's files: the catalog entry, the mapping and the items.

use std::sync::Arc;

use polytune_api::{EvalTask, FileTaskInfo, TaskMapping};
use polytune_eval::file_task::read_items;
use polytune_eval::{Item, TaskRef};

use super::{DbError, DbResult, Scoped, now_ms, q};

/// A new task's row.
pub struct NewEvalTask<'a> {
    pub info: &'a EvalTask,
    pub file_name: &'a str,
    pub source_blob: &'a str,
    pub mapping: &'a TaskMapping,
    /// JSON lines of [`Item`]s.
    pub items: &'a str,
    pub created_by: &'a str,
}

fn corrupt(id: &str, what: &str, e: impl std::fmt::Display) -> DbError {
    DbError::Corrupt(format!("evaluation task {id} has an unreadable {what}: {e}"))
}

type Row = (String, String, String, String, i64);

fn from_row((id, file_name, mapping, info, created_at): Row) -> DbResult<FileTaskInfo> {
    Ok(FileTaskInfo {
        task: serde_json::from_str(&info).map_err(|e| corrupt(&id, "catalog entry", e))?,
        mapping: serde_json::from_str(&mapping).map_err(|e| corrupt(&id, "mapping", e))?,
        file_name,
        created_at,
    })
}

impl Scoped {
    pub async fn insert_eval_task(&self, t: NewEvalTask<'_>) -> DbResult<()> {
        sqlx::query(
            "INSERT INTO eval_tasks (id, workspace_id, name, file_name, source_blob, mapping, info, items, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&t.info.id)
        .bind(self.workspace_id().as_str())
        .bind(&t.info.name)
        .bind(t.file_name)
        .bind(t.source_blob)
        .bind(serde_json::to_string(t.mapping).unwrap_or_default())
        .bind(serde_json::to_string(t.info).unwrap_or_default())
        .bind(t.items)
        .bind(t.created_by)
        .bind(now_ms())
        .execute(self.pool())
        .await
        .map_err(q("insert evaluation task"))?;
        Ok(())
    }

    /// The workspace's tasks made from files, oldest first.
    pub async fn eval_tasks(&self) -> DbResult<Vec<FileTaskInfo>> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, file_name, mapping, info, created_at FROM eval_tasks WHERE workspace_id = $1 \
             ORDER BY created_at, id",
        )
        .bind(self.workspace_id().as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("list evaluation tasks"))?;
        rows.into_iter().map(from_row).collect()
    }

    /// A task made from a file, with its items (what an evaluation job asks).
    pub async fn eval_task(&self, id: &str) -> DbResult<Option<TaskRef>> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT info, items FROM eval_tasks WHERE workspace_id = $1 AND id = $2")
                .bind(self.workspace_id().as_str())
                .bind(id)
                .fetch_optional(self.pool())
                .await
                .map_err(q("get evaluation task"))?;
        let Some((info, items)) = row else { return Ok(None) };
        let info: EvalTask = serde_json::from_str(&info).map_err(|e| corrupt(id, "catalog entry", e))?;
        let items: Vec<Item> = read_items(&items).map_err(|e| corrupt(id, "item", e))?;
        Ok(Some(TaskRef::File { info: Box::new(info), items: Arc::new(items) }))
    }

    /// Every task's items, for the contamination check of training data.
    pub async fn eval_task_items(&self) -> DbResult<Vec<(String, Vec<Item>)>> {
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT id, name, items FROM eval_tasks WHERE workspace_id = $1 ORDER BY created_at")
                .bind(self.workspace_id().as_str())
                .fetch_all(self.pool())
                .await
                .map_err(q("list evaluation task items"))?;
        rows.into_iter()
            .map(|(id, name, items)| Ok((name, read_items(&items).map_err(|e| corrupt(&id, "item", e))?)))
            .collect()
    }

    /// Deletes a task made from a file; evaluations that used it keep their scores.
    pub async fn delete_eval_task(&self, id: &str) -> DbResult<bool> {
        let r = sqlx::query("DELETE FROM eval_tasks WHERE workspace_id = $1 AND id = $2")
            .bind(self.workspace_id().as_str())
            .bind(id)
            .execute(self.pool())
            .await
            .map_err(q("delete evaluation task"))?;
        Ok(r.rows_affected() > 0)
    }
}

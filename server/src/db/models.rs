//! Registered models, training runs, their reported points and checkpoints.

use polytune_api::{
    Checkpoint, ContinueFrom, JobId, MixtureId, Model, ModelId, ModelInfo, Run, RunId, RunPoint, TrainSpec, VersionId,
};

use super::{DbResult, Scoped, now_ms, q};

type ModelRow = (String, String, String, String, String, String, i64);
type RunRow = (String, String, String, String, String, String, String, Option<String>, Option<String>, i64);

const MODEL_COLS: &str = "id, workspace_id, name, source, origin, info, created_at";
const RUN_COLS: &str =
    "id, workspace_id, name, model_id, dataset_version_id, spec, job_id, mixture_id, continue_from, created_at";

fn model_from(r: ModelRow) -> Model {
    let (id, workspace_id, name, source, origin, info, created_at) = r;
    let info: ModelInfo = serde_json::from_str(&info).unwrap_or_else(|_| ModelInfo {
        architecture: "unreadable".into(),
        parameters: 0,
        hidden_size: 0,
        intermediate_size: 0,
        layers: 0,
        attention_heads: 0,
        kv_heads: 0,
        head_dim: 0,
        vocab_size: 0,
        context_length: 0,
        tied_embeddings: false,
        rope_theta: 0.0,
        chat_template: String::new(),
        template_is_fallback: true,
        template_preview: String::new(),
    });
    Model { id: id.into(), workspace_id: workspace_id.into(), name, source, origin, info, created_at }
}

fn run_from(r: RunRow) -> Run {
    let (id, workspace_id, name, model_id, dataset_version_id, spec, job_id, mixture_id, continue_from, created_at) = r;
    let spec: TrainSpec = serde_json::from_str(&spec).unwrap_or_default();
    let continue_from = continue_from.and_then(|c| serde_json::from_str(&c).ok());
    Run {
        id: id.into(),
        workspace_id: workspace_id.into(),
        name,
        model_id: model_id.into(),
        dataset_version_id: dataset_version_id.into(),
        spec,
        job_id: job_id.into(),
        mixture_id: mixture_id.map(MixtureId::from),
        continue_from,
        created_at,
    }
}

pub struct NewModel<'a> {
    pub id: &'a ModelId,
    pub name: &'a str,
    pub source: &'a str,
    pub origin: &'a str,
    pub path: &'a str,
    pub info: &'a ModelInfo,
    pub user_id: &'a str,
}

impl Scoped {
    pub async fn insert_model(&self, m: NewModel<'_>) -> DbResult<Model> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO models (id, workspace_id, name, source, origin, path, info, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(m.id.as_str())
        .bind(self.workspace_id().as_str())
        .bind(m.name)
        .bind(m.source)
        .bind(m.origin)
        .bind(m.path)
        .bind(serde_json::to_string(m.info).unwrap_or_default())
        .bind(m.user_id)
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(q("insert model"))?;
        Ok(Model {
            id: m.id.clone(),
            workspace_id: self.workspace_id().clone(),
            name: m.name.into(),
            source: m.source.into(),
            origin: m.origin.into(),
            info: m.info.clone(),
            created_at: now,
        })
    }

    pub async fn models(&self) -> DbResult<Vec<Model>> {
        let rows: Vec<ModelRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {MODEL_COLS} FROM models WHERE workspace_id = $1 ORDER BY created_at DESC"
        )))
        .bind(self.workspace_id().as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("list models"))?;
        Ok(rows.into_iter().map(model_from).collect())
    }

    /// The model and the folder its files are in.
    pub async fn model(&self, id: &ModelId) -> DbResult<Option<(Model, String)>> {
        let row: Option<(String, String, String, String, String, String, i64, String)> = sqlx::query_as(
            sqlx::AssertSqlSafe(format!("SELECT {MODEL_COLS}, path FROM models WHERE workspace_id = $1 AND id = $2")),
        )
        .bind(self.workspace_id().as_str())
        .bind(id.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(q("get model"))?;
        Ok(row.map(|(a, b, c, d, e, f, g, path)| (model_from((a, b, c, d, e, f, g)), path)))
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_run(
        &self,
        id: &RunId,
        name: &str,
        model_id: &ModelId,
        dataset_version_id: &VersionId,
        spec: &TrainSpec,
        job_id: &JobId,
        mixture_id: Option<&MixtureId>,
        continue_from: Option<&ContinueFrom>,
        user_id: &str,
    ) -> DbResult<()> {
        // What the run points at must be this workspace's too.
        self.own("models", model_id).await?;
        self.own_version(dataset_version_id).await?;
        if let Some(m) = mixture_id {
            self.own("mixtures", m).await?;
        }
        if let Some(c) = continue_from {
            self.own("runs", &c.run_id).await?;
        }
        sqlx::query(
            "INSERT INTO runs (id, workspace_id, name, model_id, dataset_version_id, spec, job_id, mixture_id, continue_from, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(id.as_str())
        .bind(self.workspace_id().as_str())
        .bind(name)
        .bind(model_id.as_str())
        .bind(dataset_version_id.as_str())
        .bind(serde_json::to_string(spec).unwrap_or_default())
        .bind(job_id.as_str())
        .bind(mixture_id.map(|m| m.as_str()))
        .bind(continue_from.map(|c| serde_json::to_string(c).unwrap_or_default()))
        .bind(user_id)
        .bind(now_ms())
        .execute(self.pool())
        .await
        .map_err(q("insert run"))?;
        Ok(())
    }

    pub async fn runs(&self) -> DbResult<Vec<Run>> {
        let rows: Vec<RunRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLS} FROM runs WHERE workspace_id = $1 ORDER BY created_at DESC"
        )))
        .bind(self.workspace_id().as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("list runs"))?;
        Ok(rows.into_iter().map(run_from).collect())
    }

    pub async fn run(&self, id: &RunId) -> DbResult<Option<Run>> {
        let row: Option<RunRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLS} FROM runs WHERE workspace_id = $1 AND id = $2"
        )))
        .bind(self.workspace_id().as_str())
        .bind(id.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(q("get run"))?;
        Ok(row.map(run_from))
    }

    /// Records a step or a validation; a step reported again after a resume replaces the old row.
    pub async fn put_run_point(&self, run_id: &RunId, step: i64, kind: &str, data: &serde_json::Value) -> DbResult<()> {
        // Called every training step: the workspace guard is part of the one statement.
        let r = sqlx::query(
            "INSERT INTO run_points (run_id, step, kind, data) \
             SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM runs WHERE id = $1 AND workspace_id = $5) \
             ON CONFLICT (run_id, kind, step) DO UPDATE SET data = excluded.data",
        )
        .bind(run_id.as_str())
        .bind(step)
        .bind(kind)
        .bind(data.to_string())
        .bind(self.workspace_id().as_str())
        .execute(self.pool())
        .await
        .map_err(q("record run point"))?;
        if r.rows_affected() == 0 {
            return Err(super::DbError::NotFound);
        }
        Ok(())
    }

    pub async fn run_points(&self, run_id: &RunId) -> DbResult<Vec<RunPoint>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT p.step, p.kind, p.data FROM run_points p JOIN runs r ON r.id = p.run_id \
             WHERE p.run_id = $1 AND r.workspace_id = $2 ORDER BY p.step, p.kind",
        )
        .bind(run_id.as_str())
        .bind(self.workspace_id().as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("list run points"))?;
        Ok(rows
            .into_iter()
            .map(|(step, kind, data)| RunPoint { step, kind, data: serde_json::from_str(&data).unwrap_or_default() })
            .collect())
    }

    /// Records a checkpoint written to disk, and forgets those the keep policy removed.
    pub async fn put_checkpoint(
        &self,
        run_id: &RunId,
        step: i64,
        path: &str,
        validation_loss: Option<f64>,
        removed: &[i64],
    ) -> DbResult<()> {
        self.own("runs", run_id).await?;
        let mut tx = self.begin_write("begin").await?;
        sqlx::query(
            "INSERT INTO run_checkpoints (run_id, step, path, validation_loss, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (run_id, step) DO UPDATE SET path = excluded.path, validation_loss = excluded.validation_loss",
        )
        .bind(run_id.as_str())
        .bind(step)
        .bind(path)
        .bind(validation_loss)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(q("record checkpoint"))?;
        for s in removed {
            sqlx::query("DELETE FROM run_checkpoints WHERE run_id = $1 AND step = $2")
                .bind(run_id.as_str())
                .bind(s)
                .execute(&mut *tx)
                .await
                .map_err(q("forget checkpoint"))?;
        }
        tx.commit().await.map_err(q("commit"))?;
        Ok(())
    }

    /// Checkpoints of a run, oldest first, with their folders.
    pub async fn checkpoints(&self, run_id: &RunId) -> DbResult<Vec<(Checkpoint, String)>> {
        let rows: Vec<(i64, Option<f64>, i64, String)> = sqlx::query_as(
            "SELECT c.step, c.validation_loss, c.created_at, c.path FROM run_checkpoints c JOIN runs r ON r.id = c.run_id \
             WHERE c.run_id = $1 AND r.workspace_id = $2 ORDER BY c.step",
        )
        .bind(run_id.as_str())
        .bind(self.workspace_id().as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("list checkpoints"))?;
        Ok(rows
            .into_iter()
            .map(|(step, validation_loss, created_at, path)| (Checkpoint { step, validation_loss, created_at }, path))
            .collect())
    }
}

impl Scoped {
    pub async fn set_run_job(&self, run_id: &RunId, job_id: &JobId) -> DbResult<()> {
        sqlx::query("UPDATE runs SET job_id = $1 WHERE id = $2 AND workspace_id = $3")
            .bind(job_id.as_str())
            .bind(run_id.as_str())
            .bind(self.workspace_id().as_str())
            .execute(self.pool())
            .await
            .map_err(q("set run job"))?;
        Ok(())
    }
}

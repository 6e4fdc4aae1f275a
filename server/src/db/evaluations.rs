//! Evaluations, their scored items and stored aggregates. An evaluation's state and progress are
//! its job's.

use std::collections::{BTreeMap, HashSet};

use polytune_api::{
    ChoiceScore, EvalItem, EvalResults, EvalSpec, Evaluation, EvaluationId, JobId, JobState, ModelId, RunId,
};
use polytune_eval::report::Scored;

use super::{DbResult, Scoped, now_ms, q};

const COLS: &str = "e.id, e.model_id, e.run_id, e.checkpoint_step, e.label, e.spec, e.fingerprint, e.job_id, \
                    COALESCE(j.state, 'failed'), COALESCE(j.progress, 0.0), e.created_at";
const FROM: &str = "evaluations e LEFT JOIN jobs j ON j.id = e.job_id";

type Row = (String, String, Option<String>, Option<i64>, String, String, String, String, String, f64, i64);

fn from_row(r: Row) -> DbResult<Evaluation> {
    let (id, model_id, run_id, checkpoint_step, label, spec, fingerprint, job_id, state, progress, created_at) = r;
    let spec: EvalSpec = serde_json::from_str(&spec)
        .map_err(|e| super::DbError::Corrupt(format!("evaluation {id} has an unreadable spec: {e}")))?;
    Ok(Evaluation {
        id: id.into(),
        model_id: model_id.into(),
        run_id: run_id.map(RunId::from),
        checkpoint_step,
        label,
        spec,
        fingerprint,
        job_id: job_id.into(),
        state: JobState::parse(&state).unwrap_or(JobState::Failed),
        progress,
        created_at,
    })
}

/// A new evaluation's row.
pub struct NewEvaluation<'a> {
    pub id: &'a EvaluationId,
    pub model_id: &'a ModelId,
    pub run_id: Option<&'a RunId>,
    pub checkpoint_step: Option<i64>,
    pub label: &'a str,
    pub spec: &'a EvalSpec,
    pub fingerprint: &'a str,
    pub created_by: &'a str,
}

/// One scored item as the job stores it.
pub struct ScoredItem {
    pub task: String,
    pub language: String,
    pub item_id: String,
    pub position: i64,
    pub prompt: String,
    pub output: String,
    pub gold: Option<String>,
    pub choices: Vec<ChoiceScore>,
    pub metrics: BTreeMap<String, f64>,
    pub answered_in: Option<String>,
}

type ItemRow = (String, String, String, String, String, Option<String>, String, String, Option<String>);

impl Scoped {
    pub async fn insert_evaluation(&self, e: NewEvaluation<'_>) -> DbResult<()> {
        // What the row points at must be this workspace's too.
        self.own("models", e.model_id).await?;
        if let Some(run) = e.run_id {
            self.own("runs", run).await?;
        }
        sqlx::query(
            "INSERT INTO evaluations (id, workspace_id, model_id, run_id, checkpoint_step, label, spec, fingerprint, \
             job_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, $10)",
        )
        .bind(e.id.as_str())
        .bind(self.workspace_id().as_str())
        .bind(e.model_id.as_str())
        .bind(e.run_id.map(|r| r.as_str()))
        .bind(e.checkpoint_step)
        .bind(e.label)
        .bind(serde_json::to_string(e.spec).unwrap_or_default())
        .bind(e.fingerprint)
        .bind(e.created_by)
        .bind(now_ms())
        .execute(self.pool())
        .await
        .map_err(q("insert evaluation"))?;
        Ok(())
    }

    pub async fn set_evaluation_job(&self, id: &EvaluationId, job_id: &JobId) -> DbResult<()> {
        sqlx::query("UPDATE evaluations SET job_id = $1 WHERE workspace_id = $2 AND id = $3")
            .bind(job_id.as_str())
            .bind(self.workspace_id().as_str())
            .bind(id.as_str())
            .execute(self.pool())
            .await
            .map_err(q("set evaluation job"))?;
        Ok(())
    }

    pub async fn evaluation(&self, id: &EvaluationId) -> DbResult<Option<Evaluation>> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM {FROM} WHERE e.workspace_id = $1 AND e.id = $2"
        )))
        .bind(self.workspace_id().as_str())
        .bind(id.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(q("get evaluation"))?;
        row.map(from_row).transpose()
    }

    /// The workspace's evaluations, newest first.
    pub async fn evaluations(&self) -> DbResult<Vec<Evaluation>> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM {FROM} WHERE e.workspace_id = $1 ORDER BY e.created_at DESC, e.id DESC"
        )))
        .bind(self.workspace_id().as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("list evaluations"))?;
        rows.into_iter().map(from_row).collect()
    }

    /// The newest evaluation with this fingerprint that succeeded or is still under way.
    pub async fn evaluation_by_fingerprint(&self, fingerprint: &str) -> DbResult<Option<Evaluation>> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM {FROM} WHERE e.workspace_id = $1 AND e.fingerprint = $2 \
             AND j.state IN ('queued', 'running', 'succeeded') ORDER BY e.created_at DESC LIMIT 1"
        )))
        .bind(self.workspace_id().as_str())
        .bind(fingerprint)
        .fetch_optional(self.pool())
        .await
        .map_err(q("find evaluation"))?;
        row.map(from_row).transpose()
    }

    /// The (task, language, item) triples already scored, for a resumed job.
    pub async fn scored_items(&self, evaluation_id: &EvaluationId) -> DbResult<HashSet<(String, String, String)>> {
        self.own("evaluations", evaluation_id).await?;
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT task, language, item_id FROM eval_items WHERE evaluation_id = $1")
                .bind(evaluation_id.as_str())
                .fetch_all(self.pool())
                .await
                .map_err(q("scored items"))?;
        Ok(rows.into_iter().collect())
    }

    /// Stores scored items in one transaction; an item stored before (a retried chunk) is kept.
    pub async fn insert_eval_items(&self, evaluation_id: &EvaluationId, items: &[ScoredItem]) -> DbResult<()> {
        self.own("evaluations", evaluation_id).await?;
        let mut tx = self.begin_write("begin insert eval items").await?;
        for it in items {
            sqlx::query(
                "INSERT INTO eval_items (evaluation_id, task, language, item_id, position, prompt, output, gold, \
                 choices, metrics, answered_in) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (evaluation_id, task, language, item_id) DO NOTHING",
            )
            .bind(evaluation_id.as_str())
            .bind(&it.task)
            .bind(&it.language)
            .bind(&it.item_id)
            .bind(it.position)
            .bind(&it.prompt)
            .bind(&it.output)
            .bind(it.gold.as_deref())
            .bind(serde_json::to_string(&it.choices).unwrap_or_default())
            .bind(serde_json::to_string(&it.metrics).unwrap_or_default())
            .bind(it.answered_in.as_deref())
            .execute(&mut *tx)
            .await
            .map_err(q("insert eval item"))?;
        }
        tx.commit().await.map_err(q("commit eval items"))?;
        Ok(())
    }

    /// Every item's scores (for aggregates and comparisons).
    pub async fn item_scores(&self, evaluation_id: &EvaluationId) -> DbResult<Vec<Scored>> {
        self.own("evaluations", evaluation_id).await?;
        let rows: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT task, language, item_id, metrics, answered_in FROM eval_items WHERE evaluation_id = $1 \
             ORDER BY task, language, position",
        )
        .bind(evaluation_id.as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("item scores"))?;
        Ok(rows
            .into_iter()
            .map(|(task, language, item_id, metrics, answered_in)| Scored {
                task,
                language,
                item_id,
                metrics: serde_json::from_str(&metrics).unwrap_or_default(),
                answered_in,
            })
            .collect())
    }

    /// A page of items, optionally of one task and language, in the data's order; with the number
    /// of items matching.
    pub async fn eval_items(
        &self,
        evaluation_id: &EvaluationId,
        task: Option<&str>,
        language: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> DbResult<(Vec<EvalItem>, usize)> {
        self.own("evaluations", evaluation_id).await?;
        let filter = "evaluation_id = $1 AND ($2 = '' OR task = $2) AND ($3 = '' OR language = $3)";
        let (total,): (i64,) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM eval_items WHERE {filter}")))
                .bind(evaluation_id.as_str())
                .bind(task.unwrap_or(""))
                .bind(language.unwrap_or(""))
                .fetch_one(self.pool())
                .await
                .map_err(q("count eval items"))?;
        let rows: Vec<ItemRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT task, language, item_id, prompt, output, gold, choices, metrics, answered_in FROM eval_items \
             WHERE {filter} ORDER BY task, language, position LIMIT $4 OFFSET $5"
        )))
        .bind(evaluation_id.as_str())
        .bind(task.unwrap_or(""))
        .bind(language.unwrap_or(""))
        .bind(limit as i64)
        .bind(offset as i64)
        .fetch_all(self.pool())
        .await
        .map_err(q("eval items"))?;
        let items = rows
            .into_iter()
            .map(|(task, language, item_id, prompt, output, gold, choices, metrics, answered_in)| {
                let rtl = polytune_api::lang::parse(&language).is_some_and(|t| t.rtl());
                EvalItem {
                    task,
                    language,
                    item_id,
                    prompt,
                    output,
                    gold,
                    choices: serde_json::from_str(&choices).unwrap_or_default(),
                    metrics: serde_json::from_str(&metrics).unwrap_or_default(),
                    answered_in,
                    rtl,
                }
            })
            .collect();
        Ok((items, total as usize))
    }

    pub async fn set_evaluation_results(&self, id: &EvaluationId, results: &EvalResults) -> DbResult<()> {
        sqlx::query("UPDATE evaluations SET results = $1 WHERE id = $2 AND workspace_id = $3")
            .bind(serde_json::to_string(results).unwrap_or_default())
            .bind(id.as_str())
            .bind(self.workspace_id().as_str())
            .execute(self.pool())
            .await
            .map_err(q("store evaluation results"))?;
        Ok(())
    }

    /// The stored aggregates (None until the evaluation finished).
    pub async fn evaluation_results(&self, id: &EvaluationId) -> DbResult<Option<EvalResults>> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT results FROM evaluations WHERE workspace_id = $1 AND id = $2")
                .bind(self.workspace_id().as_str())
                .bind(id.as_str())
                .fetch_optional(self.pool())
                .await
                .map_err(q("evaluation results"))?;
        Ok(row.and_then(|(r,)| r).and_then(|r| serde_json::from_str(&r).ok()))
    }
}

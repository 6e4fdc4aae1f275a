//! Mixtures, augmentation templates, evaluation sets, and the per-language aggregates the
//! builder plans from.

use std::collections::{HashMap, HashSet};

use polytune_api::{
    AugmentTemplate, JobId, LanguageCount, Mixture, MixtureId, MixturePlan, MixtureReport, MixtureSpec, MixtureState,
    SourceFacts, VersionId,
};

use super::{DbResult, Scoped, new_id, now_ms, q};

type MixtureRow =
    (String, String, String, String, String, String, String, Option<String>, Option<String>, Option<String>, i64);

const MIXTURE_COLS: &str =
    "id, workspace_id, name, spec, plan, state, job_id, version_id, validation_version_id, report, created_at";

fn mixture_from(r: MixtureRow) -> Mixture {
    let (id, workspace_id, name, spec, plan, state, job_id, version_id, validation_version_id, report, created_at) = r;
    Mixture {
        id: id.into(),
        workspace_id: workspace_id.into(),
        name,
        spec: serde_json::from_str(&spec).unwrap_or_default(),
        plan: serde_json::from_str(&plan).unwrap_or_default(),
        state: match state.as_str() {
            "ready" => MixtureState::Ready,
            "failed" => MixtureState::Failed,
            _ => MixtureState::Materializing,
        },
        job_id: job_id.into(),
        version_id: version_id.map(VersionId::from),
        validation_version_id: validation_version_id.map(VersionId::from),
        report: report.and_then(|r| serde_json::from_str::<MixtureReport>(&r).ok()),
        created_at,
    }
}

/// A stored template: the builtin ones have ids `builtin:…` and are not stored.
fn template_from((id, template): (String, String)) -> Option<AugmentTemplate> {
    let mut t: AugmentTemplate = serde_json::from_str(&template).ok()?;
    t.id = Some(id);
    Some(t)
}

impl Scoped {
    /// Every ready dataset version of a workspace with its newest ready profile's per-language
    /// counts: four queries over aggregates, whatever the size of the data.
    pub async fn mixture_sources(&self) -> DbResult<Vec<SourceFacts>> {
        let versions: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT v.id, d.id, d.name, v.number, v.examples FROM dataset_versions v \
             JOIN datasets d ON d.id = v.dataset_id WHERE d.workspace_id = $1 AND d.state = 'ready' \
             ORDER BY d.created_at, d.id, v.number",
        )
        .bind(self.workspace_id().as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("list versions for mixtures"))?;
        let profiles: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT p.version_id, p.id, p.tokenizer, p.created_at FROM dataset_profiles p \
             JOIN dataset_versions v ON v.id = p.version_id JOIN datasets d ON d.id = v.dataset_id \
             WHERE d.workspace_id = $1 AND p.state = 'ready' ORDER BY p.created_at, p.id",
        )
        .bind(self.workspace_id().as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("list profiles for mixtures"))?;
        // The newest ready profile wins (rows come oldest first).
        let mut newest: HashMap<String, (String, Option<String>)> = HashMap::new();
        for (v, p, tok, _) in profiles {
            newest.insert(v, (p, tok));
        }
        let chosen: HashSet<&str> = newest.values().map(|(p, _)| p.as_str()).collect();
        let stats: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT s.profile_id, s.language, s.examples, s.tokens FROM dataset_language_stats s \
             JOIN dataset_profiles p ON p.id = s.profile_id JOIN dataset_versions v ON v.id = p.version_id \
             JOIN datasets d ON d.id = v.dataset_id WHERE d.workspace_id = $1 AND p.state = 'ready'",
        )
        .bind(self.workspace_id().as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("list language stats for mixtures"))?;
        let mut by_profile: HashMap<String, Vec<LanguageCount>> = HashMap::new();
        for (p, language, examples, tokens) in stats {
            if chosen.contains(p.as_str()) {
                by_profile.entry(p).or_default().push(LanguageCount {
                    language,
                    examples: examples.max(0) as u64,
                    tokens: tokens.max(0) as u64,
                });
            }
        }
        let evaluation: HashSet<VersionId> = self.evaluation_sets().await?.into_iter().collect();
        Ok(versions
            .into_iter()
            .map(|(version_id, dataset_id, dataset_name, number, examples)| {
                let profile = newest.get(&version_id);
                let mut languages = profile.and_then(|(p, _)| by_profile.remove(p)).unwrap_or_default();
                languages.sort_by(|a, b| b.examples.cmp(&a.examples).then(a.language.cmp(&b.language)));
                let version_id = VersionId::from(version_id);
                SourceFacts {
                    evaluation: evaluation.contains(&version_id),
                    version_id,
                    dataset_id: dataset_id.into(),
                    dataset_name,
                    number,
                    examples: examples.max(0) as u64,
                    languages,
                    profiled: profile.is_some(),
                    tokenizer: profile.and_then(|(_, t)| t.clone()),
                }
            })
            .collect())
    }

    pub async fn evaluation_sets(&self) -> DbResult<Vec<VersionId>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT version_id FROM evaluation_sets WHERE workspace_id = $1 ORDER BY created_at")
                .bind(self.workspace_id().as_str())
                .fetch_all(self.pool())
                .await
                .map_err(q("list evaluation sets"))?;
        Ok(rows.into_iter().map(|r| VersionId::from(r.0)).collect())
    }

    pub async fn add_evaluation_set(&self, version_id: &VersionId, user_id: &str) -> DbResult<()> {
        self.own_version(version_id).await?;
        sqlx::query(
            "INSERT INTO evaluation_sets (workspace_id, version_id, created_by, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (workspace_id, version_id) DO NOTHING",
        )
        .bind(self.workspace_id().as_str())
        .bind(version_id.as_str())
        .bind(user_id)
        .bind(now_ms())
        .execute(self.pool())
        .await
        .map_err(q("add evaluation set"))?;
        Ok(())
    }

    pub async fn remove_evaluation_set(&self, version_id: &VersionId) -> DbResult<bool> {
        let r = sqlx::query("DELETE FROM evaluation_sets WHERE workspace_id = $1 AND version_id = $2")
            .bind(self.workspace_id().as_str())
            .bind(version_id.as_str())
            .execute(self.pool())
            .await
            .map_err(q("remove evaluation set"))?;
        Ok(r.rows_affected() > 0)
    }

    pub async fn templates(&self) -> DbResult<Vec<AugmentTemplate>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, template FROM augment_templates WHERE workspace_id = $1 ORDER BY created_at, id",
        )
        .bind(self.workspace_id().as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("list templates"))?;
        Ok(rows.into_iter().filter_map(template_from).collect())
    }

    pub async fn template(&self, id: &str) -> DbResult<Option<AugmentTemplate>> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT id, template FROM augment_templates WHERE workspace_id = $1 AND id = $2")
                .bind(self.workspace_id().as_str())
                .bind(id)
                .fetch_optional(self.pool())
                .await
                .map_err(q("get template"))?;
        Ok(row.and_then(template_from))
    }

    pub async fn insert_template(&self, t: &AugmentTemplate, user_id: &str) -> DbResult<String> {
        let id = new_id();
        let mut stored = t.clone();
        stored.id = None;
        sqlx::query(
            "INSERT INTO augment_templates (id, workspace_id, template, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(self.workspace_id().as_str())
        .bind(serde_json::to_string(&stored).unwrap_or_default())
        .bind(user_id)
        .bind(now_ms())
        .execute(self.pool())
        .await
        .map_err(q("insert template"))?;
        Ok(id)
    }

    pub async fn update_template(&self, id: &str, t: &AugmentTemplate) -> DbResult<bool> {
        let mut stored = t.clone();
        stored.id = None;
        let r = sqlx::query("UPDATE augment_templates SET template = $1 WHERE workspace_id = $2 AND id = $3")
            .bind(serde_json::to_string(&stored).unwrap_or_default())
            .bind(self.workspace_id().as_str())
            .bind(id)
            .execute(self.pool())
            .await
            .map_err(q("update template"))?;
        Ok(r.rows_affected() > 0)
    }

    pub async fn delete_template(&self, id: &str) -> DbResult<bool> {
        let r = sqlx::query("DELETE FROM augment_templates WHERE workspace_id = $1 AND id = $2")
            .bind(self.workspace_id().as_str())
            .bind(id)
            .execute(self.pool())
            .await
            .map_err(q("delete template"))?;
        Ok(r.rows_affected() > 0)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_mixture(
        &self,
        id: &MixtureId,
        name: &str,
        spec: &MixtureSpec,
        plan: &MixturePlan,
        job_id: &JobId,
        user_id: &str,
    ) -> DbResult<()> {
        sqlx::query(
            "INSERT INTO mixtures (id, workspace_id, name, spec, plan, state, job_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'materializing', $6, $7, $8)",
        )
        .bind(id.as_str())
        .bind(self.workspace_id().as_str())
        .bind(name)
        .bind(serde_json::to_string(spec).unwrap_or_default())
        .bind(serde_json::to_string(plan).unwrap_or_default())
        .bind(job_id.as_str())
        .bind(user_id)
        .bind(now_ms())
        .execute(self.pool())
        .await
        .map_err(q("insert mixture"))?;
        Ok(())
    }

    pub async fn mixtures(&self) -> DbResult<Vec<Mixture>> {
        let rows: Vec<MixtureRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {MIXTURE_COLS} FROM mixtures WHERE workspace_id = $1 ORDER BY created_at DESC, id"
        )))
        .bind(self.workspace_id().as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("list mixtures"))?;
        Ok(rows.into_iter().map(mixture_from).collect())
    }

    pub async fn mixture(&self, id: &MixtureId) -> DbResult<Option<Mixture>> {
        let row: Option<MixtureRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {MIXTURE_COLS} FROM mixtures WHERE workspace_id = $1 AND id = $2"
        )))
        .bind(self.workspace_id().as_str())
        .bind(id.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(q("get mixture"))?;
        Ok(row.map(mixture_from))
    }

    /// The mixture whose training version is `version_id`.
    pub async fn mixture_of_version(&self, version_id: &VersionId) -> DbResult<Option<Mixture>> {
        let sql = format!("SELECT {MIXTURE_COLS} FROM mixtures WHERE version_id = $1 AND workspace_id = $2");
        let row: Option<MixtureRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(version_id.as_str())
            .bind(self.workspace_id().as_str())
            .fetch_optional(self.pool())
            .await
            .map_err(q("get mixture of version"))?;
        Ok(row.map(mixture_from))
    }

    pub async fn finish_mixture(
        &self,
        id: &MixtureId,
        version_id: &VersionId,
        validation_version_id: Option<&VersionId>,
        report: &MixtureReport,
    ) -> DbResult<()> {
        sqlx::query(
            "UPDATE mixtures SET state = 'ready', version_id = $1, validation_version_id = $2, report = $3 \
             WHERE id = $4 AND workspace_id = $5",
        )
        .bind(version_id.as_str())
        .bind(validation_version_id.map(|v| v.as_str()))
        .bind(serde_json::to_string(report).unwrap_or_default())
        .bind(id.as_str())
        .bind(self.workspace_id().as_str())
        .execute(self.pool())
        .await
        .map_err(q("finish mixture"))?;
        Ok(())
    }

    pub async fn set_mixture_job(&self, id: &MixtureId, job_id: &JobId) -> DbResult<()> {
        sqlx::query("UPDATE mixtures SET job_id = $1, state = 'materializing' WHERE id = $2 AND workspace_id = $3")
            .bind(job_id.as_str())
            .bind(id.as_str())
            .bind(self.workspace_id().as_str())
            .execute(self.pool())
            .await
            .map_err(q("set mixture job"))?;
        Ok(())
    }
}

//! Datasets, their immutable versions, profiles and per-language aggregates; resumable uploads.

use polytune_api::{
    Dataset, DatasetState, DatasetVersion, ImportReport, ImportSpec, LanguageStats, ProfileInfo, ProfileState,
    VersionOperation,
};

use polytune_api::{DatasetId, JobId, ProfileId, UploadId, VersionId};

use super::{DbError, DbResult, Scoped, new_id, now_ms, q};

type DatasetRow = (String, String, String, String, String, String, String, Option<String>, Option<String>, i64);
type VersionRow = (String, String, i64, Option<String>, String, String, i64, i64, i64);
type ProfileRow = (String, String, String, String, Option<String>);

const DATASET_COLS: &str =
    "id, workspace_id, name, description, state, file_name, spec, report, import_job_id, created_at";
const VERSION_COLS: &str = "id, dataset_id, number, parent_id, operation, blob, examples, bytes, created_at";

fn state_name(s: DatasetState) -> &'static str {
    match s {
        DatasetState::Importing => "importing",
        DatasetState::NeedsDecision => "needs_decision",
        DatasetState::Ready => "ready",
        DatasetState::Failed => "failed",
    }
}

fn parse_state(s: &str) -> DatasetState {
    match s {
        "needs_decision" => DatasetState::NeedsDecision,
        "ready" => DatasetState::Ready,
        "failed" => DatasetState::Failed,
        _ => DatasetState::Importing,
    }
}

fn profile_info(r: ProfileRow) -> ProfileInfo {
    let (id, _version, job_id, state, tokenizer) = r;
    let state = match state.as_str() {
        "ready" => ProfileState::Ready,
        "failed" => ProfileState::Failed,
        _ => ProfileState::Running,
    };
    ProfileInfo { id: id.into(), state, job_id: job_id.into(), tokenizer }
}

/// A stored profile: its summary and where its per-example data lives.
pub struct StoredProfile {
    pub info: ProfileInfo,
    pub summary: Option<String>,
    pub annotations: Option<String>,
    pub groups: Option<String>,
}

pub struct NewVersion<'a> {
    pub dataset_id: &'a DatasetId,
    pub parent_id: Option<&'a VersionId>,
    pub operation: &'a VersionOperation,
    pub blob: &'a str,
    pub examples: i64,
    pub bytes: i64,
    pub created_by: &'a str,
    pub job_id: &'a JobId,
}

/// Versions of this workspace's datasets (`$1` is the workspace).
const WS_VERSIONS: &str =
    "SELECT v.id FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.workspace_id = $1";

impl Scoped {
    /// Errs `NotFound` unless `version_id` is a version of a dataset of this workspace: the guard
    /// of rows elsewhere that point at a version (runs, identifiers, evaluation sets).
    pub(crate) async fn own_version(&self, version_id: &VersionId) -> DbResult<()> {
        let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT 1 FROM dataset_versions WHERE id = $2 AND id IN ({WS_VERSIONS})"
        )))
        .bind(self.workspace_id().as_str())
        .bind(version_id.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(q("version in workspace"))?;
        found.map(|_| ()).ok_or(DbError::NotFound)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_dataset(
        &self,
        name: &str,
        description: &str,
        file_name: &str,
        source_blob: &str,
        spec: &ImportSpec,
        user_id: &str,
    ) -> DbResult<DatasetId> {
        let id = DatasetId::new(new_id());
        sqlx::query(
            "INSERT INTO datasets (id, workspace_id, name, description, state, file_name, source_blob, spec, created_by, created_at) \
             VALUES ($1, $2, $3, $4, 'importing', $5, $6, $7, $8, $9)",
        )
        .bind(id.as_str())
        .bind(self.workspace_id().as_str())
        .bind(name)
        .bind(description)
        .bind(file_name)
        .bind(source_blob)
        .bind(serde_json::to_string(spec).unwrap_or_default())
        .bind(user_id)
        .bind(now_ms())
        .execute(self.pool())
        .await
        .map_err(q("insert dataset"))?;
        Ok(id)
    }

    pub async fn set_dataset_import(
        &self,
        id: &DatasetId,
        state: DatasetState,
        report: Option<&ImportReport>,
        job_id: Option<&JobId>,
    ) -> DbResult<()> {
        sqlx::query(
            "UPDATE datasets SET state = $1, report = COALESCE($2, report), import_job_id = COALESCE($3, import_job_id) \
             WHERE id = $4 AND workspace_id = $5",
        )
        .bind(state_name(state))
        .bind(report.map(|r| serde_json::to_string(r).unwrap_or_default()))
        .bind(job_id.map(|j| j.as_str()))
        .bind(id.as_str())
        .bind(self.workspace_id().as_str())
        .execute(self.pool())
        .await
        .map_err(q("update dataset"))?;
        Ok(())
    }

    /// The source file, its name and the spec of a dataset (what an import job reads).
    pub async fn dataset_source(&self, id: &DatasetId) -> DbResult<Option<(String, String, String, String)>> {
        sqlx::query_as(
            "SELECT source_blob, file_name, spec, created_by FROM datasets WHERE workspace_id = $1 AND id = $2",
        )
        .bind(self.workspace_id().as_str())
        .bind(id.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(q("dataset source"))
    }

    pub async fn delete_dataset(&self, id: &DatasetId) -> DbResult<bool> {
        let r = sqlx::query("DELETE FROM datasets WHERE workspace_id = $1 AND id = $2")
            .bind(self.workspace_id().as_str())
            .bind(id.as_str())
            .execute(self.pool())
            .await
            .map_err(q("delete dataset"))?;
        Ok(r.rows_affected() > 0)
    }

    /// Records a finished import: version 1 and the state change, in one transaction, so a
    /// half-imported dataset is never visible.
    pub async fn finish_import(&self, v: NewVersion<'_>, report: &ImportReport) -> DbResult<VersionId> {
        let mut tx = self.begin_write("begin finish import").await?;
        let done = sqlx::query("UPDATE datasets SET state = 'ready', report = $1 WHERE id = $2 AND workspace_id = $3")
            .bind(serde_json::to_string(report).unwrap_or_default())
            .bind(v.dataset_id.as_str())
            .bind(self.workspace_id().as_str())
            .execute(&mut *tx)
            .await
            .map_err(q("finish import"))?;
        if done.rows_affected() == 0 {
            return Err(DbError::NotFound);
        }
        let id = insert_version(&mut tx, &v, 1).await?;
        tx.commit().await.map_err(q("commit finish import"))?;
        Ok(id)
    }

    /// Adds a derived version with the next number.
    pub async fn add_version(&self, v: NewVersion<'_>) -> DbResult<VersionId> {
        let mut tx = self.begin_write("begin add version").await?;
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT (SELECT COALESCE(MAX(number), 0) + 1 FROM dataset_versions WHERE dataset_id = d.id) \
             FROM datasets d WHERE d.id = $1 AND d.workspace_id = $2",
        )
        .bind(v.dataset_id.as_str())
        .bind(self.workspace_id().as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(q("next version"))?;
        let next = next.ok_or(DbError::NotFound)?;
        let id = insert_version(&mut tx, &v, next).await?;
        tx.commit().await.map_err(q("commit add version"))?;
        Ok(id)
    }

    pub async fn datasets(&self) -> DbResult<Vec<Dataset>> {
        let rows: Vec<DatasetRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {DATASET_COLS} FROM datasets WHERE workspace_id = $1 ORDER BY created_at DESC"
        )))
        .bind(self.workspace_id().as_str())
        .fetch_all(self.pool())
        .await
        .map_err(q("list datasets"))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.dataset_from(r).await?);
        }
        Ok(out)
    }

    pub async fn dataset(&self, id: &DatasetId) -> DbResult<Option<Dataset>> {
        let row: Option<DatasetRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {DATASET_COLS} FROM datasets WHERE workspace_id = $1 AND id = $2"
        )))
        .bind(self.workspace_id().as_str())
        .bind(id.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(q("get dataset"))?;
        match row {
            Some(r) => Ok(Some(self.dataset_from(r).await?)),
            None => Ok(None),
        }
    }

    async fn dataset_from(&self, r: DatasetRow) -> DbResult<Dataset> {
        let (id, workspace_id, name, description, state, file_name, spec, report, import_job_id, created_at) = r;
        let rows: Vec<VersionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLS} FROM dataset_versions WHERE dataset_id = $1 ORDER BY number"
        )))
        .bind(&id)
        .fetch_all(self.pool())
        .await
        .map_err(q("list versions"))?;
        let mut versions = Vec::with_capacity(rows.len());
        for v in rows {
            versions.push(self.version_from(v).await?);
        }
        Ok(Dataset {
            id: id.into(),
            workspace_id: workspace_id.into(),
            name,
            description,
            state: parse_state(&state),
            file_name,
            spec: serde_json::from_str(&spec).map_err(|e| super::DbError::Corrupt(format!("dataset spec: {e}")))?,
            report: report.and_then(|r| serde_json::from_str(&r).ok()),
            import_job_id: import_job_id.map(JobId::from),
            created_at,
            versions,
        })
    }

    async fn version_from(&self, v: VersionRow) -> DbResult<DatasetVersion> {
        let (id, dataset_id, number, parent_id, operation, blob, examples, bytes, created_at) = v;
        let id = VersionId::from(id);
        let profile = self.latest_profile(&id).await?.map(|p| p.info);
        let operation = serde_json::from_str(&operation)
            .map_err(|e| DbError::Corrupt(format!("dataset version {id}: operation: {e}")))?;
        Ok(DatasetVersion {
            id,
            dataset_id: dataset_id.into(),
            number,
            parent_id: parent_id.map(VersionId::from),
            operation,
            blob,
            examples,
            bytes,
            created_at,
            profile,
        })
    }

    /// A version, if it belongs to a dataset of this workspace.
    pub async fn version(&self, version_id: &VersionId) -> DbResult<Option<DatasetVersion>> {
        let row: Option<VersionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id \
             WHERE d.workspace_id = $1 AND v.id = $2",
            VERSION_COLS.split(", ").map(|c| format!("v.{c}")).collect::<Vec<_>>().join(", ")
        )))
        .bind(self.workspace_id().as_str())
        .bind(version_id.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(q("get version"))?;
        match row {
            Some(v) => Ok(Some(self.version_from(v).await?)),
            None => Ok(None),
        }
    }

    /// The version a job made, if it already committed one.
    pub async fn version_of_job(&self, job_id: &JobId) -> DbResult<Option<(VersionId, i64)>> {
        let row: Option<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, examples FROM dataset_versions WHERE job_id = $2 AND id IN ({WS_VERSIONS})"
        )))
        .bind(self.workspace_id().as_str())
        .bind(job_id.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(q("version of job"))?;
        Ok(row.map(|(id, n)| (id.into(), n)))
    }

    pub async fn dataset_version_creator(&self, version_id: &VersionId) -> DbResult<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT created_by FROM dataset_versions WHERE id = $2 AND id IN ({WS_VERSIONS})"
        )))
        .bind(self.workspace_id().as_str())
        .bind(version_id.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(q("version creator"))?;
        Ok(row.map(|r| r.0))
    }

    pub async fn insert_profile_with_id(
        &self,
        id: &ProfileId,
        version_id: &VersionId,
        job_id: &JobId,
        tokenizer: Option<&str>,
    ) -> DbResult<()> {
        let r = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO dataset_profiles (id, version_id, job_id, state, tokenizer, created_at) \
             SELECT $2, $3, $4, 'running', $5, $6 WHERE $3 IN ({WS_VERSIONS})"
        )))
        .bind(self.workspace_id().as_str())
        .bind(id.as_str())
        .bind(version_id.as_str())
        .bind(job_id.as_str())
        .bind(tokenizer)
        .bind(now_ms())
        .execute(self.pool())
        .await
        .map_err(q("insert profile"))?;
        if r.rows_affected() == 0 {
            return Err(DbError::NotFound);
        }
        Ok(())
    }

    /// Stores a finished profile and its per-language aggregates in one transaction.
    pub async fn finish_profile(
        &self,
        profile_id: &ProfileId,
        summary: &str,
        annotations: &str,
        groups: &str,
        languages: &[LanguageStats],
    ) -> DbResult<()> {
        let mut tx = self.begin_write("begin finish profile").await?;
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE dataset_profiles SET state = 'ready', summary = $2, annotations = $3, groups = $4 \
             WHERE id = $5 AND version_id IN ({WS_VERSIONS})"
        )))
        .bind(self.workspace_id().as_str())
        .bind(summary)
        .bind(annotations)
        .bind(groups)
        .bind(profile_id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(q("finish profile"))?;
        if done.rows_affected() == 0 {
            return Err(DbError::NotFound);
        }
        sqlx::query("DELETE FROM dataset_language_stats WHERE profile_id = $1")
            .bind(profile_id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(q("clear language stats"))?;
        for l in languages {
            sqlx::query(
                "INSERT INTO dataset_language_stats (profile_id, language, examples, turns, chars, words, tokens, byte_tokens) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(profile_id.as_str())
            .bind(&l.language)
            .bind(l.examples as i64)
            .bind(l.turns as i64)
            .bind(l.chars as i64)
            .bind(l.words as i64)
            .bind(l.tokens as i64)
            .bind(l.byte_tokens as i64)
            .execute(&mut *tx)
            .await
            .map_err(q("insert language stats"))?;
        }
        tx.commit().await.map_err(q("commit finish profile"))?;
        Ok(())
    }

    pub async fn fail_profile(&self, profile_id: &ProfileId) -> DbResult<()> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE dataset_profiles SET state = 'failed' WHERE id = $2 AND state = 'running' AND version_id IN ({WS_VERSIONS})"
        )))
        .bind(self.workspace_id().as_str())
        .bind(profile_id.as_str())
        .execute(self.pool())
        .await
        .map_err(q("fail profile"))?;
        Ok(())
    }

    /// The newest profile of a version of this workspace, finished or not.
    pub async fn latest_profile(&self, version_id: &VersionId) -> DbResult<Option<StoredProfile>> {
        self.profile_where(version_id, false).await
    }

    /// The newest finished profile of a version of this workspace.
    pub async fn ready_profile(&self, version_id: &VersionId) -> DbResult<Option<StoredProfile>> {
        self.profile_where(version_id, true).await
    }

    async fn profile_where(&self, version_id: &VersionId, ready_only: bool) -> DbResult<Option<StoredProfile>> {
        let state = if ready_only { "AND state = 'ready'" } else { "" };
        let sql = format!(
            "SELECT id, version_id, job_id, state, tokenizer, summary, annotations, groups FROM dataset_profiles \
             WHERE version_id = $2 {state} AND version_id IN ({WS_VERSIONS}) ORDER BY created_at DESC, id DESC LIMIT 1"
        );
        type Row = (String, String, String, String, Option<String>, Option<String>, Option<String>, Option<String>);
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(self.workspace_id().as_str())
            .bind(version_id.as_str())
            .fetch_optional(self.pool())
            .await
            .map_err(q("get profile"))?;
        Ok(row.map(|(id, v, job, state, tok, summary, annotations, groups)| StoredProfile {
            info: profile_info((id, v, job, state, tok)),
            summary,
            annotations,
            groups,
        }))
    }

    pub async fn insert_upload(&self, name: &str, size: i64, user_id: &str) -> DbResult<UploadId> {
        let id = UploadId::new(new_id());
        sqlx::query(
            "INSERT INTO uploads (id, workspace_id, name, size, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.as_str())
        .bind(self.workspace_id().as_str())
        .bind(name)
        .bind(size)
        .bind(user_id)
        .bind(now_ms())
        .execute(self.pool())
        .await
        .map_err(q("insert upload"))?;
        Ok(id)
    }

    /// (name, size, blob) of an upload of this workspace.
    pub async fn upload(&self, id: &UploadId) -> DbResult<Option<(String, i64, Option<String>)>> {
        sqlx::query_as("SELECT name, size, blob FROM uploads WHERE workspace_id = $1 AND id = $2")
            .bind(self.workspace_id().as_str())
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await
            .map_err(q("get upload"))
    }

    pub async fn complete_upload(&self, id: &UploadId, blob: &str) -> DbResult<()> {
        sqlx::query("UPDATE uploads SET blob = $1 WHERE id = $2 AND workspace_id = $3")
            .bind(blob)
            .bind(id.as_str())
            .bind(self.workspace_id().as_str())
            .execute(self.pool())
            .await
            .map_err(q("complete upload"))?;
        Ok(())
    }
}

async fn insert_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    v: &NewVersion<'_>,
    number: i64,
) -> DbResult<VersionId> {
    let id = VersionId::new(new_id());
    sqlx::query(
        "INSERT INTO dataset_versions (id, dataset_id, number, parent_id, operation, blob, examples, bytes, created_by, created_at, job_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id.as_str())
    .bind(v.dataset_id.as_str())
    .bind(number)
    .bind(v.parent_id.map(|p| p.as_str()))
    .bind(serde_json::to_string(v.operation).unwrap_or_default())
    .bind(v.blob)
    .bind(v.examples)
    .bind(v.bytes)
    .bind(v.created_by)
    .bind(now_ms())
    .bind(v.job_id.as_str())
    .execute(&mut **tx)
    .await
    .map_err(q("insert version"))?;
    Ok(id)
}

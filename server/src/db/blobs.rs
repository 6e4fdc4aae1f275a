//! Which blobs each workspace has uploaded (the bytes live in the blob store).

use polytune_api::Blob;

use super::{DbResult, Scoped, now_ms, q};

impl Scoped {
    /// Records that `workspace_id` has this blob (idempotent: the same content twice is one row).
    pub async fn insert_blob(&self, sha256: &str, bytes: i64, name: &str, user_id: &str) -> DbResult<Blob> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO blobs (workspace_id, sha256, bytes, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (workspace_id, sha256) DO NOTHING",
        )
            .bind(self.workspace_id().as_str())
            .bind(sha256)
            .bind(bytes)
            .bind(name)
            .bind(user_id)
            .bind(now)
            .execute(self.pool())
            .await
            .map_err(q("insert blob"))?;
        Ok(self.blob(sha256).await?.unwrap_or(Blob {
            sha256: sha256.into(),
            bytes,
            name: name.into(),
            created_at: now,
        }))
    }

    pub async fn blob(&self, sha256: &str) -> DbResult<Option<Blob>> {
        let row: Option<(String, i64, String, i64)> =
            sqlx::query_as("SELECT sha256, bytes, name, created_at FROM blobs WHERE workspace_id = $1 AND sha256 = $2")
                .bind(self.workspace_id().as_str())
                .bind(sha256)
                .fetch_optional(self.pool())
                .await
                .map_err(q("get blob"))?;
        Ok(row.map(|(sha256, bytes, name, created_at)| Blob { sha256, bytes, name, created_at }))
    }
}

//! Users, sessions, invitations and API tokens.

use polytune_api::{Role, User};
use sqlx::Row;

use super::{Database, DbError, DbResult, Dialect, now_ms, q};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub is_admin: i64,
    pub created_at: i64,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> User {
        User { id: r.id.into(), email: r.email, name: r.name, is_admin: r.is_admin != 0, created_at: r.created_at }
    }
}

/// What an API token grants, looked up by its hash.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub user: User,
    pub workspace_id: String,
    pub role: Role,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub workspace_id: Option<String>,
    pub workspace_name: Option<String>,
    pub role: Option<String>,
    pub make_admin: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
}

pub struct NewInvitation<'a> {
    pub token_hash: &'a str,
    pub email: &'a str,
    pub workspace_id: Option<&'a str>,
    pub role: Option<Role>,
    pub make_admin: bool,
    pub created_by: &'a str,
    pub expires_at: i64,
}

const USER_COLUMNS: &str = "id, email, name, password_hash, is_admin, created_at";

impl Database {
    pub async fn count_users(&self) -> DbResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(self.pool()).await.map_err(q("count users"))
    }

    /// Creates the first administrator, atomically refusing if any account exists.
    /// Returns `Conflict` when setup was already done.
    pub async fn create_first_admin(&self, email: &str, name: &str, password_hash: &str) -> DbResult<User> {
        let mut tx = self.begin_write("begin setup").await?;
        if self.dialect() == Dialect::Postgres {
            sqlx::query("LOCK TABLE users IN EXCLUSIVE MODE").execute(&mut *tx).await.map_err(q("lock users"))?;
        }
        let id = super::new_id();
        let now = now_ms();
        let inserted = sqlx::query(
            "INSERT INTO users (id, email, name, password_hash, is_admin, created_at) \
             SELECT $1, $2, $3, $4, 1, $5 WHERE NOT EXISTS (SELECT 1 FROM users)",
        )
        .bind(&id)
        .bind(email)
        .bind(name)
        .bind(password_hash)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(q("insert first admin"))?
        .rows_affected();
        if inserted == 0 {
            return Err(DbError::Conflict("setup already done".into()));
        }
        tx.commit().await.map_err(q("commit setup"))?;
        Ok(User { id: id.into(), email: email.into(), name: name.into(), is_admin: true, created_at: now })
    }

    pub async fn user_by_email(&self, email: &str) -> DbResult<Option<UserRow>> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1")))
            .bind(email)
            .fetch_optional(self.pool())
            .await
            .map_err(q("user by email"))
    }

    // ---- sessions -------------------------------------------------------------------------

    pub async fn create_session(&self, id_hash: &str, user_id: &str, expires_at: i64, client_ip: &str) -> DbResult<()> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, client_ip) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id_hash)
        .bind(user_id)
        .bind(now)
        .bind(now)
        .bind(expires_at)
        .bind(client_ip)
        .execute(self.pool())
        .await
        .map_err(q("create session"))?;
        Ok(())
    }

    /// The user of a live session, refreshing its idle clock. A session is live while
    /// `now < expires_at` (absolute) and `now - last_seen_at < idle_ms`. `touch_after_ms` spares a
    /// write on every request: `last_seen_at` is only moved when it is at least that old.
    pub async fn session_user(&self, id_hash: &str, idle_ms: i64, touch_after_ms: i64) -> DbResult<Option<User>> {
        let now = now_ms();
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, u.password_hash, u.is_admin, u.created_at, s.last_seen_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3",
        )
        .bind(id_hash)
        .bind(now)
        .bind(now - idle_ms)
        .fetch_optional(self.pool())
        .await
        .map_err(q("session user"))?;
        let Some(row) = row else { return Ok(None) };
        let last_seen: i64 = row.try_get("last_seen_at").map_err(q("session last_seen"))?;
        let user = <UserRow as sqlx::FromRow<_>>::from_row(&row).map_err(q("session row"))?;
        if now - last_seen >= touch_after_ms {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                .bind(now)
                .bind(id_hash)
                .execute(self.pool())
                .await
                .map_err(q("touch session"))?;
        }
        Ok(Some(user.into()))
    }

    pub async fn delete_session(&self, id_hash: &str) -> DbResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(self.pool())
            .await
            .map_err(q("delete session"))?;
        Ok(())
    }

    /// "Sign out everywhere". Returns how many sessions ended.
    pub async fn delete_user_sessions(&self, user_id: &str) -> DbResult<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(self.pool())
            .await
            .map_err(q("delete user sessions"))?
            .rows_affected())
    }

    // ---- invitations ----------------------------------------------------------------------

    pub async fn create_invitation(&self, inv: NewInvitation<'_>) -> DbResult<String> {
        let id = super::new_id();
        sqlx::query(
            "INSERT INTO invitations (id, token_hash, email, workspace_id, role, make_admin, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(inv.token_hash)
        .bind(inv.email)
        .bind(inv.workspace_id)
        .bind(inv.role.map(Role::as_str))
        .bind(i64::from(inv.make_admin))
        .bind(inv.created_by)
        .bind(now_ms())
        .bind(inv.expires_at)
        .execute(self.pool())
        .await
        .map_err(q("create invitation"))?;
        Ok(id)
    }

    pub async fn invitation_by_token(&self, token_hash: &str) -> DbResult<Option<InvitationRow>> {
        sqlx::query_as(
            "SELECT i.id, i.email, i.workspace_id, w.name AS workspace_name, i.role, i.make_admin, i.expires_at, i.accepted_at \
             FROM invitations i LEFT JOIN workspaces w ON w.id = i.workspace_id WHERE i.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await
        .map_err(q("invitation by token"))
    }

    /// Uses an invitation: marks it accepted (only if still unused and unexpired), creates the
    /// account and its membership, all in one transaction. `NotFound` when the link is no longer
    /// valid — including when two people race to use it.
    pub async fn accept_invitation(&self, token_hash: &str, name: &str, password_hash: &str) -> DbResult<User> {
        let now = now_ms();
        let mut tx = self.begin_write("begin accept").await?;
        let inv: Option<InvitationRow> = sqlx::query_as(
            "SELECT i.id, i.email, i.workspace_id, NULL AS workspace_name, i.role, i.make_admin, i.expires_at, i.accepted_at \
             FROM invitations i WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(q("find invitation"))?;
        let inv = inv.ok_or(DbError::NotFound)?;
        let user_id = super::new_id();
        sqlx::query(
            "INSERT INTO users (id, email, name, password_hash, is_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&user_id)
        .bind(&inv.email)
        .bind(name)
        .bind(password_hash)
        .bind(inv.make_admin)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(q("insert invited user"))?;
        let used = sqlx::query(
            "UPDATE invitations SET accepted_at = $1, accepted_user_id = $2 WHERE id = $3 AND accepted_at IS NULL",
        )
        .bind(now)
        .bind(&user_id)
        .bind(&inv.id)
        .execute(&mut *tx)
        .await
        .map_err(q("mark invitation used"))?
        .rows_affected();
        if used != 1 {
            return Err(DbError::NotFound);
        }
        if let (Some(ws), Some(role)) = (&inv.workspace_id, &inv.role) {
            sqlx::query("INSERT INTO memberships (workspace_id, user_id, role, added_at) VALUES ($1, $2, $3, $4)")
                .bind(ws)
                .bind(&user_id)
                .bind(role)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(q("insert invited membership"))?;
        }
        tx.commit().await.map_err(q("commit accept"))?;
        Ok(User {
            id: user_id.into(),
            email: inv.email,
            name: name.into(),
            is_admin: inv.make_admin != 0,
            created_at: now,
        })
    }

    // ---- API tokens -----------------------------------------------------------------------

    pub async fn create_api_token(
        &self,
        token_hash: &str,
        name: &str,
        workspace_id: &str,
        user_id: &str,
        role: Role,
    ) -> DbResult<(String, i64)> {
        let id = super::new_id();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO api_tokens (id, token_hash, name, workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(token_hash)
        .bind(name)
        .bind(workspace_id)
        .bind(user_id)
        .bind(role.as_str())
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(q("create api token"))?;
        Ok((id, now))
    }

    /// What a token grants: its role, but never more than its creator's current role in the
    /// workspace (a demoted or removed member's tokens shrink or stop with them).
    pub async fn token_grant(&self, token_hash: &str) -> DbResult<Option<TokenGrant>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, u.password_hash, u.is_admin, u.created_at, t.workspace_id, t.role AS token_role, m.role AS member_role \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             JOIN memberships m ON m.workspace_id = t.workspace_id AND m.user_id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await
        .map_err(q("token grant"))?;
        let Some(row) = row else { return Ok(None) };
        let user = <UserRow as sqlx::FromRow<_>>::from_row(&row).map_err(q("token user"))?;
        let token_role: String = row.try_get("token_role").map_err(q("token role"))?;
        let member_role: String = row.try_get("member_role").map_err(q("member role"))?;
        let (Some(t), Some(m)) = (Role::parse(&token_role), Role::parse(&member_role)) else {
            return Ok(None);
        };
        Ok(Some(TokenGrant {
            user: user.into(),
            workspace_id: row.try_get("workspace_id").map_err(q("token workspace"))?,
            role: t.min(m),
        }))
    }
}

//! Workspaces and memberships.

use polytune_api::{Member, Role, Workspace};
use sqlx::Row;

use super::{Database, DbError, DbResult, Scoped, now_ms, q};

/// A workspace as its member sees it.
fn workspace_from_row(row: &sqlx::any::AnyRow) -> DbResult<Workspace> {
    let role: String = row.try_get("role").map_err(q("workspace role"))?;
    Ok(Workspace {
        id: row.try_get::<String, _>("id").map_err(q("workspace id"))?.into(),
        name: row.try_get("name").map_err(q("workspace name"))?,
        description: row.try_get("description").map_err(q("workspace description"))?,
        archived: row.try_get::<Option<i64>, _>("archived_at").map_err(q("workspace archived"))?.is_some(),
        created_at: row.try_get("created_at").map_err(q("workspace created"))?,
        role: Role::parse(&role).ok_or(DbError::Conflict(format!("unknown role {role:?} in database")))?,
        member_count: row.try_get("member_count").map_err(q("workspace members"))?,
    })
}

const WORKSPACE_SELECT: &str = "SELECT w.id, w.name, w.description, w.archived_at, w.created_at, m.role, \
     (SELECT COUNT(*) FROM memberships c WHERE c.workspace_id = w.id) AS member_count \
     FROM workspaces w JOIN memberships m ON m.workspace_id = w.id";

fn member_from_row(row: &sqlx::any::AnyRow) -> DbResult<Member> {
    let role: String = row.try_get("role").map_err(q("member role"))?;
    Ok(Member {
        user_id: row.try_get::<String, _>("user_id").map_err(q("member id"))?.into(),
        email: row.try_get("email").map_err(q("member email"))?,
        name: row.try_get("name").map_err(q("member name"))?,
        role: Role::parse(&role).ok_or(DbError::Conflict(format!("unknown role {role:?} in database")))?,
        added_at: row.try_get("added_at").map_err(q("member added"))?,
    })
}

impl Database {
    /// Creates a workspace with its creator as owner.
    pub async fn create_workspace(&self, name: &str, owner_id: &str) -> DbResult<Workspace> {
        let id = super::new_id();
        let now = now_ms();
        let mut tx = self.begin_write("begin create workspace").await?;
        sqlx::query("INSERT INTO workspaces (id, name, created_by, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(name)
            .bind(owner_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(q("insert workspace"))?;
        sqlx::query("INSERT INTO memberships (workspace_id, user_id, role, added_at) VALUES ($1, $2, 'owner', $3)")
            .bind(&id)
            .bind(owner_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(q("insert owner"))?;
        tx.commit().await.map_err(q("commit create workspace"))?;
        Ok(Workspace {
            id: id.into(),
            name: name.into(),
            description: String::new(),
            archived: false,
            created_at: now,
            role: Role::Owner,
            member_count: 1,
        })
    }

    /// The workspaces a person belongs to, newest first; archived ones only when asked.
    pub async fn workspaces_of(&self, user_id: &str, include_archived: bool) -> DbResult<Vec<Workspace>> {
        let sql = format!(
            "{WORKSPACE_SELECT} WHERE m.user_id = $1 AND ($2 = 1 OR w.archived_at IS NULL) ORDER BY w.created_at DESC, w.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(i64::from(include_archived))
            .fetch_all(self.pool())
            .await
            .map_err(q("list workspaces"))?;
        rows.iter().map(workspace_from_row).collect()
    }

    /// The workspace as seen by `user_id`, or `None` if it does not exist or they are not a member
    /// (the two are indistinguishable on purpose).
    pub async fn workspace_for_member(&self, workspace_id: &str, user_id: &str) -> DbResult<Option<Workspace>> {
        let sql = format!("{WORKSPACE_SELECT} WHERE w.id = $1 AND m.user_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(workspace_id)
            .bind(user_id)
            .fetch_optional(self.pool())
            .await
            .map_err(q("workspace for member"))?;
        row.as_ref().map(workspace_from_row).transpose()
    }
}

impl Scoped {
    pub async fn rename_workspace(&self, name: &str) -> DbResult<()> {
        let workspace_id = self.workspace_id().as_str();
        sqlx::query("UPDATE workspaces SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(workspace_id)
            .execute(self.pool())
            .await
            .map_err(q("rename workspace"))?;
        Ok(())
    }

    pub async fn set_workspace_description(&self, description: &str) -> DbResult<()> {
        let workspace_id = self.workspace_id().as_str();
        sqlx::query("UPDATE workspaces SET description = $1 WHERE id = $2")
            .bind(description)
            .bind(workspace_id)
            .execute(self.pool())
            .await
            .map_err(q("describe workspace"))?;
        Ok(())
    }

    pub async fn set_workspace_archived(&self, archived: bool) -> DbResult<()> {
        let workspace_id = self.workspace_id().as_str();
        sqlx::query("UPDATE workspaces SET archived_at = $1 WHERE id = $2")
            .bind(archived.then(now_ms))
            .bind(workspace_id)
            .execute(self.pool())
            .await
            .map_err(q("archive workspace"))?;
        Ok(())
    }

    pub async fn members(&self) -> DbResult<Vec<Member>> {
        let workspace_id = self.workspace_id().as_str();
        let rows = sqlx::query(
            "SELECT m.user_id, u.email, u.name, m.role, m.added_at FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.workspace_id = $1 ORDER BY m.added_at, u.email",
        )
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await
        .map_err(q("list members"))?;
        rows.iter().map(member_from_row).collect()
    }

    /// Adds an existing account. `NotFound` if no account has that email, `Conflict` if it is
    /// already a member.
    pub async fn add_member(&self, email: &str, role: Role) -> DbResult<Member> {
        let workspace_id = self.workspace_id().as_str();
        let user = self.unscoped().user_by_email(email).await?.ok_or(DbError::NotFound)?;
        let now = now_ms();
        sqlx::query("INSERT INTO memberships (workspace_id, user_id, role, added_at) VALUES ($1, $2, $3, $4)")
            .bind(workspace_id)
            .bind(&user.id)
            .bind(role.as_str())
            .bind(now)
            .execute(self.pool())
            .await
            .map_err(q("add member"))?;
        Ok(Member { user_id: user.id.into(), email: user.email, name: user.name, role, added_at: now })
    }

    /// Changes a member's role, or removes them (`role = None`), refusing to leave the workspace
    /// without an owner. Returns the member as they were.
    pub async fn change_member(&self, user_id: &str, role: Option<Role>) -> DbResult<Member> {
        let workspace_id = self.workspace_id().as_str();
        let mut tx = self.begin_write("begin change member").await?;
        // Member changes of one workspace take turns: the last-owner check below must see the
        // other changes (SQLite's BEGIN IMMEDIATE already serializes every writer).
        if self.dialect() == super::Dialect::Postgres {
            sqlx::query("SELECT id FROM workspaces WHERE id = $1 FOR UPDATE")
                .bind(workspace_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(q("lock workspace"))?;
        }
        let row = sqlx::query(
            "SELECT m.user_id, u.email, u.name, m.role, m.added_at FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.workspace_id = $1 AND m.user_id = $2",
        )
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(q("find member"))?
        .ok_or(DbError::NotFound)?;
        let before = member_from_row(&row)?;
        if before.role == Role::Owner && role != Some(Role::Owner) {
            let owners: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND role = 'owner'")
                    .bind(workspace_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(q("count owners"))?;
            if owners <= 1 {
                return Err(DbError::Conflict("a workspace needs at least one owner".into()));
            }
        }
        super::fault("change_member").await?;
        match role {
            Some(role) => sqlx::query("UPDATE memberships SET role = $1 WHERE workspace_id = $2 AND user_id = $3")
                .bind(role.as_str())
                .bind(workspace_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(q("update member"))?,
            None => sqlx::query("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2")
                .bind(workspace_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(q("remove member"))?,
        };
        tx.commit().await.map_err(q("commit change member"))?;
        Ok(before)
    }
}

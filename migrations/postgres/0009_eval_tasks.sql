-- Evaluation tasks made from a workspace's own file (issue 15): the catalog entry (`info`, JSON:
-- kind, languages with item counts, metrics), the mapping it was read with, and its items (JSON
-- lines of prompt, choices, right answer, language and id), kept whole so that a task never
-- changes under the evaluations that used it.

CREATE TABLE eval_tasks (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    source_blob  TEXT NOT NULL,
    mapping      TEXT NOT NULL,
    info         TEXT NOT NULL,
    items        TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX eval_tasks_workspace ON eval_tasks (workspace_id, created_at);

-- Language identifiers a workspace trains (issue 13): the model file is a blob; the report holds
-- the held-out accuracy per language. At most one is active per workspace: the one its profiles
-- use (none active: the studio's default identifier).

CREATE TABLE identifiers (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    -- The version it learned from; an identifier outlives its dataset.
    version_id   TEXT REFERENCES dataset_versions(id) ON DELETE SET NULL,
    job_id       TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('training', 'ready', 'failed')),
    blob         TEXT,
    report       TEXT,
    active       BIGINT NOT NULL DEFAULT 0,
    created_by   TEXT NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX identifiers_workspace ON identifiers (workspace_id, created_at);

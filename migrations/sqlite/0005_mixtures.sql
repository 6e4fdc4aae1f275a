-- Language mixtures (issue 6): recipes, their materialized versions and reports; augmentation
-- templates stored per workspace; dataset versions registered as evaluation sets; runs remember
-- the mixture they train on and the run they continue.

CREATE TABLE mixtures (
    id                    TEXT PRIMARY KEY,
    workspace_id          TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name                  TEXT NOT NULL,
    spec                  TEXT NOT NULL,
    plan                  TEXT NOT NULL,
    state                 TEXT NOT NULL CHECK (state IN ('materializing', 'ready', 'failed')),
    job_id                TEXT NOT NULL,
    version_id            TEXT REFERENCES dataset_versions(id) ON DELETE SET NULL,
    validation_version_id TEXT REFERENCES dataset_versions(id) ON DELETE SET NULL,
    report                TEXT,
    created_by            TEXT NOT NULL REFERENCES users(id),
    created_at            INTEGER NOT NULL
);
CREATE INDEX mixtures_workspace ON mixtures (workspace_id, created_at);
CREATE INDEX mixtures_version ON mixtures (version_id);

CREATE TABLE augment_templates (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    template     TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX augment_templates_workspace ON augment_templates (workspace_id, created_at);

CREATE TABLE evaluation_sets (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    version_id   TEXT NOT NULL REFERENCES dataset_versions(id) ON DELETE CASCADE,
    created_by   TEXT NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, version_id)
);

ALTER TABLE runs ADD COLUMN mixture_id TEXT;
ALTER TABLE runs ADD COLUMN continue_from TEXT;

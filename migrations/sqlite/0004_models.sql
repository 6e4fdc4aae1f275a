-- Models and training runs (issue 5). A model's files live in the studio's data folder (or, for a
-- registered Hugging Face directory, where they are on the server); runs write checkpoints under
-- the data folder. Metrics are one row per step or validation, with their values as JSON.

CREATE TABLE models (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('directory', 'gguf', 'tiny')),
    origin       TEXT NOT NULL,
    path         TEXT NOT NULL,
    info         TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX models_workspace ON models (workspace_id, created_at);

CREATE TABLE runs (
    id                 TEXT PRIMARY KEY,
    workspace_id       TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    model_id           TEXT NOT NULL REFERENCES models(id),
    dataset_version_id TEXT NOT NULL REFERENCES dataset_versions(id),
    spec               TEXT NOT NULL,
    job_id             TEXT NOT NULL,
    created_by         TEXT NOT NULL REFERENCES users(id),
    created_at         INTEGER NOT NULL
);
CREATE INDEX runs_workspace ON runs (workspace_id, created_at);

CREATE TABLE run_points (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step   INTEGER NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('step', 'eval')),
    data   TEXT NOT NULL,
    PRIMARY KEY (run_id, kind, step)
);

CREATE TABLE run_checkpoints (
    run_id          TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step            INTEGER NOT NULL,
    path            TEXT NOT NULL,
    validation_loss REAL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (run_id, step)
);

-- Datasets (issue 4): resumable uploads, datasets with immutable versions and their lineage,
-- profiles with per-language aggregates. Times are Unix milliseconds. Examples themselves live in
-- content-addressed blobs (canonical JSON lines), never in the database.

CREATE TABLE uploads (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    blob         TEXT,
    created_by   TEXT NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL
);

CREATE TABLE datasets (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL CHECK (state IN ('importing', 'needs_decision', 'ready', 'failed')),
    file_name     TEXT NOT NULL,
    source_blob   TEXT NOT NULL,
    spec          TEXT NOT NULL,
    report        TEXT,
    import_job_id TEXT,
    created_by    TEXT NOT NULL REFERENCES users(id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX datasets_workspace ON datasets (workspace_id, created_at);

CREATE TABLE dataset_versions (
    id          TEXT PRIMARY KEY,
    dataset_id  TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    parent_id   TEXT REFERENCES dataset_versions(id),
    operation   TEXT NOT NULL,
    blob        TEXT NOT NULL,
    examples    INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    -- The job that made it: a job run again after it committed finds its version instead of making a second one.
    job_id      TEXT UNIQUE,
    UNIQUE (dataset_id, number)
);

CREATE TABLE dataset_profiles (
    id          TEXT PRIMARY KEY,
    version_id  TEXT NOT NULL REFERENCES dataset_versions(id) ON DELETE CASCADE,
    job_id      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('running', 'ready', 'failed')),
    tokenizer   TEXT,
    summary     TEXT,
    annotations TEXT,
    groups      TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX dataset_profiles_version ON dataset_profiles (version_id, created_at);

CREATE TABLE dataset_language_stats (
    profile_id  TEXT NOT NULL REFERENCES dataset_profiles(id) ON DELETE CASCADE,
    language    TEXT NOT NULL,
    examples    INTEGER NOT NULL,
    turns       INTEGER NOT NULL,
    chars       INTEGER NOT NULL,
    words       INTEGER NOT NULL,
    tokens      INTEGER NOT NULL,
    byte_tokens INTEGER NOT NULL,
    PRIMARY KEY (profile_id, language)
);

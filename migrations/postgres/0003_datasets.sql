-- Datasets (issue 4): resumable uploads, datasets with immutable versions and their lineage,
-- profiles with per-language aggregates. Times are Unix milliseconds. Examples themselves live in
-- content-addressed blobs (canonical JSON lines), never in the database.

CREATE TABLE uploads (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    blob         TEXT,
    created_by   TEXT NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL
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
    created_at    BIGINT NOT NULL
);
CREATE INDEX datasets_workspace ON datasets (workspace_id, created_at);

CREATE TABLE dataset_versions (
    id          TEXT PRIMARY KEY,
    dataset_id  TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    number      BIGINT NOT NULL,
    parent_id   TEXT REFERENCES dataset_versions(id),
    operation   TEXT NOT NULL,
    blob        TEXT NOT NULL,
    examples    BIGINT NOT NULL,
    bytes       BIGINT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
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
    created_at  BIGINT NOT NULL
);
CREATE INDEX dataset_profiles_version ON dataset_profiles (version_id, created_at);

CREATE TABLE dataset_language_stats (
    profile_id  TEXT NOT NULL REFERENCES dataset_profiles(id) ON DELETE CASCADE,
    language    TEXT NOT NULL,
    examples    BIGINT NOT NULL,
    turns       BIGINT NOT NULL,
    chars       BIGINT NOT NULL,
    words       BIGINT NOT NULL,
    tokens      BIGINT NOT NULL,
    byte_tokens BIGINT NOT NULL,
    PRIMARY KEY (profile_id, language)
);

-- Durable jobs (DESIGN.md decision 4), their event stream, the workers that run them, and
-- content-addressed blobs (decision 3). Times are Unix milliseconds.

CREATE TABLE blobs (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    sha256       TEXT NOT NULL,
    bytes        BIGINT NOT NULL,
    name         TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, sha256)
);

CREATE TABLE jobs (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    priority         BIGINT NOT NULL DEFAULT 0,
    needs_gpu        BIGINT NOT NULL DEFAULT 0,
    memory_mb        BIGINT NOT NULL DEFAULT 0,
    created_by       TEXT NOT NULL REFERENCES users(id),
    created_at       BIGINT NOT NULL,
    not_before       BIGINT NOT NULL,
    started_at       BIGINT,
    finished_at      BIGINT,
    attempt          BIGINT NOT NULL DEFAULT 0,
    max_attempts     BIGINT NOT NULL DEFAULT 3,
    worker_id        TEXT,
    lease_expires_at BIGINT,
    heartbeat_at     BIGINT,
    cancel_requested BIGINT NOT NULL DEFAULT 0,
    progress         DOUBLE PRECISION NOT NULL DEFAULT 0,
    phase            TEXT NOT NULL DEFAULT '',
    counters         TEXT NOT NULL DEFAULT '{}',
    checkpoint       TEXT,
    result           TEXT,
    error            TEXT
);
CREATE INDEX jobs_claim ON jobs(state, priority, created_at);
CREATE INDEX jobs_workspace ON jobs(workspace_id, created_at);

CREATE TABLE job_events (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id    TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    at        BIGINT NOT NULL,
    kind      TEXT NOT NULL,
    message   TEXT NOT NULL DEFAULT '',
    data      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX job_events_job ON job_events(job_id, id);
CREATE INDEX job_events_workspace ON job_events(workspace_id, id);

CREATE TABLE workers (
    id           TEXT PRIMARY KEY,
    hostname     TEXT NOT NULL,
    pid          BIGINT NOT NULL,
    capabilities TEXT NOT NULL,
    slots        BIGINT NOT NULL,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    current_jobs TEXT NOT NULL DEFAULT '[]',
    stopped_at   BIGINT
);

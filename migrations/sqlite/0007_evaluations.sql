-- Evaluations (issue 15): one row per evaluated model or run checkpoint. Its state and progress
-- are its job's; its stored aggregates (`results`, JSON: scores per task, language and metric
-- with intervals, macro averages, the fidelity confusion table) are written when the job ends, so
-- results pages never recompute them. Every scored item is kept (the drill-down, the paired
-- tests against the base, and a resumed job skipping what is done).

CREATE TABLE evaluations (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    model_id        TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    run_id          TEXT REFERENCES runs(id) ON DELETE CASCADE,
    checkpoint_step INTEGER,
    label           TEXT NOT NULL,
    spec            TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    job_id          TEXT NOT NULL,
    results         TEXT,
    created_by      TEXT NOT NULL REFERENCES users(id),
    created_at      INTEGER NOT NULL
);
CREATE INDEX evaluations_workspace ON evaluations (workspace_id, created_at);
CREATE INDEX evaluations_fingerprint ON evaluations (workspace_id, fingerprint);

CREATE TABLE eval_items (
    evaluation_id TEXT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    task          TEXT NOT NULL,
    language      TEXT NOT NULL,
    item_id       TEXT NOT NULL,
    position      INTEGER NOT NULL,
    prompt        TEXT NOT NULL,
    output        TEXT NOT NULL,
    gold          TEXT,
    choices       TEXT NOT NULL,
    metrics       TEXT NOT NULL,
    answered_in   TEXT,
    PRIMARY KEY (evaluation_id, task, language, item_id)
);

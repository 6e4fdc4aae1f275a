#!/usr/bin/env python3
"""Results-page latency (issue 15): how fast the evaluation pages' API answers once a workspace
holds ten evaluations of 30 languages. Standard library only.

    python3 eval/bench/results_latency.py BASE_URL DB_URL [requests]

Against a running server with an empty database: first-run setup, a workspace, a small dataset, a
micro tiny model, and one real evaluation of it (every built-in task, 30 languages, 50 items per
language, run by the server's own job). Then the evaluation and its scored items are copied nine
times in the database (new ids, same rows: what nine more evaluations of the same shape store),
and each results endpoint the pages call is timed `requests` times, one after another. Prints one
JSON line per endpoint: p50, p95 and max in milliseconds (client side, loopback).
"""
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "bench"))
import studio_api  # noqa: E402  (the benchmarks' shared API call)

base, db_url = sys.argv[1], sys.argv[2]
n_requests = int(sys.argv[3]) if len(sys.argv) > 3 else 200
PASSWORD = "correct horse battery"
COPIES = 9
LANGUAGES = 30
LIMIT = 50


def call(method, path, body=None, cookie=None, raw=None, content_type=None):
    return studio_api.call(base, method, path, body, cookie, raw, content_type)


def wait_job(ws, job_id, cookie, secs=1800):
    for _ in range(secs * 2):
        job, _ = call("GET", f"/workspaces/{ws}/jobs/{job_id}", cookie=cookie)
        if job["state"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.5)
    raise SystemExit(f"job {job_id} did not finish")


def sql(statements):
    """Runs statements in one transaction on the server's database."""
    if db_url.startswith("sqlite:"):
        con = sqlite3.connect(db_url[len("sqlite:"):].split("?")[0], timeout=30)
        with con:
            for s, args in statements:
                con.execute(s, args)
        con.close()
    else:
        script = "BEGIN;\n"
        for s, args in statements:
            for a in args:
                s = s.replace("?", "'" + str(a).replace("'", "''") + "'", 1)
            script += s + ";\n"
        script += "COMMIT;\n"
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", db_url], input=script, text=True, check=True)


_, admin = call("POST", "/setup", {"email": "admin@example.org", "name": "Admin", "password": PASSWORD})
ws = call("POST", "/workspaces", {"name": "Results latency"}, cookie=admin)[0]["id"]

# A small counting dataset and a micro model made from it (the model's size does not matter here).
lines = []
for lang, nums, ask in [("deu", ["eins", "zwei", "drei", "vier"], "Zähle bis"),
                        ("fra", ["un", "deux", "trois", "quatre"], "Compte jusqu'à")]:
    for i in range(24):
        n = i % 4 + 1
        lines.append(json.dumps({"instruction": f"{ask} {n} ({i})", "output": ", ".join(nums[:n]), "language": lang}))
blob, _ = call("POST", f"/workspaces/{ws}/blobs?name=count.jsonl", raw=("\n".join(lines) + "\n").encode(), cookie=admin)
mapping = {"kind": "fields", "instruction": "instruction", "output": "output", "language": "language"}
dataset, _ = call("POST", f"/workspaces/{ws}/datasets",
                  {"name": "Counting", "blob": blob["sha256"], "spec": {"format": "jsonl", "mapping": mapping}},
                  cookie=admin)
wait_job(ws, dataset["import_job_id"], admin)
version = call("GET", f"/workspaces/{ws}/datasets/{dataset['id']}", cookie=admin)[0]["versions"][0]["id"]
model, _ = call("POST", f"/workspaces/{ws}/models/tiny",
                {"name": "tiny", "dataset_version_id": version, "size": "micro", "vocab_size": 400}, cookie=admin)

# Every built-in task; 30 languages: those of the smaller tasks first, then SIB-200's.
tasks, _ = call("GET", f"/workspaces/{ws}/eval-tasks", cookie=admin)
chosen = []
for t in sorted(tasks, key=lambda t: len(t["languages"])):
    for lang in t["languages"]:
        if lang not in chosen and len(chosen) < LANGUAGES:
            chosen.append(lang)
started = time.time()
started_ev, _ = call("POST", f"/workspaces/{ws}/evaluations",
             {"model_id": model["id"], "tasks": [t["id"] for t in tasks], "languages": chosen, "limit": LIMIT},
             cookie=admin)
ev = started_ev["evaluation"]
job = wait_job(ws, ev["job_id"], admin)
if job["state"] != "succeeded":
    raise SystemExit(f"the evaluation failed: {job.get('error')}")
evaluated = time.time() - started
items = call("GET", f"/workspaces/{ws}/evaluations/{ev['id']}/items?limit=1", cookie=admin)[0]["total"]

# Nine more evaluations of the same shape: the row and its items copied under new ids.
copies = []
for i in range(COPIES):
    new = str(uuid.uuid4())
    copies.append(new)
    sql([
        ("INSERT INTO evaluations (id, workspace_id, model_id, run_id, checkpoint_step, label, spec, fingerprint, "
         "job_id, results, created_by, created_at) SELECT ?, workspace_id, model_id, run_id, checkpoint_step, "
         "label || ' copy " + str(i + 1) + "', spec, fingerprint || '-copy" + str(i + 1) + "', job_id, results, "
         "created_by, created_at + " + str(i + 1) + " FROM evaluations WHERE id = ?", [new, ev["id"]]),
        ("INSERT INTO eval_items (evaluation_id, task, language, item_id, position, prompt, output, gold, choices, "
         "metrics, answered_in) SELECT ?, task, language, item_id, position, prompt, output, gold, choices, metrics, "
         "answered_in FROM eval_items WHERE evaluation_id = ?", [new, ev["id"]]),
    ])
listed = call("GET", f"/workspaces/{ws}/evaluations", cookie=admin)[0]
assert len(listed) == COPIES + 1, f"expected {COPIES + 1} evaluations, got {len(listed)}"

endpoints = {
    "list evaluations (the Evaluate tab and its heatmap)": f"/workspaces/{ws}/evaluations",
    "one evaluation's results": f"/workspaces/{ws}/evaluations/{copies[0]}",
    "forgetting matrix (compare with the base, paired tests over every item)":
        f"/workspaces/{ws}/evaluations/{copies[0]}/compare/{ev['id']}",
    "items, first page (drill-down)": f"/workspaces/{ws}/evaluations/{copies[0]}/items?limit=50",
    "items of one language (drill-down filter)":
        f"/workspaces/{ws}/evaluations/{copies[0]}/items?language={chosen[-1]}&limit=50",
}
print(json.dumps({"what": "setup", "database": db_url.split(":")[0], "evaluations": COPIES + 1,
                  "tasks": len(tasks), "languages": len(chosen), "items_per_evaluation": items,
                  "first_evaluation_seconds": round(evaluated, 1)}))
for name, path in endpoints.items():
    call("GET", path, cookie=admin)  # warm
    ms = []
    for _ in range(n_requests):
        t = time.perf_counter()
        call("GET", path, cookie=admin)
        ms.append((time.perf_counter() - t) * 1000)
    ms.sort()
    print(json.dumps({"what": name, "requests": n_requests, "p50_ms": round(statistics.median(ms), 1),
                      "p95_ms": round(ms[int(0.95 * len(ms)) - 1], 1), "max_ms": round(ms[-1], 1)}))

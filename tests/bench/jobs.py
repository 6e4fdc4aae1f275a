#!/usr/bin/env python3
"""Job queue benchmark (not a test). Against a running `polytune --workers 0` at BASE, with worker
processes started by this script (`polytune worker`, one job at a time each):

  - claim-to-start latency: jobs enqueued one by one (every 40 ms) while the workers are idle;
    latency = the job's `running` event time minus its `queued` event time (server clock).
  - throughput: 1,000 jobs enqueued while no worker runs, then W workers start; jobs/s from the
    first `running` event to the last `succeeded` one.
  - SSE delivery: an event-stream client follows the workspace while the latency phase runs;
    delay = arrival time minus the event's `at` (same machine, same clock).

usage: jobs.py BASE POLYTUNE_BIN DATABASE_URL DATA_DIR WORKERS
"""
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

base, binary, db_url, data_dir, n_workers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
PASSWORD = "correct horse battery"
cookie = None


def call(method, path, body=None, raw=None):
    global cookie
    req = urllib.request.Request(base + "/api/v1" + path, method=method)
    req.add_header("Origin", base)
    if cookie:
        req.add_header("Cookie", cookie)
    if body is not None:
        req.add_header("Content-Type", "application/json")
        req.data = json.dumps(body).encode()
    if raw is not None:
        req.add_header("Content-Type", "application/octet-stream")
        req.data = raw
    with urllib.request.urlopen(req) as res:
        c = res.headers.get("Set-Cookie")
        if c:
            cookie = c.split(";")[0]
        data = res.read()
        return json.loads(data) if data else None


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def events(ws):
    """All events of the workspace, by replaying its stream until it goes quiet."""
    host = base.split("//")[1]
    conn = http.client.HTTPConnection(host, timeout=2)
    conn.request("GET", f"/api/v1/workspaces/{ws}/events", headers={"Cookie": cookie})
    res = conn.getresponse()
    out = []
    try:
        while True:
            line = res.fp.readline()
            if not line:
                break
            if line.startswith(b"data: "):
                out.append(json.loads(line[6:]))
    except Exception:
        pass
    conn.close()
    return out


def start_workers(n):
    env = dict(os.environ, POLYTUNE_DATABASE_URL=db_url, POLYTUNE_DATA_DIR=data_dir, POLYTUNE_WORKERS="1", POLYTUNE_LOG="warn")
    return [subprocess.Popen([binary, "worker"], env=env, stderr=subprocess.DEVNULL) for _ in range(n)]


call("POST", "/setup", {"email": "admin@example.org", "name": "Admin", "password": PASSWORD})
ws = call("POST", "/workspaces", {"name": "Bench"})["id"]
blob = call("POST", f"/workspaces/{ws}/blobs?name=t.txt", raw=b"a\nb\n")["sha256"]
job = {"kind": "blob_stats", "payload": {"blob": blob}}

# Throughput: backlog first, then workers.
N = 1000
for _ in range(N):
    call("POST", f"/workspaces/{ws}/jobs", job)
workers = start_workers(n_workers)
while True:
    done = [e for e in events(ws) if e["kind"] == "state" and e["data"].get("state") == "succeeded"]
    if len(done) >= N:
        break
    time.sleep(0.5)
evs = events(ws)
first_run = min(e["at"] for e in evs if e["data"].get("state") == "running")
last_done = max(e["at"] for e in evs if e["data"].get("state") == "succeeded")
throughput = N / ((last_done - first_run) / 1000)
seen = max(e["id"] for e in evs)

# Latency with idle workers, and SSE delivery delay of the same events.
sse_delays = []
stop = threading.Event()


def follow():
    host = base.split("//")[1]
    conn = http.client.HTTPConnection(host, timeout=30)
    conn.request("GET", f"/api/v1/workspaces/{ws}/events?after=-1", headers={"Cookie": cookie})
    res = conn.getresponse()
    while not stop.is_set():
        line = res.fp.readline()
        if line.startswith(b"data: "):
            e = json.loads(line[6:])
            sse_delays.append(time.time() * 1000 - e["at"])


t = threading.Thread(target=follow, daemon=True)
t.start()
time.sleep(0.5)
M = 200
ids = []
for _ in range(M):
    ids.append(call("POST", f"/workspaces/{ws}/jobs", job)["id"])
    time.sleep(0.04)
time.sleep(2)
stop.set()
evs = [e for e in events(ws) if e["id"] > seen]
queued = {e["job_id"]: e["at"] for e in evs if e["data"].get("state") == "queued"}
running = {e["job_id"]: e["at"] for e in evs if e["data"].get("state") == "running"}
lat = [running[j] - queued[j] for j in ids if j in running and j in queued]
for w in workers:
    w.terminate()
print(json.dumps({
    "workers": n_workers,
    "jobs_per_sec": round(throughput, 1),
    "claim_to_start_ms": {"p50": pct(lat, 50), "p99": pct(lat, 99), "n": len(lat)},
    "sse_delay_ms": {"p50": round(pct(sse_delays, 50), 1), "p99": round(pct(sse_delays, 99), 1), "n": len(sse_delays)},
}))

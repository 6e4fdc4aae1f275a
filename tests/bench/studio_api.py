"""One call to a studio's JSON API for the benchmark scripts (standard library only): the Origin
header state-changing requests need, a session cookie, a JSON or raw body. Returns (the decoded
answer or None, the session cookie the answer set, if any)."""
import json
import urllib.request


def call(base, method, path, body=None, cookie=None, raw=None, content_type=None):
    req = urllib.request.Request(base + "/api/v1" + path, method=method)
    req.add_header("Origin", base)
    if body is not None:
        req.add_header("Content-Type", "application/json")
        req.data = json.dumps(body).encode()
    if raw is not None:
        req.add_header("Content-Type", content_type or "application/octet-stream")
        req.data = raw
    if cookie:
        req.add_header("Cookie", cookie)
    with urllib.request.urlopen(req) as res:
        set_cookie = res.headers.get("Set-Cookie", "")
        data = res.read()
        return (json.loads(data) if data else None), set_cookie.split(";")[0]


def session(base, workspace):
    """Sets up a fresh studio, signs in and makes a workspace; returns (cookie, workspace id)."""
    call(base, "POST", "/setup", {"email": "bench@example.org", "name": "Bench", "password": "correct horse battery"})
    _, cookie = call(base, "POST", "/session", {"email": "bench@example.org", "password": "correct horse battery"})
    ws = call(base, "POST", "/workspaces", {"name": workspace}, cookie)[0]["id"]
    return cookie, ws


def wait(base, ws, cookie, job_id):
    """Waits for a job to end; exits with its error unless it succeeded; returns the job."""
    import sys
    import time

    while True:
        j = call(base, "GET", f"/workspaces/{ws}/jobs/{job_id}", cookie=cookie)[0]
        if j["state"] in ("succeeded", "failed", "cancelled"):
            if j["state"] != "succeeded":
                sys.exit(f"job {job_id}: {j['state']}: {j.get('error')}")
            return j
        time.sleep(0.5)


def smollm2(base, ws, cookie):
    """Adds SmolLM2-135M-Instruct from the studio's catalog; returns its model id."""
    job = call(base, "POST", f"/workspaces/{ws}/model-catalog/smollm2-135m-instruct", {}, cookie)[0]
    return wait(base, ws, cookie, job["id"])["result"]["model_id"]

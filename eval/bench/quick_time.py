"""Times the Quick preset of every built-in task on SmolLM2-135M-Instruct (see quick_time.sh)."""
import json
import sys
import time

sys.path.insert(0, "tests/bench")
from studio_api import call, session, smollm2, wait  # noqa: E402

base = sys.argv[1]
cookie, ws = session(base, "Quick")
model = smollm2(base, ws, cookie)
tasks = sys.argv[2].split(",") if len(sys.argv) > 2 else ["xcopa", "sib200", "mgsm", "fidelity"]
whole = call(base, "POST", f"/workspaces/{ws}/evaluations/estimate", {"model_id": model, "preset": "quick"}, cookie)[0]
total = 0.0
for task in tasks:
    body = {"model_id": model, "preset": "quick", "tasks": [task]}
    est = call(base, "POST", f"/workspaces/{ws}/evaluations/estimate", body, cookie)[0]
    t0 = time.time()
    started = call(base, "POST", f"/workspaces/{ws}/evaluations", body, cookie)[0]["evaluation"]
    out = wait(base, ws, cookie, started["job_id"])["result"]
    wall = time.time() - t0
    total += wall
    print(json.dumps({"task": task, "items": est["items"], "estimated_s": est["estimated_seconds"],
                      "seconds": round(wall, 1), "job_seconds": round(out["seconds"], 1)}), flush=True)
print(json.dumps({"task": "all", "items": whole["items"], "estimated_s": whole["estimated_seconds"],
                  "seconds": round(total, 1)}))

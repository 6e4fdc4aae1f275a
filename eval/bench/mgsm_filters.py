"""MGSM answers scored by lm-evaluation-harness's filters and by the studio (see mgsm_filters.sh)."""
import json
import sys
import time

from lm_eval.api.metrics import exact_match_hf_evaluate
from lm_eval.filters.extraction import RegexFilter, WhitespaceFilter

sys.path.insert(0, "tests/bench")
from studio_api import call, session, smollm2, wait  # noqa: E402

base, limit = sys.argv[1], int(sys.argv[2])
cookie, ws = session(base, "MGSM")
model = smollm2(base, ws, cookie)
body = {"model_id": model, "tasks": ["mgsm"], "preset": "quick", "limit": limit}
started = call(base, "POST", f"/workspaces/{ws}/evaluations", body, cookie)[0]["evaluation"]
t0 = time.time()
out = wait(base, ws, cookie, started["job_id"])["result"]
seconds = time.time() - t0
items = call(base, "GET", f"/workspaces/{ws}/evaluations/{started['id']}/export?format=json", cookie=cookie)[0]["items"]

# lm-eval's mgsm_direct: generation stops at a newline; `remove_whitespace` + take_first is the
# strict answer; `flexible-extract` takes the last match of its regex; exact_match ignores case
# and punctuation.
first_lines = [[i["output"].split("\n")[0]] for i in items]
whole = [[i["output"]] for i in items]
strict = [r[0] for r in WhitespaceFilter().apply(first_lines, [{}] * len(items))]
flexible = [r[0] for r in RegexFilter(regex_pattern=r"(-?[$0-9.,]{2,})|(-?[0-9]+)", group_select=-1).apply(whole, [{}] * len(items))]
gold = [i["gold"] for i in items]
em = lambda preds: [exact_match_hf_evaluate(predictions=[p], references=[g], ignore_case=True, ignore_punctuation=True)["exact_match"] for p, g in zip(preds, gold)]
theirs_strict, theirs_flexible = em(strict), em(flexible)
agree_strict = sum(float(t) == i["metrics"]["exact_strict"] for t, i in zip(theirs_strict, items))
agree_flexible = sum(float(t) == i["metrics"]["exact_flexible"] for t, i in zip(theirs_flexible, items))
for t, i in zip(theirs_flexible, items):
    if float(t) != i["metrics"]["exact_flexible"]:
        print("flexible differs:", json.dumps({"language": i["language"], "item": i["item_id"], "output": i["output"], "gold": i["gold"]}, ensure_ascii=False))
tokens = sum(len(i["output"]) for i in items)
print(json.dumps({
    "items": len(items), "languages": len({i["language"] for i in items}),
    "strict_agree": agree_strict, "flexible_agree": agree_flexible,
    "ours_strict": sum(i["metrics"]["exact_strict"] for i in items), "lm_eval_strict": sum(theirs_strict),
    "ours_flexible": sum(i["metrics"]["exact_flexible"] for i in items), "lm_eval_flexible": sum(theirs_flexible),
    "seconds": round(seconds, 1), "job_seconds": round(out["seconds"], 1),
}))

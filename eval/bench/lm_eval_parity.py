"""Evaluation parity and speed: the studio against lm-evaluation-harness's Hugging Face backend.

The studio (a running `polytune`, release build) adds SmolLM2-135M-Instruct from its catalog and
evaluates it on XCOPA (all 11 languages, `--xcopa-limit` items each, default all 100) and SIB-200 (24 languages, the first
`--sib-limit` items each). lm-eval's HFLM then scores exactly the same (context, continuation)
requests with the same weights (the GGUF, dequantized by transformers) and the studio's
tokenizer.json, batch size 1 — so any difference is in scoring, not in tokenizer conversion.
Printed: per-choice log-likelihood differences, argmax agreement, accuracy per language (both,
with one standard error) and requests per second.
"""

import argparse
import json
import math
import pathlib
import sys
import time

import requests
import torch
from lm_eval.api.instance import Instance
from lm_eval.models.huggingface import HFLM
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

p = argparse.ArgumentParser()
p.add_argument("--base", required=True)
p.add_argument("--data-dir", required=True)
p.add_argument("--gguf", required=True)
p.add_argument("--sib-limit", type=int, default=20)
p.add_argument("--mgsm-limit", type=int, default=2)
p.add_argument("--xcopa-limit", type=int, default=0, help="items per language (0: all 100)")
p.add_argument("--out", default="")
args = p.parse_args()

s = requests.Session()
s.headers["Origin"] = args.base
api = lambda path: f"{args.base}/api/v1{path}"


def ok(r, status=(200, 201, 202)):
    if r.status_code not in status:
        sys.exit(f"{r.request.method} {r.url}: {r.status_code} {r.text}")
    return r.json()


ok(s.post(api("/setup"), json={"email": "bench@example.org", "name": "Bench", "password": "correct horse battery"}))
ok(s.post(api("/session"), json={"email": "bench@example.org", "password": "correct horse battery"}), (200, 201, 204))
ws = ok(s.post(api("/workspaces"), json={"name": "Parity"}))["id"]


def wait(job_id, limit=3600):
    for _ in range(limit * 2):
        j = ok(s.get(api(f"/workspaces/{ws}/jobs/{job_id}")))
        if j["state"] in ("succeeded", "failed", "cancelled"):
            if j["state"] != "succeeded":
                sys.exit(f"job {job_id}: {j['state']}: {j.get('error')}")
            return j
        time.sleep(0.5)
    sys.exit(f"job {job_id} did not finish")


job = ok(s.post(api(f"/workspaces/{ws}/model-catalog/smollm2-135m-instruct")))
model_id = wait(job["id"])["result"]["model_id"]


def evaluate(task, limit):
    body = {"model_id": model_id, "tasks": [task], "preset": "quick" if task == "mgsm" else "full"}
    if limit:
        body["limit"] = limit
    started = ok(s.post(api(f"/workspaces/{ws}/evaluations"), json=body))["evaluation"]
    t0 = time.time()
    out = wait(started["job_id"])["result"]
    wall = time.time() - t0
    export = ok(s.get(api(f"/workspaces/{ws}/evaluations/{started['id']}/export?format=json")))
    return export["items"], out["seconds"], wall


tokenizer_json = next(pathlib.Path(args.data_dir).rglob(f"{model_id}/tokenizer.json"))
tok = PreTrainedTokenizerFast(tokenizer_file=str(tokenizer_json), bos_token="<|im_start|>", eos_token="<|im_end|>")
gguf = pathlib.Path(args.gguf)
torch.set_num_threads(2)
model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, torch_dtype=torch.float32)
lm = HFLM(pretrained=model, tokenizer=tok, batch_size=1, add_bos_token=False)

report = {}
for task, limit in (("xcopa", args.xcopa_limit or None), ("sib200", args.sib_limit)):
    items, ours_seconds, ours_wall = evaluate(task, limit)
    reqs = [(it, c) for it in items for c in it["choices"]]
    instances = [
        Instance(request_type="loglikelihood", doc={}, arguments=(it["prompt"], " " + c["text"]), idx=i)
        for i, (it, c) in enumerate(reqs)
    ]
    t0 = time.time()
    theirs = lm.loglikelihood(instances, disable_tqdm=True)
    peer_seconds = time.time() - t0
    diffs = [abs(c["logprob"] - ll) for (it, c), (ll, _) in zip(reqs, theirs)]
    at = 0
    per_lang = {}
    agree = 0
    for it in items:
        n = len(it["choices"])
        ll_theirs = [ll for ll, _ in theirs[at : at + n]]
        at += n
        texts = [c["text"] for c in it["choices"]]
        ours_pick = max(range(n), key=lambda i: it["choices"][i]["logprob"])
        their_pick = max(range(n), key=lambda i: ll_theirs[i])
        agree += ours_pick == their_pick
        gold = texts.index(it["gold"])
        lang = per_lang.setdefault(it["language"], {"n": 0, "ours": 0, "theirs": 0})
        lang["n"] += 1
        lang["ours"] += it["metrics"]["acc"]
        lang["theirs"] += their_pick == gold
    worst_lang_gap = 0.0
    within_se = 0
    for lang, v in per_lang.items():
        po, pt = v["ours"] / v["n"], v["theirs"] / v["n"]
        se = math.sqrt(max(pt * (1 - pt), 1e-9) / v["n"])
        v.update(acc_ours=po, acc_theirs=pt, se=se)
        within_se += abs(po - pt) <= se
        worst_lang_gap = max(worst_lang_gap, abs(po - pt))
    r = {
        "items": len(items),
        "requests": len(reqs),
        "max_abs_diff_nats": max(diffs),
        "mean_abs_diff_nats": sum(diffs) / len(diffs),
        "share_within_1e-2": sum(d <= 1e-2 for d in diffs) / len(diffs),
        "argmax_agreement": agree / len(items),
        "languages_within_one_se": f"{within_se}/{len(per_lang)}",
        "worst_language_accuracy_gap": worst_lang_gap,
        "ours_requests_per_s": len(reqs) / ours_seconds,
        "lm_eval_hf_requests_per_s": len(reqs) / peer_seconds,
        "speed_ratio": (len(reqs) / ours_seconds) / (len(reqs) / peer_seconds),
        "per_language": per_lang,
    }
    report[task] = r
    print(f"\n## {task}: {len(items)} items, {len(reqs)} requests")
    for k, v in r.items():
        if k != "per_language":
            print(f"  {k}: {v:.4f}" if isinstance(v, float) else f"  {k}: {v}")
    print("  language  ours  lm-eval  (± 1 SE)")
    for lang, v in sorted(per_lang.items()):
        print(f"  {lang}  {v['acc_ours']:.3f}  {v['acc_theirs']:.3f}  ±{v['se']:.3f}")

# MGSM: our greedy generations (quick preset: 96 new tokens) scored by lm-eval's flexible filter
# and exact match, against our flexible score; and generation speed against transformers'
# `generate` on the same prompts, batch size 1, greedy, the same stop strings.
import re

from lm_eval.filters.extraction import RegexFilter

items, ours_seconds, _ = evaluate("mgsm", args.mgsm_limit)
flexible = RegexFilter(regex_pattern=r"(-?[$0-9.,]{2,})|(-?[0-9]+)", group_select=-1)
extracted = flexible.apply([[it["output"]] for it in items], None)


def lm_eval_exact(pred, gold):
    norm = lambda x: re.sub(r"\.$", "", re.sub(r"\$", "", re.sub(",", "", x.strip())))
    return norm(pred) == norm(gold)


agree = sum(lm_eval_exact(list(e)[0], it["gold"]) == (it["metrics"]["exact_flexible"] == 1.0) for e, it in zip(extracted, items))
ours_tokens = sum(len(tok(it["output"], add_special_tokens=False)["input_ids"]) for it in items)
peer_tokens = 0
t0 = time.time()
for it in items:
    ids = tok(it["prompt"], return_tensors="pt", add_special_tokens=False)
    out = model.generate(**ids, max_new_tokens=96, do_sample=False, stop_strings=["\n\n", "Question:"], tokenizer=tok)
    peer_tokens += out.shape[1] - ids["input_ids"].shape[1]
peer_seconds = time.time() - t0
report["mgsm"] = {
    "items": len(items),
    "flexible_filter_agreement": agree / len(items),
    "ours_tokens_per_s": ours_tokens / ours_seconds,
    "transformers_generate_tokens_per_s": peer_tokens / peer_seconds,
    "speed_ratio": (ours_tokens / ours_seconds) / (peer_tokens / peer_seconds),
}
print(f"\n## mgsm: {len(items)} items")
for k, v in report["mgsm"].items():
    print(f"  {k}: {v:.4f}" if isinstance(v, float) else f"  {k}: {v}")

if args.out:
    pathlib.Path(args.out).write_text(json.dumps(report, indent=2))

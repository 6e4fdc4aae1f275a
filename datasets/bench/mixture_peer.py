"""Peer for `mixture_bench`: the same mixture the obvious way in Python (json per line, examples
grouped by language in memory, `random.sample` per language, validation held out first).

    python3 datasets/bench/mixture_peer.py <folder kept by mixture_bench> <total> <alpha>

Prints seconds and peak RSS as one JSON line. Standard library only.
"""
import json
import random
import resource
import sys
import time

folder, total, alpha = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
t0 = time.time()
by_lang = {}
with open(f"{folder}/examples.jsonl", encoding="utf-8") as ex, open(f"{folder}/annotations.jsonl", encoding="utf-8") as ann:
    for line, a in zip(ex, ann):
        lang = json.loads(a).get("li") or "und"
        by_lang.setdefault(lang, []).append(json.loads(line))
rng = random.Random(1)
pools = {}
validation = []
for lang, items in by_lang.items():
    v = min(round(len(items) * 0.05), 200, len(items) - 1)
    idx = list(range(len(items)))
    rng.shuffle(idx)
    validation += [items[i] for i in idx[:v]]
    pools[lang] = [items[i] for i in idx[v:]]
weights = {l: len(p) ** alpha for l, p in pools.items()}
z = sum(weights.values())
with open(f"{folder}/peer-train.jsonl", "w", encoding="utf-8") as out:
    for lang, pool in pools.items():
        k = min(round(total * weights[lang] / z), len(pool))
        for e in rng.sample(pool, k):
            out.write(json.dumps(e, ensure_ascii=False) + "\n")
with open(f"{folder}/peer-validation.jsonl", "w", encoding="utf-8") as out:
    for e in validation:
        out.write(json.dumps(e, ensure_ascii=False) + "\n")
print(json.dumps({"seconds": time.time() - t0, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))

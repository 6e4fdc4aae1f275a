"""llama.cpp (llama-cpp-python) on the same measurements as gpu/examples/infer_bench.rs, one JSON
line each: decode (batch 1, 128 greedy tokens after a 16-token prompt, end-of-text ignored),
prompt (512 tokens), loglik (the same 64 XCOPA-style requests, each continuation evaluated with
its context, as lm-eval's llama.cpp backend does), memory (resident set).

    python gpu/bench/llama_cpp_peer.py MODEL.gguf   (THREADS=2 by default)
"""
import json
import os
import sys
import time

import numpy as np
from llama_cpp import Llama

# The same texts as the Rust side reads (one definition of the workload).
WORKLOAD = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "workload.json"), encoding="utf-8"))
TEXT = WORKLOAD["text"]
PREMISES = WORKLOAD["premises"]
ALTS = [tuple(a) for a in WORKLOAD["alternatives"]]

def rss_mb(field="VmRSS:"):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024
    return 0


def out(**kw):
    print(json.dumps(kw), flush=True)


def main():
    path = sys.argv[1]
    threads = int(os.environ.get("THREADS", "2"))
    t = time.time()
    llm = Llama(model_path=path, n_threads=threads, n_threads_batch=threads, n_ctx=1024, n_batch=512,
                logits_all=False, verbose=False)
    out(what="load", seconds=time.time() - t, rss_mb=rss_mb())
    toks = llm.tokenize((TEXT * 12).encode(), add_bos=False, special=False)
    for _ in range(2):
        llm.reset()
        llm.eval(toks[:16])
        t = time.time()
        for _ in range(128):
            nxt = int(np.argmax(llm.scores[llm.n_tokens - 1]))
            llm.eval([nxt])
        s = time.time() - t
        out(what="decode", tokens=128, seconds=s, tokens_per_second=128 / s, rss_mb=rss_mb())
    for _ in range(2):
        llm.reset()
        t = time.time()
        llm.eval(toks[:512])
        s = time.time() - t
        out(what="prompt", tokens=512, seconds=s, tokens_per_second=512 / s)
    del llm
    ll = Llama(model_path=path, n_threads=threads, n_threads_batch=threads, n_ctx=1024, n_batch=512,
               logits_all=True, verbose=False)
    reqs = [(PREMISES[i % 8], ALTS[i % 8]) for i in range(64)]
    enc = lambda s: ll.tokenize(s.encode(), add_bos=False, special=False)
    for _ in range(2):
        t = time.time()
        first = 0
        for ctx, alts in reqs:
            c = enc(ctx)
            scores = []
            for a in alts:
                cont = enc(a)
                ll.reset()
                ll.eval(c + cont[:-1])
                logits = np.array(ll.scores[len(c) - 1:len(c) - 1 + len(cont)], dtype=np.float64)
                m = logits.max(axis=1, keepdims=True)
                logp = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
                scores.append(float(sum(logp[i, tok] for i, tok in enumerate(cont))))
            first += scores[0] > scores[1]
        s = time.time() - t
        out(what="loglik", requests=len(reqs), seconds=s, requests_per_second=len(reqs) / s,
            first_alternative_preferred=int(first))
    out(what="memory", rss_mb=rss_mb(), peak_rss_mb=rss_mb("VmHWM:"))


if __name__ == "__main__":
    main()

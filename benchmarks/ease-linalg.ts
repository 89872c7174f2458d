/**
 * EASE's dense linear algebra, ours beside numpy/OpenBLAS on the same matrix in one run:
 * the Gram matrix G = XᵀX of ml-latest-small's binarised training split (recbole protocol, the
 * seed's split, ~9.7k items) plus λI, and its inverse. Ours: the sparse Gram accumulation of
 * main/core/models/ease.ts and the onnxruntime inverse of main/core/models/native-linalg.ts
 * (float64). numpy's: scipy.sparse XᵀX (dense X·Xᵀ when scipy is absent) and numpy.linalg.inv
 * (float64), run by python3 in a child process on the very same CSR arrays, after ours, so the
 * two never share the CPUs. Both inverses are checked against each other (max relative
 * difference of the diagonal and of the first row).
 *
 *   npm run bench:ease-linalg            (writes benchmarks/results/ease-linalg.json)
 *   flags: --seed 2020 --lambda 500 --repeats 1 --python python3 --items N (first N items only)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadRegistryDataset } from '../main/core/data';
import { splitInteractions } from '../main/core/eval';
import { dedupeRows } from '../main/core/models/csr';
import { gram } from '../main/core/models/ease';
import { invertSpdNative } from '../main/core/models/native-linalg';
import type { Csr } from '../main/core/types';
import { fitContext } from '../main/jobs/evaluate';
import { arg, machineInfo, writeResults } from './common';

const PYTHON_SCRIPT = String.raw`
import json, sys, time, os
import numpy as np
d, n, lam, repeats = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
indptr = np.fromfile(os.path.join(d, 'indptr.bin'), dtype=np.int32)
indices = np.fromfile(os.path.join(d, 'indices.bin'), dtype=np.int32)
rows = len(indptr) - 1
try:
    import scipy, scipy.sparse as sp
    gram_how = 'scipy.sparse X.T @ X ' + scipy.__version__
except ImportError:
    sp = None
    gram_how = 'dense numpy X.T @ X (scipy absent)'
out = {'numpy': np.__version__, 'gram_method': gram_how, 'inverse_method': 'numpy.linalg.inv (LAPACK gesv, float64)',
       'gram_seconds': [], 'inverse_seconds': []}
try:
    out['blas'] = {k: v for k, v in np.show_config(mode='dicts')['Build Dependencies']['blas'].items() if k in ('name', 'version', 'openblas configuration')}
except Exception as e:
    out['blas'] = str(e)
for r in range(repeats):
    t = time.perf_counter()
    if sp is not None:
        x = sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(rows, n))
        g = (x.T @ x).toarray()
    else:
        x = np.zeros((rows, n))
        for u in range(rows):
            x[u, indices[indptr[u]:indptr[u + 1]]] = 1
        g = x.T @ x
    out['gram_seconds'].append(time.perf_counter() - t)
    g[np.diag_indices(n)] += lam
    t = time.perf_counter()
    p = np.linalg.inv(g)
    out['inverse_seconds'].append(time.perf_counter() - t)
np.diag(p).astype(np.float64).tofile(os.path.join(d, 'np_diag.bin'))
p[0].astype(np.float64).tofile(os.path.join(d, 'np_row0.bin'))
print(json.dumps(out))
`;

const secs = (t0: number): number => Math.round(performance.now() - t0) / 1000;
const min = (xs: readonly number[]): number => Math.min(...xs);

/** The first `nItems` columns of x (rows keep only those items). */
function leadingItems(x: Csr, nItems: number): Csr {
  if (nItems >= x.nCols) return x;
  const indptr = new Int32Array(x.nRows + 1);
  const indices: number[] = [];
  for (let u = 0; u < x.nRows; u++) {
    for (let p = x.indptr[u]; p < x.indptr[u + 1]; p++) if (x.indices[p] < nItems) indices.push(x.indices[p]);
    indptr[u + 1] = indices.length;
  }
  return { nRows: x.nRows, nCols: nItems, indptr, indices: Int32Array.from(indices), values: new Float32Array(indices.length).fill(1) };
}

function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return d / scale;
}

function runNumpy(python: string, dir: string, x: Csr, lambda: number, repeats: number): Record<string, unknown> {
  writeFileSync(join(dir, 'indptr.bin'), x.indptr);
  writeFileSync(join(dir, 'indices.bin'), x.indices);
  const r = spawnSync(python, ['-c', PYTHON_SCRIPT, dir, String(x.nCols), String(lambda), String(repeats)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${python} failed (numpy needed): ${r.stderr || String(r.error)}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const seed = Number(arg('--seed') ?? '2020');
  const lambda = Number(arg('--lambda') ?? '500');
  const repeats = Number(arg('--repeats') ?? '1');
  const python = arg('--python') ?? process.env.PYTHON ?? 'python3';
  const { dataset } = loadRegistryDataset('ml-latest-small');
  const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'recbole', seed);
  const full = dedupeRows(fitContext(dataset, split, seed).trainCsr, true);
  const x = leadingItems(full, Number(arg('--items') ?? full.nCols));
  const n = x.nCols;
  process.stderr.write(`ease-linalg: ${x.nRows} users × ${n} items, ${x.indices.length} training pairs, λ=${lambda}\n`);
  const ours = { gram_seconds: [] as number[], inverse_seconds: [] as number[] };
  let p: Float64Array = new Float64Array(0);
  for (let r = 0; r < repeats; r++) {
    let t0 = performance.now();
    const g = gram(x, n);
    ours.gram_seconds.push(secs(t0));
    t0 = performance.now();
    p = await invertSpdNative(g, n, { shift: lambda });
    ours.inverse_seconds.push(secs(t0));
    process.stderr.write(`ease-linalg: ours gram ${ours.gram_seconds[r]} s, inverse ${ours.inverse_seconds[r]} s\n`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'knowrec-ease-linalg-'));
  try {
    const np = runNumpy(python, dir, x, lambda, repeats);
    const npGram = np.gram_seconds as number[];
    const npInv = np.inverse_seconds as number[];
    process.stderr.write(`ease-linalg: numpy gram ${min(npGram).toFixed(3)} s, inverse ${min(npInv).toFixed(3)} s\n`);
    const npDiag = new Float64Array(readFileSync(join(dir, 'np_diag.bin')).buffer.slice(0));
    const npRow0 = new Float64Array(readFileSync(join(dir, 'np_row0.bin')).buffer.slice(0));
    const diag = Float64Array.from({ length: n }, (_, i) => p[i * n + i]);
    const oursTotal = min(ours.gram_seconds) + min(ours.inverse_seconds);
    const npTotal = min(npGram) + min(npInv);
    writeResults({
      benchmark: 'ease-linalg',
      dataset: 'ml-latest-small',
      matrix: { users: x.nRows, items: n, training_pairs: x.indices.length, protocol: 'recbole', seed, lambda },
      repeats,
      ours: {
        gram: 'sparse accumulation in TypeScript (main/core/models/ease.ts gram)',
        inverse: 'recursive Schur-complement SPD inverse on onnxruntime-node MLAS GEMM + com.microsoft Inverse leaves, float64',
        ...ours,
      },
      numpy: np,
      agreement: { diag_max_rel_diff: maxRelDiff(diag, npDiag), row0_max_rel_diff: maxRelDiff(p.subarray(0, n), npRow0) },
      seconds: { ours_total: oursTotal, numpy_total: npTotal, ours_inverse: min(ours.inverse_seconds), numpy_inverse: min(npInv) },
      speed_vs_numpy: { total: Math.round((npTotal / oursTotal) * 1000) / 1000, inverse: Math.round((min(npInv) / min(ours.inverse_seconds)) * 1000) / 1000 },
      note: 'speed_vs_numpy = numpy seconds / our seconds (≥ 1 means faster than numpy); best of the repeats; both use the machine\'s cores; the machine may be shared, see loadavg_at_end',
      env: { OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? null, OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? null },
      machine: machineInfo(),
    }, arg('--out'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

/**
 * Entry of the what-if worker thread: loads the workspace's dataset, fits the what-if model
 * (what-if-model.ts) reporting progress, then keeps it and answers questions until the Api stops
 * the thread. The Api's process never fits: it only posts questions (what-if-engine.ts).
 */
import { workerData } from 'node:worker_threads';
import { toApiError } from '../api/result';
import { Workspace } from '../core/store';
import { isStop, onStop, workerPort } from '../core/worker-launcher';
import type { FromWhatIfWorker, ToWhatIfWorker, WhatIfWorkerData } from './what-if-engine';
import { answerWhatIf, fitWhatIfModel, type WhatIfModel } from './what-if-model';
import { part, progressParts } from './job-message';

const port = workerPort('what-if-worker');
const spec = (workerData as WhatIfWorkerData).spec;
const post = (m: FromWhatIfWorker): void => port.postMessage(m);
/** Aborted by the launcher's stop: the fit ends at its sources' next check. */
const stop = new AbortController();
onStop(port, () => stop.abort());
/** Users whose full scores are kept (the "before" of their questions). */
const BEFORE_CACHE = 32;
const before = new Map<number, Float32Array>();

function scoresOf(m: WhatIfModel, user: number): Float32Array {
  let s = before.get(user);
  if (s === undefined) {
    s = m.source.score(user);
    if (before.size >= BEFORE_CACHE) before.delete(before.keys().next().value ?? user);
    before.set(user, s);
  }
  return s;
}

async function fit(): Promise<WhatIfModel> {
  post({ type: 'progress', fraction: 0, parts: [part('loadingWorkspace', 'loading the workspace')] });
  const ws = Workspace.open(spec.workspace);
  let dataset;
  try {
    dataset = ws.loadDataset();
  } finally {
    ws.close();
  }
  return fitWhatIfModel(dataset, {
    model: spec.model,
    seed: spec.seed,
    tune: spec.tune,
    workspace: spec.workspace,
    signal: stop.signal,
    onProgress: (p) => {
      post({ type: 'progress', fraction: p.fraction ?? null, parts: progressParts(p) });
    },
  });
}

fit().then(
  (m) => {
    post({ type: 'ready', model: { name: m.name, seed: m.seed, tuned: m.tuned, fitSeconds: Math.round(m.fitSeconds * 10) / 10 } });
    port.on('message', (msg: ToWhatIfWorker) => {
      if (isStop(msg)) return;
      try {
        post({ type: 'answer', id: msg.id, answer: answerWhatIf(m, msg.question, (u) => scoresOf(m, u)) });
      } catch (e) {
        post({ type: 'error', id: msg.id, error: toApiError(e) });
      }
    });
  },
  (e: unknown) => {
    post({ type: 'failed', error: toApiError(e) });
    port.close();
  },
);

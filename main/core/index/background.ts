/**
 * An ANN index built off the calling thread: the Api asks for it with the item vectors and gets
 * null until it is ready (callers then search exactly), and the saved index from then on. The
 * graph is built and saved by ann-build-worker.ts (`<dir>/<name>-<hash>.usearch`, see persist.ts);
 * this thread only reads the saved file.
 */
import { rmSync } from 'node:fs';
import { KnowrecError } from '../errors';
import { launchWorker, reviveError, workerEntry, type LaunchedWorker, type SerializedError } from '../worker-launcher';
import { AnnIndex, type AnnIndexOptions } from './ann';

/** To the build worker: the vectors (flat, `dim` per row, transferred) and where to save. */
export interface ToAnnBuild {
  readonly type: 'build';
  readonly dir: string;
  readonly name: string;
  readonly dim: number;
  readonly vectors: Float32Array;
  readonly options: AnnIndexOptions;
}
export type FromAnnBuild = { readonly type: 'built'; readonly file: string; readonly loaded: boolean } | { readonly type: 'error'; readonly error: SerializedError };

export type BackgroundState = { readonly state: 'building' } | { readonly state: 'ready'; readonly loaded: boolean; readonly seconds: number } | { readonly state: 'failed'; readonly error: KnowrecError };

export class BackgroundAnnIndex {
  private index: AnnIndex | null = null;
  private status: BackgroundState = { state: 'building' };
  private worker: LaunchedWorker<ToAnnBuild> | null;
  private settle: (s: BackgroundState) => void = () => undefined;
  /** Resolves once the index is ready, has failed or was dropped (never rejects: see state()). */
  readonly settled: Promise<BackgroundState> = new Promise((resolve) => (this.settle = resolve));

  constructor(dir: string, name: string, vectors: readonly Float32Array[], options: AnnIndexOptions = {}, script = workerEntry(__dirname, 'ann-build-worker')) {
    const dim = vectors[0]?.length ?? 1;
    const flat = new Float32Array(vectors.length * dim);
    vectors.forEach((v, i) => flat.set(v, i * dim));
    const t0 = Date.now();
    const finish = (s: BackgroundState): void => this.finish(s);
    this.worker = launchWorker<ToAnnBuild, FromAnnBuild>(script, null, {
      onMessage: (m) => {
        if (m.type === 'error') return finish({ state: 'failed', error: reviveError(m.error) });
        try {
          this.index = AnnIndex.load(m.file, dim, options);
          finish({ state: 'ready', loaded: m.loaded, seconds: (Date.now() - t0) / 1000 });
        } catch (e) {
          rmSync(m.file, { force: true }); // unreadable: the next build writes it anew
          finish({ state: 'failed', error: e instanceof KnowrecError ? e : new KnowrecError('internal', String(e)) });
        }
      },
      onEnd: (end) => {
        const why = end.kind === 'error' ? end.error.message : `exit code ${end.code}`;
        finish({ state: 'failed', error: new KnowrecError('internal', `the vector index worker stopped before the index was built (${why})`, {}, 'ask again; the index is rebuilt') });
      },
    });
    this.worker.post({ type: 'build', dir, name, dim, vectors: flat, options }, [flat.buffer]);
  }

  /** The index once it is built or loaded, else null (search exactly meanwhile). */
  current(): AnnIndex | null {
    return this.index;
  }

  state(): BackgroundState {
    return this.status;
  }

  /** Stops waiting for the build (the worker finishes it and ends by itself). */
  dispose(): void {
    this.finish({ state: 'failed', error: new KnowrecError('cancelled', 'the vector index build was dropped') });
  }

  private finish(s: BackgroundState): void {
    if (this.status.state !== 'building') return;
    this.status = s;
    const w = this.worker;
    this.worker = null;
    void w?.close();
    this.settle(s);
  }
}

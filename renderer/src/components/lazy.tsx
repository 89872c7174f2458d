/**
 * The cytoscape graph and the recharts charts in chunks of their own: together they are most of
 * the script, so the landing page parses and draws without them. `prefetchChunks()` (called
 * once the landing page has drawn) loads both while the person reads it; a view that needs one
 * before it has arrived draws a placeholder box of the same size and the real thing when it comes.
 * Once a chunk is loaded, these wrappers render its component at once (no extra render pass).
 */
import { useEffect, useState, type ComponentProps, type ComponentType } from 'react';
import { useI18n } from '../i18n';
import type * as GraphModule from './KgGraph';
import type * as ChartsModule from './charts';

interface Chunk<M> {
  /** The module when loaded, else null. */
  readonly now: () => M | null;
  /** Loads it once (again after a failure). */
  readonly load: () => Promise<M>;
}

function chunk<M>(importer: () => Promise<M>): Chunk<M> {
  let loaded: M | null = null;
  let pending: Promise<M> | null = null;
  return {
    now: () => loaded,
    load: () =>
      (pending ??= importer().then(
        (m) => (loaded = m),
        (e: unknown) => {
          pending = null;
          throw e;
        },
      )),
  };
}

const graphChunk = chunk<typeof GraphModule>(() => import('./KgGraph'));
const chartsChunk = chunk<typeof ChartsModule>(() => import('./charts'));

/** Starts loading both chunks (idempotent; a failure is retried by the next view that needs it). */
export function prefetchChunks(): void {
  graphChunk.load().catch(() => undefined);
  chartsChunk.load().catch(() => undefined);
}

/** The chunk's module, or null until it has loaded; 'failed' when the load failed. */
function useChunk<M>(c: Chunk<M>): M | null | 'failed' {
  const [m, setM] = useState<M | null | 'failed'>(c.now);
  useEffect(() => {
    if (m !== null) return undefined;
    let live = true;
    c.load().then(
      (x) => live && setM(x),
      () => live && setM('failed'),
    );
    return () => {
      live = false;
    };
  }, [c, m]);
  return m;
}

/** A component of a chunk, with `placeholder` drawn until the chunk has loaded. */
function deferred<M, P extends object>(c: Chunk<M>, pick: (m: M) => ComponentType<P>, placeholder: (props: P) => string) {
  return function Deferred(props: P) {
    const m = useChunk(c);
    const { t } = useI18n();
    if (m === null || m === 'failed') {
      return (
        <div className={placeholder(props)} aria-busy={m === null}>
          <p className="muted">{m === null ? t('common.drawing') : t('common.chunkFailed')}</p>
        </div>
      );
    }
    const Component = pick(m);
    return <Component {...props} />;
  };
}

export const KgGraph = deferred(graphChunk, (m) => m.KgGraph, (p: ComponentProps<typeof GraphModule.KgGraph>) => (p.size === 'small' ? 'kg-graph path placeholder' : 'kg-graph placeholder'));
export const SignalBars = deferred(chartsChunk, (m) => m.SignalBars, () => 'chart-placeholder signal-bars');
export const ErrorBarChart = deferred(chartsChunk, (m) => m.ErrorBarChart, () => 'chart-placeholder metric-chart');
export const CurveChart = deferred(chartsChunk, (m) => m.CurveChart, () => 'chart-placeholder curve-chart');

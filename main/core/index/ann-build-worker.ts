/**
 * Entry of the ANN build worker thread (BackgroundAnnIndex's other side): receives the item
 * vectors as one flat array, builds the HNSW graph and saves it beside the workspace (or finds it
 * saved already, by the vectors' hash), and posts the file. Building takes minutes on large
 * catalogs; on this thread it never blocks the Api.
 */
import { serializeError, onStop, workerPort } from '../worker-launcher';
import { cachedAnnIndex } from './persist';
import type { FromAnnBuild, ToAnnBuild } from './background';

const port = workerPort('ann-build-worker');
const post = (m: FromAnnBuild): void => port.postMessage(m);
// The build is one native call that cannot stop half-way: a stop lets it finish, then the thread ends.
onStop(port, () => undefined);

port.on('message', (m: ToAnnBuild | { readonly type: string }) => {
  if (m.type !== 'build') return;
  const { dir, name, dim, vectors, options } = m as ToAnnBuild;
  try {
    const r = cachedAnnIndex(dir, name, vectors, options, dim);
    post({ type: 'built', file: r.file, loaded: r.loaded });
  } catch (e) {
    post({ type: 'error', error: serializeError(e) });
  }
  port.close();
});

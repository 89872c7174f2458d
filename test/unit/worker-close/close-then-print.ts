/**
 * A main thread whose only pending work is awaiting close() of a worker (as evaluate awaits the
 * encoder's close before writing its results): prints "after close" once close() returned.
 */
import { launchWorker, workerEntry } from '../../../main/core/worker-launcher';

const w = launchWorker<unknown, string>(workerEntry(__dirname, 'idle-entry'), undefined, {
  onMessage: () => {
    void w.close().then(() => process.stdout.write('after close\n'));
  },
  onEnd: () => undefined,
});

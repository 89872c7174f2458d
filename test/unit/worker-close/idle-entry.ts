/** A worker entry that does nothing but say it is ready and stop when asked (worker-close.test.ts). */
import { onStop, workerPort } from '../../../main/core/worker-launcher';

const port = workerPort('idle-entry');
onStop(port, () => undefined);
port.postMessage('ready');

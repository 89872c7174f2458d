/**
 * onnxruntime's own telemetry, off. Its Linux and macOS builds from 1.29 on (onnxruntime-node
 * 1.30 here) start a telemetry system with the process's first inference session: they persist a
 * device id and queue events (session creation, OS, process name) in
 * `$XDG_CACHE_HOME/Microsoft/DeveloperTools/.onnxruntime/`, write `$TMPDIR/mat-debug-<pid>.log`,
 * and upload to mobile.events.data.microsoft.com when online. The app promises no network at run
 * time and keeps an analyst's work on their machine, so every process turns it off through
 * onnxruntime's switch, the environment variable ORT_DISABLE_TELEMETRY=1.
 *
 * The variable is read from the process's environment when the first session is created, so it
 * must be set before that, and from the main thread: a worker thread's `process.env` is its own
 * copy, which onnxruntime does not read. Hence two callers: ort.ts (the one module importing
 * onnxruntime-node, on whatever thread) and worker-launcher.ts (on the launching thread, before
 * any worker loads onnxruntime). test/unit/ort-telemetry.test.ts checks that nothing is written.
 */

export const ORT_TELEMETRY_ENV = 'ORT_DISABLE_TELEMETRY';

/** Sets ORT_DISABLE_TELEMETRY=1 in this process's environment (a worker thread: its copy only). */
export function ortTelemetryOff(): void {
  process.env[ORT_TELEMETRY_ENV] = '1';
}

/** Small helpers every benchmark script shares: flags, machine facts, writing the results file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';

/** The value after `--name` on the command line, or undefined. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** What a results file records about the machine it was measured on. */
export function machineInfo(): { cpus: number; cpu_model: string; node: string; loadavg_at_end: number[] } {
  return { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version, loadavg_at_end: loadavg() };
}

/** Prints the results as JSON and, when `out` is given, writes them there too (folders made). */
export function writeResults(result: unknown, out: string | undefined): void {
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (out !== undefined) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, json);
  }
  process.stdout.write(json);
}

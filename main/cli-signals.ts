/**
 * How the CLI stops on SIGINT, SIGTERM and SIGHUP. A command that listens (evaluate, fit,
 * finetune, serve) is stopped gracefully: its job's AbortSignal is aborted, so the job stops at its
 * next check and leaves things as after Cancel in the workbench (a fine-tune keeps its checkpoint),
 * and `serve` closes the bridge and the workspace. The exit code is 128 + the signal number (130,
 * 143, 129). The handlers are removed at the first signal, so a second one ends the process at
 * once (the default action). Commands that do not listen (import, forget-user, recommend) and
 * synchronous stretches of the others keep the default action: the process ends at once, and
 * SQLite rolls back the transaction that was open (an import is one transaction).
 */
import { cancelled } from './core/errors';

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_NUMBERS: Readonly<Record<StopSignal, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

export class SignalScope {
  private readonly ctrl = new AbortController();
  private got: StopSignal | null = null;
  private listening = false;
  private readonly stops: (() => void)[] = [];
  private readonly handler = (sig: StopSignal): void => this.receive(sig);

  constructor(private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {}

  /** Aborted at the first signal. */
  get signal(): AbortSignal {
    return this.ctrl.signal;
  }

  /** The signal that stopped the command, or null. */
  get received(): StopSignal | null {
    return this.got;
  }

  /** 128 + the number of the signal received, or null when none came. */
  exitCode(): number | null {
    return this.got === null ? null : 128 + SIGNAL_NUMBERS[this.got];
  }

  /** From now on a signal stops the command gracefully (once). */
  listen(): void {
    if (this.listening || this.got !== null) return;
    this.listening = true;
    for (const s of STOP_SIGNALS) process.on(s, this.handler);
  }

  /** Back to the default action: a signal ends the process at once. */
  release(): void {
    if (!this.listening) return;
    this.listening = false;
    for (const s of STOP_SIGNALS) process.off(s, this.handler);
  }

  /** Calls `fn` at the first signal (at once when it already came). */
  onStop(fn: () => void): void {
    if (this.got !== null) fn();
    else this.stops.push(fn);
  }

  private receive(sig: StopSignal): void {
    if (this.got !== null) return;
    this.got = sig;
    this.release();
    this.log(`knowrec: ${sig}: stopping (send it again to exit at once)`);
    this.ctrl.abort(cancelled());
    for (const fn of this.stops.splice(0)) fn();
  }
}

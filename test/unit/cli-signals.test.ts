import { describe, expect, it } from 'vitest';
import { SignalScope } from '../../main/cli-signals';

describe('SignalScope', () => {
  it('aborts at the first signal, gives 128 + its number, and hands the next one back to the default action', () => {
    const before = process.listenerCount('SIGTERM');
    const beforeInt = process.listenerCount('SIGINT');
    const lines: string[] = [];
    const scope = new SignalScope((l) => lines.push(l));
    let stopped = 0;
    scope.onStop(() => stopped++);
    scope.listen();
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    process.emit('SIGTERM', 'SIGTERM');
    expect(scope.signal.aborted).toBe(true);
    expect(scope.received).toBe('SIGTERM');
    expect(scope.exitCode()).toBe(143);
    expect(stopped).toBe(1);
    expect(lines.join('\n')).toMatch(/SIGTERM: stopping/);
    // no handler of ours is left: a second signal ends the process (default action)
    expect(process.listenerCount('SIGTERM')).toBe(before);
    expect(process.listenerCount('SIGINT')).toBe(beforeInt);
    let late = 0;
    scope.onStop(() => late++);
    expect(late).toBe(1);
  });

  it('maps SIGINT to 130 and SIGHUP to 129, and releases without a signal', () => {
    const a = new SignalScope(() => undefined);
    a.listen();
    process.emit('SIGINT', 'SIGINT');
    expect(a.exitCode()).toBe(130);
    const b = new SignalScope(() => undefined);
    b.listen();
    process.emit('SIGHUP', 'SIGHUP');
    expect(b.exitCode()).toBe(129);
    const c = new SignalScope(() => undefined);
    const n = process.listenerCount('SIGINT');
    c.listen();
    c.release();
    expect(process.listenerCount('SIGINT')).toBe(n);
    expect(c.exitCode()).toBeNull();
  });
});

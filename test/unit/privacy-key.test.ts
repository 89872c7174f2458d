/**
 * The pseudonym key outside the workspace: the key file (0600 in a 0700 folder, created once,
 * refused when others may read it or when it holds no key), the keychain-sealed file Electron
 * uses, the default path, and the key never reaching the jobs table with an import's spec.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultKeyFile, keyId, loadOrCreateKeyFile, readKeyFile, sealedKeyFile, Workspace, type KeySealer } from '../../main/core/store';
import { SqliteJobStore, type StoredJob } from '../../main/jobs/job-worker-store';
import { failure } from '../helpers/failure';
import { readTables } from '../helpers/read-tables';

const dir = mkdtempSync(join(tmpdir(), 'knowrec-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pseudonym key file', () => {
  it('is created once with mode 0600 in a 0700 folder, then read back; its id is a fingerprint, not the key', () => {
    const file = join(dir, 'cfg', 'knowrec', 'pseudonym.key');
    const a = loadOrCreateKeyFile(file);
    expect(a.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'cfg', 'knowrec')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toBe(`${a.key.bytes.toString('hex')}\n`);
    const b = loadOrCreateKeyFile(file);
    expect([b.created, b.key.id, b.key.bytes.equals(a.key.bytes)]).toEqual([false, a.key.id, true]);
    expect(a.key.id).toBe(keyId(a.key.bytes));
    expect(a.key.id).toMatch(/^[0-9a-f]{16}$/);
    expect(a.key.bytes.toString('hex')).not.toContain(a.key.id);
  });

  it('refuses a key file others may read, one without a key, and a missing one', () => {
    const loose = join(dir, 'loose.key');
    writeFileSync(loose, `${'1'.repeat(64)}\n`);
    chmodSync(loose, 0o644);
    expect(failure(() => readKeyFile(loose)).hint).toBe(`restrict it: chmod 600 ${loose}`);
    chmodSync(loose, 0o600);
    expect(readKeyFile(loose).bytes.toString('hex')).toBe('1'.repeat(64));
    const bad = join(dir, 'bad.key');
    writeFileSync(bad, 'not a key\n', { mode: 0o600 });
    expect(failure(() => readKeyFile(bad)).code).toBe('parse');
    expect(failure(() => readKeyFile(join(dir, 'none.key'))).code).toBe('not-found');
  });

  it('default path: $XDG_CONFIG_HOME, else ~/.config, %APPDATA% on Windows', () => {
    expect(defaultKeyFile({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe(join('/x', 'knowrec', 'pseudonym.key'));
    expect(defaultKeyFile({}, 'linux')).toMatch(/\.config[\\/]knowrec[\\/]pseudonym\.key$/);
    expect(defaultKeyFile({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toContain('pseudonym.key');
  });

  it('sealed by a keychain (Electron safeStorage): the file holds only what the sealer made', () => {
    const sealer: KeySealer = {
      seal: (hex) => Buffer.from(Buffer.from(hex, 'utf8').map((c) => c ^ 0x5a)),
      open: (sealed) => Buffer.from(sealed.map((c) => c ^ 0x5a)).toString('utf8'),
    };
    const file = join(dir, 'userData', 'pseudonym.key.sealed');
    expect(sealedKeyFile(file, sealer, false)).toBeUndefined();
    const key = sealedKeyFile(file, sealer);
    if (key === undefined) throw new Error('no key');
    const raw = readFileSync(file);
    expect(raw.includes(Buffer.from(key.bytes.toString('hex')))).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(sealedKeyFile(file, sealer, false)?.id).toBe(key.id);
  });
});

describe('the key and the jobs table', () => {
  it("an import job's spec is stored without its pseudonym key", () => {
    const path = join(dir, 'jobs.sqlite');
    Workspace.create(path).close();
    const secret = 'f'.repeat(64);
    const store = new SqliteJobStore(Workspace.open(path).openJobs());
    const job: StoredJob = {
      id: 'j1',
      kind: 'import',
      state: 'queued',
      created: '2026-01-01',
      updated: '2026-01-01',
      progress: null,
      message: '',
      curve: [],
      result: null,
      error: null,
      resumable: false,
      request: { dataset: 'ml-100k', pseudonymize: true },
      resumeOf: null,
      spec: { id: 'j1', kind: 'import', workspace: path, request: { dataset: 'ml-100k', pseudonymize: true }, pseudonymKey: secret },
    };
    expect(store.save(job)).toBe(true);
    expect(store.get('j1')?.spec).toEqual({ id: 'j1', kind: 'import', workspace: path, request: { dataset: 'ml-100k', pseudonymize: true } });
    store.close();
    expect(readTables(path, (db) => db.prepare('SELECT json FROM jobs').pluck().get())).not.toContain(secret);
  });
});

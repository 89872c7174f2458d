/**
 * The pseudonym key: 32 random bytes kept OUTSIDE the workspace. Pseudonyms are
 * HMAC-SHA256(key, id) (privacy.ts); the workspace stores only the key id (a fingerprint:
 * SHA-256 of a fixed label and the key, 16 hex digits), so whoever holds the file alone cannot
 * map ids to pseudonyms by enumeration.
 *
 * CLI: a key file holding the key as 64 hex digits, mode 0600 in a 0700 folder
 * ($XDG_CONFIG_HOME/knowrec/pseudonym.key, else ~/.config/..., %APPDATA%\knowrec\... on
 * Windows), created when missing; a key file others can read is refused. Electron: the same key
 * sealed by the OS keychain (safeStorage) in a file under userData (`sealedKeyFile`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { KnowrecError } from '../errors';

export interface PseudonymKey {
  /** Fingerprint stored in the workspace (meta `pseudonym_key_id`). */
  readonly id: string;
  readonly bytes: Buffer;
}

/** Seals and opens the key with an OS keychain (Electron's safeStorage). */
export interface KeySealer {
  seal(hex: string): Buffer;
  open(sealed: Buffer): string;
}

const KEY_BYTES = 32;

/** The key id of `bytes`: 16 hex digits of SHA-256("knowrec-pseudonym-key-id:" + key). */
export function keyId(bytes: Buffer): string {
  return createHash('sha256').update('knowrec-pseudonym-key-id:').update(bytes).digest('hex').slice(0, 16);
}

export function keyFromBytes(bytes: Buffer): PseudonymKey {
  return { id: keyId(bytes), bytes };
}

/** A new random key. */
export function newPseudonymKey(): PseudonymKey {
  return keyFromBytes(randomBytes(KEY_BYTES));
}

/** Default key file: `$XDG_CONFIG_HOME/knowrec/pseudonym.key` (see the module comment). */
export function defaultKeyFile(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg !== undefined && xdg !== '') return join(xdg, 'knowrec', 'pseudonym.key');
  if (platform === 'win32' && env.APPDATA !== undefined && env.APPDATA !== '') return join(env.APPDATA, 'knowrec', 'pseudonym.key');
  return join(homedir(), '.config', 'knowrec', 'pseudonym.key');
}

function parseHexKey(text: string, file: string): PseudonymKey {
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    throw new KnowrecError('parse', 'the pseudonym key file does not hold a key (64 hex digits expected)', { file }, 'give the key file this workspace was pseudonymized with');
  }
  return keyFromBytes(Buffer.from(hex, 'hex'));
}

/** Reads the key file; refuses one that group or others may read (POSIX). */
export function readKeyFile(path: string): PseudonymKey {
  const file = resolve(path);
  if (!existsSync(file)) {
    throw new KnowrecError('not-found', 'no pseudonym key file at this path', { file }, 'give the key file this workspace was pseudonymized with (--key-file FILE)');
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new KnowrecError('config', 'the pseudonym key file may be read by other users', { file }, `restrict it: chmod 600 ${file}`);
  }
  return parseHexKey(readFileSync(file, 'utf8'), file);
}

/** The key in `path`, created (0600, folder 0700) when missing. */
export function loadOrCreateKeyFile(path: string): { key: PseudonymKey; created: boolean } {
  const file = resolve(path);
  if (existsSync(file)) return { key: readKeyFile(file), created: false };
  const key = newPseudonymKey();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // 'wx': never replace a key another process wrote meanwhile
  writeFileSync(file, `${key.bytes.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  if (process.platform !== 'win32') chmodSync(file, 0o600);
  return { key, created: true };
}

/** The key sealed by `sealer` in `path` (created when missing if `create`), e.g. Electron's safeStorage. */
export function sealedKeyFile(path: string, sealer: KeySealer, create = true): PseudonymKey | undefined {
  const file = resolve(path);
  if (existsSync(file)) return parseHexKey(sealer.open(readFileSync(file)), file);
  if (!create) return undefined;
  const key = newPseudonymKey();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, sealer.seal(key.bytes.toString('hex')), { mode: 0o600, flag: 'wx' });
  return key;
}

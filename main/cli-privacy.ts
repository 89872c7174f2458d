/**
 * The CLI's privacy side: the pseudonym key file (--key-file, default
 * $XDG_CONFIG_HOME/knowrec/pseudonym.key, 0600, created by a pseudonymized import when missing),
 * the quasi-identifier flags of `import` (--drop-attributes, --generalize) and `forget-user`,
 * which reaches the workspace, the dataset's serving snapshots and adapter versions
 * (main/jobs/forget.ts).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { bool, list, str, type Flags } from './cli-args';
import { KnowrecError } from './core/errors';
import { attributePolicy, defaultKeyFile, loadOrCreateKeyFile, readKeyFile, Workspace, type AttributePolicy, type PseudonymKey } from './core/store';
import { defaultAdapterRoot } from './core/train/versions';
import { forgetUserEverywhere } from './jobs/forget';
import { defaultModelPath } from './jobs/snapshot';

/**
 * The pseudonym key for a command: --key-file FILE (must exist unless `create`), else the
 * default file. `create`: a missing file is created (a note on stderr says where). Undefined
 * when no file exists and none is to be created.
 */
export function pseudonymKeyFor(flags: Flags, create: boolean): PseudonymKey | undefined {
  const given = str(flags, 'key-file');
  const file = resolve(given ?? defaultKeyFile());
  if (create) {
    const { key, created } = loadOrCreateKeyFile(file);
    if (created) process.stderr.write(`created the pseudonym key ${file} (mode 0600; keep it: without it original ids cannot be looked up)\n`);
    return key;
  }
  if (given === undefined && !existsSync(file)) return undefined;
  return readKeyFile(file);
}

/** The quasi-identifier policy of `import`'s flags; undefined when neither flag is given. */
export function attributePolicyFlags(flags: Flags): AttributePolicy | undefined {
  const drop = list(flags, 'drop-attributes');
  const generalize = bool(flags, 'generalize');
  return drop.length === 0 && !generalize ? undefined : attributePolicy(drop, generalize);
}

/** `knowrec forget-user`: the workspace, then every snapshot and adapter version of its dataset. */
export function cmdForgetUser(flags: Flags): void {
  const file = str(flags, 'workspace');
  const user = str(flags, 'user');
  if (file === undefined || user === undefined) throw new KnowrecError('config', 'forget-user needs a workspace and a user', {}, 'pass --workspace FILE --user ID');
  const key = pseudonymKeyFor(flags, false);
  const ws = Workspace.open(file, key === undefined ? {} : { pseudonymKey: key });
  try {
    const dataset = ws.getMeta('dataset');
    const modelDirs = list(flags, 'model');
    const adapterRoots = list(flags, 'adapters');
    if (dataset !== null) {
      modelDirs.push(defaultModelPath(dataset));
      adapterRoots.push(defaultAdapterRoot(dataset));
    }
    const r = forgetUserEverywhere(ws, user, { modelDirs, adapterRoots });
    const parts = Object.entries(r.removed).map(([t, n]) => `${n} ${t}`);
    process.stdout.write(`forgot user ${r.user} in ${ws.path}: removed ${parts.join(', ')}\n`);
    for (const s of r.stale) process.stdout.write(`marked stale (fitted with the user's data; refit to replace it): ${s}\n`);
    if (!r.compacted) process.stderr.write('warning: another process kept the workspace busy: the WAL was not emptied; run forget again when it is closed\n');
  } finally {
    ws.close();
  }
}

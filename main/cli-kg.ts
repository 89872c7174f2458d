/** `knowrec import --kg FILE... --workspace W`: adds a KG beside the workspace's own (jobs/kg-import.ts). */
import { KnowrecError } from './core/errors';
import { KG_FORMATS, type KgFormat } from './core/data/kg-files';
import { bool, list, str, type Flags } from './cli-args';
import type { SignalScope } from './cli-signals';
import { formatKgImport, importKgIntoWorkspace } from './jobs/kg-import';
import { writeFileAtomic } from './core/files';
import { resolve } from 'node:path';

/** True for an import that adds a KG only (--kg without --interactions or --dataset). */
export function isKgOnlyImport(flags: Flags): boolean {
  return str(flags, 'kg') !== undefined && str(flags, 'interactions') === undefined && str(flags, 'dataset') === undefined;
}

export async function cmdImportKg(flags: Flags, signals: SignalScope): Promise<void> {
  signals.listen();
  const workspace = str(flags, 'workspace');
  if (workspace === undefined) throw new KnowrecError('config', 'a KG-only import needs --workspace FILE', {}, 'name the workspace that holds the items to link');
  const format = str(flags, 'kg-format');
  if (format !== undefined && !(KG_FORMATS as readonly string[]).includes(format)) {
    throw new KnowrecError('config', `--kg-format must be one of ${KG_FORMATS.join(', ')}, got '${format}'`);
  }
  const quiet = bool(flags, 'quiet');
  const report = await importKgIntoWorkspace({
    workspace,
    kg: list(flags, 'kg'),
    links: str(flags, 'links'),
    mapping: str(flags, 'map'),
    format: format as KgFormat | undefined,
    name: str(flags, 'kg-name'),
    signal: signals.signal,
    onProgress: quiet ? undefined : (p) => process.stderr.write(`${p.stage}${p.message !== undefined ? ` ${p.message}` : ''}${p.fraction !== undefined ? ` ${Math.round(100 * p.fraction)}%` : ''}\n`),
  });
  const out = str(flags, 'json');
  if (out === '-') {
    process.stderr.write(`${formatKgImport(report)}\n`);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${formatKgImport(report)}\n`);
  for (const w of report.kg.warnings) process.stderr.write(`warning: ${w.message}\n`);
  if (out !== undefined) {
    writeFileAtomic(resolve(out), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`report written to ${resolve(out)}\n`);
  }
}

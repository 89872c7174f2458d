/** `knowrec import --kg FILE... --workspace W`: adds a KG beside the workspace's own (jobs/kg-import.ts). */
import { KnowrecError } from './core/errors';
import { KG_FORMATS, type KgFormat } from './core/data/kg-files';
import { BUILTIN_DATASETS } from './core/data/registry';
import { Workspace } from './core/store';
import { bool, list, str, type Flags } from './cli-args';
import type { SignalScope } from './cli-signals';
import { addRegistryKg, formatKgImport, importKgIntoWorkspace, type KgImportReport } from './jobs/kg-import';
import { writeFileAtomic } from './core/files';
import { resolve } from 'node:path';
import type { Progress } from './core/types';

/** True for an import that adds a KG only: --kg without --interactions, or --dataset naming a registry KG (format 'kg'). */
export function isKgOnlyImport(flags: Flags): boolean {
  const dataset = str(flags, 'dataset');
  if (dataset !== undefined) return BUILTIN_DATASETS.some((d) => d.name === dataset && d.format === 'kg');
  return str(flags, 'kg') !== undefined && str(flags, 'interactions') === undefined;
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
  const onProgress = quiet ? undefined : (p: Progress): void => void process.stderr.write(`${p.stage}${p.message !== undefined ? ` ${p.message}` : ''}${p.fraction !== undefined ? ` ${Math.round(100 * p.fraction)}%` : ''}\n`);
  const dataset = str(flags, 'dataset');
  const report: KgImportReport =
    dataset !== undefined
      ? registryKg(workspace, dataset, str(flags, 'data'), signals.signal, onProgress)
      : await importKgIntoWorkspace({
          workspace,
          kg: list(flags, 'kg'),
          links: str(flags, 'links'),
          mapping: str(flags, 'map'),
          format: format as KgFormat | undefined,
          name: str(flags, 'kg-name'),
          signal: signals.signal,
          onProgress,
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

/** A registry KG (e.g. movielens-dbpedia) into the existing workspace. */
function registryKg(workspace: string, name: string, dataDir: string | undefined, signal: AbortSignal, onProgress?: (p: Progress) => void): KgImportReport {
  const ws = Workspace.open(workspace);
  try {
    return addRegistryKg(ws, name, { dataDir, signal, onProgress });
  } finally {
    ws.close();
  }
}

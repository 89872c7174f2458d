/**
 * The import report: per-file row counts and every non-fatal problem found while importing,
 * with a count and the line numbers of the first few affected rows. Nothing is dropped or
 * changed without an entry here.
 */

import type { LinkReport } from './link';

/** What kind of source a file is. */
export type FileKind = 'inter' | 'item' | 'user' | 'kg' | 'link' | 'csv' | 'nt' | 'ttl' | 'edgelist';

/** Non-fatal problems the importer handles by a documented rule (see docs/data-formats.md). */
export type WarningCode =
  | 'duplicate-interaction' // same (user, item) twice: the latest by timestamp is kept
  | 'unknown-item' // interaction with an item id missing from the item file: item created
  | 'unknown-user' // interaction with a user id missing from the user file: user created
  | 'missing-rating' // empty rating value: weight 1
  | 'implicit-feedback' // no rating column at all: every weight is 1
  | 'missing-timestamp' // empty timestamp value: 0
  | 'no-timestamp' // no timestamp column at all: every timestamp is 0
  | 'link-unknown-item' // link row whose item is unknown: dropped
  | 'duplicate-link' // same (item, entity) link twice: one kept
  | 'link-entity-not-in-kg' // linked entity absent from the KG: entity created without facts
  | 'duplicate-triple' // same (head, relation, tail) twice: one kept
  | 'literal-skipped' // N-Triples statement with a literal object other than a label: skipped
  | 'quotes-as-text'; // tab-separated file with a quote inside an unquoted field: read without quoting

export interface ImportWarning {
  readonly code: WarningCode;
  /** The file the affected rows are in. */
  readonly file: string;
  /** Number of affected rows. */
  readonly count: number;
  /** 1-based line numbers of the first few affected rows (empty when not row-specific). */
  readonly lines: readonly number[];
  readonly message: string;
}

export interface FileReport {
  readonly file: string;
  readonly kind: FileKind;
  /** Data rows read (header excluded). */
  readonly rows: number;
  /** Rows that made it into the dataset. */
  readonly kept: number;
  /** SHA-256 when the file was verified against the registry. */
  readonly sha256?: string;
}

export interface DatasetCounts {
  readonly users: number;
  readonly items: number;
  readonly interactions: number;
  readonly entities: number;
  readonly relations: number;
  readonly triples: number;
  readonly links: number;
}

/** How the interactions' rating column was used (own-data imports). */
export interface FeedbackNote {
  /** The rating column, or null when there was none. */
  readonly column: string | null;
  /** explicit: a rating scale; implicit: a count or weight (plays, clicks). */
  readonly kind: 'explicit' | 'implicit';
  /** One sentence for the report. */
  readonly use: string;
}

export interface ImportReport {
  readonly dataset: string;
  /** Folder the files were read from. */
  readonly source: string;
  readonly files: readonly FileReport[];
  readonly warnings: readonly ImportWarning[];
  readonly counts: DatasetCounts;
  /** ISO date of the import. */
  readonly created: string;
  /** Own-data imports: how the rating column is used. */
  readonly feedback?: FeedbackNote;
  /** Own-data imports with a KG: how items were linked to entities, and the link rate. */
  readonly link?: LinkReport;
}

/** How many line numbers a warning keeps. */
export const WARNING_LINES = 5;

const DESCRIPTIONS: Record<WarningCode, string> = {
  'duplicate-interaction': 'duplicate (user, item) rows; the latest by timestamp was kept, the others dropped',
  'unknown-item': 'interactions with an item id missing from the item file; those items were created with an empty title',
  'unknown-user': 'interactions with a user id missing from the user file; those users were created without attributes',
  'missing-rating': 'interactions with an empty rating; weight 1 was used',
  'implicit-feedback': 'interactions without a rating column (implicit feedback); weight 1 was used',
  'missing-timestamp': 'interactions with an empty timestamp; 0 (unknown) was used',
  'no-timestamp': 'interactions without a timestamp column; 0 (unknown) was used',
  'link-unknown-item': 'links to item ids that are neither in the item file nor in the interactions; dropped',
  'duplicate-link': 'duplicate (item, entity) links; one was kept',
  'link-entity-not-in-kg': 'links to entities that occur in no KG triple; the entities were created without facts',
  'duplicate-triple': 'duplicate (head, relation, tail) triples; one was kept',
  'quotes-as-text': 'rows with a double quote inside an unquoted field of a tab-separated file; the file was read without quoting, quotes kept as text (a tab cannot be inside a field there)',
  'literal-skipped': 'statements with a literal object other than a label (rdfs:label, foaf:name, skos:prefLabel, schema:name); skipped (the KG holds entity-to-entity facts only)',
};

interface Pending {
  code: WarningCode;
  file: string;
  count: number;
  lines: number[];
  detail?: string;
}

/** Collects file counts and warnings while a dataset is validated. */
export class ReportBuilder {
  private readonly files: FileReport[] = [];
  private readonly pending = new Map<string, Pending>();

  constructor(
    readonly dataset: string,
    readonly source: string,
  ) {}

  addFile(file: FileReport): void {
    this.files.push(file);
  }

  /** Records one affected row (line 0 = not row-specific). */
  warn(code: WarningCode, file: string, line: number, n = 1): void {
    const key = `${code}\u0000${file}`;
    let p = this.pending.get(key);
    if (p === undefined) {
      p = { code, file, count: 0, lines: [] };
      this.pending.set(key, p);
    }
    p.count += n;
    if (line > 0 && p.lines.length < WARNING_LINES) p.lines.push(line);
  }

  /** Adds a sentence to a warning's message (e.g. how many items were created). */
  detail(code: WarningCode, file: string, text: string): void {
    const p = this.pending.get(`${code}\u0000${file}`);
    if (p !== undefined) p.detail = text;
  }

  count(code: WarningCode): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.code === code) n += p.count;
    return n;
  }

  build(counts: DatasetCounts): ImportReport {
    const warnings: ImportWarning[] = [];
    for (const p of this.pending.values()) warnings.push(importWarning(p.code, p.file, p.count, p.lines, p.detail));
    return {
      dataset: this.dataset,
      source: this.source,
      files: this.files.slice(),
      warnings,
      counts,
      created: new Date().toISOString(),
    };
  }
}

/** One warning: `file: count description (first at lines …).` plus the detail sentence. */
export function importWarning(code: WarningCode, file: string, count: number, lines: readonly number[], detail?: string): ImportWarning {
  const at = lines.length > 0 ? ` (first at line${lines.length > 1 ? 's' : ''} ${lines.join(', ')})` : '';
  return { code, file, count, lines: lines.slice(), message: `${file}: ${count} ${DESCRIPTIONS[code]}${at}.${detail !== undefined ? ` ${detail}` : ''}` };
}

/** The warning with this code (and file, when given), if any. */
export function findWarning(report: ImportReport, code: WarningCode, file?: string): ImportWarning | undefined {
  return report.warnings.find((w) => w.code === code && (file === undefined || w.file === file));
}

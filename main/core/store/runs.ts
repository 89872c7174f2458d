/**
 * The workspace's `runs` table: one JSON document per run, by id and kind. What the document
 * holds is the writer's business (main/jobs/runs.ts writes evaluation runs).
 */
import type { Db } from './database';

export interface RunRow {
  readonly id: string;
  /** ISO time. */
  readonly created: string;
  readonly kind: string;
  readonly json: string;
}

export class RunStore {
  constructor(private readonly db: Db) {}

  save(run: RunRow): void {
    this.db.prepare('INSERT INTO runs (id, created, kind, json) VALUES (?, ?, ?, ?)').run(run.id, run.created, run.kind, run.json);
  }

  /** The document of run `id` of this kind, or null. */
  get(id: string, kind: string): string | null {
    const row = this.db.prepare('SELECT json FROM runs WHERE id = ? AND kind = ?').get(id, kind) as { json: string } | undefined;
    return row?.json ?? null;
  }

  /** The documents of every run of this kind, newest first. */
  list(kind: string): string[] {
    return this.db.prepare('SELECT json FROM runs WHERE kind = ? ORDER BY created DESC, id DESC').pluck().all(kind) as string[];
  }
}

/**
 * Relevance labels from a CSV file `user,item,value` (ids as in the dataset; value 1 = relevant,
 * 0 = not relevant; an optional header line naming the columns). Every bad row is an error that
 * names the file, line and column.
 */
import { readFileSync } from 'node:fs';
import { KnowrecError } from '../errors';
import type { Dataset } from '../types';
import type { RelevanceLabel } from './pairs';

export function parseLabelsCsv(text: string, dataset: Pick<Dataset, 'userIds' | 'itemIds'>, file = '<labels>'): RelevanceLabel[] {
  const userIdx = new Map(dataset.userIds.map((id, i) => [id, i]));
  const itemIdx = new Map(dataset.itemIds.map((id, i) => [id, i]));
  const out: RelevanceLabel[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, n) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(/[,\t]/).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (n === 0 && cells[0].toLowerCase().startsWith('user')) return; // header
    const where = { file, line: n + 1 };
    if (cells.length !== 3) {
      throw new KnowrecError('parse', `expected 3 fields (user,item,value), found ${cells.length}`, { ...where, column: 1 }, 'write one label per line: user,item,value');
    }
    const u = userIdx.get(cells[0]);
    if (u === undefined) throw new KnowrecError('validation', `unknown user id '${cells[0]}'`, { ...where, column: 1 }, 'use user ids of the dataset');
    const i = itemIdx.get(cells[1]);
    if (i === undefined) throw new KnowrecError('validation', `unknown item id '${cells[1]}'`, { ...where, column: 2 }, 'use item ids of the dataset');
    if (cells[2] !== '0' && cells[2] !== '1') {
      throw new KnowrecError('validation', `value must be 0 or 1, got '${cells[2]}'`, { ...where, column: 3 }, '1 = relevant, 0 = not relevant');
    }
    out.push({ user: u, item: i, value: cells[2] === '1' ? 1 : 0 });
  });
  return out;
}

export function readLabelsCsv(path: string, dataset: Pick<Dataset, 'userIds' | 'itemIds'>): RelevanceLabel[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new KnowrecError('not-found', 'cannot read the labels file', { file: path }, 'check the --labels path');
  }
  return parseLabelsCsv(text, dataset, path);
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAtomicFolder } from '../../main/core/data/from-atomic';
import { findWarning } from '../../main/core/data/report';
import { validateDataset } from '../../main/core/data/validate';
import type { RawDataset, RawInteractions } from '../../main/core/data/raw';
import { failure } from '../helpers/failure';

const dir = mkdtempSync(join(tmpdir(), 'knowrec-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `<name>.<ext>` atomic files into a fresh folder and reads them back. */
function folder(name: string, files: Record<string, string>): RawDataset {
  const d = mkdtempSync(join(dir, `${name}-`));
  for (const [ext, text] of Object.entries(files)) writeFileSync(join(d, `${name}.${ext}`), text);
  return readAtomicFolder(d, name);
}

const INTER = 'user_id:token\titem_id:token\trating:float\ttimestamp:float\n';

describe('duplicate interactions', () => {
  it('keep the latest by timestamp and report the dropped rows', () => {
    const raw = folder('dup', {
      // line 2..6; (u1,i1) three times: ratings 2@10, 5@30, 3@20 → keep 5@30 (line 3)
      inter: INTER + 'u1\ti1\t2\t10\nu1\ti1\t5\t30\nu2\ti1\t4\t5\nu1\ti1\t3\t20\nu1\ti2\t1\t1\n',
    });
    const { dataset, report } = validateDataset(raw);
    const x = dataset.interactions;
    expect(x.user.length).toBe(3);
    const pairs = Array.from(x.user, (u, k) => `${dataset.userIds[u]}/${dataset.itemIds[x.item[k]]}/${x.rating[k]}/${x.timestamp[k]}`);
    expect(pairs).toEqual(['u1/i1/5/30', 'u2/i1/4/5', 'u1/i2/1/1']);
    const w = findWarning(report, 'duplicate-interaction');
    expect(w?.count).toBe(2);
    expect(w?.lines).toEqual([2, 5]);
    expect(w?.message).toContain('latest by timestamp');
    expect(report.files[0]).toMatchObject({ kind: 'inter', rows: 5, kept: 3 });
    expect(report.counts.interactions).toBe(3);
  });

  it('on equal timestamps the later row wins', () => {
    const raw = folder('tie', { inter: INTER + 'u\ti\t1\t7\nu\ti\t4\t7\n' });
    const { dataset, report } = validateDataset(raw);
    expect(Array.from(dataset.interactions.rating)).toEqual([4]);
    expect(findWarning(report, 'duplicate-interaction')?.lines).toEqual([2]);
  });
});

describe('unknown ids', () => {
  it('interactions with an item missing from the item file are kept and the item is created with an empty title', () => {
    const raw = folder('unk', {
      inter: INTER + 'u1\ti1\t4\t1\nu1\tghost\t3\t2\nu2\tghost\t5\t3\n',
      item: 'item_id:token\tmovie_title:token_seq\ni1\tKnown\ni9\tNever rated\n',
    });
    const { dataset, report } = validateDataset(raw);
    expect(dataset.itemIds).toEqual(['i1', 'ghost', 'i9']);
    expect(dataset.items[1]).toEqual({ id: 'ghost', title: '', text: {}, attributes: {} });
    expect(dataset.items[2].title).toBe('Never rated');
    expect(dataset.interactions.user.length).toBe(3);
    const w = findWarning(report, 'unknown-item');
    expect(w?.count).toBe(2);
    expect(w?.lines).toEqual([3, 4]);
    expect(w?.message).toContain('1 items were created');
  });

  it('interactions with a user missing from the user file are kept and the user is created', () => {
    const raw = folder('unku', {
      inter: INTER + 'u1\ti1\t4\t1\nstranger\ti1\t3\t2\n',
      user: 'user_id:token\tage:token\nu1\t30\nu7\t40\n',
    });
    const { dataset, report } = validateDataset(raw);
    expect(dataset.userIds).toEqual(['u1', 'stranger', 'u7']);
    expect(dataset.users[0].attributes).toEqual({ age: '30' });
    expect(dataset.users[1].attributes).toEqual({});
    expect(findWarning(report, 'unknown-user')?.count).toBe(1);
    expect(findWarning(report, 'unknown-user')?.lines).toEqual([3]);
  });

  it('without an item file, no unknown-item warning is raised', () => {
    const { report } = validateDataset(folder('noitem', { inter: INTER + 'u\ti\t1\t1\n' }));
    expect(findWarning(report, 'unknown-item')).toBeUndefined();
    expect(report.warnings).toEqual([]);
  });

  it('links to unknown items are dropped with a count; links to entities outside the KG create the entity', () => {
    const raw = folder('links', {
      inter: INTER + 'u\ti1\t1\t1\nu\ti2\t1\t1\n',
      kg: 'head_id:token\trelation_id:token\ttail_id:token\nm.1\tdirected_by\tm.9\nm.2\tdirected_by\tm.9\nm.1\tdirected_by\tm.9\n',
      link: 'item_id:token\tentity_id:token\ni1\tm.1\nnope\tm.2\ni2\tm.2\ni2\tm.2\ni2\tm.77\nalso-nope\tm.1\n',
    });
    const { dataset, report } = validateDataset(raw);
    expect(dataset.kg.entityIds).toEqual(['m.1', 'm.9', 'm.2', 'm.77']);
    expect(dataset.kg.relationNames).toEqual(['directed_by']);
    expect(dataset.kg.head.length).toBe(2);
    expect(findWarning(report, 'duplicate-triple')?.lines).toEqual([4]);
    expect(dataset.itemEntities.map((a) => Array.from(a, (e) => dataset.kg.entityIds[e]))).toEqual([['m.1'], ['m.2', 'm.77']]);
    const drop = findWarning(report, 'link-unknown-item');
    expect(drop?.count).toBe(2);
    expect(drop?.lines).toEqual([3, 7]);
    expect(findWarning(report, 'duplicate-link')?.lines).toEqual([5]);
    expect(findWarning(report, 'link-entity-not-in-kg')?.lines).toEqual([6]);
    expect(report.counts).toMatchObject({ entities: 4, triples: 2, links: 3, relations: 1 });
    expect(report.files.find((f) => f.kind === 'link')).toMatchObject({ rows: 6, kept: 3 });
  });
});

describe('missing values', () => {
  it('an empty rating becomes weight 1 and is counted', () => {
    const raw = folder('miss', { inter: INTER + 'u\ti1\t\t5\nu\ti2\t3\t\n' });
    const { dataset, report } = validateDataset(raw);
    expect(Array.from(dataset.interactions.rating)).toEqual([1, 3]);
    expect(Array.from(dataset.interactions.timestamp)).toEqual([5, 0]);
    expect(findWarning(report, 'missing-rating')).toMatchObject({ count: 1, lines: [2] });
    expect(findWarning(report, 'missing-timestamp')).toMatchObject({ count: 1, lines: [3] });
  });

  it('no rating column means implicit feedback: every weight is 1, reported', () => {
    const raw = folder('impl', { inter: 'user_id:token\titem_id:token\nu\ti1\nu\ti2\nv\ti1\n' });
    const { dataset, report } = validateDataset(raw);
    expect(Array.from(dataset.interactions.rating)).toEqual([1, 1, 1]);
    expect(findWarning(report, 'implicit-feedback')?.count).toBe(3);
    expect(findWarning(report, 'no-timestamp')?.count).toBe(3);
  });

  it('caps the listed line numbers at five', () => {
    const rows = Array.from({ length: 8 }, (_, k) => `u\ti${k}\t\t1\n`).join('');
    const { report } = validateDataset(folder('many', { inter: INTER + rows }));
    expect(findWarning(report, 'missing-rating')).toMatchObject({ count: 8, lines: [2, 3, 4, 5, 6] });
  });
});

describe('rejected input', () => {
  it('duplicate item ids in the item file name both lines', () => {
    const raw = folder('dupitem', {
      inter: INTER + 'u\ti1\t1\t1\n',
      item: 'item_id:token\tmovie_title:token_seq\ni1\tA\ni2\tB\ni1\tC\n',
    });
    const e = failure(() => validateDataset(raw));
    expect(e.code).toBe('validation');
    expect(e.location).toEqual({ file: raw.items?.file, line: 4 });
    expect(e.message).toContain('item id "i1" appears twice (lines 2 and 4)');
  });

  it('duplicate user ids in the user file', () => {
    const raw = folder('dupuser', { inter: INTER + 'u\ti1\t1\t1\n', user: 'user_id:token\nu\nu\n' });
    expect(failure(() => validateDataset(raw)).message).toContain('user id "u" appears twice');
  });

  it('an empty id is an error with its line', () => {
    const raw = folder('emptyid', { inter: INTER + 'u\ti1\t1\t1\n\ti2\t1\t1\n' });
    const e = failure(() => validateDataset(raw));
    expect(e.location).toEqual({ file: raw.interactions.file, line: 3 });
    expect(e.message).toContain('empty user id');
  });

  it('an empty interaction file is rejected with a clear message', () => {
    const e = failure(() => folder('nothing', { inter: '' }));
    expect(e.message).toContain('nothing.inter');
    expect(e.message).toContain('the file is empty');
  });

  it('zero interactions (e.g. built in code) are rejected', () => {
    const inter: RawInteractions = { file: 'z.inter', user: [], item: [], rating: null, timestamp: null, lines: new Int32Array(0) };
    expect(failure(() => validateDataset({ name: 'z', source: dir, interactions: inter })).message).toContain('no interactions');
  });
});

describe('dense order', () => {
  it('users and items by first appearance in the interactions, then the rest of the catalog', () => {
    const raw = folder('order', {
      inter: INTER + 'u2\tb\t1\t1\nu1\ta\t1\t1\nu2\tc\t1\t1\n',
      item: 'item_id:token\na\nz\nb\nc\n',
    });
    const { dataset } = validateDataset(raw);
    expect(dataset.userIds).toEqual(['u2', 'u1']);
    expect(dataset.itemIds).toEqual(['b', 'a', 'c', 'z']);
    expect(Array.from(dataset.interactions.item)).toEqual([0, 1, 2]);
    expect(dataset.itemEntities).toHaveLength(4);
  });
});

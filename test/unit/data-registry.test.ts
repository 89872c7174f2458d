import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checksumComputations } from '../../main/core/data/checksum';
import { BUILTIN_DATASETS, cacheDir, findDataset, resolveDataset, type DatasetEntry } from '../../main/core/data/registry';
import { failure } from '../helpers/failure';

const root = mkdtempSync(join(tmpdir(), 'knowrec-registry-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const INTER = 'user_id:token\titem_id:token\nu\ti\n';
const ITEM = 'item_id:token\ni\n';
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

const ENTRY: DatasetEntry = {
  name: 'tiny',
  title: 'test-only dataset',
  format: 'atomic',
  files: [
    { name: 'tiny.inter', sha256: sha(INTER) },
    { name: 'tiny.item', sha256: sha(ITEM) },
    { name: 'tiny.kg', sha256: sha('never'), optional: true },
  ],
  download: { url: 'https://example.org/tiny.zip', note: 'unzip it' },
  license: 'test',
};
const registry = [ENTRY];

function makeDataset(dir: string, inter = INTER): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tiny.inter'), inter);
  writeFileSync(join(dir, 'tiny.item'), ITEM);
  return dir;
}

describe('resolution order', () => {
  const envRoot = join(root, 'env');
  const xdg = join(root, 'xdg');
  const explicit = join(root, 'explicit');
  makeDataset(join(envRoot, 'tiny'));
  makeDataset(join(xdg, 'knowrec', 'datasets', 'tiny'));
  makeDataset(explicit);

  it('an explicit folder wins over $KNOWREC_DATA_DIR and the cache', () => {
    const r = resolveDataset('tiny', { registry, dataDir: explicit, env: { KNOWREC_DATA_DIR: envRoot, XDG_CACHE_HOME: xdg } });
    expect(r.source).toBe('explicit');
    expect(r.dir).toBe(explicit);
    expect(r.files.map((f) => f.name)).toEqual(['tiny.inter', 'tiny.item']);
    expect(r.files[0].sha256).toBe(sha(INTER));
  });

  it('an explicit folder may hold the dataset in a <name> subfolder', () => {
    const r = resolveDataset('tiny', { registry, dataDir: envRoot, env: {} });
    expect(r.source).toBe('explicit');
    expect(r.dir).toBe(join(envRoot, 'tiny'));
  });

  it('$KNOWREC_DATA_DIR/<name> comes before the cache', () => {
    const r = resolveDataset('tiny', { registry, env: { KNOWREC_DATA_DIR: envRoot, XDG_CACHE_HOME: xdg } });
    expect(r.source).toBe('env');
    expect(r.dir).toBe(join(envRoot, 'tiny'));
  });

  it('the cache is used when $KNOWREC_DATA_DIR lacks the dataset', () => {
    const r = resolveDataset('tiny', { registry, env: { KNOWREC_DATA_DIR: join(root, 'empty-env'), XDG_CACHE_HOME: xdg } });
    expect(r.source).toBe('cache');
    expect(r.dir).toBe(join(xdg, 'knowrec', 'datasets', 'tiny'));
  });

  it('without XDG_CACHE_HOME the cache is ~/.cache/knowrec/datasets/<name>', () => {
    const home = join(root, 'home');
    makeDataset(join(home, '.cache', 'knowrec', 'datasets', 'tiny'));
    const r = resolveDataset('tiny', { registry, env: {}, homeDir: home });
    expect(r.source).toBe('cache');
    expect(r.dir).toBe(join(home, '.cache', 'knowrec', 'datasets', 'tiny'));
    expect(cacheDir('x', { HOME: home })).toBe(join(home, '.cache', 'knowrec', 'datasets', 'x'));
  });

  it('a missing explicit folder is an error even when other folders hold the dataset', () => {
    const e = failure(() => resolveDataset('tiny', { registry, dataDir: join(root, 'nowhere'), env: { KNOWREC_DATA_DIR: envRoot } }));
    expect(e.code).toBe('not-found');
    expect(e.message).toContain(join(root, 'nowhere'));
  });
});

describe('absent dataset', () => {
  it('says which files to download, from where, and the exact folder to put them in', () => {
    const xdg = join(root, 'xdg-empty');
    const partial = join(root, 'partial');
    mkdirSync(join(partial, 'tiny'), { recursive: true });
    writeFileSync(join(partial, 'tiny', 'tiny.inter'), INTER);
    const e = failure(() => resolveDataset('tiny', { registry, env: { KNOWREC_DATA_DIR: partial, XDG_CACHE_HOME: xdg } }));
    expect(e.code).toBe('not-found');
    expect(e.message).toContain('tiny.inter, tiny.item');
    expect(e.message).not.toContain('tiny.kg,');
    expect(e.message).toContain('https://example.org/tiny.zip');
    expect(e.message).toContain(`put them in ${join(xdg, 'knowrec', 'datasets', 'tiny')}`);
    expect(e.message).toContain(`${join(partial, 'tiny')}): missing tiny.item`);
  });

  it('an unknown name lists the known datasets', () => {
    const e = failure(() => findDataset('nope'));
    expect(e.code).toBe('not-found');
    expect(e.message).toContain('ml-100k');
    expect(e.message).toContain('ml-latest-small');
  });
});

describe('checksums', () => {
  it('a mismatch names the file and both sums', () => {
    const d = makeDataset(join(root, 'tampered'), 'user_id:token\titem_id:token\nu\tX\n');
    const e = failure(() => resolveDataset('tiny', { registry, dataDir: d, env: {} }));
    expect(e.code).toBe('checksum');
    expect(e.location.file).toBe(join(d, 'tiny.inter'));
    expect(e.message).toContain('tiny.inter');
    expect(e.message).toContain(sha('user_id:token\titem_id:token\nu\tX\n'));
    expect(e.message).toContain(sha(INTER));
  });

  it('verification can be turned off', () => {
    const d = makeDataset(join(root, 'tampered2'), 'user_id:token\titem_id:token\nu\tY\n');
    const r = resolveDataset('tiny', { registry, dataDir: d, env: {}, verify: false });
    expect(r.files[0].sha256).toBeUndefined();
  });

  it('an optional file present is verified too', () => {
    const d = makeDataset(join(root, 'optional'));
    writeFileSync(join(d, 'tiny.kg'), 'not what the registry says');
    expect(failure(() => resolveDataset('tiny', { registry, dataDir: d, env: {} })).message).toContain('tiny.kg');
  });

  it('sums are cached per path, mtime and size: a second resolution hashes nothing', () => {
    const d = makeDataset(join(root, 'cached'));
    const c0 = checksumComputations();
    resolveDataset('tiny', { registry, dataDir: d, env: {} });
    const c1 = checksumComputations();
    expect(c1 - c0).toBe(2);
    resolveDataset('tiny', { registry, dataDir: d, env: {} });
    expect(checksumComputations()).toBe(c1);
    // a changed file (other size) is hashed again and fails
    writeFileSync(join(d, 'tiny.item'), 'item_id:token\ni\nj\n');
    expect(failure(() => resolveDataset('tiny', { registry, dataDir: d, env: {} })).code).toBe('checksum');
    expect(checksumComputations()).toBe(c1 + 1);
  });
});

describe('built-in entries', () => {
  it('ml-100k lists the five atomic files with 64-hex sums and the public URL', () => {
    const e = findDataset('ml-100k', BUILTIN_DATASETS);
    expect(e.files.map((f) => f.name).sort()).toEqual(['ml-100k.inter', 'ml-100k.item', 'ml-100k.kg', 'ml-100k.link', 'ml-100k.user']);
    for (const f of e.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(e.download.url).toBe('https://files.grouplens.org/datasets/movielens/ml-100k.zip');
    expect(e.download.note).toContain('RecBole');
  });
});

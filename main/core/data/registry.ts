/**
 * Dataset registry: known public datasets, their files and SHA-256 sums, and where to find
 * them on this machine. Resolution order:
 *   1. an explicit folder (`--data DIR`): DIR itself or DIR/<name>; nothing else is tried;
 *   2. $KNOWREC_DATA_DIR/<name>/;
 *   3. the user cache: $XDG_CACHE_HOME/knowrec/datasets/<name> or ~/.cache/knowrec/datasets/<name>.
 * The first folder holding every required file wins; its files are then verified.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { KnowrecError } from '../errors';
import { sha256File } from './checksum';
import { MOVIELENS_CSV, type CsvDatasetSpec } from './from-csv';
import type { KgFormat } from './kg-files';
import type { LinkSpec } from './link';
import { isFile } from './text-file';

export interface RegistryFile {
  readonly name: string;
  readonly sha256: string;
  /** Optional files are verified when present. */
  readonly optional?: boolean;
}

/** For format 'kg' (a KG without interactions): its files and how its entities link to items. */
export interface KgLayout {
  /** KG files (relative to the dataset folder). */
  readonly files: readonly string[];
  readonly format?: KgFormat;
  /** Links table (relative), and how to read it (link.ts). */
  readonly links?: string;
  readonly link: LinkSpec;
}

export interface DatasetEntry {
  readonly name: string;
  readonly title: string;
  /** 'kg': a KG only, added beside the KG of a workspace that holds interactions (knowrec import --dataset NAME --workspace W). */
  readonly format: 'atomic' | 'csv' | 'kg';
  readonly files: readonly RegistryFile[];
  /** For format 'csv': which files and columns hold what. */
  readonly csv?: CsvDatasetSpec;
  /** For format 'kg': which files hold the KG and the links. */
  readonly kg?: KgLayout;
  /**
   * Registry KGs (format 'kg') that workspaces built for the demo add beside this dataset's own
   * KG when their files are found (OpenDatasetOptions.extraKgs).
   */
  readonly extraKgs?: readonly string[];
  readonly download: { readonly url: string; readonly note: string };
  readonly license: string;
  /** 'works': the items are titled works (films), which Chinese text quotes as titles (《》). */
  readonly catalog?: 'works';
}

export const BUILTIN_DATASETS: readonly DatasetEntry[] = [
  {
    name: 'ml-100k',
    catalog: 'works',
    title: 'MovieLens 100K as RecBole atomic files, with a Freebase KG (KB4Rec links)',
    format: 'atomic',
    files: [
      { name: 'ml-100k.inter', sha256: '4edb74e2a81178c2ba9ff381495f754f996c4aea351b1272ca36b43da0935eff' },
      { name: 'ml-100k.item', sha256: '51d7cdf777ce5c0f5b32c1d947a4a81fe07d75e78abbe761e0cd4d0756064532' },
      { name: 'ml-100k.user', sha256: '4f670007d9cfbeb9807e757209af1555b9bcc186bde25e767f67cb67c6dd5972' },
      { name: 'ml-100k.kg', sha256: '200a0636fa07c218119a42e5bac7aa3e26e3665a6f919c1b22909bd412b14779' },
      { name: 'ml-100k.link', sha256: '524dca2c3d62619688ab99b3ec53ea2acb9b64d38eafec3e02bdd0dc6bb7d948' },
    ],
    download: {
      url: 'https://files.grouplens.org/datasets/movielens/ml-100k.zip',
      note:
        'the five atomic files are in RecBole\'s dataset hub and in the RecBole repository (github.com/RUCAIBox/RecBole, ' +
        'folder recbole/dataset_example/ml-100k/); the GroupLens zip holds the original ratings in raw format (u.data, u.item, u.user) ' +
        'without the KG files',
    },
    license: 'GroupLens research terms (cite Harper & Konstan 2015); KG from KB4Rec: non-commercial, no redistribution',
    extraKgs: ['movielens-dbpedia'],
  },
  {
    name: 'ml-latest-small',
    catalog: 'works',
    title: 'MovieLens latest-small (2018-09-26): ratings with timestamps, titles, genres',
    format: 'csv',
    files: [
      { name: 'ratings.csv', sha256: 'aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646' },
      { name: 'movies.csv', sha256: '5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07' },
      { name: 'links.csv', sha256: '97ad18e4e56a09363c65676b6cb3482ce3e2cea2372a24620c1599c843325f31', optional: true },
      { name: 'tags.csv', sha256: '92a9f8bb7916dceef6151209845788c3643f794dfa79d1feaec7121b5960399d', optional: true },
    ],
    csv: MOVIELENS_CSV,
    download: {
      url: 'https://files.grouplens.org/datasets/movielens/ml-latest-small.zip',
      note: 'unzip it; the sums are those of the 2018-09-26 release (GroupLens calls it a development dataset that may change)',
    },
    license: 'GroupLens research terms (cite Harper & Konstan 2015); no commercial use',
  },
  {
    name: 'movielens-dbpedia',
    catalog: 'works',
    title: 'DBpedia film facts for MovieLens movies (entity2rec edge lists + LODrecsys mapping): directors, actors, writers, … with readable URIs',
    format: 'kg',
    files: [
      { name: 'mappings.tsv', sha256: '024784c4a3b514cf85d921b4dc7ac8c0359ae64dd0202e1e1f9f2304cd8a75ef' },
      { name: 'graphs/dbo:cinematography.edgelist', sha256: '28c902fe8c3ae54e21f5e04ecc9a9af7d0b01fd6174b26106661a4aece7614cb' },
      { name: 'graphs/dbo:director.edgelist', sha256: '8b346ffaf2af9900ef7c74cddb4cc14fa94c0d8f6ddd0c04f14d7cb4a49aa82c' },
      { name: 'graphs/dbo:distributor.edgelist', sha256: '0d4ff1ddce6d1c0c4fa121a5186ae5d0a93674cdd0d8c23ea470966b6d7cbc6f' },
      { name: 'graphs/dbo:editing.edgelist', sha256: 'e7705679df44a8cd10e023b6c8565bfc2c16ab391216c2d1af9143c5053d9f31' },
      { name: 'graphs/dbo:musicComposer.edgelist', sha256: 'c6e775deb7a0b5503607a5984c15edd0f3fc550937385dcf0d074eb07e4878b5' },
      { name: 'graphs/dbo:producer.edgelist', sha256: '7636809dba1f2d507dd9c4579c43bf2f36c328adf2c3231b3ca6eaa3ed32dbbf' },
      { name: 'graphs/dbo:starring.edgelist', sha256: '7342870b990adc4663a4c562542a0949aa514d7ee44646c85abf508a27694214' },
      { name: 'graphs/dbo:writer.edgelist', sha256: '73c52c1c987bd0366c777de9cd40d2335d22fe7378a8558c7ad7db036a64eb4a' },
    ],
    kg: {
      files: ['graphs/dbo:cinematography.edgelist', 'graphs/dbo:director.edgelist', 'graphs/dbo:distributor.edgelist', 'graphs/dbo:editing.edgelist', 'graphs/dbo:musicComposer.edgelist', 'graphs/dbo:producer.edgelist', 'graphs/dbo:starring.edgelist', 'graphs/dbo:writer.edgelist'],
      format: 'edgelist',
      links: 'mappings.tsv',
      // mappings.tsv: ml1m movieId, "Title (Year)", DBpedia URI (no header); items match on normalized title + year
      link: { by: 'title', title: '2', entity: '3', year: true },
    },
    download: {
      url: 'https://github.com/D2KLab/entity2rec/tree/380c1599ea5825bbb650c248f25bf42385b619bc/datasets/Movielens1M',
      note: 'mappings.tsv from datasets/Movielens1M/original/, the eight dbo:*.edgelist files from datasets/Movielens1M/graphs/ (into a graphs/ subfolder)',
    },
    license: 'mapping: LODrecsys-datasets, MIT; edge lists: entity2rec, Apache-2.0; facts: DBpedia, CC BY-SA 3.0',
  },
];

/** The registry entry called `name`. */
export function findDataset(name: string, registry: readonly DatasetEntry[] = BUILTIN_DATASETS): DatasetEntry {
  const e = registry.find((d) => d.name === name);
  if (e === undefined) {
    throw new KnowrecError(
      'not-found',
      `unknown dataset "${name}"; known datasets: ${registry.map((d) => d.name).join(', ')}`,
      {},
      'import your own files with a folder path instead of a dataset name',
    );
  }
  return e;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export interface ResolveOptions {
  /** Explicit folder (`--data DIR`): DIR itself or DIR/<name>. */
  readonly dataDir?: string;
  /** Environment to read KNOWREC_DATA_DIR, XDG_CACHE_HOME, HOME from (default process.env). */
  readonly env?: Environment;
  /** Home folder for ~/.cache (default os.homedir()). */
  readonly homeDir?: string;
  readonly registry?: readonly DatasetEntry[];
  /** Verify SHA-256 sums (default true). */
  readonly verify?: boolean;
}

export type DatasetSource = 'explicit' | 'env' | 'cache';

export interface ResolvedFile {
  readonly name: string;
  readonly path: string;
  /** Computed sum (undefined when verification is off). */
  readonly sha256?: string;
}

export interface ResolvedDataset {
  readonly entry: DatasetEntry;
  readonly dir: string;
  readonly source: DatasetSource;
  /** Required files and the optional ones present. */
  readonly files: readonly ResolvedFile[];
}

export interface Candidate {
  readonly dir: string;
  readonly source: DatasetSource;
  readonly label: string;
}

/** The user cache folder for dataset `name`. */
export function cacheDir(name: string, env: Environment = process.env, homeDir?: string): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && xdg.length > 0 ? xdg : join(homeDir ?? env.HOME ?? homedir(), '.cache');
  return resolve(base, 'knowrec', 'datasets', name);
}

/** Folders to look in, in order. */
export function candidateDirs(name: string, opts: ResolveOptions = {}): Candidate[] {
  const env = opts.env ?? process.env;
  if (opts.dataDir !== undefined) {
    const d = resolve(opts.dataDir);
    return [
      { dir: d, source: 'explicit', label: `--data ${d}` },
      { dir: join(d, name), source: 'explicit', label: `--data ${d} (subfolder ${name})` },
    ];
  }
  const out: Candidate[] = [];
  const envDir = env.KNOWREC_DATA_DIR;
  if (envDir !== undefined && envDir.length > 0) {
    out.push({ dir: resolve(envDir, name), source: 'env', label: `$KNOWREC_DATA_DIR/${name}` });
  }
  out.push({ dir: cacheDir(name, env, opts.homeDir), source: 'cache', label: 'the user cache' });
  return out;
}

/** Finds dataset `name` and verifies its files. Throws 'not-found' or 'checksum'. */
export function resolveDataset(name: string, opts: ResolveOptions = {}): ResolvedDataset {
  const entry = findDataset(name, opts.registry);
  const required = entry.files.filter((f) => f.optional !== true);
  const candidates = candidateDirs(name, opts);
  const looked: string[] = [];
  for (const c of candidates) {
    const missing = required.filter((f) => !isFile(join(c.dir, f.name))).map((f) => f.name);
    if (missing.length === 0) return verify(entry, c, opts.verify !== false);
    looked.push(
      missing.length === required.length ? `${c.label} (${c.dir}): no files` : `${c.label} (${c.dir}): missing ${missing.join(', ')}`,
    );
  }
  const target = opts.dataDir !== undefined ? candidates[0].dir : cacheDir(name, opts.env ?? process.env, opts.homeDir);
  throw new KnowrecError(
    'not-found',
    `dataset "${name}" was not found. Looked in: ${looked.join('; ')}. ` +
      `Download ${required.map((f) => f.name).join(', ')} from ${entry.download.url} (${entry.download.note}) ` +
      `and put them in ${target}`,
    {},
    opts.dataDir !== undefined
      ? 'or pass another --data folder'
      : `or pass --data DIR, or set KNOWREC_DATA_DIR to a folder holding ${name}/`,
  );
}

function verify(entry: DatasetEntry, c: Candidate, check: boolean): ResolvedDataset {
  const files: ResolvedFile[] = [];
  for (const f of entry.files) {
    const path = join(c.dir, f.name);
    if (f.optional === true && !isFile(path)) continue;
    if (!check) {
      files.push({ name: f.name, path });
      continue;
    }
    const sum = sha256File(path);
    if (sum !== f.sha256) {
      throw new KnowrecError(
        'checksum',
        `SHA-256 mismatch for ${f.name}: the file has ${sum} but the registry expects ${f.sha256}`,
        { file: path },
        `the file is corrupt, modified or from another release; download it again from ${entry.download.url}`,
      );
    }
    files.push({ name: f.name, path, sha256: sum });
  }
  return { entry, dir: c.dir, source: c.source, files };
}

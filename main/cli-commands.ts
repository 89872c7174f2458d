/** The `knowrec` commands and their flags (parsed by cli-args.ts, run by cli.ts). */
import type { CommandSpec } from './cli-args';
import { SCALE_MODE_MIN_CELLS } from './core/models/scale';
import { FIT_SAMPLE_USERS } from './jobs/explained-users';

const DATA_FLAGS = {
  dataset: { type: 'string', help: 'registry dataset name (ml-100k, ml-latest-small)' },
  data: { type: 'string', help: 'folder of RecBole atomic files, or the folder holding <dataset>/' },
  workspace: { type: 'string', help: 'workspace file (.sqlite); default: a per-dataset file in the user cache' },
  reimport: { type: 'boolean', help: 're-import the dataset even if the workspace holds it' },
} as const;

const HELP_FLAG = { help: { type: 'boolean', short: 'h', help: 'show this help' } } as const;

const ENCODER_FLAGS = {
  encoder: { type: 'string', help: 'encoder variant for text models: fp32 | int8', default: 'fp32' },
  'text-model': { type: 'string', help: 'prepared text model by name (`knowrec models`), e.g. multilingual-e5-small; recorded in the workspace, which re-encodes on a switch (default: the workspace\'s, else all-MiniLM-L6-v2)' },
  'model-dir': { type: 'string', help: 'encoder folder with model.onnx + tokenizer.json (overrides --text-model)' },
} as const;

export const EVALUATE: CommandSpec = {
  name: 'evaluate',
  summary: 'split, tune on validation, fit and evaluate models with full ranking; adds beyond-accuracy metrics, intervals, slices and paired significance tests',
  usage: 'knowrec evaluate --dataset ml-100k --protocol recbole --models pop,itemknn,ease,bpr --seed 2020 --k 10 --json out.json',
  flags: {
    ...DATA_FLAGS,
    protocol: { type: 'string', help: 'recbole | loo | cold-items', default: 'recbole' },
    models: { type: 'string', help: 'comma-separated model names', default: 'pop,itemknn,ease,bpr' },
    seed: { type: 'string', help: 'split and model seed', default: '2020' },
    k: { type: 'string', short: 'k', help: 'cut-off K for the metrics', default: '10' },
    json: { type: 'string', help: 'write the results file here; - prints it on stdout instead of the table' },
    'no-tune': { type: 'boolean', help: 'skip validation tuning, use default hyper-parameters' },
    'min-rating': { type: 'string', help: 'keep only interactions with rating ≥ this' },
    kcore: { type: 'string', help: 'k-core filter: keep users and items with ≥ this many interactions' },
    ...ENCODER_FLAGS,
    lang: { type: 'string', help: 'sentence language for text models: en | zh', default: 'en' },
    'split-dir': { type: 'string', help: 'read the split from RecBole files <dataset>.{train,valid,test}.inter in this folder' },
    'export-split': { type: 'string', help: 'write the split as RecBole benchmark files into this folder' },
    adapters: {
      type: 'string',
      help: 'folder of fine-tuned adapter versions; semantic-ft/hybrid-ft use its active version when it was trained on this split (same data, protocol, seed), else train one (default <cache>/knowrec/adapters/<dataset>)',
    },
    'no-active-adapter': { type: 'boolean', help: 'semantic-ft/hybrid-ft always train their own adapter on this split' },
    'explain-fidelity': {
      type: 'boolean',
      help: 'also measure explanation fidelity per explaining model (PN/PS@K of the cited history items vs random evidence, and the pre-attribution post-hoc rule): results.<model>.fidelity',
    },
    users: { type: 'string', help: 'with --explain-fidelity: test users sampled (seeded by --seed)', default: '200' },
    quiet: { type: 'boolean', short: 'q', help: 'no progress on stderr' },
    ...HELP_FLAG,
  },
};

export const IMPORT: CommandSpec = {
  name: 'import',
  summary: 'import a registry dataset or your own files (CSV/TSV, Parquet, JSON Lines tables, a KG) into a workspace file',
  usage:
    'knowrec import --interactions FILE [--items FILE] [--kg FILE]... [--links FILE] [--map mapping.json] [--preview] --workspace FILE\n' +
    '       knowrec import --dataset ml-100k --workspace FILE [--pseudonymize [--key-file FILE]] [--drop-attributes age,zip] [--generalize]\n' +
    '       knowrec import --kg FILE|FOLDER [--kg FILE]... [--links FILE] [--map mapping.json] --workspace FILE   (adds a KG beside the workspace\'s own)',
  flags: {
    ...DATA_FLAGS,
    interactions: { type: 'string', help: 'your interactions table (user, item, rating or count, timestamp): .csv/.tsv/.txt (any delimiter, quoted fields), .parquet, .jsonl' },
    items: { type: 'string', help: 'your items table (id, title, free-text columns, list columns such as genres "a|b")' },
    kg: {
      type: 'string',
      repeat: true,
      help: 'KG file(s): N-Triples (.nt), Turtle (.ttl), a head/relation/tail table, or "head tail" edge lists named after their relation; a folder stands for its files. With --interactions: the new dataset\'s KG; without: added beside the workspace\'s own',
    },
    'kg-format': { type: 'string', help: 'auto | ntriples | turtle | triples | edgelist (default auto: by extension, then content)' },
    'kg-name': { type: 'string', help: 'name recorded for the added KG (default: its folder or file name)' },
    links: { type: 'string', help: 'links table: item id → entity, or "Title (Year)" → entity (delimiter sniffed, header optional); default: by id/URI, else by title against the KG\'s labels' },
    map: { type: 'string', help: 'mapping file (JSON; print one with --preview): "interactions", "items" and "links" sections, keys left out are inferred' },
    'save-map': { type: 'string', help: 'write the mapping used (inferred or given) to this file' },
    preview: { type: 'boolean', help: 'print the first rows with the inferred role of each column and the mapping; write nothing' },
    name: { type: 'string', help: "the dataset's name (default: the interactions file's folder)" },
    json: { type: 'string', help: 'write the import report (own files: the summary with its mapping; --preview: the preview) here; - prints it on stdout' },
    quiet: { type: 'boolean', short: 'q', help: 'no progress on stderr' },
    pseudonymize: { type: 'boolean', help: 'store keyed-hash (HMAC-SHA256) pseudonyms instead of user ids; the key stays outside the workspace' },
    'key-file': { type: 'string', help: 'pseudonym key file, 0600 (default $XDG_CONFIG_HOME/knowrec/pseudonym.key, created when missing)' },
    'drop-attributes': { type: 'string', help: 'comma-separated user attributes not to store, e.g. age,gender,occupation,zip' },
    generalize: { type: 'boolean', help: 'store age as a decade band (20-29) and zip codes as their first 3 characters' },
    ...HELP_FLAG,
  },
};

export const FORGET_USER: CommandSpec = {
  name: 'forget-user',
  summary: "erase a user from a workspace (rows, free space, WAL) and from the dataset's serving models",
  usage: 'knowrec forget-user --workspace FILE --user ID [--key-file FILE] [--model DIR] [--adapters DIR]',
  flags: {
    workspace: { type: 'string', help: 'workspace file (.sqlite)' },
    user: { type: 'string', help: 'user id (as stored, or the original id of a pseudonymized workspace: needs its key)' },
    'key-file': { type: 'string', help: 'pseudonym key file (default $XDG_CONFIG_HOME/knowrec/pseudonym.key when it exists)' },
    model: { type: 'string', help: 'comma-separated snapshot folders to purge besides the default one and those fitted from the workspace' },
    adapters: { type: 'string', help: 'comma-separated adapter version folders to mark stale besides the default one' },
    ...HELP_FLAG,
  },
};

export const SERVE: CommandSpec = {
  name: 'serve',
  summary: 'serve the workbench to a browser on 127.0.0.1 (the same Api as the desktop app, token required)',
  usage: 'knowrec serve --workspace FILE [--port N] [--data-root DIR]... [--what-if-model NAME] [--what-if-tune]',
  flags: {
    ...DATA_FLAGS,
    port: { type: 'string', help: 'port on 127.0.0.1 (0: any free port)', default: '0' },
    'data-root': {
      type: 'string',
      repeat: true,
      help: 'a folder the workbench may open workspaces and import from (repeat it, or a comma list); default: the current folder and the user cache (~/.cache/knowrec)',
    },
    'key-file': { type: 'string', help: 'pseudonym key file for pseudonymized imports (default $XDG_CONFIG_HOME/knowrec/pseudonym.key, created when needed)' },
    'what-if-model': {
      type: 'string',
      help: "model the explanation view's what-if fits once, in its worker, when \"Ask what if\" is pressed (hybrid, ease, itemknn, semantic, kg-profile, bpr, kg-embed; default hybrid; see docs/what-if.md)",
    },
    'what-if-tune': { type: 'boolean', help: 'tune the what-if model on validation as `fit` does (a slower fit, ranks as the snapshot)' },
    ...HELP_FLAG,
  },
};

export const FIT: CommandSpec = {
  name: 'fit',
  summary: 'fit the hybrid (sources tuned on validation, fusion learned on validation) and save a serving snapshot',
  usage: 'knowrec fit --dataset ml-100k --out DIR [--seed 2020] [-k 10] [--lang en|zh] [--users ID,ID | --sample N]',
  flags: {
    ...DATA_FLAGS,
    out: { type: 'string', help: 'folder to save the model into (replaced atomically); default: the user cache' },
    seed: { type: 'string', help: 'split and model seed', default: '2020' },
    k: { type: 'string', short: 'k', help: 'recommendations kept per user', default: '10' },
    lang: { type: 'string', help: 'language of the reasons: en | zh', default: 'en' },
    users: { type: 'string', help: 'explain exactly these users (comma-separated ids; unknown ids are an error before fitting)' },
    sample: {
      type: 'string',
      help: `explain a seeded sample (--seed) of N users. Default: every user; in scale mode (users × items ≥ ${SCALE_MODE_MIN_CELLS / 1e6}M, e.g. 100k × 300k) a sample of ${FIT_SAMPLE_USERS}, as one user's explained list takes seconds there`,
    },
    ...ENCODER_FLAGS,
    quiet: { type: 'boolean', short: 'q', help: 'no progress on stderr' },
    ...HELP_FLAG,
  },
};

export const RECOMMEND: CommandSpec = {
  name: 'recommend',
  summary: 'recommend for a user (from a fitted model, with explanations) or for a new user: a free-text query and/or picked items',
  usage: 'knowrec recommend --dataset ml-100k --user 1 -k 5 --explain --json | --model DIR --user 1 | --query "light-hearted animated film" -k 10 | --items 1,50 -k 10',
  flags: {
    ...DATA_FLAGS,
    user: { type: 'string', help: 'user id to recommend for' },
    model: { type: 'string', help: 'fitted model folder (knowrec fit --out); default: the user cache, fitted when missing' },
    explain: { type: 'boolean', help: 'include the explanation of each item' },
    query: { type: 'string', help: 'free-text description of what to find (a new user; as the workbench\'s query); a multilingual text model matches it against the items\' sentences in its own language (Chinese for a query mostly in Han characters), an English-only one against the English sentences' },
    items: { type: 'string', help: 'comma-separated ids of items a new user picked (with or without --query)' },
    k: { type: 'string', short: 'k', help: 'how many items', default: '10' },
    json: { type: 'boolean', help: 'print JSON instead of a table' },
    ...ENCODER_FLAGS,
    lang: { type: 'string', help: 'language of the reasons: en | zh', default: 'en' },
    ...HELP_FLAG,
  },
};

export const DEMO: CommandSpec = {
  name: 'demo',
  summary: 'the main job: evaluate every model and the hybrid, explain recommendations, write the report, serve the workbench',
  usage: 'knowrec demo [--dataset ml-100k] [--out results] [--lang en|zh] [--no-serve] [--no-cold]',
  flags: {
    dataset: { type: 'string', help: 'registry dataset name', default: 'ml-100k' },
    data: { type: 'string', help: 'folder holding the dataset files' },
    out: { type: 'string', help: 'folder for results.json, cold-items.json and report.html', default: 'results' },
    seed: { type: 'string', help: 'split and model seed', default: '2020' },
    users: { type: 'string', help: 'users whose top-5 is explained', default: '1,2,3' },
    lang: { type: 'string', help: 'language of the reasons and of report.html (its words, names and notes): en | zh', default: 'en' },
    cold: { type: 'boolean', help: 'also evaluate the cold-items protocol (--no-cold to skip)', default: true },
    serve: { type: 'boolean', help: 'serve the workbench afterwards (--no-serve to stop after the report)', default: true },
    port: { type: 'string', help: 'port for the workbench on 127.0.0.1', default: '0' },
    quiet: { type: 'boolean', short: 'q', help: 'no progress on stderr' },
    ...HELP_FLAG,
  },
};

export const FINETUNE: CommandSpec = {
  name: 'finetune',
  summary: 'train a contrastive adapter on the frozen encoder (semantic-ft) and save it as a new version',
  usage: 'knowrec finetune --dataset ml-100k [--labels FILE] [--out DIR] [--seed 2020] [--epochs N] [--resume DIR]',
  flags: {
    ...DATA_FLAGS,
    labels: { type: 'string', help: 'relevance labels CSV: user,item,value (ids; 1 = relevant, 0 = not relevant)' },
    out: { type: 'string', help: 'version folder to write (atomically); default <cache>/knowrec/adapters/<dataset>/<version>' },
    seed: { type: 'string', help: 'split and training seed', default: '2020' },
    epochs: { type: 'string', help: 'maximum epochs (early stopping on validation NDCG@10)' },
    rank: { type: 'string', help: 'adapter rank (0 = full d×d matrix; default 32)' },
    lr: { type: 'string', help: 'learning rate (default 0.002)' },
    batch: { type: 'string', help: 'batch size (default 256)' },
    temperature: { type: 'string', help: 'InfoNCE temperature (default 0.05)' },
    resume: { type: 'string', help: 'continue an interrupted run: its --out folder (the checkpoint beside it)' },
    ...ENCODER_FLAGS,
    lang: { type: 'string', help: 'sentence language: en | zh', default: 'en' },
    quiet: { type: 'boolean', short: 'q', help: 'no progress on stderr' },
    ...HELP_FLAG,
  },
};

export const MODELS: CommandSpec = {
  name: 'models',
  summary: 'list the prepared text models (encoders) that --text-model accepts',
  usage: 'knowrec models [--json]',
  flags: {
    json: { type: 'boolean', help: 'print JSON instead of a table' },
    ...HELP_FLAG,
  },
};

export const COMMANDS: readonly CommandSpec[] = [EVALUATE, FIT, RECOMMEND, IMPORT, SERVE, DEMO, FORGET_USER, FINETUNE, MODELS];

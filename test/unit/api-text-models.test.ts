/**
 * listTextModels / setTextModel over a tiny workspace and a models folder of two fake prepared
 * encoders (KNOWREC_MODELS_ROOT): the default is active until another is chosen, the choice is
 * recorded in the workspace, and an unknown name is a config error naming the prepared ones.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi, type ApiImpl } from '../../main/api';
import { Workspace, workspaceTextModel } from '../../main/core/store';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';
import { tinyDataset } from '../helpers/tiny-workspace';

let dir: string;
let api: ApiImpl;
let path: string;
const saved = process.env.KNOWREC_MODELS_ROOT;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-api-textmodels-'));
  const root = join(dir, 'models');
  for (const [folder, manifest] of [
    ['all-MiniLM-L6-v2', { model_id: 'all-MiniLM-L6-v2', dim: 384 }],
    ['multilingual-e5-small', { model_id: 'multilingual-e5-small', dim: 384, languages: 'multilingual' }],
  ] as const) {
    mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, folder, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(join(root, folder, 'tokenizer.json'), '{}');
  }
  process.env.KNOWREC_MODELS_ROOT = root;
  path = join(dir, 'w.sqlite');
  const ws = Workspace.create(path);
  ws.importDataset(tinyDataset());
  ws.close();
  api = createApi({ open: (p) => Workspace.open(p), workspacePath: path, appVersion: 't', encoder: async () => bagOfWordsEncoder(16, /[a-z]+/g) });
});

afterEach(() => {
  api.close();
  if (saved === undefined) delete process.env.KNOWREC_MODELS_ROOT;
  else process.env.KNOWREC_MODELS_ROOT = saved;
  rmSync(dir, { recursive: true, force: true });
});

describe('text models of a workspace', () => {
  it('lists the prepared models with the default active until another is chosen', async () => {
    const r = await api.listTextModels();
    expect(r.ok && r.value.map((m) => [m.name, m.languages, m.isDefault, m.active])).toEqual([
      ['all-MiniLM-L6-v2', 'en', true, true],
      ['multilingual-e5-small', 'multilingual', false, false],
    ]);
  });

  it('records the chosen model in the workspace and marks it active', async () => {
    const r = await api.setTextModel({ name: 'multilingual-e5-small' });
    expect(r.ok && r.value.filter((m) => m.active).map((m) => m.name)).toEqual(['multilingual-e5-small']);
    expect(workspaceTextModel(path).recorded).toBe('multilingual-e5-small');
    const again = await api.listTextModels();
    expect(again.ok && again.value.find((m) => m.active)?.name).toBe('multilingual-e5-small');
  });

  it('refuses an unknown name, naming the prepared ones, and records nothing', async () => {
    const r = await api.setTextModel({ name: 'nope' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('config');
      expect(r.error.message).toMatch(/prepared: all-MiniLM-L6-v2, multilingual-e5-small/);
    }
    expect(workspaceTextModel(path).recorded).toBeNull();
  });
});

/**
 * Choosing the text model from the CLI, with the prepared encoders, on the tiny folder (items
 * a1–a6 are comedies, b1–b6 horror films): `knowrec models`, the English-only hint for a Chinese
 * query, and `--text-model` answering the Chinese query by meaning (against the items' Chinese
 * sentences) and being recorded in the workspace for the next command.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../main/cli';
import { workspaceTextModel } from '../../main/core/store';
import { writeTinyDataset } from '../helpers/tiny-atomic';

let dir: string;

async function cli(args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    expect(await main(args)).toBe(0);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  return { out, err };
}

interface Answer {
  text_model: string | null;
  language_hint?: string;
  catalog_lang: 'en' | 'zh' | null;
  items: { item: string }[];
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-cli-text-model-'));
  writeTinyDataset(join(dir, 'tiny'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('knowrec --text-model', () => {
  it('models lists the prepared encoders, the default English-only', async () => {
    const { out } = await cli(['models', '--json']);
    const models = (JSON.parse(out) as { models: { name: string; languages: string; default: boolean }[] }).models;
    expect(models.find((m) => m.name === 'all-MiniLM-L6-v2')).toMatchObject({ languages: 'en', default: true });
    expect(models.find((m) => m.name === 'multilingual-e5-small')).toMatchObject({ languages: 'multilingual', default: false });
  });

  it('answers a Chinese query by meaning with the multilingual model, records it, and hints with the English-only one', async () => {
    const ws = join(dir, 'w.sqlite');
    const base = ['recommend', '--workspace', ws, '--data', join(dir, 'tiny'), '--query', '一部恐怖片', '-k', '3', '--json', '--encoder', 'int8'];
    const english = JSON.parse((await cli(base)).out) as Answer;
    expect(english.text_model).toBe('all-MiniLM-L6-v2@int8');
    expect(english.language_hint).toMatch(/English-only/);
    expect(english.catalog_lang).toBe('en');

    const multi = await cli([...base, '--text-model', 'multilingual-e5-small']);
    const answer = JSON.parse(multi.out) as Answer;
    expect(answer.text_model).toBe('multilingual-e5-small@int8');
    expect(answer.language_hint).toBeUndefined();
    expect(answer.catalog_lang).toBe('zh'); // the items' Chinese sentences
    // "a horror film": the horror films b1–b6 first
    expect(answer.items.map((i) => i.item[0])).toEqual(['b', 'b', 'b']);
    expect(workspaceTextModel(ws).recorded).toBe('multilingual-e5-small');

    // the next command without --text-model uses the workspace's
    const again = JSON.parse((await cli(base)).out) as Answer;
    expect(again.text_model).toBe('multilingual-e5-small@int8');
  }, 300_000);
});

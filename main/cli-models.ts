/** `knowrec models`: the prepared text models (names for --text-model). */
import { bool, type Flags } from './cli-args';
import { listTextModels, modelsRoot } from './core/encode/model-dir';

export function cmdModels(flags: Flags): void {
  const root = modelsRoot();
  const models = listTextModels(root);
  if (bool(flags, 'json')) {
    const rows = models.map((m) => ({ name: m.name, dir: m.dir, dim: m.dim ?? null, max_length: m.maxLength ?? null, languages: m.languages, variants: m.variants, default: m.isDefault }));
    process.stdout.write(`${JSON.stringify({ root, models: rows }, null, 2)}\n`);
    return;
  }
  if (models.length === 0) {
    process.stdout.write(`no prepared text models in ${root}; run \`npm run model\`\n`);
    return;
  }
  for (const m of models) {
    const langs = m.languages === 'en' ? 'English-only' : 'multilingual';
    process.stdout.write(`${m.name.padEnd(24)} ${langs.padEnd(13)} dim ${m.dim ?? '?'}  max ${m.maxLength ?? '?'} tokens  ${m.variants.join(', ')}${m.isDefault ? '  (default)' : ''}\n`);
  }
}

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * Layers (docs/architecture.md, "Boundaries"): only main/index.ts imports 'electron'; main/core
 * imports no jobs, Api, bridge, CLI or entry point; the renderer and the preload take only types
 * from main/ (values only from the zod-free contract module); components do not reach the Api.
 * Relative paths are matched per folder depth, so each regex names exactly the folder it forbids.
 */

/** Deepest folder level the layer rules are generated for (main/core/a/b/c/x.ts is 5). */
const MAX_DEPTH = 8;
/** Modules of main/ the renderer and the preload may import values from: method names and channels, no zod, no Node. */
const CONTRACT_MODULES = ['api/contract', 'api/display-names'];
const TS = '(\\.[cm]?[jt]sx?)?';
const up = (n) => `^(\\.\\./){${n}}`;
/** `main/core/*.ts` at depth 2, `main/core/*\/*.ts` at 3, ... */
const filesAt = (folder, depth, ext) => [`${folder}/${'*/'.repeat(depth - folder.split('/').length)}*.${ext}`];
const depths = (from) => Array.from({ length: MAX_DEPTH - from + 1 }, (_, i) => from + i);

const NO_ELECTRON = "Only main/index.ts imports 'electron': the rest of main/ runs under plain Node.";
/** main/ outside its entry point runs without Electron. */
const mainLayer = {
  files: ['main/**/*.ts'],
  ignores: ['main/index.ts'],
  rules: {
    'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: NO_ELECTRON }], patterns: [{ regex: '^electron/', message: NO_ELECTRON }] }],
  },
};

const ORT_ONCE = "Import { ort } from main/core/ort.ts: it turns onnxruntime's telemetry off before any session (main/core/ort-telemetry.ts).";
/** onnxruntime-node is imported by main/core/ort.ts alone, which turns its telemetry off first (main/core/ort-telemetry.ts). */
const onnxruntimeOnce = {
  files: ['main/**/*.ts', 'benchmarks/**/*.ts', 'test/**/*.ts'],
  ignores: ['main/core/ort.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', {
      paths: [{ name: 'onnxruntime-node', message: ORT_ONCE }],
      patterns: [{ regex: '^onnxruntime-node/', message: ORT_ONCE }],
    }],
  },
};

/** main/core ↛ main/jobs, main/api (flat api*.ts files and the api/ folder), main/bridge, main/cli*, main/index, electron. */
const coreLayer = depths(2).map((depth) => ({
  files: filesAt('main/core', depth, 'ts'),
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [{ name: 'electron', message: NO_ELECTRON }],
        patterns: [
          { regex: '^electron/', message: NO_ELECTRON },
          {
            regex: `${up(depth - 1)}(\\.\\./main/)?(jobs|bridge|api|api-[^/]+|cli|cli-[^/]+|index)${TS}(/.*)?$`,
            message: 'main/core is the bottom layer: it must not import main/jobs, the Api, the bridge, the CLI or main/index.ts.',
          },
        ],
      },
    ],
  },
}));

/** The renderer (and the preload) import types from main/ and preload/; values only from the contract module. */
const contract = CONTRACT_MODULES.map((m) => m.replace('/', '\\/')).join('|');
const typesOnly = (depth, folders) => ({
  regex: `${up(depth)}(${folders.join('|')})(/(?!(${contract})${TS}$)|$)`,
  allowTypeImports: true,
  message: 'Only types (`import type`) may come from main/ or preload/ here; values only from the zod-free contract module.',
});
/** Components are props in, callbacks out: the views own the Api calls. */
const noApiClient = {
  regex: `(^|/)api-client${TS}$`,
  message: 'Components do not call the Api: take data and callbacks from the view that owns the calls.',
};

const rendererLayer = depths(2).map((depth) => {
  const files = filesAt('renderer/src', depth, '{ts,tsx}');
  const patterns = [typesOnly(depth, ['main', 'preload'])];
  return { files, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } };
});
const componentsLayer = depths(3).map((depth) => ({
  files: filesAt('renderer/src/components', depth, '{ts,tsx}'),
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', { patterns: [typesOnly(depth, ['main', 'preload']), noApiClient] }],
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { regex: `${up(depth)}main/api(-[^/]+)?${TS}(/.*)?$`, importNames: ['Api', 'ApiEvents'], message: noApiClient.message },
          { regex: '(^|/)hooks/useJob$', importNames: ['ApiWithEvents'], message: noApiClient.message },
        ],
      },
    ],
    'no-restricted-properties': ['error', { object: 'window', property: 'api', message: noApiClient.message }],
  },
}));
const preloadLayer = depths(1).map((depth) => ({
  files: filesAt('preload', depth, 'ts'),
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [typesOnly(depth, ['main'])] }] },
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'resources/models/**', '.venv-model/**', 'test-results/**', 'bin/**', 'tools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: {
      // Size limits for main/: files ≤ 500 lines, functions ≤ 80 (blank lines and comments not counted).
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  mainLayer,
  onnxruntimeOnce,
  ...coreLayer,
  ...rendererLayer,
  ...componentsLayer,
  ...preloadLayer,
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);

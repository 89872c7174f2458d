/** The layer rules of eslint.config.mjs fire on the imports docs/architecture.md forbids, and only on those. */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const LAYER_RULES = new Set(['no-restricted-imports', '@typescript-eslint/no-restricted-imports', 'no-restricted-properties']);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: resolve(__dirname, '../..') });
});

/** Layer-rule errors for `code` linted as if it were the file `filePath` (which need not exist). */
async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.severity === 2 && m.ruleId !== null && LAYER_RULES.has(m.ruleId)).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('main/core is the bottom layer', () => {
  it('refuses main/jobs, at any depth of main/core', async () => {
    expect(await violations('main/core/x.ts', "import { JobRunner } from '../jobs/runner';\n")).toHaveLength(1);
    expect(await violations('main/core/models/x.ts', "import { JobRunner } from '../../jobs/runner';\n")).toHaveLength(1);
    expect(await violations('main/core/models/kg-profile/x.ts', "import type { JobInfo } from '../../../jobs/runs';\n")).toHaveLength(1);
  });

  it('refuses the Api folder, even as types', async () => {
    expect(await violations('main/core/x.ts', "import { createApi } from '../api/index';\n")).toHaveLength(1);
    expect(await violations('main/core/rank/x.ts', "import type { Api } from '../../api';\n")).toHaveLength(1);
    expect(await violations('main/core/rank/x.ts', "import { apiSchemas } from '../../api/schemas';\n")).toHaveLength(1);
    expect(await violations('main/core/rank/x.ts', "import { recommend } from '../../api/methods/recommend';\n")).toHaveLength(1);
  });

  it('refuses the bridge, the CLI, main/index.ts and electron', async () => {
    expect(await violations('main/core/x.ts', "import { startBridge } from '../bridge/server';\n")).toHaveLength(1);
    expect(await violations('main/core/data/x.ts', "import { parseArgs } from '../../cli-args';\n")).toHaveLength(1);
    expect(await violations('main/core/data/x.ts', "import { main } from '../../cli';\n")).toHaveLength(1);
    expect(await violations('main/core/x.ts', "import '../index';\n")).toHaveLength(1);
    expect(await violations('main/core/x.ts', "import { app } from 'electron';\n")).toHaveLength(1);
    expect(await violations('main/core/encode/x.ts', "import { app } from 'electron/main';\n")).toHaveLength(1);
  });

  it("allows the core's own modules, its index/ folder included", async () => {
    const code = "import { KnowrecError } from '../errors';\nimport { exactTopK } from '../index/exact';\nimport { readFileSync } from 'node:fs';\n";
    expect(await violations('main/core/models/x.ts', code)).toEqual([]);
    expect(await violations('main/jobs/x.ts', "import { createApi } from '../api/index';\nimport { JobRunner } from './runner';\n")).toEqual([]);
  });
  it("keeps 'electron' to main/index.ts in all of main/", async () => {
    expect(await violations('main/jobs/x.ts', "import { app } from 'electron';\n")).toHaveLength(1);
    expect(await violations('main/api/methods/x.ts', "import { ipcMain } from 'electron';\n")).toHaveLength(1);
    expect(await violations('main/index.ts', "import { app } from 'electron';\n")).toEqual([]);
  });
});

describe('the renderer imports only types from main/ and preload/', () => {
  it('refuses a value from main/ and from preload/', async () => {
    expect(await violations('renderer/src/views/X.tsx', "import { createApi } from '../../../main/api/index';\n")).toHaveLength(1);
    expect(await violations('renderer/src/x.ts', "import { ok } from '../../main/api';\n")).toHaveLength(1);
    expect(await violations('renderer/src/x.ts', "import { buildPreloadApi } from '../../preload/api-proxy';\n")).toHaveLength(1);
  });

  it('allows `import type` and the contract module', async () => {
    expect(await violations('renderer/src/views/X.tsx', "import type { Api } from '../../../main/api';\n")).toEqual([]);
    expect(await violations('renderer/src/views/X.tsx', "import { type Result } from '../../../main/api/contract';\n")).toEqual([]);
    expect(await violations('renderer/src/x.ts', "import { buildApiProxy } from '../../main/api/contract';\n")).toEqual([]);
    expect(await violations('renderer/src/x.ts', "import { API_METHODS } from '../../main/api/contract';\n")).toEqual([]);
    expect(await violations('renderer/src/views/X.tsx', "import { metricName } from '../../../main/api/display-names';\n")).toEqual([]);
  });

  it('holds for the preload too', async () => {
    expect(await violations('preload/x.ts', "import { dispatchApi } from '../main/api';\n")).toHaveLength(1);
    expect(await violations('preload/x.ts', "import type { Api } from '../main/api';\nimport { EVENT_CHANNEL } from '../main/api/contract';\n")).toEqual([]);
  });
});

describe('components do not call the Api', () => {
  it('refuses the api client, the Api type and window.api', async () => {
    expect(await violations('renderer/src/components/X.tsx', "import { createApiClient } from '../api-client';\n")).toHaveLength(1);
    expect(await violations('renderer/src/components/X.tsx', "import type { Api } from '../../../main/api';\n")).toHaveLength(1);
    expect(await violations('renderer/src/components/X.tsx', "import type { ApiWithEvents } from '../hooks/useJob';\n")).toHaveLength(1);
    expect(await violations('renderer/src/components/X.tsx', 'export const n = window.api;\n')).toHaveLength(1);
  });

  it('allows the types of the data they show', async () => {
    expect(await violations('renderer/src/components/X.tsx', "import type { ApiError, KgHit } from '../../../main/api';\nimport { ErrorNotice } from './ErrorNotice';\n")).toEqual([]);
  });
});

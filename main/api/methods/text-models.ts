/**
 * The workspace's text model: which prepared encoders there are, and choosing one. The choice is
 * recorded in the workspace (meta `text_model`); the query encoder restarts with it, and item
 * vectors are encoded again for it (they are cached per model).
 */
import type { Api, TextModelRow } from '../contract';
import type { ApiContext, Opened } from '../context';
import { guard } from '../result';
import { DEFAULT_MODEL_NAME, listTextModels, textModelDir } from '../../core/encode/model-dir';
import { workspaceTextModel } from '../../core/store';

function rows(o: Opened): TextModelRow[] {
  const active = workspaceTextModel(o.path).recorded ?? DEFAULT_MODEL_NAME;
  return listTextModels().map((m) => ({ name: m.name, languages: m.languages, dim: m.dim ?? null, isDefault: m.isDefault, active: m.name === active }));
}

export function textModelMethods(ctx: ApiContext): Pick<Api, 'listTextModels' | 'setTextModel'> {
  return {
    listTextModels: () => guard(async () => rows(await ctx.ensureOpen())),
    setTextModel: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        textModelDir(request.name);
        const { previous } = workspaceTextModel(o.path, request.name);
        if ((previous ?? DEFAULT_MODEL_NAME) !== request.name) ctx.resetTextTools();
        return rows(o);
      }),
  };
}

/**
 * KG edits through the Api: add or remove a fact, undo the last edit, page the history. Edits
 * are stored in the workspace (main/core/store/edits.ts) and replayed by loadDataset, so after
 * each one the cached dataset and KG index are dropped and a 'workspace' event goes out: the
 * explorer sees the change at once and the next fit uses it.
 */
import type { Api, ApiGroupMethod, KgEdit } from '../contract';
import { type ApiContext, type Opened } from '../context';
import { guard } from '../result';
import type { FactEnd, KgEditRecord, KgEditStore } from '../../core/store';

type KgEditMethods = Pick<Api, ApiGroupMethod<'kg-edits'>>;

/** The one end the request gives (the schema guarantees exactly one of item, entity, name). */
function factEnd(e: { readonly item?: string; readonly entity?: string; readonly name?: string }): FactEnd {
  if (e.item !== undefined) return { item: e.item };
  if (e.entity !== undefined) return { entity: e.entity };
  return { name: e.name ?? '' };
}

function toKgEdit(r: KgEditRecord): KgEdit {
  return {
    id: r.id,
    op: r.op,
    head: r.head,
    headLabel: r.headName ?? r.headItem ?? r.head,
    relation: r.relation,
    tail: r.tail,
    tailLabel: r.tailName ?? r.tailItem ?? r.tail,
    author: r.author,
    created: r.created,
    undone: r.undone,
  };
}

export function kgEditMethods(ctx: ApiContext): KgEditMethods {
  const edits = (o: Opened): KgEditStore => o.ws.edits;
  return {
    kgAddFact: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const r = edits(o).add({ head: factEnd(request.head), relation: request.relation, tail: factEnd(request.tail) });
        await ctx.changed(o);
        return toKgEdit(r);
      }),

    kgRemoveFact: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const r = edits(o).remove({ head: request.head, relation: request.relation, tail: request.tail });
        await ctx.changed(o);
        return toKgEdit(r);
      }),

    kgUndo: () =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const r = edits(o).undo();
        if (r !== null) await ctx.changed(o);
        return r === null ? null : toKgEdit(r);
      }),

    kgEdits: (request) =>
      guard(async () => {
        const page = edits(await ctx.ensureOpen()).list(request.offset, request.limit);
        return { offset: page.offset, limit: page.limit, total: page.total, rows: page.rows.map(toKgEdit) };
      }),
  };
}

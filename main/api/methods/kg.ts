/** The knowledge graph, read-only: search, an item's or entity's neighbourhood, an item's card. */
import type { Api, ApiGroupMethod } from '../contract';
import type { ApiContext } from '../context';
import { guard } from '../result';
import { kgPathsView, kgSubgraphView } from '../kg-views';
import { itemCardView, kgSearchView } from '../views';

export function kgMethods(ctx: ApiContext): Pick<Api, ApiGroupMethod<'kg'>> {
  return {
    kgSearch: (request) => guard(async () => kgSearchView(await ctx.kgOf(await ctx.ensureOpen()), request.query, request.limit)),

    kgSubgraph: (request) => guard(async () => kgSubgraphView(await ctx.kgOf(await ctx.ensureOpen()), request)),

    kgPaths: (request) => guard(async () => kgPathsView(await ctx.kgOf(await ctx.ensureOpen()), request)),

    kgItem: (request) =>
      guard(async () => {
        return itemCardView(await ctx.kgOf(await ctx.ensureOpen()), request.item);
      }),
  };
}

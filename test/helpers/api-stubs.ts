/**
 * The KG and recommendation methods for fake Apis in tests that exercise other methods:
 * each records its input in `calls` (when given) and answers an empty, well-formed value.
 */
import { API_METHODS, fail, ok, type Api } from '../../main/api';

export function kgAndRecommendStubs(calls?: unknown[]): Pick<Api, 'kgSearch' | 'kgSubgraph' | 'kgItem' | 'recommend'> {
  const seen = (r: unknown): void => {
    calls?.push(r);
  };
  return {
    kgSearch: async (r) => {
      seen(r);
      return ok([]);
    },
    kgSubgraph: async (r) => {
      seen(r);
      return ok({ center: [], nodes: [], edges: [], truncated: false, totalNeighbours: 0, relations: [], hops: r.hops, cap: r.cap });
    },
    kgItem: async (r) => {
      seen(r);
      return ok({ id: r.item, title: '', attributes: {}, interactions: 0, facts: [] });
    },
    recommend: async (r) => {
      seen(r);
      return ok({ user: r.user, items: [], model: { dir: '/m', dataset: 'd', created: '', k: r.k, explained: { mode: 'all', count: 0, of: 0, seed: null, reason: 'default', refit: 'knowrec fit' }, dataMatches: true } });
    },
  };
}

/**
 * Every Api method answering a typed 'internal' failure ("… is not used in this test"), for fake
 * Apis that implement only what a test exercises: spread it first, then the real fakes.
 */
export function unusedApiMethods(): Api {
  const entries = API_METHODS.map((m) => [m, async () => fail('internal', `${m} is not used in this test`)] as const);
  return Object.fromEntries(entries) as unknown as Api;
}

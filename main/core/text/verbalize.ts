/** The verbalizer: items and users → sentences (see docs/verbalizer.md). */
import type { Dataset } from '../types';
import { itemSentence } from './item-sentence';
import type { ItemSentenceOptions } from './types';

export { itemSentence, DEFAULT_ITEM_DROP_ORDER } from './item-sentence';
export { userSentence, selectHistory } from './user-sentence';

/** Item sentences for many items (default: all), e.g. to encode a catalog. */
export function itemTexts(dataset: Dataset, opts: ItemSentenceOptions = {}, items?: ArrayLike<number>): string[] {
  const n = items === undefined ? dataset.items.length : items.length;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = itemSentence(dataset, items === undefined ? i : items[i], opts).text;
  return out;
}

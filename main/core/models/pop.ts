/** Popularity: every user gets the number of training interactions of each item. */
import { throwIfAborted } from '../errors';
import type { FitContext, Scorer } from '../types';
import { checkContext, checkUser, gather, notFitted } from './scorer';

export class PopScorer implements Scorer {
  readonly name = 'pop';
  private counts: Float32Array | null = null;
  private nUsers = 0;

  async fit(ctx: FitContext): Promise<void> {
    checkContext(ctx, this.name);
    throwIfAborted(ctx.signal);
    const counts = new Float32Array(ctx.nItems);
    const items = ctx.train.item;
    for (let p = 0; p < items.length; p++) counts[items[p]]++;
    this.counts = counts;
    this.nUsers = ctx.nUsers;
    ctx.onProgress?.({ stage: 'pop', fraction: 1 });
  }

  score(user: number, items?: Int32Array): Float32Array {
    if (this.counts === null) throw notFitted(this.name);
    checkUser(this.name, user, this.nUsers);
    // a copy: callers may write into the returned vector
    return items === undefined ? this.counts.slice() : gather(this.name, this.counts, items);
  }

  params(): Readonly<Record<string, number | string | boolean>> {
    return {};
  }
}

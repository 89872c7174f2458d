/**
 * Colours and shapes of the explorer's node types, and the legend's rows. Items keep one
 * colour and shape everywhere; other types take palette colours in legend order (most common
 * first), so the same graph always gets the same colours.
 */
import type { KgSubgraph } from '../../main/api/contract';
import { typeOrder } from './graph-layout';

export const ITEM_COLOUR = '#1f6feb';
/** Readable on white, told apart by most colour-blind readers (Okabe–Ito order, then tints). */
const PALETTE = ['#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#8c6d31', '#7b4173', '#636363', '#b5cf6b', '#9c9ede'];
const OTHER = '#8b949e';

export interface LegendRow {
  readonly type: string;
  readonly count: number;
  readonly colour: string;
  readonly shape: 'round-rectangle' | 'ellipse';
}

export function legendOf(g: KgSubgraph): LegendRow[] {
  const counts = new Map<string, number>();
  for (const n of g.nodes) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
  let next = 0;
  return typeOrder(g).map((type) => {
    const item = type === 'item';
    const colour = item ? ITEM_COLOUR : (PALETTE[next++] ?? OTHER);
    return { type, count: counts.get(type) ?? 0, colour, shape: item ? 'round-rectangle' : 'ellipse' };
  });
}

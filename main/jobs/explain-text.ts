/**
 * An explanation as lines of text, for the terminal (`knowrec recommend --explain`, the demo):
 * the reason, the signal shares, the cited history items with their shares of the score, and the
 * counterfactual ("without A, B: rank 14 instead of 2").
 */
import type { SnapshotExplanation } from './snapshot';

export function explanationLines(e: SnapshotExplanation): string[] {
  const sig = Object.entries(e.signals)
    .sort((a, b) => b[1] - a[1])
    .map(([s, v]) => `${s} ${(100 * v).toFixed(0)}%`)
    .join(', ');
  const lines = [`why: ${e.reason}`, `signals: ${sig}`];
  for (const h of e.history) {
    const share = typeof h.share === 'number' ? `, ${(100 * h.share).toFixed(0)}% of the score` : '';
    lines.push(`history: ${h.title} (${h.relation}${share})`);
  }
  const cf = e.counterfactual;
  if (cf !== undefined && cf !== null && cf.removed.length > 0) {
    lines.push(`without ${cf.removed.map((x) => x.title).join(', ')}: rank ${cf.rankAfter} instead of ${cf.rankBefore}`);
  }
  return lines;
}

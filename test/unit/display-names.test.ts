import { describe, expect, it } from 'vitest';
import {
  formatP,
  lowerIsBetter,
  METRIC_NAMES,
  metricDescription,
  metricName,
  RELATION_NAMES,
  relationName,
  SIGNAL_NAMES,
  signalDescription,
  signalName,
  significanceMark,
  SLICE_NAMES,
  sliceName,
} from '../../main/api/display-names';
import { modelNames } from '../../main/core/models/registry';

const CJK = /[\u4e00-\u9fff]/;

describe('display names', () => {
  it('every entry has an English and a Chinese name and one-line description', () => {
    for (const table of [SIGNAL_NAMES, METRIC_NAMES, SLICE_NAMES, RELATION_NAMES]) {
      for (const [key, d] of Object.entries(table)) {
        expect(d.en.length, key).toBeGreaterThan(0);
        expect(d.zh.length, key).toBeGreaterThan(0); // acronyms (NDCG, MRR) stay as they are
        expect(d.desc.en, key).toMatch(/\.$/);
        expect(d.desc.zh, key).toMatch(CJK);
        expect(d.desc.en.includes('\n'), key).toBe(false);
      }
    }
  });

  it('names the signals the hybrid fuses (every base model and its hand-made features)', () => {
    const bases = modelNames().filter((m) => !m.startsWith('hybrid'));
    for (const s of [...bases, 'kg-overlap', 'history-similarity', 'history-length']) {
      expect(signalName(s), s).not.toBe(s);
      expect(signalDescription(s, 'zh'), s).toMatch(CJK);
    }
    expect(signalName('ease')).toBe('Co-rating pattern (EASE)');
    expect(signalName('unknown-signal')).toBe('unknown-signal');
  });

  it('gives the long-tail metric one name whatever its key, and keeps the cut-off', () => {
    expect(metricName('longtail@10')).toBe('Long-tail share@10');
    expect(metricName('long_tail_share')).toBe('Long-tail share');
    expect(metricName('longtail', 'zh')).toBe('长尾占比');
    expect(metricDescription('long_tail_share')).toBe(metricDescription('longtail@5'));
    expect(metricName('ndcg@10')).toBe('NDCG@10');
    expect(metricName('fidelity@10')).toBe('fidelity@10');
    expect(lowerIsBetter('avgpop@10')).toBe(true);
    expect(lowerIsBetter('ndcg@10')).toBe(false);
  });

  it('names slices and the relations of ml-100k', () => {
    expect(sliceName('gender=F')).toBe('Gender: F');
    expect(sliceName('activity=q1', 'zh')).toBe('活跃度: q1');
    expect(sliceName('long-tail')).toBe('Tail items');
    expect(relationName('film.film.directed_by')).toBe('director');
    expect(relationName('film.film.directed_by', 'zh')).toBe('导演');
    expect(relationName('http://x/y', 'en', 'y of')).toBe('y of');
  });

  it('marks significance after Holm and prints p-values in two digits', () => {
    expect([0.2, 0.04, 0.009, 0.0001].map(significanceMark)).toEqual(['', '*', '**', '***']);
    expect([0.2, 0.04, 1e-5].map(formatP)).toEqual(['0.20', '0.040', '1.0e-5']);
  });
});

import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../main/jobs/evaluate';
import { barChart, esc, fidelityLines, renderReport } from '../../main/jobs/report';
import { ordinalIn, PROTOCOL_TEXT, reportWords } from '../../main/jobs/report-messages';

function run(models: Record<string, number>, cold = false): ResultsFile {
  const results: ResultsFile['results'] = {};
  for (const [name, ndcg] of Object.entries(models)) {
    const m = { 'ndcg@10': ndcg, 'recall@10': ndcg / 2, 'longtail@10': 0.25 };
    results[name] = {
      test: m,
      valid: m,
      ...(cold ? { cold_test: { 'recall@10': ndcg / 4 } } : {}),
      fit_seconds: 1.5,
      tune_seconds: 0,
      score_seconds: 0.1,
      params: {},
      tuning: [],
    };
  }
  return {
    dataset: 'tiny<&>',
    protocol: {
      name: cold ? 'cold-items' : 'recbole',
      seed: 3,
      k: 10,
      exclude_seen: true,
      candidates: 'all',
      split: 'per-user 8:1:1',
      exclusion: 'train excluded',
      tuning: 'valid ndcg@10',
      filters: { min_rating: null, kcore: null, reports: [] },
      metric_definitions: 'RecBole',
    },
    data: { users: 3, items: 4, train: 8, valid: 1, test: 1, cold_items: cold ? 1 : 0 },
    results,
    environment: { node: 'v20', cpus: 2, platform: 'linux-x64' },
    created: '2026-01-01T00:00:00Z',
  };
}

describe('HTML report in Chinese', () => {
  it("writes the protocol's known sentences and the demo's notes in Chinese, and keeps an unknown sentence as written", () => {
    const base = run({ pop: 0.1 });
    const known: ResultsFile = {
      ...base,
      protocol: { ...base.protocol, split: PROTOCOL_TEXT.splitRecbole.en, exclusion: PROTOCOL_TEXT.exclusion.en, tuning: PROTOCOL_TEXT.tuningNone.en, metric_definitions: PROTOCOL_TEXT.metrics.en },
    };
    const w = reportWords('zh');
    const html = renderReport({ title: w('demoTitle', { dataset: 'ml-100k' }), lang: 'zh', runs: [known, base], notes: [w('demoTime', { seconds: 12.5 }), w('demoCold')] });
    for (const x of [PROTOCOL_TEXT.splitRecbole, PROTOCOL_TEXT.exclusion, PROTOCOL_TEXT.tuningNone]) {
      expect(html).toContain(esc(x.zh));
      expect(html).not.toContain(esc(x.en));
    }
    expect(html).toContain('<title>KnowRec 工作台 — ml-100k</title>');
    expect(html).toContain('主任务在本机的运行时间：12.5 秒。');
    expect(html).not.toContain('Cold-items caveat');
    // the second run's sentences are not the ones evaluate.ts writes: left as they are
    expect(html).toContain('per-user 8:1:1');
    // in English the report prints the file's sentences unchanged
    expect(renderReport({ title: 't', runs: [known] })).toContain(esc(PROTOCOL_TEXT.exclusion.en));
  });
});

describe('HTML report', () => {
  it('is self-contained and shows every model in the table and the charts', () => {
    const html = renderReport({
      title: 'Report <test>',
      runs: [run({ pop: 0.1, ease: 0.3 }), run({ pop: 0, semantic: 0.02 }, true)],
      explained: [
        {
          user: '1',
          items: [
            {
              item: '4',
              title: 'Item <4>',
              score: 0.9,
              explanation: {
                signals: { 'kg-profile': 0.6, pop: 0.4 },
                against: { ease: 1 },
                history: [{ item: '3', title: 'Item 3', relation: 'same style' }],
                facts: ['Item 4 —has→ 时尚 ←has— Item 3'],
                reason: '因为您选择了《Item 3》：时尚、原创',
              },
            },
          ],
        },
      ],
    });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/i);
    expect(html).toContain('Report &lt;test&gt;');
    expect(html).toContain('tiny&lt;&amp;&gt;');
    // a row per model, and one bar per model in each chart of the first run
    expect(html.match(/<th scope="row">ease<\/th>/g)?.length).toBe(1);
    expect(html.match(/<title>ease: 0\.3000<\/title>/g)?.length).toBe(1);
    expect(html).toContain('Cold-item recall@10');
    expect(html).toContain('因为您选择了《Item 3》');
    // signals and metrics by their display names, with a legend
    expect(html).toContain('Held back by: Co-rating pattern (EASE) 100%');
    expect(html).toContain('<dt>Knowledge-graph profile</dt>');
    expect(html).toContain('<dt>Long-tail share@10</dt><dd>Share of recommended slots outside the 20% most popular items.</dd>');
    expect(html).not.toContain('>longtail@10<');
    // the best value of a column is marked
    expect(html).toMatch(/<td class="best">0\.3000<\/td>/);
  });

  it('shows the comparisons with intervals and significance marks, and the slice gaps', () => {
    const base = run({ pop: 0.1, ease: 0.3 });
    const ease = { ...base.results.ease, slice_gaps: { gender: { metric: 'ndcg@10', best: 'gender=M', worst: 'gender=F', gap: 0.0356 } } };
    const withStats: ResultsFile = {
      ...base,
      results: { ...base.results, ease },
      comparisons: [
        { a: 'pop', b: 'ease', metric: 'ndcg@10', delta: 0.2, p: 1e-5, p_holm: 4e-5, ci95: [0.15, 0.25], users: 3 },
        { a: 'pop', b: 'ease', metric: 'mrr@10', delta: 0.01, p: 0.2, p_holm: 0.4, ci95: [-0.02, 0.04], users: 3 },
      ],
    };
    const html = renderReport({ title: 't', runs: [withStats] });
    expect(html).toMatch(/<th scope="row">ease − pop<\/th><td[^>]*>NDCG@10<\/td><td>\+0\.2000<\/td><td>\[0\.1500, 0\.2500\]<\/td><td>1\.0e-5<\/td><td>4\.0e-5<\/td><td class="mark">\*\*\*<\/td>/);
    expect(html).toMatch(/MRR@10<\/td><td>\+0\.0100<\/td><td>\[-0\.0200, 0\.0400\]<\/td><td>0\.20<\/td><td>0\.40<\/td><td class="mark"><\/td>/);
    expect(html).toContain('<td>Gender: M / Gender: F (0.0356)</td>');
  });

  it('scales bars to the largest value and escapes labels', () => {
    const svg = barChart('t', [
      { label: 'a', value: 1 },
      { label: '<b>', value: 0.5 },
    ]);
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[1] / widths[0]).toBeCloseTo(0.5, 2);
    expect(svg).toContain('&lt;b&gt;');
    expect(esc('"x"')).toBe('&quot;x&quot;');
  });

  it('shows each explained item\'s counterfactual line and fidelity figures, and a run\'s fidelity table', () => {
    const base = { signals: { ease: 1 }, against: {}, facts: [], reason: 'r' };
    const history = [
      { item: 'a', title: 'Pulp Fiction', relation: 'co-liked', share: 0.42 },
      { item: 'b', title: 'Fargo', relation: 'co-liked', share: 0.2 },
    ];
    const out = fidelityLines({ ...base, history, counterfactual: { removed: history, rankBefore: 3, rankAfter: 14 } }, 10);
    expect(out).toEqual({
      counterfactual: 'Without Pulp Fiction and Fargo it would rank 14th instead of 3rd.',
      fidelity: 'cited items Pulp Fiction 42%, Fargo 20% (together 62% of the score); PN = 1: leaving those 2 items out drops it out of the top 10',
      pn: 1,
    });
    const kept = fidelityLines({ ...base, history, counterfactual: { removed: history.slice(0, 1), rankBefore: 2, rankAfter: 5 } }, 10);
    expect(kept.counterfactual).toBe('Even without Pulp Fiction it would still rank 5th (now 2nd).');
    expect(kept.pn).toBe(0);
    expect(fidelityLines({ ...base, history: [{ item: 'a', title: 'A', relation: 'x' }] }, 10)).toEqual({ counterfactual: null, fidelity: null, pn: null });
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map((n) => ordinalIn(n, 'en'))).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th']);

    const r = run({ hybrid: 0.3 });
    (r.results.hybrid as unknown as { fidelity: Record<string, number> }).fidelity = { users: 200, 'pn@10': 0.55, 'ps@10': 0.4, mean_rank_drop: 12.5, 'random_pn@10': 0.1, 'random_ps@10': 0.2, cited_mean: 2.8 };
    const html = renderReport({
      title: 't',
      runs: [r],
      explained: [
        {
          user: '1',
          k: 10,
          items: [
            { item: 'x', title: 'X', score: 1, explanation: { ...base, history, counterfactual: { removed: history, rankBefore: 3, rankAfter: 14 } } },
            { item: 'y', title: 'Y', score: 0.9, explanation: { ...base, history, counterfactual: { removed: history.slice(0, 1), rankBefore: 4, rankAfter: 6 } } },
          ],
        },
      ],
    });
    expect(html).toContain('<p class="counterfactual">Without Pulp Fiction and Fargo it would rank 14th instead of 3rd.</p>');
    expect(html).toContain('PN = 0.50 (1 of 2 leave the list');
    expect(html).toContain('<h3>Explanation fidelity</h3>');
    expect(html).toContain('<td>200</td><td>0.550</td><td>0.400</td><td>12.500</td><td>0.100</td><td>0.200</td><td>2.800</td>');
  });
});

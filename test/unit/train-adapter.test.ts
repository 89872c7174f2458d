/**
 * The adapter's hand-written backward pass against central finite differences of the InfoNCE
 * loss (weight decay, log-Q biases and masks included), for the low-rank and the full tower, on
 * tiny random data. Also: the untrained adapter is the identity (frozen scores unchanged).
 */
import { describe, expect, it } from 'vitest';
import { Adapter, forwardTower, towerCache } from '../../main/core/train/adapter';
import { infoNceLoss, type InfoNceBatch } from '../../main/core/train/infonce';
import { createRng } from '../../main/core/random';

function randomBatch(d: number, nRows: number, nCols: number, seed: number): InfoNceBatch {
  const rng = createRng(seed);
  const rowX = Float32Array.from({ length: nRows * d }, () => rng.normal());
  const colV = Float32Array.from({ length: nCols * d }, () => rng.normal());
  const positive = Int32Array.from({ length: nRows }, (_, b) => b % nCols);
  const mask = new Uint8Array(nRows * nCols);
  for (let b = 0; b < nRows; b++) {
    for (let j = 0; j < nCols; j++) mask[b * nCols + j] = j === positive[b] || rng.next() < 0.7 ? 1 : 0;
  }
  const colBias = Float64Array.from({ length: nCols }, () => 0.3 * rng.normal());
  return { nRows, nCols, rowX, colV, positive, mask, colBias, temperature: 0.2 };
}

function checkGradient(rank: number): number {
  const d = 6;
  const a = Adapter.init({ dim: d, rank }, createRng(7), 1);
  // move away from A = 0 (or D = 0) so every term of the backward pass is exercised
  const rng = createRng(11);
  for (let i = 0; i < a.params.length; i++) a.params[i] += 0.3 * rng.normal();
  const batch = randomBatch(d, 5, 7, 3);
  const wd = 0.01;
  const grad = new Float64Array(a.params.length);
  infoNceLoss(a, batch, wd, grad);
  const h = 1e-5;
  let worst = 0;
  for (let i = 0; i < a.params.length; i++) {
    const keep = a.params[i];
    a.params[i] = keep + h;
    const up = infoNceLoss(a, batch, wd, null);
    a.params[i] = keep - h;
    const down = infoNceLoss(a, batch, wd, null);
    a.params[i] = keep;
    const fd = (up - down) / (2 * h);
    const rel = Math.abs(fd - grad[i]) / Math.max(1e-6, Math.abs(fd) + Math.abs(grad[i]));
    worst = Math.max(worst, rel);
  }
  return worst;
}

describe('adapter gradients', () => {
  it('low-rank tower: backward matches finite differences', () => {
    expect(checkGradient(2)).toBeLessThan(1e-5);
  });

  it('full tower: backward matches finite differences', () => {
    expect(checkGradient(0)).toBeLessThan(1e-5);
  });

  it('a wrong gradient would be caught (sanity of the check itself)', () => {
    const d = 4;
    const a = Adapter.init({ dim: d, rank: 2 }, createRng(1), 1);
    for (let i = 0; i < a.params.length; i++) a.params[i] += 0.2;
    const batch = randomBatch(d, 3, 4, 9);
    const g1 = new Float64Array(a.params.length);
    const g2 = new Float64Array(a.params.length);
    infoNceLoss(a, batch, 0, g1);
    infoNceLoss(a, batch, 0.5, g2);
    // weight decay adds λθ to every gradient entry
    for (let i = 0; i < g1.length; i++) expect(g2[i] - g1[i]).toBeCloseTo(0.5 * a.params[i], 10);
  });
});

describe('adapter forward', () => {
  it('starts as the identity: outputs are the normalised inputs', () => {
    const d = 8;
    for (const rank of [0, 3]) {
      const a = Adapter.init({ dim: d, rank }, createRng(5), 1);
      const x = Float32Array.from({ length: d }, (_, i) => i - 3.5);
      const c = towerCache(a.config);
      forwardTower(a, 'item', x, 0, c);
      const n = Math.hypot(...x);
      for (let i = 0; i < d; i++) expect(c.y[i]).toBeCloseTo(x[i] / n, 12);
    }
  });

  it('rejects parameters of the wrong size', () => {
    expect(() => new Adapter({ dim: 4, rank: 2 }, new Float64Array(3))).toThrow(/expected 32/);
  });
});

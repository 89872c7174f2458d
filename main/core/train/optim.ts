/**
 * Optimisers over a flat Float64Array of parameters. Their whole state is plain arrays and a
 * step count, so a checkpoint can save and restore it exactly.
 */
import { KnowrecError } from '../errors';

export type OptimizerName = 'adam' | 'sgd';

export interface OptimizerState {
  readonly name: OptimizerName;
  step: number;
  /** Adam: first moment; SGD: momentum buffer. */
  readonly m: Float64Array;
  /** Adam: second moment; SGD: unused (length 0). */
  readonly v: Float64Array;
}

export function createOptimizer(name: OptimizerName, size: number): OptimizerState {
  if (name !== 'adam' && name !== 'sgd') {
    throw new KnowrecError('config', `optimizer must be adam or sgd, got '${String(name)}'`);
  }
  return { name, step: 0, m: new Float64Array(size), v: new Float64Array(name === 'adam' ? size : 0) };
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;
const MOMENTUM = 0.9;

/** One update of `params` in place from `grad`. */
export function optimizerStep(s: OptimizerState, params: Float64Array, grad: Float64Array, lr: number): void {
  s.step++;
  const m = s.m;
  if (s.name === 'adam') {
    const v = s.v;
    const c1 = 1 - Math.pow(BETA1, s.step);
    const c2 = 1 - Math.pow(BETA2, s.step);
    for (let i = 0; i < params.length; i++) {
      const g = grad[i];
      m[i] = BETA1 * m[i] + (1 - BETA1) * g;
      v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
      params[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + EPS);
    }
  } else {
    for (let i = 0; i < params.length; i++) {
      m[i] = MOMENTUM * m[i] + grad[i];
      params[i] -= lr * m[i];
    }
  }
}

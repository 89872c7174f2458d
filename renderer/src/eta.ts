/**
 * How long a job has left, from its progress so far: the rate between the first progress the
 * view saw for the job and the latest one, applied to what remains. Pure, unit-tested.
 */

export interface ProgressSample {
  /** Milliseconds (Date.now()). */
  readonly t: number;
  /** 0..1. */
  readonly p: number;
}

/** Least progress and time between the samples before an estimate is shown. */
const MIN_PROGRESS = 0.01;
const MIN_SECONDS = 2;

/** Seconds left, or null while there is too little to go on (or the job went backwards). */
export function remainingSeconds(first: ProgressSample, last: ProgressSample): number | null {
  const dp = last.p - first.p;
  const dt = (last.t - first.t) / 1000;
  if (!(dp >= MIN_PROGRESS) || dt < MIN_SECONDS || last.p >= 1) return null;
  return ((1 - last.p) * dt) / dp;
}

/** "about 40 s left", "about 3 min left", "about 1 h 5 min left"; rounded so it does not flicker. */
export function formatRemaining(seconds: number): string {
  if (seconds < 5) return 'a few seconds left';
  if (seconds < 60) return `about ${Math.round(seconds / 5) * 5} s left`;
  const min = Math.round(seconds / 60);
  if (min < 60) return `about ${min} min left`;
  return `about ${Math.floor(min / 60)} h ${min % 60} min left`;
}

/** "12 s", "3 min 4 s". */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

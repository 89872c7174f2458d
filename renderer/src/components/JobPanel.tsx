/**
 * One job as a person sees it: state, a progress bar, what it is doing, how long it has run and
 * (once its progress moves) about how long it has left, Cancel / Resume.
 */
import { useEffect, useRef, useState } from 'react';
import type { ApiError, JobInfo } from '../../../main/api/contract';
import { formatElapsed, formatRemaining, remainingSeconds, type ProgressSample } from '../eta';
import { ErrorNotice } from './ErrorNotice';
import { durationIn, jobLineIn, useI18n } from '../i18n';
import { en } from '../i18n/en';

interface JobPanelProps {
  /** What the job is, e.g. "Import". */
  readonly title: string;
  readonly job: JobInfo | null;
  readonly error: ApiError | null;
  /** Absent for work that cannot be cancelled (a 'prepare' job): no Cancel button. */
  readonly onCancel?: () => void;
  readonly onResume?: () => void;
}

/** English state names (jobMessage compares the message with them). */
const STATE: Readonly<Record<JobInfo['state'], string>> = en.job.state;

/** The first progress seen for a job (reset when its progress goes back, e.g. a resumed run) and a ticking clock. */
function useTiming(job: JobInfo | null): { elapsed: number | null; left: number | null } {
  const first = useRef<{ id: string; sample: ProgressSample } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const running = job?.state === 'running';
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  if (job === null || !running) return { elapsed: null, left: null };
  const p = job.progress;
  if (p !== null && (first.current === null || first.current.id !== job.id || p < first.current.sample.p)) first.current = { id: job.id, sample: { t: Date.now(), p } };
  const started = Date.parse(job.created);
  const elapsed = Number.isFinite(started) ? (now - started) / 1000 : null;
  const left = p === null || first.current === null ? null : remainingSeconds(first.current.sample, { t: now, p });
  return { elapsed, left };
}

/** The job's message unless it only repeats the state ("Done · done"). */
export function jobMessage(job: JobInfo): string {
  const m = job.message.trim();
  return m.toLowerCase() === job.state || m.toLowerCase() === STATE[job.state].toLowerCase() ? '' : m;
}

export function JobPanel({ title, job, error, onCancel, onResume }: JobPanelProps) {
  const { elapsed, left } = useTiming(job);
  const { t, lang } = useI18n();
  if (job === null && error === null) return null;
  const active = job !== null && (job.state === 'queued' || job.state === 'running');
  const pct = job?.progress === null || job?.progress === undefined ? null : Math.round(job.progress * 100);
  return (
    <div className={`job job-${job?.state ?? 'refused'}`} role="group" aria-label={t('job.group', { title })}>
      {error !== null && <ErrorNotice error={error} />}
      {job !== null && (
        <>
          <p className="job-line">
            <strong>{title}:</strong> <span className="job-state">{t(`job.state.${job.state}`)}</span>
            {pct !== null && job.state !== 'done' && <span className="muted"> · {pct}%</span>}
            {jobMessage(job) !== '' && <span className="muted job-message"> · {jobLineIn(t, lang, job)}</span>}
          </p>
          {job.state === 'running' && elapsed !== null && (
            <p className="muted job-timing">
              {t('job.running', { elapsed: durationIn(t, formatElapsed(elapsed)) })} · {left === null ? (job.progress === null ? t('job.noEstimate') : t('job.estimating')) : durationIn(t, formatRemaining(left))}
            </p>
          )}
          {active && (
            <progress
              className="job-progress"
              aria-label={t('job.progress', { title })}
              {...(job.progress === null ? {} : { value: job.progress, max: 1 })}
            />
          )}
          <div className="job-actions">
            {active && onCancel !== undefined && (
              <button type="button" onClick={onCancel}>
                {t('job.cancel')}
              </button>
            )}
            {job.state === 'cancelled' && job.resumable && onResume !== undefined && (
              <button type="button" onClick={onResume}>
                {t('job.resume')}
              </button>
            )}
          </div>
          {job.state === 'failed' && job.error !== null && <ErrorNotice error={job.error} />}
        </>
      )}
    </div>
  );
}

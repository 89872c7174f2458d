/** One job as a person sees it: state, a progress bar, what it is doing, Cancel / Resume. */
import type { ApiError, JobInfo } from '../../../main/api/contract';
import { ErrorNotice } from './ErrorNotice';

interface JobPanelProps {
  /** What the job is, e.g. "Import". */
  readonly title: string;
  readonly job: JobInfo | null;
  readonly error: ApiError | null;
  readonly onCancel: () => void;
  readonly onResume?: () => void;
}

const STATE: Readonly<Record<JobInfo['state'], string>> = {
  queued: 'Waiting for another job to finish',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The job's message unless it only repeats the state ("Done · done"). */
export function jobMessage(job: JobInfo): string {
  const m = job.message.trim();
  return m.toLowerCase() === job.state || m.toLowerCase() === STATE[job.state].toLowerCase() ? '' : m;
}

export function JobPanel({ title, job, error, onCancel, onResume }: JobPanelProps) {
  if (job === null && error === null) return null;
  const active = job !== null && (job.state === 'queued' || job.state === 'running');
  const pct = job?.progress === null || job?.progress === undefined ? null : Math.round(job.progress * 100);
  return (
    <div className={`job job-${job?.state ?? 'refused'}`} role="group" aria-label={`${title} job`}>
      {error !== null && <ErrorNotice error={error} />}
      {job !== null && (
        <>
          <p className="job-line">
            <strong>{title}:</strong> <span className="job-state">{STATE[job.state]}</span>
            {pct !== null && job.state !== 'done' && <span className="muted"> · {pct}%</span>}
            {jobMessage(job) !== '' && <span className="muted job-message"> · {jobMessage(job)}</span>}
          </p>
          {active && (
            <progress
              className="job-progress"
              aria-label={`${title} progress`}
              {...(job.progress === null ? {} : { value: job.progress, max: 1 })}
            />
          )}
          <div className="job-actions">
            {active && (
              <button type="button" onClick={onCancel}>
                Cancel
              </button>
            )}
            {job.state === 'cancelled' && job.resumable && onResume !== undefined && (
              <button type="button" onClick={onResume}>
                Resume
              </button>
            )}
          </div>
          {job.state === 'failed' && job.error !== null && <ErrorNotice error={job.error} />}
        </>
      )}
    </div>
  );
}

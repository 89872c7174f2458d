/**
 * What a job is asked to do (JobSpec) and what it may report while doing it. Shared by the
 * runner (main thread), the tasks (worker thread or in-process) and the worker protocol.
 * Plain data only: a JobSpec crosses the thread boundary by structured clone.
 */
import type {
  ApiError,
  CurvePoint,
  JobInfo,
  JobKind,
  MessagePart,
  StartEvaluationRequest,
  StartFinetuneRequest,
  StartFitRequest,
  StartImportRequest,
  StartImportOwnRequest,
} from '../api/contract';

interface SpecBase {
  readonly id: string;
  /** Absolute path of the workspace file; the task opens its own connection to it. */
  readonly workspace: string;
}

export type JobSpec =
  | (SpecBase & {
      readonly kind: 'import';
      readonly request: StartImportRequest | StartImportOwnRequest;
      /** The pseudonym key (hex) when the import pseudonymizes: in memory only, never stored (storableSpec). */
      readonly pseudonymKey?: string;
    })
  | (SpecBase & {
      readonly kind: 'evaluate';
      readonly request: StartEvaluationRequest;
      /** Folder of the dataset's adapter versions (semantic-ft uses the active one when it fits the split). */
      readonly adapterRoot?: string;
    })
  | (SpecBase & {
      readonly kind: 'fit';
      readonly request: StartFitRequest;
      /** Folder of the serving snapshot (the one `recommend` reads). */
      readonly out: string;
      /** Folder of the dataset's adapter versions (hybrid-ft uses the active one when it fits the split). */
      readonly adapterRoot?: string;
    })
  | (SpecBase & {
      readonly kind: 'finetune';
      readonly request: StartFinetuneRequest;
      /** The new version's folder (its checkpoint lies beside it: `<outDir>.checkpoint.bin`). */
      readonly outDir: string;
      /** Folder of the dataset's adapter versions (outDir's parent). */
      readonly root: string;
      /** True when continuing from outDir's checkpoint (a resumed job). */
      readonly resume?: boolean;
    });

/** The spec as the jobs table keeps it: without the pseudonym key. */
export function storableSpec(spec: JobSpec | null): JobSpec | null {
  if (spec === null || spec.kind !== 'import' || spec.pseudonymKey === undefined) return spec;
  return { id: spec.id, workspace: spec.workspace, kind: spec.kind, request: spec.request };
}

/** What a finished job produced (JobInfo.result without null). */
export type JobResult = NonNullable<JobInfo['result']>;

/** How a task reports while it runs. */
export interface TaskReporter {
  /** `fraction` 0..1 or null when unknown; `message` says what it does now, `parts` the same with codes (job-message.ts). */
  progress(fraction: number | null, message: string, parts?: readonly MessagePart[]): void;
  /** One point per finished epoch (fine-tuning). */
  curve(point: CurvePoint): void;
}

export interface TaskContext extends TaskReporter {
  readonly signal: AbortSignal;
}

/** Runs one job to its result (throws KnowrecError on failure, 'cancelled' when aborted). */
export type TaskRunner = (spec: JobSpec, ctx: TaskContext) => Promise<JobResult>;

export const JOB_KINDS: readonly JobKind[] = ['import', 'evaluate', 'fit', 'finetune'];

// Worker protocol ------------------------------------------------------------------------------

export type ToJobWorker = { readonly type: 'cancel' };

export type FromJobWorker =
  | { readonly type: 'progress'; readonly fraction: number | null; readonly message: string; readonly parts?: readonly MessagePart[] }
  | { readonly type: 'curve'; readonly point: CurvePoint }
  | { readonly type: 'done'; readonly result: JobResult }
  | { readonly type: 'error'; readonly error: ApiError };

/** workerData of the job worker. */
export interface JobWorkerData {
  readonly spec: JobSpec;
}

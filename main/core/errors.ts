/** Error kinds a person can act on. Every error names what went wrong and how to fix it. */
export type ErrorCode =
  | 'parse' // a file could not be read as the expected format
  | 'validation' // the content is well-formed but violates a rule (unknown id, duplicate, ...)
  | 'not-found' // a dataset, file, user or item does not exist
  | 'checksum' // a file's SHA-256 does not match the registry
  | 'config' // bad option or argument
  | 'cancelled' // the user cancelled long work
  | 'internal';

export interface ErrorLocation {
  readonly file?: string;
  /** 1-based line number. */
  readonly line?: number;
  /** 1-based column number (field index for tabular files). */
  readonly column?: number;
}

export class KnowrecError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, location: ErrorLocation = {}, hint?: string) {
    super(formatMessage(message, location, hint));
    this.name = 'KnowrecError';
    this.code = code;
    this.location = location;
    this.hint = hint;
  }
}

function formatMessage(message: string, loc: ErrorLocation, hint?: string): string {
  const where: string[] = [];
  if (loc.file !== undefined) where.push(loc.file);
  if (loc.line !== undefined) where.push(`line ${loc.line}`);
  if (loc.column !== undefined) where.push(`column ${loc.column}`);
  const prefix = where.length > 0 ? `${where.join(', ')}: ` : '';
  return `${prefix}${message}${hint !== undefined ? ` (${hint})` : ''}`;
}

export function cancelled(): KnowrecError {
  return new KnowrecError('cancelled', 'The operation was cancelled');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw cancelled();
}

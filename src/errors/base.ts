/**
 * Every expected failure is a DjSnapshotError with a stable `code`, structured `data` and a
 * message that names the problem and what to do. The CLI maps them to exit codes once, at the
 * top level; anything else is an internal error (a bug).
 */
export class DjSnapshotError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown>;
  /** Process exit code the CLI uses for this error (see README "Exit codes"). */
  readonly exitCode: number;

  constructor(code: string, message: string, data: Record<string, unknown> = {}, exitCode = 1) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.data = data;
    this.exitCode = exitCode;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, data: this.data };
  }
}

/** Exit codes, documented in the README. */
export const EXIT = {
  ok: 0,
  /** a run that found a problem in its input (bad snapshot, missing objects, verification failed) */
  failed: 1,
  /** bad command line or configuration */
  usage: 2,
  /** the database could not be reached or refused the credentials */
  connection: 3,
  /** the target (repository, database, store) cannot be written as asked */
  target: 4,
  /** a bug: an unexpected internal error */
  internal: 70,
} as const;

export class UsageError extends DjSnapshotError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('usage', message, data, EXIT.usage);
  }
}

export class ConnectionError extends DjSnapshotError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('connection', message, data, EXIT.connection);
  }
}

export class TargetError extends DjSnapshotError {
  constructor(code: string, message: string, data: Record<string, unknown> = {}) {
    super(code, message, data, EXIT.target);
  }
}

export class InputError extends DjSnapshotError {
  constructor(code: string, message: string, data: Record<string, unknown> = {}) {
    super(code, message, data, EXIT.failed);
  }
}

/**
 * The failures an import reports on purpose. Each names the problem, every file/table/column
 * involved, and what to do; the CLI maps them to exit codes (errors/base.ts).
 */
import { ConnectionError, DjSnapshotError, EXIT, InputError, TargetError, UsageError } from '../errors/base.js';

function listed(lines: string[], max = 50): string {
  const shown = lines.slice(0, max).map((l) => `  ${l}`).join('\n');
  return lines.length > max ? `${shown}\n  … and ${lines.length - max} more` : shown;
}

export interface SnapshotProblem {
  /** The snapshot file (or `dj-snapshot.json`, or `schema.table`) the problem is in. */
  file: string;
  problem: string;
}

/** The snapshot failed verification; nothing in the target was touched. */
export class SnapshotInvalidError extends InputError {
  constructor(snapshot: string, problems: SnapshotProblem[]) {
    super('snapshot_invalid',
      `The snapshot ${snapshot} failed verification (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was created in the target:\n${listed(problems.map((p) => `${p.file}: ${p.problem}`))}\nRe-export the snapshot, or check out an intact copy of it.`,
      { snapshot, problems });
  }
}

export class UnsupportedFormatError extends InputError {
  constructor(snapshot: string, found: unknown, supported: number) {
    super('format_unsupported',
      `The snapshot ${snapshot} has format version ${JSON.stringify(found)}; this dj-import reads format version ${supported} only. Use a dj-snapshot release that supports that version.`,
      { snapshot, found, supported });
  }
}

export class LossyImportError extends InputError {
  constructor(columns: { schema: string; table: string; column: string; problem: string }[]) {
    super('lossy_columns',
      `${columns.length} column${columns.length === 1 ? '' : 's'} cannot be carried exactly to this target; nothing was created:\n${listed(columns.map((c) => `${c.schema}.${c.table}.${c.column}: ${c.problem}`))}\nPass --lossy to import anyway (the content hashes of these tables will then not match), or import into a backend of the snapshot's own family.`,
      { columns });
  }
}

export class SchemaExistsError extends TargetError {
  constructor(url: string, schemas: string[]) {
    super('schema_exists',
      `The target ${url} already has schema${schemas.length === 1 ? '' : 's'} ${schemas.join(', ')}. dj-import creates schemas fresh: pass --replace to drop and recreate exactly these schemas (after a confirmation, or with --yes), or import under other names with --rename/--prefix.`,
      { url, schemas });
  }
}

export class IncompleteImportError extends TargetError {
  constructor(url: string, schemas: string[], sameSnapshot: boolean) {
    super('import_incomplete',
      `The target ${url} holds an unfinished dj-import in ${schemas.join(', ')}${sameSnapshot ? '' : ' of a different snapshot'}. ${sameSnapshot ? 'Run the same command with --resume to finish it, or with --replace to start over.' : 'Run with --replace to drop it and import this snapshot.'}`,
      { url, schemas, sameSnapshot });
  }
}

export class ReplaceNotConfirmedError extends UsageError {
  constructor(schemas: string[], reason: 'declined' | 'no-tty') {
    super(reason === 'declined'
      ? `Not replacing ${schemas.join(', ')}: not confirmed. Nothing was changed.`
      : `--replace would drop ${schemas.join(', ')}, and there is no terminal to confirm it. Pass --yes to confirm on the command line.`,
    { schemas, reason });
  }
}

export class ReferencedFromOutsideError extends TargetError {
  constructor(references: string[]) {
    super('schema_referenced',
      `Cannot replace: tables outside the imported schemas reference them by foreign key, and dropping would break or silently drop those references:\n${listed(references)}\nDrop or rename those tables first, or import under other names with --rename/--prefix.`,
      { references });
  }
}

export class StoresNotConfiguredError extends UsageError {
  constructor(missing: string[], needed: string[]) {
    super(`The snapshot holds objects of store${missing.length === 1 ? '' : 's'} ${missing.map((s) => `"${s}"`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not configured. Pass --stores with a JSON file that configures ${needed.map((s) => `"${s}"`).join(', ')} as file stores, e.g. {"${missing[0]}": {"protocol": "file", "location": "/data/${missing[0]}"}}.`,
    { missing, needed });
  }
}

export class ObjectConflictError extends TargetError {
  constructor(conflicts: string[]) {
    super('object_conflict',
      `${conflicts.length} object path${conflicts.length === 1 ? ' is' : 's are'} already taken in the target store by a different file; nothing there was overwritten:\n${listed(conflicts)}\nPoint --stores at empty store directories, or remove those files if they are stale.`,
      { conflicts });
  }
}

export interface TableMismatch {
  table: string;
  expectedRows: number;
  rows: number;
  expectedHash: string;
  hash: string;
}

export class VerificationFailedError extends InputError {
  constructor(url: string, tables: TableMismatch[], objects: string[], results: unknown[] = []) {
    const lines = [
      ...tables.map((t) => `${t.table}: ${t.rows === t.expectedRows ? `${t.rows} rows` : `${t.rows} rows, expected ${t.expectedRows}`}; hash ${t.hash === t.expectedHash ? 'ok' : `${t.hash}, expected ${t.expectedHash}`}`),
      ...objects,
    ];
    super('verification_failed',
      `The imported content in ${url} does not match the snapshot:\n${listed(lines)}\nThe import is left in place for inspection; run again with --replace to redo it.`,
      { url, tables, objects, results });
  }
}

/** A condition the code assumes and a collaborator broke: a bug, reported as such. */
export class ImportInternalError extends DjSnapshotError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('import_internal', message, data, EXIT.internal);
  }
}

/** Driver codes and messages that mean the connection itself went away. */
const LOST = /^(ECONNRESET|EPIPE|ETIMEDOUT|ECONNREFUSED|PROTOCOL_CONNECTION_LOST|ER_SERVER_SHUTDOWN|ER_CONNECTION_KILLED|57P01|57P02|57P03|08\d\d\d)$/;
const LOST_MESSAGE = /Connection terminated|connection is closed|Can't add new command when connection is in closed state|server closed the connection|socket hang up/i;

/**
 * A failure while loading a table, said in terms of what to do: the tables loaded before it
 * are complete (each loads in one transaction), so the same command with --resume finishes.
 */
export function loadFailure(table: string, url: string, cause: unknown): DjSnapshotError {
  if (cause instanceof DjSnapshotError) return cause;
  const err = cause as { code?: unknown; message?: unknown };
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const message = typeof err?.message === 'string' ? err.message : String(cause);
  if ((code && LOST.test(code)) || LOST_MESSAGE.test(message)) {
    return new ConnectionError(
      `Lost the connection to ${url} while loading ${table} (${code ?? message}). The tables loaded before it are complete and ${table} was rolled back; run the same command with --resume to finish the import.`,
      { table, url, driverCode: code, reason: 'lost' });
  }
  return new TargetError('load_failed',
    `${url} refused the rows of ${table}: ${message}${code ? ` (${code})` : ''}. ${table} was rolled back; fix the cause and run the same command with --resume to finish the import.`,
    { table, url, driverCode: code });
}

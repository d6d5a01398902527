/** Errors of reading one value out of a snapshot (`dj-cat`); each says what to do instead. */
import { DjSnapshotError, EXIT } from '../errors/base.js';

function list(names: readonly string[], max = 30): string {
  return names.length > max ? `${names.slice(0, max).join(', ')}, … (${names.length} in all)` : names.join(', ');
}

export class NotASnapshotError extends DjSnapshotError {
  constructor(where: string, detail: string) {
    super('not_a_snapshot', `${where} is not a readable dj-snapshot: ${detail}. Give a snapshot repository (with --ref for an older version) or a snapshot directory.`, { snapshot: where }, EXIT.usage);
  }
}

export class UnknownTableError extends DjSnapshotError {
  constructor(name: string, known: readonly string[]) {
    super('unknown_table', `The snapshot has no table ${name}. Give it as schema.table with the SQL table name; the snapshot has: ${list(known)}.`, { table: name, known }, EXIT.usage);
  }
}

export class UnknownAttributeError extends DjSnapshotError {
  constructor(table: string, attribute: string, openAttributes: readonly string[]) {
    super('unknown_attribute',
      `${table} has no attribute ${attribute}. ${openAttributes.length ? `Its blob and attachment attributes are: ${list(openAttributes)}.` : 'It has no blob or attachment attributes.'}`,
      { table, attribute, openAttributes }, EXIT.usage);
  }
}

export class NotOpenAttributeError extends DjSnapshotError {
  constructor(table: string, attribute: string, type: string, openAttributes: readonly string[]) {
    super('not_blob_attribute',
      `${table}.${attribute} is ${type}, not a blob or attachment; its values are plain columns of schemas/…/tables/*.parquet. ${openAttributes.length ? `Blob and attachment attributes of ${table}: ${list(openAttributes)}.` : `${table} has no blob or attachment attributes.`}`,
      { table, attribute, type, openAttributes }, EXIT.usage);
  }
}

export class BadKeyError extends DjSnapshotError {
  constructor(table: string, detail: string, primaryKey: readonly string[]) {
    super('bad_key', `Bad --key for ${table}: ${detail}. Its primary key is (${primaryKey.join(', ')}); give --key name=value for each.`, { table, detail, primaryKey }, EXIT.usage);
  }
}

export class RowNotFoundError extends DjSnapshotError {
  constructor(table: string, key: string) {
    super('row_not_found', `${table} has no row with ${key}.`, { table, key }, EXIT.failed);
  }
}

export class AmbiguousKeyError extends DjSnapshotError {
  constructor(table: string, key: string, missing: readonly string[]) {
    super('ambiguous_key', `More than one row of ${table} has ${key}; add --key for ${missing.join(', ')}.`, { table, key, missing }, EXIT.usage);
  }
}

export class NotAnArrayError extends DjSnapshotError {
  constructor(what: string, found: string) {
    super('not_an_array', `${what} is ${found}, not a numeric array; --npy saves numeric, bool, complex and datetime64 arrays only. Use --json for other values.`, { what, found }, EXIT.usage);
  }
}

export class ValueUnreadableError extends DjSnapshotError {
  constructor(what: string, detail: string) {
    super('value_unreadable', `${what} cannot be shown: ${detail}`, { what, detail }, EXIT.failed);
  }
}

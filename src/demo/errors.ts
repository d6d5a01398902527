import { DjSnapshotError, EXIT } from '../errors/base.js';

/**
 * A table definition the demo declarer cannot turn into DataJoint 2.3.2's DDL: an unknown
 * type, a reference to a table not declared yet, or a construct DataJoint itself rejects or
 * would turn into broken SQL. The definitions are fixed data in this repository, so this is
 * a programming error in a fixture, reported with the table and the offending part.
 */
export class DeclarationError extends DjSnapshotError {
  constructor(table: string, problem: string, data: Record<string, unknown> = {}) {
    super(
      'demo-declaration',
      `Cannot declare ${table} as DataJoint 2.3.2 would: ${problem}. Fix the table definition.`,
      { table, ...data },
      EXIT.internal,
    );
  }
}

/** A row value that does not fit its column as DataJoint would store it. */
export class FixtureValueError extends DjSnapshotError {
  constructor(table: string, column: string, problem: string, data: Record<string, unknown> = {}) {
    super(
      'demo-value',
      `Cannot store the value of ${table}.${column}: ${problem}. Fix the row data.`,
      { table, column, ...data },
      EXIT.internal,
    );
  }
}

/** The target for a demo or fixture pipeline is not empty. */
export class SeedTargetError extends DjSnapshotError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('demo-target-not-empty', message, data, EXIT.target);
  }
}

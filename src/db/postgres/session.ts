/**
 * Session settings every PostgreSQL-family connection (server or PGlite) runs with, so that
 * the text of values does not depend on the server's configuration: UTC for timestamptz,
 * ISO dates, postgres-style intervals, hex bytea, and shortest exact float text.
 */
export const SESSION_SQL = [
  "SET TimeZone = 'UTC'",
  "SET DateStyle = 'ISO, MDY'",
  "SET IntervalStyle = 'postgres'",
  // Any value > 0 selects PostgreSQL's shortest round-trip float output (>= 12); 3 also makes
  // older servers print enough digits to round-trip.
  'SET extra_float_digits = 3',
  "SET bytea_output = 'hex'",
  "SET client_encoding = 'UTF8'",
].join('; ');

/** The snapshot is taken at the first statement, so one runs at once to pin the point in time. */
export const BEGIN_CONSISTENT_SNAPSHOT = ['BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', 'SELECT 1'] as const;

/**
 * Session settings every MySQL-family connection runs with, so values read the same on any
 * server configuration: UTC for TIMESTAMP conversion, and DataJoint's strict SQL mode (zero
 * dates and silent truncation are errors, as under DataJoint itself).
 */
export const DATAJOINT_SQL_MODE = [
  'NO_ZERO_DATE',
  'NO_ZERO_IN_DATE',
  'ERROR_FOR_DIVISION_BY_ZERO',
  'STRICT_ALL_TABLES',
  'NO_ENGINE_SUBSTITUTION',
  'ONLY_FULL_GROUP_BY',
].join(',');

/** utf8mb4 with the server's default collation on MariaDB 10.x, so literals compare like columns. */
export const CONNECTION_CHARSET = 'UTF8MB4_GENERAL_CI';

export const SESSION_SQL =
  `SET SESSION time_zone = '+00:00', SESSION sql_mode = '${DATAJOINT_SQL_MODE}'`;

export const BEGIN_CONSISTENT_SNAPSHOT = [
  'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ',
  'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY',
] as const;

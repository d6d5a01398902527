/** PGlite is PostgreSQL: the same session settings and snapshot statements as the server backend. */
export { BEGIN_CONSISTENT_SNAPSHOT, SESSION_SQL } from '../postgres/session.js';

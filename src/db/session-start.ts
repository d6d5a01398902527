import type { Database } from './types.js';

/**
 * Applies a backend's session settings (UTC, charset, float digits…) to a new connection; a
 * connection that refuses them is closed, not handed out half set up.
 */
export async function withSession<D extends Database>(db: D, sessionSql: string): Promise<D> {
  try {
    await db.execute(sessionSql);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

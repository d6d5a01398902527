/**
 * What the global set-up hands to test files (vitest `provide` / `inject`): how to reach each
 * throwaway server, or why it is not there, and a ready PGlite data directory to copy.
 */
import type { ServerInfo } from './servers.js';

export interface Unavailable {
  unavailable: string;
}

export interface TestServersContext {
  mariadb: ServerInfo | Unavailable;
  postgres: ServerInfo | Unavailable;
  /** A closed, freshly initialised PGlite data directory; scratch databases start as copies of it. */
  pgliteTemplate: string | Unavailable;
  /** A directory for test files' temporary files, deleted with the run (also after a crash). */
  scratchRoot: string;
}

export const CONTEXT_KEY = 'djTestServers';

declare module 'vitest' {
  export interface ProvidedContext {
    djTestServers: TestServersContext;
  }
}

export function isAvailable<T extends object>(entry: T | Unavailable | undefined): entry is T {
  return entry !== undefined && !('unavailable' in entry);
}

/** The tool's version, recorded in run records (never in the snapshot tree). */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function findVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'dj-snapshot' && pkg.version) return pkg.version;
    } catch {
      // try the next location: src/ in development, dist/src/ when built
    }
  }
  return '0.0.0';
}

export const TOOL_VERSION = findVersion();

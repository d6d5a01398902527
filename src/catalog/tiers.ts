/**
 * DataJoint tiers from table names (reference §1.2): the prefix decides the tier, `__` splits a
 * part from its master (the last `__` that follows a complete master name).
 */
import type { Tier } from './model.js';

const WORD = '[a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*';
const MANUAL = new RegExp(`^${WORD}$`);
const LOOKUP = new RegExp(`^#${WORD}$`);
const IMPORTED = new RegExp(`^_${WORD}$`);
const COMPUTED = new RegExp(`^__${WORD}$`);
const PART = new RegExp(`^((?:#|_|__)?${WORD})__(${WORD})$`);

export interface TierInfo {
  tier: Tier;
  master: string | null;
}

export function tierOf(tableName: string): TierInfo {
  if (tableName === '~lineage') return { tier: 'lineage', master: null };
  if (tableName.startsWith('~~') || tableName === '~jobs') return { tier: 'jobs', master: null };
  if (tableName.startsWith('~')) return { tier: 'hidden', master: null };
  // DataJoint tries Manual, Lookup, Computed, Imported, Part in that order (user_tables._get_tier).
  if (MANUAL.test(tableName)) return { tier: 'manual', master: null };
  if (LOOKUP.test(tableName)) return { tier: 'lookup', master: null };
  if (COMPUTED.test(tableName)) return { tier: 'computed', master: null };
  if (IMPORTED.test(tableName)) return { tier: 'imported', master: null };
  const part = PART.exec(tableName);
  if (part) return { tier: 'part', master: part[1] };
  return { tier: 'plain', master: null };
}

/** DataJoint's class name for a table (utils.to_camel_case); parts as `Master.Part`. */
export function className(tableName: string, master: string | null): string {
  const camel = (s: string) => s.replace(/(?:^|[_\W]+)([a-zA-Z])/g, (_m, c: string) => c.toUpperCase());
  if (master) return `${camel(master)}.${camel(tableName.slice(master.length + 2))}`;
  return camel(tableName);
}

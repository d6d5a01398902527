/**
 * Provenance as a commit message in DataLad's run-record form (formats/README.md §7), so that
 * `datalad` recognises an export as a recorded command. Everything that varies between runs of
 * the same content (time, host, user, versions) lives here and never in the tree.
 */
import os from 'node:os';

export interface Provenance {
  tool: string;
  formatVersion: number;
  time: string;
  user: string;
  host: string;
  source: { url: string; server: string; family: string };
  datajoint: string;
  pipelineHash: string;
}

export function runRecordMessage(subject: string, command: string[], provenance: Provenance): string {
  const cmd = command.map(shellQuote).join(' ');
  const record = sortKeys({
    chain: [],
    cmd,
    dsid: null,
    exit: 0,
    extra_inputs: [],
    inputs: [],
    outputs: ['.'],
    pwd: '.',
    dj_snapshot: provenance,
  });
  return `[DATALAD RUNCMD] ${subject}\n\n=== Do not change lines below ===\n${JSON.stringify(record, null, 1)}\n^^^ Do not change lines above ^^^\n`;
}

/** Parse a run record back (for dj-import and tests); null if the message has none. */
export function parseRunRecord(message: string): Record<string, unknown> | null {
  const m = /=== Do not change lines below ===\n([\s\S]*?)\n\^\^\^ Do not change lines above \^\^\^/.exec(message);
  if (!m) return null;
  try {
    return JSON.parse(m[1]) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** Command-line words as given, with any `password=`-like value masked in case one slipped in. */
export function sanitizeArgv(argv: string[]): string[] {
  return argv.map((a) => a
    .replace(/(:\/\/[^:/@\s]+):[^@\s]*@/g, '$1:***@')
    .replace(/((?:password|passwd|pass|secret|token)=)[^\s&]*/gi, '$1***'));
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

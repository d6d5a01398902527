/**
 * Commit and annotated-tag objects: encoding commits byte-identically to isomorphic-git's
 * `commit` (and `git commit-tree`), and parsing commits and tags.
 */
import { CorruptObjectError, InvalidIdentityError } from './errors.js';

/** A person and a moment, as isomorphic-git models it. */
export interface Identity {
  name: string;
  email: string;
  /** Seconds since the epoch; default: now. */
  timestamp?: number;
  /** Minutes WEST of UTC, as `Date.prototype.getTimezoneOffset` (so UTC+2 is -120); default: the local zone. */
  timezoneOffset?: number;
}

export interface ResolvedIdentity {
  name: string;
  email: string;
  timestamp: number;
  timezoneOffset: number;
}

export interface CommitObject {
  tree: string;
  parents: string[];
  author: ResolvedIdentity;
  committer: ResolvedIdentity;
  message: string;
}

export function resolveIdentity(field: string, identity: Identity, now = Date.now()): ResolvedIdentity {
  for (const [part, value] of [['name', identity.name], ['email', identity.email]] as const) {
    if (typeof value !== 'string' || /[<>\n\0]/.test(value)) throw new InvalidIdentityError(`${field} ${part}`, String(value));
  }
  const timestamp = identity.timestamp ?? Math.floor(now / 1000);
  if (!Number.isInteger(timestamp) || timestamp < 0) throw new InvalidIdentityError(`${field} timestamp`, String(timestamp));
  const timezoneOffset = identity.timezoneOffset ?? new Date(timestamp * 1000).getTimezoneOffset();
  if (!Number.isInteger(timezoneOffset) || Math.abs(timezoneOffset) >= 100 * 60) {
    throw new InvalidIdentityError(`${field} timezoneOffset`, String(timezoneOffset));
  }
  return { name: identity.name, email: identity.email, timestamp, timezoneOffset };
}

function formatOffset(minutesWest: number): string {
  // Git writes the offset east of UTC; UTC itself is "+0000".
  const east = minutesWest === 0 ? 0 : -minutesWest;
  const abs = Math.abs(east);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${east < 0 ? '-' : '+'}${hh}${mm}`;
}

function formatIdentity(id: ResolvedIdentity): string {
  return `${id.name} <${id.email}> ${id.timestamp} ${formatOffset(id.timezoneOffset)}`;
}

/** isomorphic-git's message rule: no CR, no leading blank lines, exactly one trailing newline. */
export function normalizeMessage(message: string): string {
  return message.replace(/\r/g, '').replace(/^\n+/, '').replace(/\n+$/, '') + '\n';
}

export function encodeCommit(commit: CommitObject): Buffer {
  let text = `tree ${commit.tree}\n`;
  for (const parent of commit.parents) text += `parent ${parent}\n`;
  text += `author ${formatIdentity(commit.author)}\n`;
  text += `committer ${formatIdentity(commit.committer)}\n`;
  text += `\n${normalizeMessage(commit.message)}`;
  return Buffer.from(text, 'utf8');
}

interface Parsed {
  headers: Map<string, string[]>;
  message: string;
}

/** Headers up to the first blank line (continuation lines start with a space), then the message. */
function parseHeaders(content: Uint8Array, kind: string, oid: string | null): Parsed {
  const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text.replace(/\n$/, '') : text.slice(0, end);
  const message = end < 0 ? '' : text.slice(end + 2);
  const headers = new Map<string, string[]>();
  let last: { key: string; index: number } | null = null;
  for (const line of head.split('\n')) {
    if (line.startsWith(' ')) {
      if (!last) throw new CorruptObjectError(kind, oid, 'continuation line without a header');
      const values = headers.get(last.key)!;
      values[last.index] += `\n${line.slice(1)}`;
      continue;
    }
    const space = line.indexOf(' ');
    if (space <= 0) throw new CorruptObjectError(kind, oid, `malformed header line "${line.slice(0, 40)}"`);
    const key = line.slice(0, space);
    const values = headers.get(key) ?? [];
    values.push(line.slice(space + 1));
    headers.set(key, values);
    last = { key, index: values.length - 1 };
  }
  return { headers, message };
}

function parseIdentity(value: string | undefined, kind: string, oid: string | null): ResolvedIdentity {
  const m = value === undefined ? null : /^(.*) <(.*)> (\d+) ([+-])(\d\d)(\d\d)$/.exec(value);
  if (!m) throw new CorruptObjectError(kind, oid, `malformed identity "${value ?? ''}"`);
  const east = (m[4] === '-' ? -1 : 1) * (Number(m[5]) * 60 + Number(m[6]));
  return { name: m[1], email: m[2], timestamp: Number(m[3]), timezoneOffset: east === 0 ? 0 : -east };
}

export function decodeCommit(content: Uint8Array, oid: string | null = null): CommitObject {
  const { headers, message } = parseHeaders(content, 'commit', oid);
  const tree = headers.get('tree')?.[0];
  if (!tree || !/^[0-9a-f]{40}$/.test(tree)) throw new CorruptObjectError('commit', oid, 'no tree header');
  return {
    tree,
    parents: headers.get('parent') ?? [],
    author: parseIdentity(headers.get('author')?.[0], 'commit', oid),
    committer: parseIdentity(headers.get('committer')?.[0], 'commit', oid),
    message,
  };
}

export interface TagObject {
  object: string;
  type: string;
  tag: string;
  message: string;
}

export function decodeTag(content: Uint8Array, oid: string | null = null): TagObject {
  const { headers, message } = parseHeaders(content, 'tag', oid);
  const object = headers.get('object')?.[0];
  const type = headers.get('type')?.[0];
  if (!object || !/^[0-9a-f]{40}$/.test(object) || !type) throw new CorruptObjectError('tag', oid, 'no object/type header');
  return { object, type, tag: headers.get('tag')?.[0] ?? '', message };
}

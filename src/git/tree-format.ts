/**
 * Git tree objects: path rules, entry order, encoding and decoding, and building nested trees
 * from a flat file list. Pure functions; storage lives in objects.ts.
 */
import { createHash } from 'node:crypto';
import { InvalidTreePathError, CorruptObjectError } from './errors.js';

/** Modes a file entry can have: regular, executable, symlink, submodule (gitlink). */
export type FileMode = '100644' | '100755' | '120000' | '160000';
export const TREE_MODE = '40000';
export type EntryMode = FileMode | typeof TREE_MODE;

/** One file of a snapshot tree, path relative to the root with `/` separators. */
export interface TreeEntry {
  path: string;
  oid: string;
  mode: FileMode;
}

/** One entry of a single tree object. */
export interface TreeItem {
  name: string;
  mode: EntryMode;
  oid: string;
}

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export const EMPTY_TREE_OID = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

const OID_RE = /^[0-9a-f]{40}$/;

export function isOid(value: string): boolean {
  return OID_RE.test(value);
}

export function objectHeader(type: ObjectType, size: number): Buffer {
  return Buffer.from(`${type} ${size}\0`, 'latin1');
}

export function hashObject(type: ObjectType, content: Uint8Array): string {
  return createHash('sha1').update(objectHeader(type, content.length)).update(content).digest('hex');
}

/**
 * A path git (and `git fsck --strict`) accepts as a tracked file: relative, `/`-separated, no
 * empty, `.`, `..` or `.git` component (also `.git` spelled the ways NTFS/HFS fold it), no NUL.
 */
export function validatePath(path: string): string[] {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidTreePathError(String(path), 'the path is empty');
  if (path.includes('\0')) throw new InvalidTreePathError(path, 'it contains a NUL byte');
  if (path.includes('\\')) throw new InvalidTreePathError(path, 'it contains a backslash (use / as separator)');
  if (path.startsWith('/')) throw new InvalidTreePathError(path, 'it is absolute');
  const parts = path.split('/');
  for (const part of parts) {
    if (part === '') throw new InvalidTreePathError(path, 'it has an empty component (// or a trailing /)');
    if (part === '.' || part === '..') throw new InvalidTreePathError(path, `it has a "${part}" component`);
    const folded = part.toLowerCase().replace(/[. ]+$/, '');
    if (folded === '.git' || folded === 'git~1') throw new InvalidTreePathError(path, 'git reserves the name .git');
  }
  return parts;
}

/** Git's order: bytewise by name, with `/` appended to the names of trees. */
function sortKey(name: string, mode: EntryMode): Buffer {
  return Buffer.from(mode === TREE_MODE ? `${name}/` : name, 'utf8');
}

export function encodeTree(items: TreeItem[]): Buffer {
  const keyed = items.map((item) => ({ item, key: sortKey(item.name, item.mode) }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  const chunks: Buffer[] = [];
  for (const { item } of keyed) {
    chunks.push(Buffer.from(`${item.mode} ${item.name}\0`, 'utf8'), Buffer.from(item.oid, 'hex'));
  }
  return Buffer.concat(chunks);
}

const FILE_MODES = new Set<string>(['100644', '100755', '120000', '160000']);

const MODE_BY_NUMBER = new Map<number, EntryMode>([
  [0o100644, '100644'], [0o100755, '100755'], [0o120000, '120000'], [0o160000, '160000'], [0o040000, TREE_MODE],
  // Old git wrote group-writable files as 100664; git itself reads them as regular files.
  [0o100664, '100644'],
]);

export function decodeTree(content: Uint8Array, oid: string | null = null): TreeItem[] {
  const buf = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const items: TreeItem[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const space = buf.indexOf(0x20, pos);
    const nul = space < 0 ? -1 : buf.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > buf.length) throw new CorruptObjectError('tree', oid, 'truncated tree entry');
    const modeText = buf.toString('latin1', pos, space);
    const mode = MODE_BY_NUMBER.get(parseInt(modeText, 8));
    if (!mode) throw new CorruptObjectError('tree', oid, `unknown entry mode ${modeText}`);
    items.push({ name: buf.toString('utf8', space + 1, nul), mode, oid: buf.toString('hex', nul + 1, nul + 21) });
    pos = nul + 21;
  }
  return items;
}

interface DirNode {
  files: Map<string, TreeEntry>;
  dirs: Map<string, DirNode>;
}

/**
 * Builds the nested trees of a flat entry list bottom-up. `emit` receives each tree object's
 * content and returns its oid (hashing only, or hashing and storing). Returns the root oid.
 */
export async function buildTrees(
  entries: Iterable<TreeEntry>,
  emit: (content: Buffer) => Promise<string> | string,
): Promise<string> {
  const root: DirNode = { files: new Map(), dirs: new Map() };
  for (const entry of entries) {
    const parts = validatePath(entry.path);
    if (!isOid(entry.oid)) throw new InvalidTreePathError(entry.path, `its object id "${entry.oid}" is not 40 lowercase hex digits`);
    if (!FILE_MODES.has(entry.mode)) {
      throw new InvalidTreePathError(entry.path, `its mode "${entry.mode}" is not a file mode`);
    }
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const name = parts[i];
      if (node.files.has(name)) throw new InvalidTreePathError(entry.path, `"${parts.slice(0, i + 1).join('/')}" is also a file`);
      let child = node.dirs.get(name);
      if (!child) {
        child = { files: new Map(), dirs: new Map() };
        node.dirs.set(name, child);
      }
      node = child;
    }
    const leaf = parts[parts.length - 1];
    if (node.dirs.has(leaf)) throw new InvalidTreePathError(entry.path, 'it is also a directory');
    if (node.files.has(leaf)) throw new InvalidTreePathError(entry.path, 'it is listed twice');
    node.files.set(leaf, entry);
  }
  const visit = async (node: DirNode): Promise<string> => {
    const items: TreeItem[] = [];
    for (const [name, child] of node.dirs) items.push({ name, mode: TREE_MODE, oid: await visit(child) });
    for (const [name, file] of node.files) items.push({ name, mode: file.mode, oid: file.oid });
    return emit(encodeTree(items));
  };
  return visit(root);
}

/** The root tree oid of a flat entry list, without storing anything. */
export async function hashTree(entries: Iterable<TreeEntry>): Promise<string> {
  return buildTrees(entries, (content) => hashObject('tree', content));
}

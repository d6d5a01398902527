/**
 * Flattening a stored tree into its file list (the inverse of `buildTrees`), and peeling
 * commit-ish objects (tags, commits) down to commits and trees.
 */
import { decodeCommit, decodeTag } from './commit-format.js';
import { ObjectTypeError } from './errors.js';
import type { ObjectDatabase } from './odb.js';
import { decodeTree, TREE_MODE, type FileMode } from './tree-format.js';

export interface ListedEntry {
  path: string;
  oid: string;
  mode: FileMode;
  /** Blob size in bytes, when asked for. */
  size?: number;
}

/** All files under `treeOid`, depth-first in git's tree order. */
export async function flattenTree(odb: ObjectDatabase, treeOid: string, options: { sizes?: boolean } = {}): Promise<ListedEntry[]> {
  const out: ListedEntry[] = [];
  const visit = async (oid: string, prefix: string): Promise<void> => {
    const items = decodeTree(await odb.readTyped(oid, 'tree'), oid);
    for (const item of items) {
      const path = prefix + item.name;
      if (item.mode === TREE_MODE) await visit(item.oid, `${path}/`);
      else out.push({ path, oid: item.oid, mode: item.mode });
    }
  };
  await visit(treeOid, '');
  if (options.sizes) {
    for (const entry of out) if (entry.mode !== '160000') entry.size = (await odb.header(entry.oid)).size;
  }
  return out;
}

/** Follows annotated tags to the commit they name. */
export async function peelToCommit(odb: ObjectDatabase, oid: string): Promise<string> {
  for (let depth = 0; depth < 10; depth++) {
    const object = await odb.read(oid);
    if (object.type === 'commit') return oid;
    if (object.type !== 'tag') throw new ObjectTypeError(oid, object.type, 'commit');
    oid = decodeTag(object.content, oid).object;
  }
  throw new ObjectTypeError(oid, 'tag chain', 'commit');
}

/** The root tree of a commit (or of a tag naming one, or a tree itself). */
export async function treeOf(odb: ObjectDatabase, oid: string): Promise<string> {
  for (let depth = 0; depth < 10; depth++) {
    const object = await odb.read(oid);
    if (object.type === 'tree') return oid;
    if (object.type === 'commit') return decodeCommit(object.content, oid).tree;
    if (object.type !== 'tag') throw new ObjectTypeError(oid, object.type, 'tree');
    oid = decodeTag(object.content, oid).object;
  }
  throw new ObjectTypeError(oid, 'tag chain', 'tree');
}

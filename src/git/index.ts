/**
 * The git storage layer: snapshot commits written with our own fast object writer, and snapshots
 * read back at any ref from loose or packed objects. No git binary is needed at run time.
 */
export { prepareRepository, assertClean, headCommit, type Repo, type PrepareOptions } from './repo.js';
export {
  writeBlobFile, writeBlobBytes, writeTree, hashBlobFile, hashBlobBytes, hashTree, LooseObjectWriter,
  type CompressionLevel, type WriteBlobOptions, type GitDirRef,
} from './objects.js';
export { commitTree, headTree, type CommitOptions, type CommitResult } from './commit.js';
export type { Identity } from './commit-format.js';
export {
  SnapshotStage, withStage, type StageOptions, type StageCommitOptions, type StageCommitResult, type CommitPhase,
} from './stage.js';
export { diffTrees, type TreeChange, type Recovery } from './worktree.js';
export { workingTreeStatus, type WorkingTreeStatus, type StatusOptions } from './status.js';
export {
  resolveRef, listTree, readBlob, copyBlobToFile, readCommit, readCommitMessage, gitdirOf,
  type CommitInfo, type ListedEntry,
} from './read.js';
export {
  openSnapshotSource, GitRefSource, DirectorySource,
  type SnapshotSource, type SnapshotFileInfo, type SourceDescription, type OpenSourceOptions,
} from './source.js';
export { EMPTY_TREE_OID, type TreeEntry, type FileMode } from './tree-format.js';
export * from './errors.js';

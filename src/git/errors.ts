/**
 * Typed failures of the git storage layer. Codes are stable (scripts and the CLI match on them);
 * messages name the problem and what to do about it.
 */
import { DjSnapshotError, EXIT, InputError, TargetError } from '../errors/base.js';

/** The target path exists but is a file, not a directory. */
export class TargetNotADirectoryError extends TargetError {
  constructor(dir: string) {
    super('git-target-not-a-directory',
      `The snapshot target ${dir} exists and is not a directory. Choose a directory path.`, { dir });
  }
}

/** A non-empty directory that holds no git repository: we will not turn someone's folder into one. */
export class NotAGitRepositoryError extends TargetError {
  constructor(dir: string) {
    super('git-not-a-repository',
      `The snapshot target ${dir} is a non-empty directory but not a git repository. ` +
      'Use an empty or absent directory, or an existing snapshot repository.', { dir });
  }
}

/** The directory (or its .git) cannot be written by this process. */
export class TargetNotWritableError extends TargetError {
  constructor(dir: string, reason: string) {
    super('git-target-not-writable',
      `The snapshot target ${dir} cannot be written (${reason}). Check its permissions and the filesystem.`,
      { dir, reason });
  }
}

/** HEAD points at a commit instead of a branch, so a new commit would be lost. */
export class DetachedHeadError extends TargetError {
  constructor(dir: string, head: string) {
    super('git-detached-head',
      `The repository ${dir} has a detached HEAD (${head.slice(0, 12)}); a snapshot commit needs a branch. ` +
      'Run `git switch <branch>` (or `git switch -c <new-branch>`) first.', { dir, head });
  }
}

/** Paths by kind of change, each list capped, with the full counts. */
export interface DirtySummary {
  staged: string[];
  modified: string[];
  deleted: string[];
  untracked: string[];
  counts: { staged: number; modified: number; deleted: number; untracked: number };
}

/** The working tree or index differs from HEAD; writing a snapshot would clobber or mix in that work. */
export class DirtyWorkingTreeError extends TargetError {
  constructor(dir: string, summary: DirtySummary) {
    const parts: string[] = [];
    for (const kind of ['staged', 'modified', 'deleted', 'untracked'] as const) {
      const n = summary.counts[kind];
      if (n > 0) parts.push(`${n} ${kind} (${summary[kind].slice(0, 3).join(', ')}${n > 3 ? ', ...' : ''})`);
    }
    super('git-dirty-working-tree',
      `The working tree of ${dir} has uncommitted changes: ${parts.join('; ')}. ` +
      'Commit, stash or remove them (ignored files are fine), then run again.',
      { dir, ...summary });
  }
}

/** A repository layout or format this layer does not handle (SHA-256, reftable, bare, gitfile, split index, ...). */
export class UnsupportedRepositoryError extends TargetError {
  constructor(dir: string, feature: string, hint: string) {
    super('git-unsupported-repository',
      `The repository ${dir} uses ${feature}, which dj-snapshot does not support. ${hint}`, { dir, feature });
  }
}

/** Another process holds a lock we need (our own transaction lock, git's index.lock or a ref lock). */
export class RepositoryLockedError extends TargetError {
  constructor(lockPath: string, holder: string) {
    super('git-repository-locked',
      `The repository is locked by ${holder} (${lockPath}). Wait for it to finish; ` +
      'if no such process is running, delete the lock file and run again.', { lockPath, holder });
  }
}

/** The branch moved between the start of a snapshot and its commit (someone else committed). */
export class BranchMovedError extends TargetError {
  constructor(branch: string, expected: string | null, actual: string | null) {
    super('git-branch-moved',
      `Branch ${branch} moved while the snapshot was being written (expected ${expected ?? 'no commit'}, ` +
      `found ${actual ?? 'no commit'}). Nothing was committed; run the export again.`, { branch, expected, actual });
  }
}

/** A file changed under us while we stored or placed it: another program writes into the repository. */
export class ConcurrentModificationError extends TargetError {
  constructor(path: string, during: string) {
    super('git-concurrent-modification',
      `${path} changed while dj-snapshot was ${during}. Make sure no other program writes into the ` +
      'snapshot repository or its staging files during an export, then run again.', { path, during });
  }
}

/** A crash left a half-applied transaction that cannot be resolved automatically. */
export class InterruptedTransactionError extends TargetError {
  constructor(dir: string, reason: string, journalPath: string) {
    super('git-interrupted-transaction',
      `An interrupted snapshot commit in ${dir} cannot be recovered automatically: ${reason}. ` +
      `Inspect the repository (git status, git log), restore it with \`git reset --hard\` if needed, ` +
      `then delete ${journalPath}.`, { dir, reason, journalPath });
  }
}

/** A snapshot path or tree entry git cannot store (or that fsck --strict rejects). */
export class InvalidTreePathError extends InputError {
  constructor(path: string, reason: string) {
    super('git-invalid-path', `Cannot store "${path}" in a git tree: ${reason}. Rename the file.`, { path, reason });
  }
}

/** An author or committer identity git cannot encode. */
export class InvalidIdentityError extends DjSnapshotError {
  constructor(field: string, value: string) {
    super('git-invalid-identity',
      `The commit ${field} "${value}" contains characters git cannot store (<, > or a newline). ` +
      'Choose another name or email.', { field, value }, EXIT.usage);
  }
}

/** A ref name that does not resolve to a commit. */
export class RefNotFoundError extends InputError {
  constructor(dir: string, ref: string) {
    super('git-ref-not-found',
      `"${ref}" is not a branch, tag or commit in ${dir}. List them with \`git tag\` and \`git log --oneline\`.`,
      { dir, ref });
  }
}

/** A path to read a snapshot from that holds no git repository. */
export class NoRepositoryError extends InputError {
  constructor(dir: string) {
    super('git-no-repository', `${dir} is not a git repository (no .git directory, not a bare repository).`, { dir });
  }
}

/** A blob asked for whole that is too large to hold in memory. */
export class BlobTooLargeError extends InputError {
  constructor(oid: string, size: number, limit: number) {
    super('git-blob-too-large',
      `The blob ${oid} has ${size} bytes, more than the ${limit} bytes read whole; copy it to a file instead (copyBlobToFile).`,
      { oid, size, limit });
  }
}

/** A short oid that matches several objects. */
export class AmbiguousRefError extends InputError {
  constructor(dir: string, ref: string, candidates: string[]) {
    super('git-ambiguous-ref',
      `The abbreviated id "${ref}" matches ${candidates.length} objects in ${dir}. Give more hex digits.`,
      { dir, ref, candidates: candidates.slice(0, 10) });
  }
}

/** An object the snapshot needs is not in the repository (incomplete clone, deleted pack). */
export class ObjectMissingError extends InputError {
  constructor(gitdir: string, oid: string) {
    super('git-object-missing',
      `The git object ${oid} is missing from ${gitdir}. The repository is incomplete; ` +
      'fetch it again or run `git fsck` to see what else is missing.', { gitdir, oid });
  }
}

/** An object whose bytes do not match its id, or a pack/loose file that cannot be parsed. */
export class CorruptObjectError extends InputError {
  constructor(where: string, oid: string | null, reason: string) {
    super('git-object-corrupt',
      `The git object ${oid ?? '(unknown)'} in ${where} is corrupt: ${reason}. Run \`git fsck --full\` and restore it from a clone.`,
      { where, oid, reason });
  }
}

/** An object of the wrong kind (e.g. a blob where a commit was asked for). */
export class ObjectTypeError extends InputError {
  constructor(oid: string, actual: string, expected: string) {
    super('git-object-type', `The git object ${oid} is a ${actual}, not a ${expected}.`, { oid, actual, expected });
  }
}

/** A file asked of a snapshot source that the snapshot does not contain. */
export class SnapshotFileNotFoundError extends InputError {
  constructor(source: string, path: string) {
    super('snapshot-file-missing', `The snapshot ${source} has no file "${path}".`, { source, path });
  }
}

/** A snapshot source entry that cannot be read as a file (a symlink to a directory, a submodule, ...). */
export class UnsupportedSnapshotEntryError extends InputError {
  constructor(source: string, path: string, kind: string) {
    super('snapshot-unsupported-entry',
      `The snapshot ${source} holds "${path}" as a ${kind}, which cannot be read as a file.`, { source, path, kind });
  }
}

/** A stage used after commit/discard: a bug in the caller. */
export class StageClosedError extends DjSnapshotError {
  constructor(state: string) {
    super('git-stage-closed', `The snapshot stage is already ${state}; start a new one.`, { state }, EXIT.internal);
  }
}

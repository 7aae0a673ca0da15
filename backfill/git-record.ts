/** One commit as `git log` gives it, with its changed files (first-parent diff for merges). */
export interface GitCommit {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** Strict ISO 8601 with the author's offset (`%aI`). */
  authorDate: string;
  committerName: string;
  committerEmail: string;
  committerDate: string;
  message: string;
  added: string[];
  removed: string[];
  modified: string[];
}

/** `git log --format` of the fields {@link parseGitRecord} reads: records start with 0x1e, fields end with 0x1f. */
export const GIT_LOG_FORMAT = '%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B%x1f';
const FIELDS = 9;

/**
 * Parses one record of `git log -z --name-status --format=GIT_LOG_FORMAT` (without its
 * leading 0x1e): the header fields, then NUL-separated `STATUS, path` pairs. With
 * `--no-renames` every status is A, M, D or T (type change, counted as modified). Pure.
 */
export function parseGitRecord(record: string): GitCommit {
  const parts = record.split('\x1f');
  const [sha, parents, an, ae, ad, cn, ce, cd, message] = parts;
  const files = parts
    .slice(FIELDS)
    .join('\x1f')
    .split('\0')
    .filter((s) => s.trim() !== '');
  const commit: GitCommit = {
    sha: sha!,
    parents: parents ? parents.split(' ').filter(Boolean) : [],
    authorName: an!,
    authorEmail: ae!,
    authorDate: ad!,
    committerName: cn!,
    committerEmail: ce!,
    committerDate: cd!,
    message: (message ?? '').replace(/\n+$/, ''),
    added: [],
    removed: [],
    modified: [],
  };
  for (let i = 0; i + 1 < files.length; i += 2) {
    const status = files[i]!.trim();
    const path = files[i + 1]!;
    if (status.startsWith('A')) commit.added.push(path);
    else if (status.startsWith('D')) commit.removed.push(path);
    else commit.modified.push(path);
  }
  return commit;
}

/**
 * Splits a stream of `git log` output into records as chunks arrive, holding only the
 * record being read (memory bounded by the largest commit, not the history). Pure state.
 */
export class GitRecordSplitter {
  #buffer = '';

  /** Feeds a chunk; returns the records it completed. */
  push(chunk: string): string[] {
    this.#buffer += chunk;
    const parts = this.#buffer.split('\x1e');
    this.#buffer = parts.pop()!;
    return parts.filter((p) => p.length > 0);
  }

  /** The last record, at the end of the stream. */
  end(): string[] {
    const rest = this.#buffer;
    this.#buffer = '';
    return rest.length > 0 ? [rest] : [];
  }
}

import { spawn } from 'node:child_process';
import { BackfillError, BackfillErrorCode } from './errors.ts';
import { GIT_LOG_FORMAT, GitRecordSplitter, parseGitRecord, type GitCommit } from './git-record.ts';

/** Which history to read. */
export interface GitLogOptions {
  /** Path of a local clone. */
  readonly path: string;
  readonly branch: string;
  /** Passed to git as `--since` / `--until` (git filters on the committer date). */
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
}

const MAX_STDERR = 64 * 1024;

/**
 * Streams a branch's history oldest first (`--reverse --topo-order`: parents before
 * children), every commit reachable from it including merged ones, with the files each
 * changed: `--no-renames` (a rename is a removal and an addition, as GitHub lists it) and
 * `--diff-merges=first-parent` (a merge's files are its diff against the branch it was
 * merged into). git's output is read as it comes; only one commit is held at a time.
 */
export async function* gitLog(o: GitLogOptions): AsyncGenerator<GitCommit> {
  const args = [
    '-C',
    o.path,
    '-c',
    'core.quotePath=false',
    'log',
    o.branch,
    '--reverse',
    '--topo-order',
    '--no-renames',
    '--diff-merges=first-parent',
    '--name-status',
    '-z',
    `--format=${GIT_LOG_FORMAT}`,
    ...(o.since ? [`--since=${o.since.toISOString()}`] : []),
    ...(o.until ? [`--until=${o.until.toISOString()}`] : []),
    '--',
  ];
  const child = spawn('git', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    if (stderr.length < MAX_STDERR) stderr += s;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
  const splitter = new GitRecordSplitter();
  child.stdout.setEncoding('utf8');
  try {
    for await (const chunk of child.stdout as AsyncIterable<string>) {
      for (const record of splitter.push(chunk)) yield parseGitRecord(record);
    }
    for (const record of splitter.end()) yield parseGitRecord(record);
    const code = await exited.catch((err: unknown) => {
      throw new BackfillError(
        BackfillErrorCode.gitFailed,
        `cannot run git: ${(err as Error).message}`,
        { cause: err },
      );
    });
    if (code !== 0) {
      throw new BackfillError(
        BackfillErrorCode.gitFailed,
        `git log failed (exit ${code}): ${stderr.trim()}`,
      );
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

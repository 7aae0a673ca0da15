import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import dockerignore from '@balena/dockerignore';

// A CommonJS module whose types declare `export default`; it sets `.default` to itself.
const createIgnore = dockerignore.default;

/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** Splits a Dockerfile into instructions (comments dropped, `\` continuations joined). */
export function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  if (current !== '') logical.push(current);
  return logical.map((l) => {
    const [keyword = '', ...rest] = l.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

/**
 * The build-context paths the final image copies (`COPY`/`ADD` without `--from`), normalized
 * (`./bin` → `bin`, `.` for the whole context). Globs are refused: the check below compares
 * paths, and a glob would make it silently approximate.
 */
export function copiedSources(instructions: Instruction[]): string[] {
  const sources: string[] = [];
  for (const { keyword, args } of instructions) {
    if (keyword !== 'COPY' && keyword !== 'ADD') continue;
    const words = args.startsWith('[')
      ? (JSON.parse(args) as string[])
      : args.split(/\s+/).filter((w) => w !== '');
    const flags = words.filter((w) => w.startsWith('--'));
    if (flags.some((f) => f.startsWith('--from'))) continue;
    const paths = words.filter((w) => !w.startsWith('--'));
    for (const src of paths.slice(0, -1)) {
      if (/[*?[]/.test(src)) throw new Error(`Dockerfile: glob in ${keyword} source "${src}"`);
      sources.push(posix.normalize(src).replace(/\/$/, ''));
    }
  }
  return sources;
}

/** The image named by the last `FROM` (the stage that ships). */
export function baseImage(instructions: Instruction[]): string {
  const from = instructions.filter((i) => i.keyword === 'FROM').at(-1);
  if (!from) throw new Error('Dockerfile: no FROM');
  return from.args.split(/\s+/).find((w) => !w.startsWith('--')) ?? '';
}

/**
 * A predicate telling whether `.dockerignore` leaves a context-relative path out, with Docker's
 * own matching rules (via `@balena/dockerignore`, what docker-modem and testcontainers use).
 */
export function dockerignored(dockerignorePath: string): (file: string) => boolean {
  const ignore = createIgnore().add(readFileSync(dockerignorePath, 'utf8').split('\n'));
  return (file) => ignore.ignores(file);
}

/**
 * A predicate telling whether a context-relative file ends up in the image: under some
 * copied source and not left out by `.dockerignore`.
 */
export function imageContains(
  dockerfilePath: string,
  dockerignorePath: string,
): (file: string) => boolean {
  const sources = copiedSources(parseDockerfile(readFileSync(dockerfilePath, 'utf8')));
  const ignored = dockerignored(dockerignorePath);
  return (file) =>
    !ignored(file) && sources.some((s) => s === '.' || file === s || file.startsWith(`${s}/`));
}

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BackfillError, BackfillErrorCode } from './errors.ts';

/** Commit author email (lower-cased) → GitHub login. */
export type AuthorMap = ReadonlyMap<string, string>;

const AuthorMapFile = z.record(z.string().min(3), z.string().min(1));

/** Parses `{ "alice@example.com": "alice" }`; emails are matched lower-cased. Pure. */
export function parseAuthorMap(json: unknown): AuthorMap {
  const parsed = AuthorMapFile.safeParse(json);
  if (!parsed.success) {
    throw new BackfillError(
      BackfillErrorCode.authorMap,
      'author map must be a JSON object of "email": "login"',
    );
  }
  return new Map(Object.entries(parsed.data).map(([email, login]) => [email.toLowerCase(), login]));
}

/** Reads an author map file. */
export async function readAuthorMap(path: string): Promise<AuthorMap> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new BackfillError(
      BackfillErrorCode.authorMap,
      `cannot read the author map ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return parseAuthorMap(json);
}

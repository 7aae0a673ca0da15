import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { buildAsyncApi } from './asyncapi.ts';
import { CONTRACT_NAMES } from './catalog.ts';
import { buildOpenApi } from './openapi.ts';
import { Dialect, jsonSchemaOf } from './to-json-schema.ts';

/** Where the contract files live, relative to the repository root. */
export const CONTRACT_DIR = 'contract';
export const JSON_SCHEMA_DIR = `${CONTRACT_DIR}/json-schema`;

const ROOT = new URL('../../', import.meta.url);

const yaml = (doc: unknown): string =>
  // No anchors/aliases for shared objects, no folding: the same input gives the same bytes.
  stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });

/**
 * Every contract file, path (relative to the repository root) → content. Pure apart from
 * reading the package version: the generator writes these, the staleness test compares them.
 */
export async function renderContract(): Promise<Map<string, string>> {
  const { version } = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as {
    version: string;
  };
  const files = new Map<string, string>();
  for (const name of CONTRACT_NAMES) {
    files.set(
      `${JSON_SCHEMA_DIR}/${name}.json`,
      `${JSON.stringify(jsonSchemaOf(name, Dialect.file), null, 2)}\n`,
    );
  }
  files.set(`${CONTRACT_DIR}/asyncapi.yaml`, yaml(buildAsyncApi(version)));
  files.set(`${CONTRACT_DIR}/openapi.yaml`, yaml(await buildOpenApi(version)));
  return files;
}

/** The repository root, for resolving the paths of {@link renderContract}. */
export const REPO_ROOT = ROOT;

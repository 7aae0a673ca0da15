/**
 * Writes the contract files (`contract/`) from the zod schemas: `npm run contract:generate`.
 * A unit test fails when the checked-in files differ from what this writes.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { JSON_SCHEMA_DIR, renderContract, REPO_ROOT } from './contract/render.ts';

const files = await renderContract();
// Start clean, so a schema dropped from the catalog does not leave a stale file behind.
rmSync(new URL(`${JSON_SCHEMA_DIR}/`, REPO_ROOT), { recursive: true, force: true });
mkdirSync(new URL(`${JSON_SCHEMA_DIR}/`, REPO_ROOT), { recursive: true });
for (const [path, content] of files) writeFileSync(new URL(path, REPO_ROOT), content);
const count = readdirSync(new URL(`${JSON_SCHEMA_DIR}/`, REPO_ROOT)).length;
console.log(`wrote ${files.size} files (${count} JSON Schemas, asyncapi.yaml, openapi.yaml)`);

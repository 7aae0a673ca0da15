import { z } from 'zod';
import { CONTRACT_SCHEMAS, type ContractName } from './catalog.ts';

/** The JSON Schema dialect each document wants. */
export const Dialect = {
  /** Stand-alone files: JSON Schema 2020-12 with `$schema`. */
  file: 'file',
  /** OpenAPI 3.1's schema object is JSON Schema 2020-12, without `$schema`. */
  openapi: 'openapi',
  /** AsyncAPI 3.0's default schema format is a superset of draft-07. */
  asyncapi: 'asyncapi',
} as const;
export type Dialect = (typeof Dialect)[keyof typeof Dialect];

type Json = Record<string, unknown>;

/**
 * The JSON Schema of a contract schema, produced by zod alone (`z.toJSONSchema`). Reused
 * parts are inlined, so no document has a `$ref` into another file or the network.
 */
export function jsonSchemaOf(name: ContractName, dialect: Dialect): Json {
  const { schema, io, source } = CONTRACT_SCHEMAS[name];
  const generated = z.toJSONSchema(schema, {
    io,
    target: dialect === Dialect.asyncapi ? 'draft-7' : 'draft-2020-12',
    unrepresentable: 'throw',
  }) as Json;
  const { $schema, ...body } = generated;
  if (dialect !== Dialect.file) return { title: name, ...body };
  return {
    $schema,
    $comment: `Generated from ${source} by npm run contract:generate; do not edit.`,
    title: name,
    ...body,
  };
}

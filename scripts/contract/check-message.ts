import { readFileSync } from 'node:fs';
import type { MsgHdrs } from '@nats-io/nats-core';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ContractName } from './catalog.ts';
import { JSON_SCHEMA_DIR, REPO_ROOT } from './render.ts';

// ajv-formats is CommonJS: under NodeNext its default export is the module, the plugin is `.default`.
const addFormats = addFormatsModule.default;

let ajv: Ajv2020 | undefined;
const compiled = new Map<ContractName, ValidateFunction>();

/** The checked-in JSON Schema of a contract message, compiled (strict mode: unknown keywords fail). */
export function contractValidator(name: ContractName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    ajv ??= addFormats(new Ajv2020({ strict: true, allErrors: true }));
    const file = new URL(`${JSON_SCHEMA_DIR}/${name}.json`, REPO_ROOT);
    validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    compiled.set(name, validate);
  }
  return validate;
}

/**
 * Why a value does not match the checked-in JSON Schema of a contract message; empty
 * when it matches. Tests use it to prove real messages follow the published contract.
 */
export function contractErrors(name: ContractName, value: unknown): string[] {
  const validate = contractValidator(name);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${name}${e.instancePath} ${e.message ?? ''}`.trim());
}

/** A message's headers as a plain record (first value of each), the shape the header schemas describe. */
export function headersRecord(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of h?.keys() ?? []) out[key] = h!.get(key);
  return out;
}

import { readFileSync } from 'node:fs';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { CONTRACT_DIR, REPO_ROOT } from './render.ts';

const read = (file: string): string =>
  readFileSync(new URL(`${CONTRACT_DIR}/${file}`, REPO_ROOT), 'utf8');

/** Any attempt to follow a remote `$ref` fails the parse: the contract is self-contained. */
const noNetwork = (schema: string) => ({
  schema,
  order: 1,
  read: (uri: { toString(): string }): never => {
    throw new Error(`remote $ref followed: ${uri.toString()}`);
  },
});

// The parser's diagnostics carry Spectral's own copy of the severity enum.
const ERROR: number = DiagnosticSeverity.Error;
const isError = (d: { severity: number }): boolean => d.severity === ERROR;

function asyncApiParser(): Parser {
  return new Parser({
    __unstable: { resolver: { cache: false, resolvers: [noNetwork('http'), noNetwork('https')] } },
  });
}

describe('contract parsers', () => {
  it('contract - @asyncapi/parser reads asyncapi.yaml with no error diagnostics', async () => {
    const { document, diagnostics } = await asyncApiParser().parse(read('asyncapi.yaml'));
    const errors = diagnostics.filter((d) => isError(d));
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    const addresses =
      document
        ?.channels()
        .all()
        .map((c) => c.address()) ?? [];
    expect(addresses).toEqual(
      expect.arrayContaining([
        'github.{event}.{owner}.{repo}',
        'teampulse.updates.{orgId}.{repoId}',
        'teampulse.alerts.dlq',
        'dlq.github.{event}.{owner}.{repo}',
        '/ws',
      ]),
    );
  });

  it('contract - @asyncapi/parser rejects a broken document (the check can fail)', async () => {
    const broken = read('asyncapi.yaml').replace('asyncapi: 3.0.0', 'asyncapi: 3.0.0\nchannelz: 1');
    const { diagnostics } = await asyncApiParser().parse(broken);
    expect(diagnostics.some((d) => isError(d))).toBe(true);
  });

  it('contract - an OpenAPI 3.1 validator accepts openapi.yaml', async () => {
    const validator = new Validator();
    const result = await validator.validate(read('openapi.yaml'));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('contract - the OpenAPI validator rejects a broken document (the check can fail)', async () => {
    const broken = read('openapi.yaml').replace('    post:\n', '    pots:\n');
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });
});

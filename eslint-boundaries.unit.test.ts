import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain-JS config module without declarations
import { boundaries } from './eslint-boundaries.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...(boundaries as Linter.Config[]),
  ],
});

/** The messages of the boundary rule for `code` as if it were the file `path`. */
async function errors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: `${root}${path}` });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint boundaries', () => {
  it('lint boundaries - a deep import from one role into another fails; its mod.ts passes', async () => {
    expect(
      await errors('replay/x.ts', "import { a } from '../projector/batch/decode.ts';"),
    ).toEqual([expect.stringMatching(/^no-restricted-imports: .*through its mod\.ts/)]);
    expect(
      await errors('cli/x.ts', "import { a } from '../gateway/auth/mint-token.ts';"),
    ).toHaveLength(1);
    expect(await errors('bench/x.ts', "import { a } from '../projector/main.ts';")).toHaveLength(1);
    expect(await errors('replay/x.ts', "import { a } from '../projector/mod.ts';")).toEqual([]);
    // Inside its own role a file imports what it likes.
    expect(await errors('projector/x.ts', "import { a } from './batch/decode.ts';")).toEqual([]);
  });

  it('lint boundaries - tests may use a role testing/mod.ts, production code may not', async () => {
    const harness = "import { a } from '../projector/testing/mod.ts';";
    expect(await errors('replay/x.int.test.ts', harness)).toEqual([]);
    expect(
      await errors('replay/testing/x.ts', "import { a } from '../../projector/testing/mod.ts';"),
    ).toEqual([]);
    expect(await errors('replay/x.ts', harness)).toHaveLength(1);
    expect(
      await errors('replay/x.int.test.ts', "import { a } from '../projector/testing/harness.ts';"),
    ).toHaveLength(1);
  });

  it('lint boundaries - schemas import nothing but zod; platform imports no role', async () => {
    expect(await errors('schemas/x.ts', "import { z } from 'zod';")).toEqual([]);
    expect(await errors('schemas/x.ts', "import { a } from '../platform/errors.ts';")).toHaveLength(
      1,
    );
    expect(await errors('schemas/x.ts', "import { a } from 'mongodb';")).toHaveLength(1);
    expect(await errors('platform/x.ts', "import { a } from '../projector/mod.ts';")).toHaveLength(
      1,
    );
    expect(await errors('platform/x.ts', "import { a } from '../schemas/streams.ts';")).toEqual([]);
  });
});

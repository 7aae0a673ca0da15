import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';

const ENTRY = decodeURIComponent(new URL('./page.js', import.meta.url).pathname);

/**
 * zod's `z` namespace re-exports every locale (`z.locales`), which no bundler can shake out:
 * two thirds of the bundle. The page only ever shows English messages, so the locale index
 * is replaced by English alone (465 KB → about 150 KB minified).
 */
const englishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]zod[\\/]/.test(args.importer)) return undefined;
      return { path: join(dirname(args.importer), '../locales/index.js'), namespace: 'zod-en' };
    });
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * Bundles the page's script (`page.js` plus the client library and the zod contracts it
 * imports) into one browser module, at gateway start. Served as `/app.js` so the page needs
 * no inline script under its CSP. Takes a fraction of a second; fails the start if broken.
 */
export async function bundlePage(): Promise<Buffer> {
  const out = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    plugins: [englishOnly],
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild produced no page bundle');
  return Buffer.from(file.contents);
}

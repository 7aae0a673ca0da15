import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** What a set of entry points reaches at run time. */
export interface ImportGraph {
  /** Every source or asset file reached, relative to the root, `/`-separated, sorted. */
  files: string[];
  /** Bare package name → the files that import it. Node built-ins are left out. */
  packages: Map<string, string[]>;
  /** Relative imports that point at no file. */
  missing: { from: string; specifier: string }[];
}

const BUILTINS = new Set(builtinModules);

/**
 * Follows every run-time import from `entries` (paths relative to `root`), recursively, with
 * the TypeScript parser: static `import`/`export … from`, `import()`, `require()`, and assets
 * read through `new URL('./x', import.meta.url)`. `import type`/`export type` are skipped:
 * tsx erases them, so they load nothing.
 */
export function walkImports(root: string, entries: string[]): ImportGraph {
  const seen = new Set<string>();
  const packages = new Map<string, string[]>();
  const missing: ImportGraph['missing'] = [];
  const queue = entries.map((e) => resolve(root, e));
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.[cm]?[jt]sx?$/.test(file)) continue; // an asset: reached, nothing to follow
    const from = rel(root, file);
    for (const specifier of specifiersOf(file)) {
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const target = resolveRelative(dirname(file), specifier);
        if (target) queue.push(target);
        else missing.push({ from, specifier });
        continue;
      }
      const name = packageName(specifier);
      if (name === undefined) continue;
      packages.set(name, [...(packages.get(name) ?? []), from]);
    }
  }
  const files = [...seen].map((f) => rel(root, f)).sort();
  return { files, packages, missing };
}

/** The run-time module specifiers (and `import.meta.url`-relative assets) of one file. */
export function specifiersOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      pushLiteral(found, node.moduleSpecifier);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
      pushLiteral(found, node.moduleSpecifier);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      !node.isTypeOnly &&
      ts.isExternalModuleReference(node.moduleReference)
    ) {
      pushLiteral(found, node.moduleReference.expression);
    } else if (ts.isCallExpression(node) && isImportOrRequire(node.expression)) {
      pushLiteral(found, node.arguments[0]);
    } else if (ts.isNewExpression(node) && isImportMetaUrlAsset(node)) {
      pushLiteral(found, node.arguments?.[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function pushLiteral(into: string[], node: ts.Node | undefined): void {
  if (node && ts.isStringLiteralLike(node)) into.push(node.text);
}

function isImportOrRequire(callee: ts.Expression): boolean {
  return (
    callee.kind === ts.SyntaxKind.ImportKeyword ||
    (ts.isIdentifier(callee) && callee.text === 'require')
  );
}

/** `new URL('./file', import.meta.url)`: a file the module reads beside itself. */
function isImportMetaUrlAsset(node: ts.NewExpression): boolean {
  const [path, base] = node.arguments ?? [];
  return (
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'URL' &&
    path !== undefined &&
    ts.isStringLiteralLike(path) &&
    path.text.startsWith('.') &&
    base !== undefined &&
    ts.isPropertyAccessExpression(base) &&
    ts.isMetaProperty(base.expression) &&
    base.name.text === 'url'
  );
}

function resolveRelative(dir: string, specifier: string): string | undefined {
  const base = resolve(dir, specifier);
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.js`,
    join(base, 'index.ts'),
    join(base, 'index.js'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** `@scope/pkg/sub` → `@scope/pkg`, `pkg/sub` → `pkg`; undefined for Node built-ins. */
export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]!)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function rel(root: string, file: string): string {
  return relative(root, file).split('\\').join('/');
}

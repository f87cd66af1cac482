// Reads the workspace layout the architecture tests judge: each package's manifest, the files its
// build compiles and the modules those files import.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import ts from 'typescript';

/** The repository root. */
export const ROOT = resolve(new URL('../..', import.meta.url).pathname);

/**
 * The layers of `shared/`, lowest first. A package may depend only on packages of a lower layer,
 * which also rules out cycles. `migrations` sits beside `orders`: it needs the store, and test
 * helpers need it.
 */
export const LAYERS: Record<string, number> = {
  '@trading/domain': 0,
  '@trading/platform': 1,
  '@trading/strategy-sdk': 1,
  '@trading/exchange': 1,
  '@trading/messaging': 2,
  '@trading/store': 2,
  '@trading/providers': 2,
  '@trading/orders': 3,
  '@trading/migrations': 3,
  '@trading/runtime': 4,
  '@trading/simulator': 5,
  '@trading/testkit': 6,
};

/** Packages that must never reach a production image or a service's production dependencies. */
export const NON_PRODUCTION = ['@trading/simulator', '@trading/testkit'];

/** One workspace: where it is, its manifest and its source files. */
export interface Workspace {
  name: string;
  dir: string;
  dependencies: string[];
  devDependencies: string[];
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Every workspace of the root manifest (shared packages, migrations, services, infra). */
export function workspaces(): Workspace[] {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  const dirs = root.workspaces.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(ROOT, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => join(pattern.slice(0, -2), d.name))
      : [pattern],
  );
  return dirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
    return {
      name: manifest.name,
      dir,
      // An optional dependency is a production one the images may leave out (PGlite).
      dependencies: Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }),
      devDependencies: Object.keys(manifest.devDependencies ?? {}),
    };
  });
}

/** The files the workspace's `tsconfig.build.json` compiles into `dist/` (none when it has no build). */
export function builtFiles(dir: string): string[] {
  const path = join(ROOT, dir, 'tsconfig.build.json');
  const read = ts.readConfigFile(path, (p) => ts.sys.readFile(p));
  if (read.error) return [];
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(path));
  return parsed.fileNames.map((f) => relative(ROOT, f));
}

/** Every TypeScript file under the workspace's `src/`. */
export function sourceFiles(dir: string): string[] {
  const src = join(ROOT, dir, 'src');
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => relative(ROOT, join(src, f)));
}

/** The module specifiers a file imports or re-exports, static and dynamic. */
export function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The package a bare specifier names (`@scope/name` or `name`); undefined for relative and `node:`. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Whether a file is test code (a test, a test-only helper directory). */
export function isTestFile(file: string): boolean {
  return file.endsWith('.test.ts') || file.includes('/testing/');
}

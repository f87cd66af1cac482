// The house rules of the workspaces: a one-way graph of shared packages, every import declared,
// no package reaching into another's files, and a domain without I/O.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize, relative } from 'node:path';

import { expect } from 'chai';

import {
  builtFiles,
  importsOf,
  isTestFile,
  LAYERS,
  NON_PRODUCTION,
  packageOf,
  ROOT,
  sourceFiles,
  type Workspace,
  workspaces,
} from './workspace-graph.js';

const ALL = workspaces();
const SHARED = ALL.filter((w) => w.dir.startsWith('shared/'));
const layerOf = (name: string): number => {
  const layer = LAYERS[name];
  if (layer === undefined) throw new Error(`${name} has no layer in test/architecture/workspace-graph.ts`);
  return layer;
};
const BUILTINS = new Set(builtinModules);

describe('workspace dependency graph', () => {
  it('every directory under shared/ is a workspace with a manifest, an index and a layer', () => {
    const dirs = readdirSync(join(ROOT, 'shared'), { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(dirs.map((d) => `shared/${d.name}`).sort()).to.deep.equal(SHARED.map((w) => w.dir).sort());
    for (const w of SHARED) {
      expect(existsSync(join(ROOT, w.dir, 'src/index.ts')), `${w.dir}/src/index.ts`).to.equal(true);
      expect(() => layerOf(w.name)).not.to.throw();
    }
  });

  it('a shared package depends only on packages of a lower layer (so the graph has no cycle)', () => {
    const upward = SHARED.flatMap((w) =>
      w.dependencies
        .filter((d) => d.startsWith('@trading/'))
        .filter((d) => layerOf(d) >= layerOf(w.name))
        .map((d) => `${w.name} -> ${d}`),
    );
    expect(upward).to.deep.equal([]);
  });

  it('no service depends on another service', () => {
    const services = new Set(ALL.filter((w) => w.dir.startsWith('services/')).map((w) => w.name));
    const crossing = ALL.flatMap((w) =>
      [...w.dependencies, ...w.devDependencies]
        .filter((d) => services.has(d))
        .map((d) => `${w.name} -> ${d}`),
    );
    expect(crossing).to.deep.equal([]);
  });

  it('every package a built file imports is declared (a production dependency, but for the dev-only packages)', () => {
    const undeclared = ALL.flatMap((w) =>
      builtFiles(w.dir).flatMap((file) =>
        importsOf(file)
          .map(packageOf)
          .filter((p): p is string => p !== undefined && !BUILTINS.has(p) && p !== w.name)
          // The simulator and the testkit never ship: all they use is a dev dependency, so a
          // production install (`npm ci --omit=dev`) never brings it into an image.
          .filter(
            (p) =>
              !(
                NON_PRODUCTION.includes(w.name) ? [...w.dependencies, ...w.devDependencies] : w.dependencies
              ).includes(p),
          )
          .map((p) => `${file} imports ${p}`),
      ),
    );
    expect(undeclared).to.deep.equal([]);
  });

  it("a test imports only its workspace's dependencies and dev dependencies (or the root's tools)", () => {
    const declared = (w: Workspace) => new Set([...w.dependencies, ...w.devDependencies]);
    const undeclared = SHARED.flatMap((w) =>
      sourceFiles(w.dir)
        .filter(isTestFile)
        .flatMap((file) =>
          importsOf(file)
            .map(packageOf)
            .filter((p): p is string => p?.startsWith('@trading/') === true && p !== w.name)
            .filter((p) => !declared(w).has(p))
            .map((p) => `${file} imports ${p}`),
        ),
    );
    expect(undeclared).to.deep.equal([]);
  });

  it("no relative import leaves its package's directory", () => {
    const escaping = ALL.filter((w) => w.dir !== 'infra').flatMap((w) =>
      sourceFiles(w.dir).flatMap((file) =>
        importsOf(file)
          .filter((s) => s.startsWith('.'))
          .filter((s) => relative(w.dir, normalize(join(dirname(file), s))).startsWith('..'))
          .map((s) => `${file} imports ${s}`),
      ),
    );
    expect(escaping).to.deep.equal([]);
  });

  it('the domain package does no I/O: no Node built-in and only pure libraries', () => {
    const pure = new Set(['big.js', 'joi', 'trading-signals']);
    const impure = builtFiles('shared/domain').flatMap((file) =>
      importsOf(file)
        .filter((s) => !s.startsWith('.'))
        .filter((s) => s.startsWith('node:') || BUILTINS.has(s) || !pure.has(packageOf(s) ?? ''))
        .map((s) => `${file} imports ${s}`),
    );
    expect(impure).to.deep.equal([]);
  });

  it('ARCHITECTURE.md and the README name every shared package (the map stays true)', () => {
    const architecture = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const w of SHARED) {
      const name = w.dir.replace('shared/', '');
      expect(architecture, `ARCHITECTURE.md names ${name}`).to.match(new RegExp(`\\*\\*${name}\\*\\*`));
      expect(readme, `README names ${w.dir}`).to.include(`\`${w.dir}\``);
    }
  });
});

// Production images and services' dist/ carry no fake provider server, no simulator and no test
// helper: proven from npm's production dependency graph, the files each build compiles, the
// Dockerfile's runtime stage and, when built, the emitted JavaScript.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { expect } from 'chai';

import {
  builtFiles,
  importsOf,
  isTestFile,
  NON_PRODUCTION,
  packageOf,
  ROOT,
  workspaces,
} from './workspace-graph.js';

const SERVICES = workspaces().filter((w) => w.dir.startsWith('services/'));

/** The workspace packages npm installs for a service with `--omit=dev` (what its image receives). */
function productionClosure(dir: string): string[] {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable', '--workspace', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return [
    ...new Set(
      out
        .split('\n')
        .map((line) => /node_modules\/(@trading\/[^/]+)$/.exec(line)?.[1])
        .filter((p): p is string => p !== undefined),
    ),
  ];
}

/** The stages of the Dockerfile, each with its lines. */
function dockerStages(): Map<string, string[]> {
  const stages = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of readFileSync(join(ROOT, 'Dockerfile'), 'utf8').split('\n')) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from?.[1]) stages.set(from[1], (current = []));
    current.push(line);
  }
  return stages;
}

describe('production image content', function () {
  this.timeout(120_000);

  for (const service of SERVICES) {
    it(`${service.dir}: no non-production package in its production dependency graph`, () => {
      const closure = productionClosure(service.dir);
      expect(closure).to.include(service.name);
      expect(closure.filter((p) => NON_PRODUCTION.includes(p))).to.deep.equal([]);
    });

    it(`${service.dir}: its build compiles no test file and imports no fake`, () => {
      const files = builtFiles(service.dir);
      expect(files.length).to.be.greaterThan(0);
      expect(files.filter(isTestFile)).to.deep.equal([]);
      const fakes = files.flatMap((f) =>
        importsOf(f)
          .filter((s) => NON_PRODUCTION.includes(packageOf(s) ?? ''))
          .map((s) => `${f} imports ${s}`),
      );
      expect(fakes).to.deep.equal([]);
    });
  }

  it('the Dockerfile copies every shared package a service needs into the runtime stage, and no other', () => {
    const stages = dockerStages();
    const needed = new Set(
      SERVICES.flatMap((s) => productionClosure(s.dir)).filter((p) => p.startsWith('@trading/')),
    );
    const shared = workspaces().filter((w) => w.dir.startsWith('shared/'));
    const runtime = (stages.get('runtime') ?? []).join('\n');
    for (const w of shared) {
      const copied = runtime.includes(`/app/${w.dir}/dist ${w.dir}/dist`);
      expect(copied, `${w.dir} in the runtime stage`).to.equal(needed.has(w.name));
    }
    const installed =
      /ARG SHARED_WORKSPACES="([^"]*)"/.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1] ?? '';
    const listed = [...installed.matchAll(/--workspace (\S+)/g)].map((m) => m[1]).sort();
    expect(listed, 'SHARED_WORKSPACES').to.deep.equal(
      shared
        .filter((w) => needed.has(w.name))
        .map((w) => w.dir)
        .sort(),
    );
    for (const stage of ['builder', 'deps', 'runtime']) {
      const mentions = (stages.get(stage) ?? []).filter((l) => /shared\/(simulator|testkit)/.test(l));
      expect(mentions, `stage ${stage}`).to.deep.equal([]);
    }
  });

  it("services' built dist/ (when present) requires no fake and holds no test helper", () => {
    const offending = SERVICES.flatMap((service) => {
      const dist = join(ROOT, service.dir, 'dist');
      if (!existsSync(dist)) return [];
      return readdirSync(dist, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.js'))
        .filter((f) => {
          const text = readFileSync(join(dist, f), 'utf8');
          return f.includes('testing/') || NON_PRODUCTION.some((p) => text.includes(`'${p}'`));
        })
        .map((f) => `${service.dir}/dist/${f}`);
    });
    expect(offending).to.deep.equal([]);
  });

  it("the Dockerfile's production install (npm ci --omit=dev --omit=optional, its workspace list) brings no test tool, and the image drops the dangling links", () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const workspaces = /ARG SHARED_WORKSPACES="([^"]*)"/.exec(dockerfile)?.[1]?.split(' ') ?? [];
    expect(dockerStages().get('runtime')?.join('\n')).to.include(
      'find node_modules/@trading -maxdepth 1 -xtype l -delete',
    );
    const dir = mkdtempSync(join(tmpdir(), 'image-deps-'));
    try {
      const manifests = execFileSync(
        'git',
        ['ls-files', 'package.json', 'package-lock.json', '*/package.json'],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      )
        .split('\n')
        .filter(Boolean);
      for (const file of manifests) {
        mkdirSync(join(dir, dirname(file)), { recursive: true });
        cpSync(join(ROOT, file), join(dir, file));
      }
      execFileSync(
        'npm',
        [
          'ci',
          '--ignore-scripts',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          '--omit=dev',
          '--omit=optional',
          ...workspaces,
        ].concat(['--workspace', 'migrations', '--workspace', 'services/api']),
        { cwd: dir, stdio: 'ignore' },
      );
      const installed = readdirSync(join(dir, 'node_modules'));
      for (const tool of ['sinon', 'chai', 'mocha', 'fast-check', 'playwright-core', 'typescript', 'tsx']) {
        expect(installed, `${tool} in the production install`).not.to.include(tool);
      }
      // The images always run on PostgreSQL: the embedded database (27 MB) stays out.
      expect(installed, 'PGlite in the production install').not.to.include.members([
        '@electric-sql',
        'knex-pglite',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

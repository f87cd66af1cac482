// The Dockerfile and .dockerignore against the rules of spec 2-2 (no Docker engine runs here, so the
// rules are checked on the text; the instructions' inputs are checked against the repository).
import { existsSync, readFileSync } from 'node:fs';

import { expect } from 'chai';

const ROOT = new URL('../', import.meta.url);
const text = readFileSync(new URL('Dockerfile', ROOT), 'utf8');

/** Instructions with continuation lines joined, comments dropped. */
const instructions = text
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const [op = '', ...rest] = l.split(/\s+/);
    return { op: op.toUpperCase(), args: rest.join(' ') };
  });
const stages: { from: string; body: typeof instructions }[] = [];
for (const i of instructions) {
  if (i.op === 'FROM') stages.push({ from: i.args, body: [] });
  else stages.at(-1)?.body.push(i);
}
const runtime = stages.at(-1);
const defaultArg = (name: string) =>
  instructions.find((i) => i.op === 'ARG' && i.args.startsWith(`${name}=`))?.args.split('=')[1];

describe('Dockerfile', () => {
  it('needs no BuildKit frontend from a registry (no syntax directive): it builds where no registry answers', () => {
    expect(text).not.to.match(/^#\s*syntax=/im);
  });

  it('is multi-stage, the runtime stage last, on a pinned node:22 bookworm-slim base', () => {
    expect(stages.length).to.be.at.least(3);
    // eslint-disable-next-line no-template-curly-in-string -- a Dockerfile variable, not a template.
    expect(runtime?.from).to.equal('${NODE_IMAGE} AS runtime');
    expect(defaultArg('NODE_IMAGE')).to.match(/^node:22\.\d+\.\d+-bookworm-slim$/);
    for (const s of stages) {
      const image = s.from.split(' ')[0] ?? '';
      if (!image.startsWith('$'))
        expect(
          stages.map((x) => x.from.split(' ').at(-1)),
          image,
        ).to.include(image);
    }
  });

  it('runs as a non-root user, with a HEALTHCHECK and an exec-form CMD', () => {
    const ops = runtime?.body.map((i) => i.op) ?? [];
    const user = runtime?.body.filter((i) => i.op === 'USER').at(-1);
    expect(user?.args).to.equal('node');
    expect(ops.lastIndexOf('USER')).to.be.below(ops.indexOf('CMD'));
    expect(ops).to.include('HEALTHCHECK');
    const cmd = runtime?.body.find((i) => i.op === 'CMD');
    expect(() => JSON.parse(cmd?.args ?? '') as unknown).not.to.throw();
    expect(JSON.parse(cmd?.args ?? '[]')).to.deep.equal(['node', 'service/dist/main.js']);
    const health = runtime?.body.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    expect(health).to.match(/CMD \[/);
  });

  it('copies only dist/ and production node_modules into the runtime stage', () => {
    const copies = (runtime?.body ?? []).filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies.every((c) => c.startsWith('--from='))).to.equal(true);
    expect(copies.filter((c) => c.includes('src'))).to.deep.equal([]);
    expect(copies).to.include('--from=deps /app/node_modules node_modules');
    const deps = stages.find((s) => s.from.endsWith('AS deps'));
    const install = deps?.body.find((i) => i.op === 'RUN' && i.args.includes('npm-ci'))?.args ?? '';
    // Production dependencies only, and not PGlite (optional: the images always run on PostgreSQL).
    expect(install).to.include('--omit=dev').and.include('--omit=optional');
  });

  it('compiles once for the seven builds (the builder stage does not depend on SERVICE)', () => {
    const builder = stages.find((s) => s.from.endsWith('AS builder'));
    expect(builder?.body.map((i) => i.args).join('\n')).not.to.include('SERVICE}');
    expect(builder?.body.filter((i) => i.op === 'ARG').map((i) => i.args)).not.to.include('SERVICE');
  });

  it('installs through npm-ci.sh with npm settings and CA certificates as BuildKit secrets, never in a layer', () => {
    const script = readFileSync(new URL('infra/image/npm-ci.sh', ROOT), 'utf8');
    expect(script).to.include('npm ci --ignore-scripts');
    expect(script).to.include('/run/secrets/npmrc').and.include('/run/secrets/ca');
    const installs = instructions.filter((i) => i.op === 'RUN' && /npm[ -]ci/.test(i.args));
    expect(installs).to.have.length(2);
    for (const run of installs) {
      expect(run.args).to.match(/^--mount=type=secret,id=npmrc --mount=type=secret,id=ca /);
      expect(run.args).not.to.match(/npm ci/);
    }
    for (const copy of instructions.filter((i) => i.op === 'COPY'))
      expect(copy.args).not.to.match(/npmrc|\.pem|\.crt/);
  });

  it('holds no secret, runs no install script, and copies only files that exist', () => {
    for (const i of instructions.filter((x) => x.op === 'ENV' || x.op === 'ARG')) {
      expect(i.args).not.to.match(/PASSWORD|SECRET|TOKEN|API_KEY/i);
    }
    for (const copy of instructions.filter((i) => i.op === 'COPY')) expect(copy.args).not.to.match(/\.env\b/);
    for (const run of instructions.filter((i) => i.op === 'RUN' && i.args.includes('npm ci'))) {
      expect(run.args).to.include('--ignore-scripts');
    }
    for (const copy of instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        for (const service of ['api', 'backtester']) {
          // eslint-disable-next-line no-template-curly-in-string -- a Dockerfile variable, not a template.
          const path = source.replace('${SERVICE}', service);
          expect(existsSync(new URL(path, ROOT)), `${path} (COPY ${copy.args})`).to.equal(true);
        }
      }
    }
  });

  it('.dockerignore keeps out what the spec lists, plus node_modules, dist, coverage and data', () => {
    const ignore = readFileSync(new URL('.dockerignore', ROOT), 'utf8').split('\n');
    for (const entry of [
      '.git',
      '.env',
      '*.md',
      'docs/',
      'test/',
      '**/node_modules',
      '**/dist',
      'coverage/',
      'data/',
    ]) {
      expect(ignore, entry).to.include(entry);
    }
  });
});

describe('stack configuration example', () => {
  it('holds no secret value', () => {
    const example = readFileSync(new URL('Pulumi.example.yaml', ROOT), 'utf8');
    expect(example).not.to.match(/secure:/);
    for (const key of ['postgresPassword', 'apiAuthToken', 'alpacaApiSecret', 'telegramBotToken']) {
      expect(example).not.to.match(new RegExp(`^\\s*trading-platform:${key}:`, 'm'));
    }
  });
});

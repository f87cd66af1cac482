import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { expect } from 'chai';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const LAUNCHER = join(ROOT, 'scripts/run-built.mjs');

describe('scripts/run-built.mjs (how `npm run backtest` starts compiled code)', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(() => {
    // A one-file project with the repo's compiler settings and type definitions.
    dir = mkdtempSync(join(tmpdir(), 'run-built-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(
      join(dir, 'tsconfig.build.json'),
      JSON.stringify({
        extends: join(ROOT, 'tsconfig.base.json'),
        compilerOptions: {
          composite: true,
          rootDir: 'src',
          outDir: 'dist',
          tsBuildInfoFile: 'dist/.tsbuildinfo',
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        include: ['src'],
      }),
    );
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(join(dir, 'src/cli.ts'), "console.log('args', process.argv.slice(2).join(' '));\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const launch = async (...args: string[]) =>
    run(process.execPath, [LAUNCHER, dir, 'cli.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
    });

  it('compiles on the first run, then runs the compiled entry with its arguments without compiling again', async () => {
    const first = await launch('--csv', 'x.csv');
    expect(first.stderr).to.match(/compiling/);
    expect(first.stdout).to.equal('args --csv x.csv\n');
    const second = await launch('--json');
    expect(second.stderr).to.equal('');
    expect(second.stdout).to.equal('args --json\n');
  });

  it('compiles again when a source is newer than the last build, and ignores tests', async () => {
    await launch();
    const later = new Date(Date.now() + 5_000);
    writeFileSync(join(dir, 'src/cli.test.ts'), 'export {};\n');
    utimesSync(join(dir, 'src/cli.test.ts'), later, later);
    expect((await launch()).stderr).to.equal('');
    writeFileSync(join(dir, 'src/cli.ts'), "console.log('changed');\n");
    utimesSync(join(dir, 'src/cli.ts'), later, later);
    const changed = await launch();
    expect(changed.stderr).to.match(/compiling/);
    expect(changed.stdout).to.equal('changed\n');
  });
});

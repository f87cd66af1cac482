// The error taxonomy (spec 3-2) is enforced by lint: these tests prove the rule catches what it should.
import { expect } from 'chai';
import { ESLint } from 'eslint';

async function lint(code: string, filePath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: process.cwd() });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? ''}: ${m.message}`);
}

const SWALLOW = `export async function f(g: () => Promise<void>): Promise<void> {
  try {
    await g();
  } catch (err) {
    console.log(err);
  }
}
`;

const CLASSIFY = `import { isTransient } from '../errors/classify.js';

export async function f(g: () => Promise<void>): Promise<void> {
  try {
    await g();
  } catch (err) {
    if (!isTransient(err)) throw err;
  }
}
`;

describe('lint rules', function () {
  this.timeout(60_000);

  it('flags a catch-all that swallows every error in service code', async () => {
    const messages = await lint(SWALLOW, 'shared/platform/src/resilience/sleep.ts');
    expect(messages.some((m) => m.startsWith('no-restricted-syntax: A catch that never rethrows'))).to.equal(
      true,
    );
  });

  it('accepts a catch that handles what it expects and rethrows the rest', async () => {
    const messages = await lint(CLASSIFY, 'shared/platform/src/resilience/sleep.ts');
    expect(messages.filter((m) => m.startsWith('no-restricted-syntax'))).to.deep.equal([]);
  });

  it('allows catch-alls in the top-level handler', async () => {
    const messages = await lint(SWALLOW, 'shared/platform/src/errors/top-level-handler.ts');
    expect(messages.filter((m) => m.startsWith('no-restricted-syntax'))).to.deep.equal([]);
  });

  it('keeps process.env out of everything but the config module', async () => {
    const code = 'export const port = process.env.PORT;\n';
    expect((await lint(code, 'shared/platform/src/metrics/metrics.ts')).join()).to.include(
      'no-restricted-properties',
    );
    expect((await lint(code, 'shared/platform/src/config/secret.ts')).join()).not.to.include(
      'no-restricted-properties',
    );
  });

  it('flags a floating promise', async () => {
    const code = 'export function f(g: () => Promise<void>): void {\n  g();\n}\n';
    expect((await lint(code, 'shared/platform/src/resilience/sleep.ts')).join()).to.include(
      '@typescript-eslint/no-floating-promises',
    );
  });
});

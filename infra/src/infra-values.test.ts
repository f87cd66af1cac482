import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { writeSshKey } from './docker-host.js';
import { checkRedisPassword, plainServiceEnv, telegramChatId } from './infra-config.js';
import { migrationCommand } from './migration.js';
import { postgresUrl } from './postgres.js';
import { sourceHash } from './source-hash.js';

describe('infra values', () => {
  it('encodes the database password so any generated one makes a URL that gives it back', () => {
    for (const password of ['plain', 'a/b+c=', 'x@y:z?#%', 'openssl/rand+base64=24==']) {
      const url = new URL(postgresUrl('trading', password, 'trading'));
      expect(decodeURIComponent(url.password)).to.equal(password);
      expect(url.hostname).to.equal('postgres');
      expect(url.pathname).to.equal('/trading');
    }
  });

  it('refuses a missing or zero Telegram chat id with what to set, accepts a numeric one', () => {
    for (const bad of [undefined, '', '0', 'abc', '12a']) {
      expect(() => telegramChatId(bad), String(bad)).to.throw(/telegramChatId must be the numeric id/);
    }
    expect(telegramChatId('4242')).to.equal('4242');
    expect(telegramChatId('-1001234')).to.equal('-1001234');
  });
});

describe('infra values: sources, passwords, settings', () => {
  it('sourceHash changes with a source file, and not with a test, a README or node_modules', () => {
    const root = mkdtempSync(join(tmpdir(), 'source-hash-'));
    try {
      mkdirSync(join(root, 'svc/src'), { recursive: true });
      mkdirSync(join(root, 'svc/node_modules/x'), { recursive: true });
      writeFileSync(join(root, 'svc/src/main.ts'), 'export const a = 1;');
      const first = sourceHash(root, ['svc', 'missing']);
      writeFileSync(join(root, 'svc/src/main.test.ts'), 'it()');
      writeFileSync(join(root, 'svc/README.md'), '# x');
      writeFileSync(join(root, 'svc/node_modules/x/index.js'), '1');
      expect(sourceHash(root, ['svc', 'missing'])).to.equal(first);
      writeFileSync(join(root, 'svc/src/main.ts'), 'export const a = 2;');
      expect(sourceHash(root, ['svc', 'missing'])).not.to.equal(first);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a short Redis password or one with a space, naming how to make one', () => {
    expect(checkRedisPassword('long-enough-password/+=')).to.equal('long-enough-password/+=');
    for (const bad of ['short', 'has a space in it ok']) {
      expect(() => checkRedisPassword(bad), bad).to.throw(/openssl rand -base64 24/);
    }
  });

  it('refuses a credential in serviceEnv (it would be plain text in docker inspect)', () => {
    expect(plainServiceEnv({ SYMBOLS: 'AAPL' })).to.deep.equal({ SYMBOLS: 'AAPL' });
    expect(() => plainServiceEnv({ ALPACA_API_KEY: 'k' })).to.throw(
      /must not hold credentials \(ALPACA_API_KEY\)/,
    );
    expect(() => plainServiceEnv({ DATABASE_URL_FILE: '/x' })).to.throw(/DATABASE_URL_FILE/);
  });

  it('writes the SSH key for the Docker provider readable by its owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssh-'));
    try {
      const path = writeSshKey('-----BEGIN KEY-----\nabc\n-----END KEY-----', dir);
      expect(statSync(path).mode & 0o777).to.equal(0o600);
      expect(readFileSync(path, 'utf8')).to.match(/END KEY-----\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the migration command reads the database URL from its stdin and runs hardened', () => {
    const cmd = migrationCommand('sha256:abc', 'trading-internal');
    expect(cmd).to.match(/^docker run --rm -i --network trading-internal /);
    expect(cmd)
      .to.include('-e DATABASE_URL_FILE=/dev/stdin')
      .and.include('--read-only')
      .and.include('--cap-drop ALL');
    expect(cmd).to.match(/ sha256:abc node migrations\/dist\/cli.js latest$/);
  });
});

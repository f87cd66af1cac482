import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError } from '@trading/domain';
import { expect } from 'chai';

import { lockDataDir } from './data-dir-lock.js';

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'data-dir-lock-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the folder, writes our pid into platform.lock, and removes it on close', async () => {
    const data = join(dir, 'data');
    const lock = lockDataDir(data);
    expect(readFileSync(join(data, 'platform.lock'), 'utf8').trim()).to.equal(String(process.pid));
    await lock.close();
    expect(existsSync(join(data, 'platform.lock'))).to.equal(false);
  });

  it('refuses a folder another live process holds, naming its pid and DATA_DIR', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(dir, 'platform.lock'), `${String(other.pid)}\n`);
      const err = (() => {
        try {
          lockDataDir(dir);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as Error).message).to.equal(
        `another platform (pid ${String(other.pid)}) is running on DATA_DIR ${dir}: stop it first, or set DATA_DIR to another folder`,
      );
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over the lock of a process that is gone (killed with -9)', async () => {
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => gone.once('exit', r));
    writeFileSync(join(dir, 'platform.lock'), `${String(gone.pid)}\n`);
    const lock = lockDataDir(dir);
    expect(readFileSync(lock.file, 'utf8').trim()).to.equal(String(process.pid));
    await lock.close();
  });

  it('says a folder that cannot be made is not writable, and why, before anything starts', () => {
    writeFileSync(join(dir, 'file'), '');
    const data = join(dir, 'file', 'data');
    expect(() => lockDataDir(data)).to.throw(
      ConfigError,
      `DATA_DIR ${data} is not writable (ENOTDIR: a file is in the way): fix its permissions, or set DATA_DIR to a writable folder`,
    );
  });
});

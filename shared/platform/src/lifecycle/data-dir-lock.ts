import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { ConfigError } from '@trading/domain';

/** The data folder's owner: released on shutdown. */
export interface DataDirLock {
  readonly file: string;
  close(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unwritable(dataDir: string, err: unknown): ConfigError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'this user may not write there'
      : code === 'EROFS'
        ? 'it is on a read-only file system'
        : code === 'ENOSPC'
          ? 'the disk is full'
          : code === 'ENOTDIR' || code === 'EEXIST'
            ? 'a file is in the way'
            : (err as Error).message;
  return new ConfigError(
    `DATA_DIR ${dataDir} is not writable (${code}: ${why}): fix its permissions, or set DATA_DIR to a writable folder`,
    [{ key: 'DATA_DIR', message: `not writable (${code})` }],
  );
}

/**
 * Make `dataDir` (the embedded database and the paper account) this process's alone: create it,
 * prove it writable, and take `platform.lock` holding our pid. Another live process's lock is
 * refused with a message naming it; a lock whose process is gone (a crash, `kill -9`) is taken over.
 * Both failures are {@link ConfigError}s, reported before anything starts.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(dataDir, 'platform.lock');
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw unwritable(dataDir, err);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (err) {
      const { code } = err as NodeJS.ErrnoException;
      if (code !== 'EEXIST') throw unwritable(dataDir, err);
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new ConfigError(
          `another platform (pid ${String(pid)}) is running on DATA_DIR ${dataDir}: stop it first, or set DATA_DIR to another folder`,
          [{ key: 'DATA_DIR', message: `in use by pid ${String(pid)}` }],
        );
      }
      rmSync(file, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${String(process.pid)}\n`);
    } catch (err) {
      closeSync(fd);
      rmSync(file, { force: true });
      throw unwritable(dataDir, err);
    }
    closeSync(fd);
    return {
      file,
      close: async () => {
        rmSync(file, { force: true });
        return Promise.resolve();
      },
    };
  }
  throw new ConfigError(`could not take the lock ${file}`, [{ key: 'DATA_DIR', message: 'lock contended' }]);
}

import { resolve } from 'node:path';

import { AppError } from '@trading/domain';

import type { Config } from '../config/config.js';

/** Settings that name a port a process listens on. */
const PORT_SETTINGS: readonly { key: string; port: (c: Config) => number }[] = [
  { key: 'API_PORT', port: (c) => c.apiPort },
  { key: 'HEALTH_PORT', port: (c) => c.healthPort },
];

/** What to say when a port is taken: which, and the setting that moves it. */
export function portInUse(port: number, host: string, setting?: string): string {
  return `port ${String(port)} on ${host} is already in use by another program: stop it${
    setting ? `, or set ${setting} to a free port, e.g. ${setting}=${String(port + 1)}` : ''
  }`;
}

/**
 * One line a person can act on for a start failure they can fix (a port in use, a data folder that
 * cannot be written, a setting the services refused), or undefined for a fault of ours, which the
 * top-level handler reports with its stack.
 */
export function explainStartFailure(err: unknown, config: Config): string | undefined {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  if (e.code === 'EADDRINUSE') {
    const setting = PORT_SETTINGS.find((s) => s.port(config) === e.port)?.key;
    return portInUse(e.port ?? 0, e.address ?? 'any address', setting);
  }
  if (
    typeof e.path === 'string' &&
    ['EACCES', 'EPERM', 'EROFS', 'ENOSPC'].includes(e.code ?? '') &&
    !config.dataDir.startsWith('memory://') &&
    resolve(e.path).startsWith(resolve(config.dataDir))
  ) {
    return `DATA_DIR ${config.dataDir} cannot be written (${e.code ?? ''} on ${e.path}): fix its permissions or free space, or set DATA_DIR to another folder`;
  }
  if (err instanceof AppError && err.code === 'CONFIG_INVALID') return err.message;
  return undefined;
}

import { createServer } from 'node:net';

import { ConfigError } from '@trading/domain';
import { portInUse } from '@trading/platform';

/** A port the process will listen on, and the setting that moves it. */
export interface PortToBind {
  port: number;
  host: string;
  setting: string;
}

/**
 * Refuse at once when `port` is taken, naming the setting that moves it, instead of after every
 * service started (the API and the health server bind last). A race after this check is still
 * caught at listen.
 */
export async function assertPortFree({ port, host, setting }: PortToBind): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') {
        reject(err);
        return;
      }
      reject(
        new ConfigError(portInUse(port, host, setting), [
          { key: setting, message: `port ${String(port)} in use` },
        ]),
      );
    });
    server.listen(port, host, () => {
      server.close(() => {
        resolve();
      });
    });
  });
}

/** Every port the process will bind is free, and no two settings name the same one. */
export async function assertPortsFree(ports: readonly PortToBind[]): Promise<void> {
  ports.forEach((a, i) => {
    const b = ports.slice(i + 1).find((other) => other.port === a.port);
    if (b)
      throw new ConfigError(
        `invalid configuration: ${a.setting} and ${b.setting} are both ${String(a.port)}: set one to another port, e.g. ${b.setting}=${String(b.port + 1)}`,
        [{ key: b.setting, message: `same port as ${a.setting}` }],
      );
  });
  for (const p of ports) await assertPortFree(p);
}

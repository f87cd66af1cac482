import { createServer } from 'node:net';

import { ConfigError } from '@trading/domain';
import { portInUse } from '@trading/platform';

/**
 * Refuse at once when `port` is taken, naming the setting that moves it, instead of after every
 * service started (the API binds last). A race after this check is still caught at listen.
 */
export async function assertPortFree(port: number, host: string, setting: string): Promise<void> {
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

import { ConfigError } from '@trading/domain';
import { expect } from 'chai';

import { loadConfig } from '../config/config.js';
import { explainStartFailure } from './start-failure.js';

const listenError = (port: number): NodeJS.ErrnoException =>
  Object.assign(new Error(`listen EADDRINUSE: address already in use 127.0.0.1:${String(port)}`), {
    code: 'EADDRINUSE',
    syscall: 'listen',
    address: '127.0.0.1',
    port,
  });

describe('explainStartFailure', () => {
  const config = loadConfig({ API_PORT: '8110', HEALTH_PORT: '9100', DATA_DIR: '/srv/trading' });

  it('names the port in use and the setting that moves it', () => {
    expect(explainStartFailure(listenError(8110), config)).to.equal(
      'port 8110 on 127.0.0.1 is already in use by another program: stop it, or set API_PORT to a free port, e.g. API_PORT=8111',
    );
    expect(explainStartFailure(listenError(9100), config)).to.include('set HEALTH_PORT');
  });

  it('names DATA_DIR for a write refused inside it, with the cause', () => {
    const err = Object.assign(new Error('EROFS'), { code: 'EROFS', path: '/srv/trading/pglite/base' });
    expect(explainStartFailure(err, config)).to.equal(
      'DATA_DIR /srv/trading cannot be written (EROFS on /srv/trading/pglite/base): fix its permissions or free space, or set DATA_DIR to another folder',
    );
  });

  it("says a refused setting's message, and leaves faults of ours (no hint) to the top-level handler", () => {
    expect(explainStartFailure(new ConfigError('unknown strategy "smaa"', []), config)).to.equal(
      'unknown strategy "smaa"',
    );
    expect(explainStartFailure(new TypeError('x is undefined'), config)).to.equal(undefined);
  });
});

import { Writable } from 'node:stream';

import { DataError } from '@trading/domain';
import { captureLogger } from '@trading/testkit';
import { expect } from 'chai';

import { Secret } from '../config/secret.js';
import { createLogger } from './logger.js';

const flush = async (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const CANARY = 'canary-7f3a9c-token';

describe('createLogger', () => {
  it('at a terminal (format pretty) writes one readable line per entry, an error with its stack, secrets masked', async () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({
      service: 'executor',
      format: 'pretty',
      stream,
      secrets: [new Secret(CANARY)],
    });
    logger.warn('order refused', { rule: 'cooldown', qty: 5 });
    logger.error('failed', { error: new Error(`broker said ${CANARY}`) });
    await flush();
    const [refused, failed] = chunks.join('').split(/\n(?=\d\d:)/);
    expect(refused).to.match(/^\d\d:\d\d:\d\d WARN {2}executor {10}order refused {2}rule=cooldown qty=5\n?$/);
    expect(failed).to.match(/^\d\d:\d\d:\d\d ERROR executor {10}failed {2}error="broker said \*+"/);
    expect(failed).to.include('logger.test.ts');
    expect(chunks.join('')).not.to.include(CANARY);
  });

  it('writes one JSON object per line with service, level, timestamp and message', async () => {
    const { logger, records } = captureLogger();
    logger.info('hello', { symbol: 'GOOG' });
    await flush();
    const [line] = records();
    expect(line).to.include({ service: 'test', level: 'info', message: 'hello', symbol: 'GOOG' });
    expect(Date.parse(String(line?.timestamp))).to.be.a('number').and.not.NaN;
  });

  it('includes the stack of an error, logged directly or as metadata, with its cause', async () => {
    const { logger, records } = captureLogger();
    logger.error(new Error('direct failure'));
    logger.error('wrapped', { error: new DataError('bad row', { cause: new RangeError('inner') }) });
    await flush();
    const [direct, wrapped] = records();
    expect(direct?.message).to.equal('direct failure');
    expect(String(direct?.stack)).to.include('logger.test.ts');
    const error = wrapped?.error as Record<string, unknown>;
    expect(error.message).to.equal('bad row');
    expect(error.code).to.equal('INVALID_DATA');
    expect(String(error.stack)).to.include('DataError');
    expect((error.cause as Record<string, unknown>).message).to.equal('inner');
  });

  it('never writes a secret: not as a Secret, not leaked into messages, errors or nested metadata', async () => {
    const secret = new Secret(CANARY);
    const { logger, lines } = captureLogger([secret]);
    logger.info('as object', { secret });
    logger.info(`leaked into message ${CANARY}`);
    logger.warn('nested', { a: { b: { c: [`x ${CANARY} y`] } } });
    logger.error('error', { error: new Error(`failed calling https://api.test/bot${CANARY}/send`) });
    logger.error(new Error(`top-level ${CANARY}`));
    logger.error('cause', { error: new Error('outer', { cause: new Error(CANARY) }) });
    logger.info('url-encoded', { url: `https://x.test/?token=${encodeURIComponent(CANARY)}` });
    await flush();
    expect(lines).to.have.length(7);
    for (const line of lines) {
      expect(line).not.to.include(CANARY);
      expect(line).not.to.include('7f3a9c');
    }
    expect(lines.join('\n')).to.include('***');
  });

  it('survives circular metadata', async () => {
    const { logger, records } = captureLogger();
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    logger.info('circular', { a });
    await flush();
    expect((records()[0]?.a as Record<string, unknown>).self).to.equal('[Circular]');
  });

  it('drops lines below its level', async () => {
    const { logger, lines } = captureLogger([], 'warn');
    logger.info('quiet');
    logger.warn('loud');
    await flush();
    expect(lines).to.have.length(1);
  });
});

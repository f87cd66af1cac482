import { captureLogger } from '@trading/testkit';
import { expect } from 'chai';

import { Secret } from '../config/secret.js';
import { createMetrics } from '../metrics/metrics.js';
import { createTopLevelHandler } from './top-level-handler.js';

describe('createTopLevelHandler', () => {
  it('logs the error with its stack, counts it as fatal and sends an alert', async () => {
    const { logger, records } = captureLogger();
    const metrics = createMetrics('svc');
    const alerts: string[] = [];
    const handle = createTopLevelHandler({
      service: 'svc',
      logger,
      metrics,
      notifier: { notify: async (text) => void alerts.push(text) },
    });
    await handle(new TypeError('cannot read x of undefined'), 'consume market.candles');
    const [record] = records();
    expect(record).to.include({
      level: 'error',
      message: 'unhandled error',
      context: 'consume market.candles',
    });
    expect(String((record?.error as Record<string, unknown>).stack)).to.include('TypeError');
    expect(await metrics.registry.metrics()).to.include('errors_total{kind="fatal",service="svc"} 1');
    expect(alerts).to.deep.equal(['🚨 svc: consume market.candles: cannot read x of undefined']);
  });

  it('logs, does not throw, when the alert itself fails', async () => {
    const { logger, records } = captureLogger([new Secret('tok-secret')]);
    const handle = createTopLevelHandler({
      service: 'svc',
      logger,
      notifier: { notify: async () => Promise.reject(new Error('telegram down at /bottok-secret/')) },
    });
    await handle(new Error('x'), 'ctx');
    const warn = records().find((r) => r.message === 'alert could not be sent');
    expect(warn).to.include({ level: 'warn' });
    expect(JSON.stringify(records())).not.to.include('tok-secret');
  });
});

import { expect } from 'chai';

import { createMetrics } from './metrics.js';

describe('createMetrics', () => {
  it('exports service_up, errors_total{kind}, processing_seconds and process defaults, labelled by service', async () => {
    const metrics = createMetrics('data-collector');
    metrics.serviceUp.set(1);
    metrics.errorsTotal.inc({ kind: 'data' });
    const text = await metrics.registry.metrics();
    expect(text).to.include('service_up{service="data-collector"} 1');
    expect(text).to.include('errors_total{kind="data",service="data-collector"} 1');
    expect(text).to.include('# TYPE processing_seconds histogram');
    expect(text).to.include('process_cpu_user_seconds_total');
    expect(text).to.include('nodejs_heap_size_used_bytes');
  });

  it('keeps registries of two services apart', async () => {
    const a = createMetrics('a');
    const b = createMetrics('b');
    a.errorsTotal.inc({ kind: 'fatal' });
    expect(await b.registry.metrics()).not.to.include('errors_total{kind="fatal"');
  });

  it('time() records one observation per call, also when the work fails', async () => {
    const metrics = createMetrics('t');
    await metrics.time('poll', async () => 1);
    await metrics.time('poll', async () => Promise.reject(new Error('x'))).catch(() => undefined);
    const hist = await metrics.processingSeconds.get();
    const count = hist.values.find(
      (v) => v.metricName === 'processing_seconds_count' && v.labels.operation === 'poll',
    );
    expect(count?.value).to.equal(2);
  });
});

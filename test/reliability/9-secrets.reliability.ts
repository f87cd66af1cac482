// The secret scan: every secret of the platform held a canary value during this suite; no log
// line, /metrics page, API answer or error message that the suite saw may contain one.
import { expect } from 'chai';

import { canaryHits, printTable, record, scanned } from './report.js';

describe('reliability: no secret in anything the platform emitted', () => {
  it('finds no canary in the log lines, /metrics pages, API answers and error messages kept by the suite', () => {
    const counts = scanned();
    const hits = canaryHits();
    printTable('Secret scan', [{ ...counts, 'canary hits': hits.length }]);
    record('secretScan', { ...counts, canaryHits: hits.length });
    expect(counts.logLines, 'log lines scanned').to.be.greaterThan(100);
    expect(counts.apiAnswers, 'API answers scanned').to.be.greaterThan(5000);
    expect(hits.slice(0, 5)).to.deep.equal([]);
  });
});

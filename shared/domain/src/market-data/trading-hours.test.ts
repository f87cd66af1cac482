import { expect } from 'chai';

import { isRegularTradingHours } from './trading-hours.js';

describe('isRegularTradingHours', () => {
  it('is 9:30 to 16:00 New York on weekdays, through daylight saving', () => {
    // Winter (UTC−5): 14:30 UTC is 9:30; summer (UTC−4): 13:30 UTC is 9:30.
    expect(isRegularTradingHours(new Date('2024-01-10T14:29:00Z'))).to.equal(false);
    expect(isRegularTradingHours(new Date('2024-01-10T14:30:00Z'))).to.equal(true);
    expect(isRegularTradingHours(new Date('2024-07-10T13:30:00Z'))).to.equal(true);
    expect(isRegularTradingHours(new Date('2024-07-10T19:59:00Z'))).to.equal(true);
    expect(isRegularTradingHours(new Date('2024-07-10T20:00:00Z'))).to.equal(false);
    expect(isRegularTradingHours(new Date('2024-07-13T15:00:00Z'))).to.equal(false);
  });
});

import type { StrategyDefinition } from '@trading/domain';

import { StrategyCatalog } from '../strategy-catalog.js';
import { macdCross } from './macd-cross.js';
import { rsiReversion } from './rsi-reversion.js';
import { smaCross } from './sma-cross.js';

/** The strategies that ship with the platform: written on the SDK, and its examples. */
export const BUILTIN_STRATEGIES: readonly StrategyDefinition<object>[] = [smaCross, rsiReversion, macdCross];

/** A catalog of the built-ins only (tests, benchmarks, and a platform without a strategies folder). */
export function builtinCatalog(): StrategyCatalog {
  return new StrategyCatalog(BUILTIN_STRATEGIES.map((definition) => ({ definition, source: 'built-in' })));
}

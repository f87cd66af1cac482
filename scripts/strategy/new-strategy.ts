// `npm run strategy:new NAME`: writes STRATEGIES_DIR/NAME.ts from a working example, never over a
// file that exists, and says how to backtest and paper-trade it.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { loadConfig } from '@trading/platform';

import { strategyTemplate } from './strategy-template.js';

const NAME = /^[a-z][a-z0-9-]{1,39}$/;

function refuse(message: string): never {
  console.error(`strategy:new: ${message}`);
  process.exit(2);
}

const name = process.argv[2];
if (!name || !NAME.test(name))
  refuse(`give a name of 2–40 lower-case letters, digits or dashes, e.g. npm run strategy:new my-breakout`);
const dir = loadConfig(process.env).strategiesDir;
const file = join(dir, `${name}.ts`);
if (existsSync(file)) refuse(`${file} exists already: pick another name or edit it`);
mkdirSync(dir, { recursive: true });
writeFileSync(file, strategyTemplate(name), { flag: 'wx' });
const shown = relative(process.cwd(), file) || file;
console.log(`wrote ${shown}
  backtest it:      npm run backtest -- --csv market-data/GOOG.csv --strategy ${name}
  paper-trade it:   STRATEGIES=${name} npm start`);

// `npm start`: prepares the platform's storage on the configured (or embedded) database and reports
// what runs where. The services that trade are wired in as they land (see the issues); until then
// this prepares the database and says so.
import { migrateLatest } from '@trading/migrations';
import { createDb, createLogger, loadConfig } from '@trading/shared';

const config = loadConfig();
const logger = createLogger({ service: 'start', level: 'warn' });
const db = createDb(config, logger);
try {
  const applied = await migrateLatest(db.knex);
  const where = db.embedded
    ? `embedded PostgreSQL (PGlite) in ${config.dataDir}`
    : 'PostgreSQL at DATABASE_URL';
  console.log(
    `database: ${where}; ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`,
  );
  console.log(`broker:   ${config.redisUrl ? 'Redis at REDIS_URL' : 'in-process (no REDIS_URL)'}`);
  console.log(
    `market:   ${config.alpacaApiKey ? `Alpaca at ${config.alpacaTradingUrl}` : 'simulated (no ALPACA_API_KEY)'}`,
  );
  console.log('services: not yet wired into `npm start`; the database is ready for them.');
} finally {
  await db.close();
}

import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';

import { ConfigError } from '@trading/domain';
import { expect } from 'chai';

import { isLoopbackHost, loadConfig, requireApiToken, secretsOf } from './config.js';
import { CONFIG_KEYS } from './config-schema.js';
import { Secret } from './secret.js';

describe('loadConfig', () => {
  it('with an empty environment gives the documented defaults', () => {
    const config = loadConfig({});
    expect(config.dbPoolSize).to.equal(20);
    expect(config.dbMaxOverflow).to.equal(10);
    expect(config.dbPoolRecycleSeconds).to.equal(3600);
    expect(config.healthPort).to.equal(8080);
    expect(config.apiPort).to.equal(8000);
    expect(config.logLevel).to.equal('info');
    expect(config.corsOrigins).to.deep.equal([]);
    expect(config.apiPublicHosts).to.deep.equal([]);
    expect(config.retryMaxRetries).to.equal(3);
    expect(config.breakerFailureThreshold).to.equal(5);
    expect(config.breakerCooldownMs).to.equal(60_000);
    expect(config.databaseUrl).to.equal(undefined);
    expect(config.alpacaTradingUrl).to.equal('https://paper-api.alpaca.markets');
  });

  it('converts numbers and splits lists', () => {
    const config = loadConfig({
      DB_POOL_SIZE: '5',
      SYMBOLS: 'AAPL,MSFT',
      CORS_ORIGINS: 'http://a.test,http://b.test',
    });
    expect(config.dbPoolSize).to.equal(5);
    expect(config.symbols).to.deep.equal(['AAPL', 'MSFT']);
    expect(config.corsOrigins).to.deep.equal(['http://a.test', 'http://b.test']);
  });

  it('parses STRATEGY_PARAMS as JSON, and refuses text that is not a JSON object naming the key', () => {
    expect(
      loadConfig({ STRATEGY_PARAMS: '{"sma-cross":{"fast":5,"slow":30}}' }).strategyParams,
    ).to.deep.equal({
      'sma-cross': { fast: 5, slow: 30 },
    });
    expect(() => loadConfig({ STRATEGY_PARAMS: '{sma-cross' })).to.throw(ConfigError, /STRATEGY_PARAMS/);
    expect(() => loadConfig({ STRATEGY_PARAMS: '[1]' })).to.throw(ConfigError, /STRATEGY_PARAMS/);
    // Unquoted keys (a shell habit) are named as not JSON, with an example, not "must be an object".
    expect(() => loadConfig({ STRATEGY_PARAMS: '{fast:5}' })).to.throw(
      ConfigError,
      /"STRATEGY_PARAMS" is not JSON \(\{fast:5\}\): quote every key/,
    );
  });

  it('wraps every secret key in Secret', () => {
    const env = Object.fromEntries(
      Object.values(CONFIG_KEYS)
        .filter((k) => 'secret' in k && k.secret)
        .map((k) => [k.env, `value-of-${k.env}`]),
    );
    const config = loadConfig(env);
    const secrets = secretsOf(config);
    expect(secrets).to.have.length(8);
    for (const s of secrets) expect(s).to.be.instanceOf(Secret);
    expect(config.apiAuthToken?.getSecretValue()).to.equal('value-of-API_AUTH_TOKEN');
  });

  const rejects: [string, Record<string, string>, string][] = [
    ['RISK_MAX_POSITION_SIZE of 0', { RISK_MAX_POSITION_SIZE: '0' }, 'RISK_MAX_POSITION_SIZE'],
    ['RISK_MAX_POSITION_SIZE negative', { RISK_MAX_POSITION_SIZE: '-5' }, 'RISK_MAX_POSITION_SIZE'],
    ['HEALTH_PORT below 1024', { HEALTH_PORT: '1023' }, 'HEALTH_PORT'],
    ['HEALTH_PORT above 65535', { HEALTH_PORT: '65536' }, 'HEALTH_PORT'],
    ['LOG_LEVEL outside the set', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['DB_POOL_SIZE not a number', { DB_POOL_SIZE: 'many' }, 'DB_POOL_SIZE'],
    ['SYMBOLS in lower case', { SYMBOLS: 'aapl' }, 'SYMBOLS'],
    ['a base URL that is not http', { ALPACA_DATA_URL: 'ftp://x' }, 'ALPACA_DATA_URL'],
  ];
  for (const [name, env, key] of rejects) {
    it(`rejects ${name}, naming ${key} and why`, () => {
      const err = (() => {
        try {
          loadConfig(env);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).to.be.instanceOf(ConfigError);
      const details = (err as ConfigError).details as { key: string; message: string }[];
      expect(details.map((d) => d.key)).to.deep.equal([key]);
      expect(details[0]?.message).to.match(/must|valid|pattern|uri/);
    });
  }

  it('accepts the business-rule boundaries', () => {
    const config = loadConfig({ HEALTH_PORT: '1024', RISK_MAX_POSITION_SIZE: '0.01' });
    expect(config.healthPort).to.equal(1024);
    expect(loadConfig({ HEALTH_PORT: '65535' }).healthPort).to.equal(65535);
  });

  it('lists every bad key at once, not only the first', () => {
    try {
      loadConfig({ HEALTH_PORT: '80', LOG_LEVEL: 'loud', RISK_MAX_POSITION_SIZE: '0' });
      expect.fail('should throw');
    } catch (err) {
      const keys = ((err as ConfigError).details as { key: string }[]).map((d) => d.key);
      expect(keys).to.have.members(['HEALTH_PORT', 'LOG_LEVEL', 'RISK_MAX_POSITION_SIZE']);
    }
  });

  it('never echoes a secret value in its error', () => {
    try {
      loadConfig({ API_AUTH_TOKEN: 'canary-secret-1', HEALTH_PORT: 'x' });
      expect.fail('should throw');
    } catch (err) {
      expect(JSON.stringify(err) + String(err)).not.to.include('canary-secret-1');
    }
  });
});

describe('Secret', () => {
  const secret = new Secret('hunter2-canary');

  it('masks itself in toString, JSON, template strings and inspect', () => {
    expect(String(secret)).to.equal('***');
    expect(secret.toString()).to.equal('***');
    expect(JSON.stringify({ secret })).to.equal('{"secret":"***"}');
    expect(inspect({ nested: { secret } }, { depth: 5 })).not.to.include('hunter2');
  });

  it('gives its value only through getSecretValue', () => {
    expect(secret.getSecretValue()).to.equal('hunter2-canary');
    expect(Object.keys(secret)).to.deep.equal([]);
  });
});

describe('loadConfig: the API without a token', () => {
  it('listens on 127.0.0.1 only, and refuses another address until API_AUTH_TOKEN is set', () => {
    expect(loadConfig({}).apiHost).to.equal('127.0.0.1');
    expect(loadConfig({ API_HOST: 'localhost' }).apiHost).to.equal('localhost');
    expect(() => loadConfig({ API_HOST: '0.0.0.0' })).to.throw(
      ConfigError,
      /API_HOST: "0.0.0.0" would let anyone/,
    );
    expect(loadConfig({ API_AUTH_TOKEN: 't' }).apiHost).to.equal('0.0.0.0');
    expect(loadConfig({ API_AUTH_TOKEN: 't', API_HOST: '10.0.0.5' }).apiHost).to.equal('10.0.0.5');
  });
});

describe('requireApiToken', () => {
  it('refuses Alpaca keys (paper or live) without API_AUTH_TOKEN, naming it; the simulation and a token pass', () => {
    const keys = { ALPACA_API_KEY: 'k', ALPACA_API_SECRET: 's' };
    expect(() => requireApiToken(loadConfig(keys))).to.throw(
      ConfigError,
      /^invalid configuration: API_AUTH_TOKEN: required when trading through Alpaca \(paper\)/,
    );
    expect(() =>
      requireApiToken(loadConfig({ ...keys, ALPACA_TRADING_URL: 'https://api.alpaca.markets' })),
    ).to.throw(ConfigError, /\(live\)/);
    expect(() => requireApiToken(loadConfig({ ...keys, SIMULATED: 'true' }))).not.to.throw();
    expect(() => requireApiToken(loadConfig({ ...keys, API_AUTH_TOKEN: 't' }))).not.to.throw();
    expect(() => requireApiToken(loadConfig({}))).not.to.throw();
  });

  it('isLoopbackHost: 127.0.0.0/8, localhost and ::1 only', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1'])
      expect(isLoopbackHost(h), h).to.equal(true);
    for (const h of ['0.0.0.0', '10.0.0.1', 'localhost.evil.test', '127.0.0.1.nip.io', '::'])
      expect(isLoopbackHost(h), h).to.equal(false);
  });
});

describe('loadConfig with <KEY>_FILE credentials', () => {
  const files: Record<string, string> = {
    '/run/secrets/database_url': 'postgres://u:p%2Fw@postgres:5432/trading\n',
    '/run/secrets/api_auth_token': 'token-from-file',
  };
  const read = (path: string) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };

  it('reads each secret from the file its _FILE key names, without the trailing newline', () => {
    const config = loadConfig(
      { DATABASE_URL_FILE: '/run/secrets/database_url', API_AUTH_TOKEN_FILE: '/run/secrets/api_auth_token' },
      read,
    );
    expect(config.databaseUrl?.getSecretValue()).to.equal('postgres://u:p%2Fw@postgres:5432/trading');
    expect(config.apiAuthToken?.getSecretValue()).to.equal('token-from-file');
    expect(secretsOf(config)).to.have.length(2);
  });

  it('with a missing file, or with both the key and its file set, fails naming the key and the path only', () => {
    const err = (() => {
      try {
        loadConfig(
          {
            REDIS_URL_FILE: '/run/secrets/nope',
            API_AUTH_TOKEN: 'x',
            API_AUTH_TOKEN_FILE: '/run/secrets/api_auth_token',
          },
          read,
        );
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(err).to.be.instanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).to.include('REDIS_URL_FILE').and.include('/run/secrets/nope').and.include('ENOENT');
    expect(message).to.include('API_AUTH_TOKEN_FILE').and.include('both set');
    expect(message).not.to.include('token-from-file');
  });

  it('leaves a _FILE key of a setting that is not a secret alone', () => {
    expect(loadConfig({ LOG_LEVEL_FILE: '/run/secrets/nope' }, read).logLevel).to.equal('info');
  });
});

describe('.env.example', () => {
  const text = readFileSync(new URL('../../../../.env.example', import.meta.url), 'utf8');

  it('lists every config key, and marks secrets as secret and the rest as config', () => {
    for (const key of Object.values(CONFIG_KEYS)) {
      const line = text.split('\n').find((l) => l.startsWith(`${key.env}=`));
      expect(line, `${key.env} missing from .env.example`).to.be.a('string');
      const expected = 'secret' in key && key.secret ? '# secret' : '# config';
      expect(line, key.env).to.include(expected);
    }
  });

  it('holds no secret value', () => {
    for (const key of Object.values(CONFIG_KEYS).filter((k) => 'secret' in k && k.secret)) {
      const line = text.split('\n').find((l) => l.startsWith(`${key.env}=`)) ?? '';
      expect(line.split('#')[0]?.trim(), key.env).to.equal(`${key.env}=`);
    }
  });
});

// The Pulumi program under Pulumi's mocks (infra/testing/declared-stack.ts): every resource it
// declares, with its inputs as the engine would receive them (secrets still wrapped) and what it
// depends on. The deploy smoke (infra/smoke/) boots this same declaration on a real Docker engine.
import { readFileSync, rmSync, statSync } from 'node:fs';

import * as pulumi from '@pulumi/pulumi';
import { expect } from 'chai';

import { DockerHost } from './src/docker-host.js';
import { SERVICES as SERVICE_LIMITS } from './src/infra-config.js';
import { Migration } from './src/migration.js';
import {
  declaredImageId,
  type DeclaredResource,
  declareStack,
  isSecretValue,
  plain,
  reveal,
} from './testing/declared-stack.js';

const SECRETS: Record<string, string> = {
  postgresPassword: 'pg-canary-pass-31/+=',
  redisPassword: 'redis-canary-pass-5150/+=',
  apiAuthToken: 'api-canary-token-77',
  alpacaApiKey: 'alpaca-canary-key-12',
  alpacaApiSecret: 'alpaca-canary-secret-90',
  finnhubApiKey: 'finnhub-canary-44',
  anthropicApiKey: 'anthropic-canary-58',
  telegramBotToken: 'telegram-canary-66',
};

/** The seven services, as the program declares them. */
const SERVICES = Object.keys(SERVICE_LIMITS);

describe('Pulumi program (infra/) under mocks', function () {
  this.timeout(60_000);
  let program: Record<string, unknown>;
  let registered: DeclaredResource[];

  before(async () => {
    ({ resources: registered, program } = await declareStack(
      {
        telegramChatId: '4242',
        serviceEnv: JSON.stringify({ SYMBOLS: 'GOOG,MSFT', LOG_LEVEL: 'info' }),
        buildNpmrc: '/home/deployer/.npmrc',
        ...SECRETS,
      },
      Object.keys(SECRETS),
    ));
  });

  const containers = () => registered.filter((r) => r.type === 'docker:index/container:Container');
  const container = (name: string) => {
    const found = containers().find((c) => c.inputs.name === name);
    if (!found) throw new Error(`no container ${name}`);
    return found;
  };
  const uploads = (name: string) =>
    (reveal(container(name).inputs.uploads) as { file: string; content: string }[] | undefined) ?? [];
  const envNames = (name: string) =>
    ((container(name).inputs.envs as string[]) ?? []).map((l) => l.split('=')[0]);

  it('declares the seven services, PostgreSQL and its backup, Redis, Prometheus and Alertmanager', () => {
    expect(
      containers()
        .map((c) => c.inputs.name)
        .sort(),
    ).to.deep.equal(
      [...SERVICES, 'postgres', 'postgres-backup', 'redis', 'prometheus', 'alertmanager'].sort(),
    );
  });

  for (const service of SERVICES) {
    it(`${service}: memory and CPU limits, both networks, non-root, unprivileged, healthcheck, restart`, () => {
      const { inputs } = container(service);
      const heavy = service === 'strategy-engine' || service === 'backtester';
      expect(inputs.memory).to.equal(heavy ? 1024 : 512);
      expect(inputs.cpus).to.equal('1.0');
      expect((inputs.networksAdvanced as { name: string }[]).map((n) => n.name).sort()).to.deep.equal([
        'trading-internal',
        'trading-monitoring',
      ]);
      expect(inputs.user).to.equal('1000:1000');
      expect(inputs.capabilities).to.deep.equal({ drops: ['ALL'] });
      const health = inputs.healthcheck as { tests: string[]; timeout: string; startPeriod: string };
      expect(health.tests[0], 'exec form, no shell').to.equal('CMD');
      expect(health.tests.join(' ')).to.include('/health');
      expect(health).to.include({ timeout: '10s', startPeriod: '60s' });
      expect(inputs.ports).to.deep.equal(
        service === 'api' ? [{ internal: 8000, external: 8000, ip: '127.0.0.1' }] : [],
      );
    });

    it(`${service}: credentials only as files in its own volume, never in its environment`, () => {
      const { inputs } = container(service);
      expect(isSecretValue(inputs.envs), 'the environment is plain: nothing secret in it').to.equal(false);
      const readable = JSON.stringify(plain(inputs));
      for (const value of Object.values(SECRETS)) expect(readable).not.to.include(value);
      expect(envNames(service)).to.include.members(['DATABASE_URL_FILE', 'REDIS_URL_FILE']);
      expect(envNames(service)).not.to.include.members(['DATABASE_URL', 'REDIS_URL', 'API_AUTH_TOKEN']);
      const files = uploads(service);
      for (const line of inputs.envs as string[]) {
        if (!line.split('=')[0]?.endsWith('_FILE')) continue;
        expect(
          files.map((f) => f.file),
          line,
        ).to.include(line.split('=')[1]);
      }
      expect((inputs.volumes as { containerPath: string }[]).map((v) => v.containerPath)).to.include(
        '/run/secrets',
      );
    });
  }

  it('gives each service only the credentials it needs', () => {
    expect(envNames('news-collector'))
      .to.include('FINNHUB_API_KEY_FILE')
      .and.not.to.include('ALPACA_API_SECRET_FILE');
    expect(envNames('backtester')).not.to.include.members(['ALPACA_API_KEY_FILE', 'API_AUTH_TOKEN_FILE']);
    expect(envNames('api')).to.include.members([
      'API_AUTH_TOKEN_FILE',
      'DATABASE_URL_FILE',
      'REDIS_URL_FILE',
      'SYMBOLS',
    ]);
    const token = uploads('api').find((u) => u.file === '/run/secrets/api_auth_token');
    expect(token?.content).to.equal(SECRETS.apiAuthToken);
    const redisUrl = new URL(uploads('api').find((u) => u.file === '/run/secrets/redis_url')?.content ?? '');
    expect([redisUrl.username, decodeURIComponent(redisUrl.password)]).to.deep.equal([
      'trading',
      SECRETS.redisPassword,
    ]);
  });

  it('every container: log rotation, restarted unless stopped, read-only root, no privilege escalation', () => {
    for (const c of containers()) {
      const name = String(c.inputs.name);
      expect(c.inputs.logDriver, name).to.equal('json-file');
      expect(c.inputs.logOpts, name).to.deep.equal({ 'max-size': '10m', 'max-file': '3' });
      expect(c.inputs.restart, name).to.equal('unless-stopped');
      expect(c.inputs.readOnly, name).to.equal(true);
      expect(c.inputs.securityOpts, name).to.deep.equal(['no-new-privileges:true']);
      expect((c.inputs.capabilities as { drops: string[] }).drops, name).to.deep.equal(['ALL']);
      expect(c.inputs.privileged ?? false, name).to.equal(false);
    }
    for (const service of SERVICES) {
      // `docker stop` and a reboot use stopTimeout; destroyGraceSeconds only applies to a destroy.
      expect(container(service).inputs.stopTimeout, service).to.be.greaterThan(30);
    }
  });

  it('every long-running container but the backup job has a healthcheck without a shell', () => {
    for (const c of containers().filter((x) => x.inputs.name !== 'postgres-backup')) {
      const tests = (reveal(c.inputs.healthcheck) as { tests: string[] } | undefined)?.tests;
      expect(tests?.[0], String(c.inputs.name)).to.equal('CMD');
    }
  });

  it('Redis: a password, only PING without one, capped at 400 MB with noeviction; its config only as a secret file', () => {
    const redis = container('redis').inputs;
    expect(redis.command).to.deep.equal(['redis-server', '/usr/local/etc/redis/redis.conf']);
    expect(isSecretValue(redis.uploads) || (redis.uploads as unknown[]).some(isSecretValue)).to.equal(true);
    const conf = uploads('redis').find((u) => u.file.endsWith('redis.conf'))?.content ?? '';
    expect(conf).to.include('maxmemory 400mb').and.include('maxmemory-policy noeviction');
    expect(conf).to.include('user default on nopass -@all +ping');
    expect(conf).to.include(`user trading on >${SECRETS.redisPassword} ~* &* +@all`);
    expect(JSON.stringify(plain(redis))).not.to.include(SECRETS.redisPassword);
  });

  it('PostgreSQL: user and password as *_FILE, data on a volume, and a backup job with its own volume', () => {
    const pg = container('postgres').inputs;
    expect(pg.envs).to.deep.equal([
      'POSTGRES_USER_FILE=/run/secrets/postgres_user',
      'POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password',
      'POSTGRES_DB=trading',
    ]);
    expect(uploads('postgres').find((u) => u.file === '/run/secrets/postgres_password')?.content).to.equal(
      SECRETS.postgresPassword,
    );
    expect((pg.volumes as { volumeName?: string }[]).map((v) => v.volumeName)).to.include('postgres-data');
    const backup = container('postgres-backup').inputs;
    expect((backup.volumes as { volumeName?: string; containerPath: string }[])[0]).to.deep.equal({
      volumeName: 'postgres-backups',
      containerPath: '/backups',
    });
    expect(backup.envs).to.include.members([
      'BACKUP_INTERVAL_HOURS=24',
      'BACKUP_KEEP_DAYS=7',
      'PGHOST=postgres',
    ]);
    const script = uploads('postgres-backup').find((u) => u.file === '/etc/backup/backup.sh')?.content ?? '';
    expect(script).to.include('pg_dump --format=custom');
    expect(JSON.stringify(plain(backup))).not.to.include(SECRETS.postgresPassword);
  });

  it('the internal network is internal; published ports bind 127.0.0.1 unless publishAddress says otherwise', () => {
    const internal = registered.find(
      (r) => r.type === 'docker:index/network:Network' && String(r.inputs.name).endsWith('-internal'),
    );
    expect(internal?.inputs.internal).to.equal(true);
    const ports = container('api').inputs.ports as { ip?: string; external: number }[];
    expect(ports).to.have.length(1);
    expect(ports[0]).to.include({ ip: '127.0.0.1', external: 8000 });
    for (const name of ['postgres', 'redis'])
      expect(container(name).inputs.ports ?? [], name).to.deep.equal([]);
  });

  it('runs the migration before any service, after PostgreSQL, with the database URL on its stdin only', () => {
    for (const service of SERVICES) {
      const deps = registered.find((r) => r.inputs.name === service)?.dependsOn ?? [];
      expect(deps, service).to.include('command:local:Command::migrate');
    }
    const migrate = registered.find((r) => r.type === 'command:local:Command' && r.name === 'migrate');
    expect(migrate?.dependsOn).to.include('docker:index/container:Container::postgres');
    expect(String(migrate?.inputs.create))
      .to.include('-e DATABASE_URL_FILE=/dev/stdin')
      .and.include('--read-only');
    expect(String(migrate?.inputs.create)).to.include('migrations/dist/cli.js latest');
    expect(isSecretValue(migrate?.inputs.stdin)).to.equal(true);
    expect(String(reveal(migrate?.inputs.stdin))).to.match(
      /^postgres:\/\/trading:pg-canary-pass-31%2F%2B%3D@postgres:5432\/trading\n$/,
    );
    expect(JSON.stringify(plain(migrate?.inputs))).not.to.include('pg-canary');
  });

  it('builds each service image with BuildKit secrets, tagged and triggered by the hash of its sources; containers run it by id', () => {
    const built = registered.filter(
      (r) => r.type === 'docker:index/remoteImage:RemoteImage' && r.inputs.build !== undefined,
    );
    expect(
      built.map((i) => (i.inputs.build as { buildArgs: { SERVICE: string } }).buildArgs.SERVICE).sort(),
    ).to.deep.equal([...SERVICES].sort());
    for (const image of built) {
      const service = (image.inputs.build as { buildArgs: { SERVICE: string } }).buildArgs.SERVICE;
      const hash = (image.inputs.triggers as { sources: string }).sources;
      expect(hash).to.match(/^[0-9a-f]{64}$/);
      expect(image.inputs.name).to.equal(`trading-platform/${service}:${hash.slice(0, 12)}`);
      expect(image.inputs.keepLocally, 'old versions stay for a rollback').to.equal(true);
      const build = image.inputs.build as { platform?: string; secrets: { id: string; src: string }[] };
      expect(build.platform).to.equal(undefined);
      expect(build.secrets).to.deep.equal([{ id: 'npmrc', src: '/home/deployer/.npmrc' }]);
      expect(container(service).inputs.image).to.equal(declaredImageId(image.name));
    }
  });

  it('pins every image it pulls by digest, and runs it by that digest', () => {
    const pulled = registered.filter(
      (r) => r.type === 'docker:index/remoteImage:RemoteImage' && r.inputs.build === undefined,
    );
    expect(pulled).to.have.length(4);
    for (const image of pulled) expect(image.inputs.name).to.match(/^[a-z/]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
    for (const name of ['postgres', 'postgres-backup', 'redis', 'prometheus', 'alertmanager']) {
      expect(container(name).inputs.image, name).to.match(/@sha256:[0-9a-f]{64}$/);
    }
  });

  it('Prometheus and Alertmanager: monitoring network, data volumes; Alertmanager’s config and token as files', () => {
    const am = container('alertmanager').inputs;
    expect(am.command).to.deep.include('--config.file=/etc/alertmanager/secrets/alertmanager.yml');
    const files = uploads('alertmanager');
    expect(files.map((u) => u.file)).to.include('/etc/alertmanager/secrets/telegram_bot_token');
    expect(JSON.stringify(plain(am))).not.to.include(SECRETS.telegramBotToken);
    expect(files.find((u) => u.file.endsWith('alertmanager.yml'))?.content).to.include('chat_id: 4242');
    expect((am.volumes as { volumeName?: string }[]).map((v) => v.volumeName)).to.include(
      'alertmanager-data',
    );
    const prom = container('prometheus').inputs;
    expect((prom.networksAdvanced as { name: string }[])[0]?.name).to.equal('trading-monitoring');
    expect((prom.volumes as { volumeName?: string }[]).map((v) => v.volumeName)).to.include(
      'prometheus-data',
    );
  });

  it('over SSH: the Docker provider uses the stack’s key (no agent), the migration runs on the host with it', async () => {
    const before = registered.length;
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nsmoke-canary-key\n-----END OPENSSH PRIVATE KEY-----';
    const host = new DockerHost('remote', {
      dockerHost: 'ssh://deploy@203.0.113.7:2222',
      sshPrivateKey: pulumi.secret(key),
      hostDir: '/opt/trading-platform',
      monitoringDir: new URL('../monitoring/', import.meta.url),
    });
    new Migration('remote-migrate', {
      image: 'sha256:abc',
      trigger: 'sha256:abc',
      network: 'trading-internal',
      databaseUrl: 'postgres://u:p@postgres:5432/trading',
      ssh: host.ssh,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const added = registered.slice(before);
    const provider = added.find((r) => r.type === 'pulumi:providers:docker');
    // A provider's inputs reach the engine JSON-encoded.
    const sshOpts = JSON.parse(String(reveal(provider?.inputs.sshOpts))) as string[];
    const keyFile = sshOpts[sshOpts.indexOf('-i') + 1] ?? '';
    try {
      expect(sshOpts).to.include('IdentitiesOnly=yes');
      expect(readFileSync(keyFile, 'utf8')).to.include('smoke-canary-key');
      expect(statSync(keyFile).mode & 0o777).to.equal(0o600);
    } finally {
      rmSync(keyFile, { force: true });
    }
    const migrate = added.find((r) => r.type === 'command:remote:Command' && r.name === 'remote-migrate');
    expect(reveal(migrate?.inputs.connection)).to.deep.include({
      host: '203.0.113.7',
      port: 2222,
      user: 'deploy',
    });
    expect(JSON.stringify(plain(migrate?.inputs))).not.to.include('smoke-canary-key');
  });

  it('the memory the README says the host needs is the sum of the declared limits', () => {
    const mb = containers().reduce((sum, c) => sum + Number(c.inputs.memory ?? 0), 0);
    const readme = readFileSync(new URL('README.md', import.meta.url), 'utf8');
    expect(readme).to.include(`${(mb / 1024).toFixed(1)} GB of memory for the containers' limits summed`);
  });

  it('exports the API URL, every health URL, the monitoring URLs, the image ids and tags', async () => {
    const value = async <T>(o: unknown): Promise<T> =>
      pulumi.Output.isInstance(o) ? new Promise<T>((resolve) => o.apply((v) => resolve(v as T))) : (o as T);
    expect(program.apiUrl).to.equal('http://localhost:8000');
    const health = program.healthUrls as Record<string, string>;
    expect(Object.keys(health).sort()).to.deep.equal([...SERVICES].sort());
    expect(health.api).to.equal('http://localhost:8000/health');
    expect(health['order-executor']).to.equal('http://order-executor:8080/health');
    expect(program.prometheusUrl).to.match(/^http:\/\/prometheus:9090/);
    const digests = program.imageDigests as Record<string, unknown>;
    for (const service of SERVICES)
      expect(await value<string>(digests[service]), service).to.match(/^declared-image:/);
    expect((program.imageTags as Record<string, string>).api).to.match(
      /^trading-platform\/api:[0-9a-f]{12}$/,
    );
  });
});

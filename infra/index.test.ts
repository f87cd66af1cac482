// The Pulumi program under Pulumi's mocks: the program is imported after the mocks are set, every
// resource it registers is recorded (inputs as the engine would receive them, secrets still
// wrapped), and the options each got are captured by a stack transformation.
import * as pulumi from '@pulumi/pulumi';
import { MockMonitor } from '@pulumi/pulumi/runtime/mocks.js';
import { expect } from 'chai';

const SECRETS: Record<string, string> = {
  postgresPassword: 'pg-canary-pass-31',
  apiAuthToken: 'api-canary-token-77',
  alpacaApiKey: 'alpaca-canary-key-12',
  alpacaApiSecret: 'alpaca-canary-secret-90',
  finnhubApiKey: 'finnhub-canary-44',
  anthropicApiKey: 'anthropic-canary-58',
  telegramBotToken: 'telegram-canary-66',
};
const SECRET_SIG = '4dabf18193072939515e22adb298388d';

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];
/** Dependencies (URNs) each resource was registered with, by `type::name`. */
const dependencies = new Map<string, string[]>();

// The mocks' monitor sees each registration request with its dependencies; record them.
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
}
const register = MockMonitor.prototype.registerResource as (
  req: RegisterRequest,
  cb: unknown,
) => Promise<void>;
MockMonitor.prototype.registerResource = async function (
  this: MockMonitor,
  req: RegisterRequest,
  cb: unknown,
) {
  dependencies.set(`${req.getType()}::${req.getName()}`, req.getDependenciesList());
  return register.call(this, req, cb);
};

/** The inputs with every secret replaced by a marker: what would be readable in plain text. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (SECRET_SIG in obj) return '[secret]';
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

const isSecretValue = (v: unknown): boolean => Boolean(v && typeof v === 'object' && SECRET_SIG in v);

describe('Pulumi program (infra/) under mocks', function () {
  this.timeout(60_000);
  let program: typeof import('./index.js');

  before(async () => {
    pulumi.runtime.setAllConfig(
      {
        'trading-platform:telegramChatId': '4242',
        'trading-platform:serviceEnv': JSON.stringify({ SYMBOLS: 'GOOG,MSFT', LOG_LEVEL: 'info' }),
        ...Object.fromEntries(Object.entries(SECRETS).map(([k, v]) => [`trading-platform:${k}`, v])),
      },
      Object.keys(SECRETS).map((k) => `trading-platform:${k}`),
    );
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          registered.push({
            type: args.type,
            name: args.name,
            inputs: args.inputs as Record<string, unknown>,
          });
          const state: Record<string, unknown> = { ...args.inputs };
          if (args.type === 'docker:index/remoteImage:RemoteImage') state.imageId = `sha256:${args.name}`;
          return { id: `${args.name}-id`, state };
        },
        call: (args) => args.inputs as Record<string, unknown>,
      },
      'trading-platform',
      'test',
      false,
    );
    program = await import('./index.js');
    // Let every registration settle.
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

  const SERVICES = [
    'data-collector',
    'news-collector',
    'strategy-engine',
    'order-executor',
    'portfolio-manager',
    'backtester',
    'api',
  ];
  const containers = () => registered.filter((r) => r.type === 'docker:index/container:Container');
  const serviceContainer = (service: string) => {
    const found = containers().find((c) => c.inputs.name === service);
    if (!found) throw new Error(`no container ${service}`);
    return found;
  };

  it('declares the seven services, PostgreSQL, Redis, Prometheus and Alertmanager as containers', () => {
    expect(
      containers()
        .map((c) => c.inputs.name)
        .sort(),
    ).to.deep.equal([...SERVICES, 'postgres', 'redis', 'prometheus', 'alertmanager'].sort());
  });

  for (const service of SERVICES) {
    it(`${service}: memory and CPU limits, both networks, non-root, unprivileged, healthcheck, restart`, () => {
      const { inputs } = serviceContainer(service);
      const heavy = service === 'strategy-engine' || service === 'backtester';
      expect(inputs.memory).to.equal(heavy ? 1024 : 512);
      expect(inputs.cpus).to.equal('1.0');
      expect((inputs.networksAdvanced as { name: string }[]).map((n) => n.name).sort()).to.deep.equal([
        'trading-internal',
        'trading-monitoring',
      ]);
      expect(inputs.privileged).to.equal(false);
      expect(inputs.user).to.equal('1000:1000');
      expect(inputs.capabilities).to.deep.equal({ drops: ['ALL'] });
      expect(inputs.restart).to.equal('unless-stopped');
      expect((inputs.healthcheck as { tests: string[] }).tests.join(' ')).to.include('/health');
      expect(inputs.ports).to.deep.equal(
        service === 'api' ? [{ internal: 8000, external: 8000, ip: '127.0.0.1' }] : [],
      );
    });

    it(`${service}: its environment is a secret, and no credential is readable anywhere in its inputs`, () => {
      const { inputs } = serviceContainer(service);
      expect(isSecretValue(inputs.envs)).to.equal(true);
      const readable = JSON.stringify(plain(inputs));
      for (const value of Object.values(SECRETS)) expect(readable).not.to.include(value);
    });
  }

  it('gives each service only the credentials it needs', () => {
    const env = (service: string) =>
      ((serviceContainer(service).inputs.envs as { value: string[] }).value ?? []).map(
        (l) => l.split('=')[0],
      );
    expect(env('news-collector')).to.include('FINNHUB_API_KEY').and.not.to.include('ALPACA_API_SECRET');
    expect(env('backtester')).not.to.include.members(['ALPACA_API_KEY', 'API_AUTH_TOKEN']);
    expect(env('api')).to.include.members(['API_AUTH_TOKEN', 'DATABASE_URL', 'REDIS_URL', 'SYMBOLS']);
  });

  it('rotates every container’s logs, gives every service longer than the API’s drain to stop, caps Redis', () => {
    for (const c of containers()) {
      expect(c.inputs.logDriver, String(c.inputs.name)).to.equal('json-file');
      expect(c.inputs.logOpts, String(c.inputs.name)).to.deep.equal({ 'max-size': '10m', 'max-file': '3' });
    }
    for (const service of SERVICES) {
      // `docker stop` and a reboot use stopTimeout; destroyGraceSeconds only applies to a destroy.
      expect(serviceContainer(service).inputs.stopTimeout, service).to.be.greaterThan(30);
    }
    const redis = serviceContainer('redis').inputs.command as string[];
    expect(redis.join(' ')).to.include('--maxmemory 400mb --maxmemory-policy noeviction');
    const internal = registered.find(
      (r) => r.type === 'docker:index/network:Network' && String(r.inputs.name).endsWith('-internal'),
    );
    expect(internal?.inputs.internal).to.equal(true);
  });

  it('binds the published API port to 127.0.0.1 unless publishAddress says otherwise', () => {
    const ports = serviceContainer('api').inputs.ports as { ip?: string; external: number }[];
    expect(ports).to.have.length(1);
    expect(ports[0]).to.include({ ip: '127.0.0.1', external: 8000 });
  });

  it('runs the migration before any service: every service container depends on it', () => {
    for (const service of SERVICES) {
      const deps = dependencies.get(`docker:index/container:Container::${service}`) ?? [];
      expect(
        deps.some((urn) => urn.endsWith('::migrate')),
        `${service}: ${deps.join(', ')}`,
      ).to.equal(true);
    }
    // The command itself waits for PostgreSQL (the component's dependencies reach its child).
    const migrateDeps = dependencies.get('command:local:Command::migrate') ?? [];
    expect(
      migrateDeps.some((urn) => urn.includes('Postgres')),
      migrateDeps.join(', '),
    ).to.equal(true);
    const migrate = registered.find((r) => r.type === 'command:local:Command');
    expect(String(migrate?.inputs.create)).to.include('migrations/dist/cli.js latest');
    const environment = migrate?.inputs.environment as Record<string, unknown>;
    expect(isSecretValue(environment) || isSecretValue(environment.DATABASE_URL)).to.equal(true);
    expect(JSON.stringify(plain(migrate?.inputs))).not.to.include(SECRETS.postgresPassword);
  });

  it('publishes neither PostgreSQL nor Redis, keeps them on the internal network with volumes and healthchecks', () => {
    for (const name of ['postgres', 'redis']) {
      const { inputs } = serviceContainer(name);
      expect(inputs.ports ?? [], name).to.deep.equal([]);
      expect((inputs.networksAdvanced as { name: string }[]).map((n) => n.name)).to.deep.equal([
        'trading-internal',
      ]);
      expect(inputs.volumes, name).to.have.length(1);
      expect(inputs.healthcheck, name).to.have.property('tests');
    }
    expect(isSecretValue(serviceContainer('postgres').inputs.envs)).to.equal(true);
  });

  it('puts Prometheus and Alertmanager on the monitoring network; the Telegram token only as a secret upload', () => {
    const am = serviceContainer('alertmanager').inputs;
    // One secret upload makes the whole list a secret in the state.
    expect(isSecretValue(am.uploads)).to.equal(true);
    const uploads = (am.uploads as { value: { file: string; content: unknown }[] }).value;
    expect(uploads.map((u) => u.file)).to.include('/etc/alertmanager/secrets/telegram_bot_token');
    expect(JSON.stringify(plain(am))).not.to.include(SECRETS.telegramBotToken);
    expect(String(uploads.find((u) => u.file.endsWith('alertmanager.yml'))?.content)).to.include(
      'chat_id: 4242',
    );
    expect((serviceContainer('prometheus').inputs.networksAdvanced as { name: string }[])[0]?.name).to.equal(
      'trading-monitoring',
    );
  });

  it('builds each service image from the Dockerfile with its SERVICE build argument, never pushed', () => {
    const images = registered.filter((r) => r.type === 'docker:index/image:Image');
    expect(
      images.map((i) => (i.inputs.build as { args: { SERVICE: string } }).args.SERVICE).sort(),
    ).to.deep.equal([...SERVICES].sort());
    for (const i of images) {
      expect(i.inputs.skipPush).to.equal(true);
      // The engine's own architecture: nothing forces linux/amd64 on an arm64 host.
      expect((i.inputs.build as { platform?: string }).platform).to.equal(undefined);
    }
  });

  it('exports the API URL, every health URL, the Prometheus and Alertmanager URLs and the image digests', async () => {
    const value = async <T>(o: unknown): Promise<T> =>
      pulumi.Output.isInstance(o) ? new Promise<T>((resolve) => o.apply((v) => resolve(v as T))) : (o as T);
    expect(program.apiUrl).to.equal('http://localhost:8000');
    const health = program.healthUrls as Record<string, string>;
    expect(Object.keys(health).sort()).to.deep.equal([...SERVICES].sort());
    expect(health.api).to.equal('http://localhost:8000/health');
    expect(health['order-executor']).to.equal('http://order-executor:8080/health');
    expect(program.prometheusUrl).to.match(/^http:\/\/prometheus:9090/);
    expect(program.alertmanagerUrl).to.match(/^http:\/\/alertmanager:9093/);
    const digests = program.imageDigests as Record<string, unknown>;
    for (const service of SERVICES)
      expect(await value<string>(digests[service]), service).to.match(/^sha256:/);
  });
});

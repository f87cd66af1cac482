// The Docker provider's container arguments (as the Pulumi program declares them) in the Docker
// Engine API's terms, as the provider itself sends them: the smoke creates exactly what `pulumi up`
// would, so a wrong declaration fails here as it would there.
import type Docker from 'dockerode';

/** A declared file upload (`uploads`). */
export interface Upload {
  file: string;
  content: string;
  executable?: boolean;
}

/** The declared container inputs the smoke reads (secrets already revealed). */
export interface DeclaredContainer {
  name: string;
  image: string;
  envs?: string[];
  command?: string[];
  entrypoints?: string[];
  user?: string;
  volumes?: { volumeName?: string; hostPath?: string; containerPath: string; readOnly?: boolean }[];
  uploads?: Upload[];
  ports?: { internal: number; external?: number; ip?: string; protocol?: string }[];
  networksAdvanced?: { name: string; aliases?: string[] }[];
  healthcheck?: {
    tests: string[];
    interval?: string;
    timeout?: string;
    retries?: number;
    startPeriod?: string;
  };
  restart?: string;
  memory?: number;
  memorySwap?: number;
  cpus?: string;
  capabilities?: { drops?: string[]; adds?: string[] };
  securityOpts?: string[];
  readOnly?: boolean;
  tmpfs?: Record<string, string>;
  init?: boolean;
  privileged?: boolean;
  logDriver?: string;
  logOpts?: Record<string, string>;
  stopTimeout?: number;
  wait?: boolean;
  waitTimeout?: number;
}

const UNITS: Record<string, number> = { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** `30s`, `1m30s`, `500ms` → nanoseconds, as Docker's API takes durations. */
export function durationNs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  let total = 0;
  let rest = text;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 0);
    rest = rest.replace(match[0], '');
  }
  if (rest !== '') throw new Error(`not a duration: ${text}`);
  return total;
}

const MB = 1024 * 1024;

/**
 * The create options of a declared container: the first network at creation (the Engine API takes
 * one), the others connected before it starts. `image` is the image to run, already resolved.
 */
export function createOptions(c: DeclaredContainer, image: string): Docker.ContainerCreateOptions {
  const [first] = c.networksAdvanced ?? [];
  const ports = c.ports ?? [];
  return {
    name: c.name,
    Image: image,
    Env: c.envs,
    Cmd: c.command,
    Entrypoint: c.entrypoints,
    User: c.user,
    StopTimeout: c.stopTimeout,
    ExposedPorts: Object.fromEntries(ports.map((p) => [`${String(p.internal)}/${p.protocol ?? 'tcp'}`, {}])),
    Healthcheck: c.healthcheck && {
      Test: c.healthcheck.tests,
      Interval: durationNs(c.healthcheck.interval),
      Timeout: durationNs(c.healthcheck.timeout),
      Retries: c.healthcheck.retries,
      StartPeriod: durationNs(c.healthcheck.startPeriod),
    },
    HostConfig: {
      Binds: (c.volumes ?? []).map(
        (v) => `${v.volumeName ?? v.hostPath ?? ''}:${v.containerPath}${v.readOnly ? ':ro' : ''}`,
      ),
      PortBindings: Object.fromEntries(
        ports.map((p) => [
          `${String(p.internal)}/${p.protocol ?? 'tcp'}`,
          [{ HostIp: p.ip ?? '0.0.0.0', HostPort: String(p.external ?? p.internal) }],
        ]),
      ),
      RestartPolicy: { Name: c.restart ?? 'no' },
      Memory: c.memory === undefined ? undefined : c.memory * MB,
      MemorySwap: c.memorySwap === undefined ? undefined : c.memorySwap * MB,
      NanoCpus: c.cpus === undefined ? undefined : Math.round(Number(c.cpus) * 1e9),
      CapDrop: c.capabilities?.drops,
      CapAdd: c.capabilities?.adds,
      SecurityOpt: c.securityOpts,
      ReadonlyRootfs: c.readOnly ?? false,
      Tmpfs: c.tmpfs,
      Init: c.init,
      Privileged: c.privileged ?? false,
      LogConfig: c.logDriver ? { Type: c.logDriver, Config: c.logOpts ?? {} } : undefined,
      NetworkMode: first?.name,
    },
    NetworkingConfig: first
      ? { EndpointsConfig: { [first.name]: { Aliases: first.aliases ?? [] } } }
      : undefined,
  };
}

/** A ustar archive of one file, as Docker's archive endpoint takes an upload. */
export function tarOf(name: string, content: string, mode: number): Buffer {
  const body = Buffer.from(content, 'utf8');
  const header = Buffer.alloc(512);
  const field = (value: string, offset: number, length: number) =>
    header.write(value, offset, length, 'ascii');
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0');
  field(name, 0, 100);
  field(octal(mode, 8), 100, 8);
  field(octal(0, 8), 108, 8);
  field(octal(0, 8), 116, 8);
  field(octal(body.length, 12), 124, 12);
  field(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
  field('        ', 148, 8);
  field('0', 156, 1);
  field('ustar\u000000', 257, 8);
  const sum = header.reduce((acc, byte) => acc + byte, 0);
  field(`${octal(sum, 7)}\u0000`, 148, 8);
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, padding, Buffer.alloc(1024)]);
}

// The Pulumi program run under Pulumi's mocks, recording what it declares: every resource with its
// inputs (as the engine would receive them, secrets still wrapped) and the resources it depends on.
// The mock tests read it, and the deploy smoke creates exactly this on a real Docker engine.
import * as pulumi from '@pulumi/pulumi';
import { MockMonitor } from '@pulumi/pulumi/runtime/mocks.js';

/** The marker of a secret value in the inputs the engine receives. */
export const SECRET_SIG = '4dabf18193072939515e22adb298388d';

/** One declared resource. */
export interface DeclaredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** What it was registered as depending on, as `type::name`. */
  dependsOn: string[];
}

/** The id a mock RemoteImage reports: the smoke maps it to the image it builds or pulls. */
export const declaredImageId = (resourceName: string): string => `declared-image:${resourceName}`;

/** Whether a value is a wrapped secret. */
export const isSecretValue = (v: unknown): boolean => Boolean(v && typeof v === 'object' && SECRET_SIG in v);

/** The inputs with every secret unwrapped: what the engine would be given. */
export function reveal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reveal);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (SECRET_SIG in obj) return reveal(obj.value);
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

/** The inputs with every secret replaced by a marker: what would be readable in plain text. */
export function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (SECRET_SIG in obj) return '[secret]';
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** `urn:pulumi:stack::project::parent$type::name` → `type::name`. */
function keyOfUrn(urn: string): string {
  const parts = urn.split('::');
  const name = parts.at(-1) ?? '';
  const type = (parts.at(-2) ?? '').split('$').at(-1) ?? '';
  return `${type}::${name}`;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
}

/**
 * Run the program in `infra/index.ts` under mocks with this stack configuration (`key` → value,
 * without the project prefix) and return what it declared and its exports. Once per process: the
 * program is an ES module, imported once.
 */
export async function declareStack(
  config: Record<string, string>,
  secretKeys: readonly string[],
): Promise<{ resources: DeclaredResource[]; program: Record<string, unknown> }> {
  const resources: DeclaredResource[] = [];
  const dependencies = new Map<string, string[]>();
  const register = MockMonitor.prototype.registerResource as (
    req: RegisterRequest,
    cb: unknown,
  ) => Promise<void>;
  MockMonitor.prototype.registerResource = async function (
    this: MockMonitor,
    req: RegisterRequest,
    cb: unknown,
  ) {
    dependencies.set(`${req.getType()}::${req.getName()}`, req.getDependenciesList().map(keyOfUrn));
    return register.call(this, req, cb);
  };
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([k, v]) => [`trading-platform:${k}`, v])),
    secretKeys.map((k) => `trading-platform:${k}`),
  );
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = args.inputs as Record<string, unknown>;
        resources.push({ type: args.type, name: args.name, inputs, dependsOn: [] });
        const state: Record<string, unknown> = { ...inputs };
        if (args.type === 'docker:index/remoteImage:RemoteImage') {
          state.imageId = declaredImageId(args.name);
          state.repoDigest = inputs.name;
        }
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    'trading-platform',
    'smoke',
    false,
  );
  const program = (await import('../index.js')) as Record<string, unknown>;
  // Let every registration settle: wait until none has come for 200 ms.
  for (let seen = -1; seen !== resources.length;) {
    seen = resources.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  for (const r of resources) r.dependsOn = dependencies.get(`${r.type}::${r.name}`) ?? [];
  return { resources, program };
}

// Creates on a real engine what the Pulumi program declares, as the Docker and Command providers
// would: images built from the Dockerfile (BuildKit, its secrets), networks, volumes, then the
// containers and commands in dependency order, each wave in parallel, a container declared with
// `wait` awaited healthy before what depends on it starts.
import { join } from 'node:path';

import type Docker from 'dockerode';

import { type DeclaredResource, reveal } from '../testing/declared-stack.js';
import type { BaseImage } from './base-images.js';
import { createOptions, type DeclaredContainer, tarOf } from './container-spec.js';
import { type Engine, sh } from './engine.js';

/** The label on everything the smoke makes, so it can remove it all (and a previous run's leftovers). */
export const SMOKE_LABEL = { 'trading-platform.smoke': '1' };

const CONTAINER = 'docker:index/container:Container';
const COMMAND = 'command:local:Command';
const IMAGE = 'docker:index/remoteImage:RemoteImage';

/** A built service image. */
export interface BuiltImage {
  resource: string;
  name: string;
  id: string;
  sizeBytes: number;
}

/** A declared image build (`RemoteImage.build`). */
export interface DeclaredBuild {
  context: string;
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  secrets?: { id: string; src?: string }[];
  label?: Record<string, string>;
}

/** Build one image as the declared build says (BuildKit, its build arguments, secrets and labels). */
export async function buildImage(
  engine: Engine,
  name: string,
  b: DeclaredBuild,
): Promise<Omit<BuiltImage, 'resource'>> {
  await sh(
    [
      ...engine.build.argv,
      '--progress=plain',
      '-t',
      name,
      '-f',
      join(b.context, b.dockerfile ?? 'Dockerfile'),
      ...Object.entries(b.buildArgs ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
      ...(b.secrets ?? []).flatMap((s) => ['--secret', `id=${s.id},src=${s.src ?? ''}`]),
      ...Object.entries(b.label ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      b.context,
    ],
    { env: engine.build.env },
  );
  const info = await engine.docker.getImage(name).inspect();
  return { name, id: info.Id, sizeBytes: info.Size };
}

/** Build every declared image that has a `build`, the first alone (it fills the shared stage), then two at a time. */
export async function buildImages(
  engine: Engine,
  resources: DeclaredResource[],
  log: (l: string) => void,
): Promise<Map<string, BuiltImage>> {
  const declared = resources.filter((r) => r.type === IMAGE && r.inputs.build !== undefined);
  const built = new Map<string, BuiltImage>();
  const buildOne = async (r: DeclaredResource) => {
    const name = String(r.inputs.name);
    const started = Date.now();
    const image = await buildImage(engine, name, reveal(r.inputs.build) as DeclaredBuild);
    built.set(r.name, { ...image, resource: r.name });
    log(`built ${name} in ${String(Math.round((Date.now() - started) / 1000))} s`);
  };
  const [first, ...rest] = declared;
  if (first) await buildOne(first);
  for (let i = 0; i < rest.length; i += 2) await Promise.all(rest.slice(i, i + 2).map(buildOne));
  return built;
}

/** What the boot made, for the checks and the clean-up. */
export interface Booted {
  containers: Map<string, { spec: DeclaredContainer; container: Docker.Container }>;
  /** The image each container runs, resolved (by id or by the base image's reference). */
  imageOf: (declared: string) => string;
}

/** Why a container is not healthy: its last healthcheck output and its last log lines. */
export async function diagnose(docker: Docker, name: string): Promise<string> {
  const container = docker.getContainer(name);
  const { State } = await container.inspect();
  const probe = State.Health?.Log.at(-1);
  const logs = (await container.logs({ stdout: true, stderr: true, follow: false, tail: 15 })).toString();
  return [
    `${name}: ${State.Status}, health ${String(State.Health?.Status)}, exit ${String(State.ExitCode)}, OOM ${String(State.OOMKilled)}`,
    probe ? `last healthcheck: exit ${String(probe.ExitCode)} ${probe.Output.trim()}` : 'no healthcheck run',
    // Docker frames each log line with an 8-byte header; keep the printable text.
    `last log lines:\n${logs
      .split('')
      .filter((ch) => ch >= ' ' || ch === '\n')
      .join('')}`,
  ].join('\n');
}

async function waitReady(docker: Docker, spec: DeclaredContainer): Promise<void> {
  const deadline = Date.now() + (spec.waitTimeout ?? 60) * 1000;
  for (;;) {
    const state = (await docker.getContainer(spec.name).inspect()).State;
    const health = state.Health?.Status;
    if (state.Running && (health === undefined || health === 'healthy')) return;
    if (health === 'unhealthy' || state.Restarting || (!state.Running && state.Status !== 'created')) {
      throw new Error(`${spec.name} did not become healthy:\n${await diagnose(docker, spec.name)}`);
    }
    if (Date.now() > deadline)
      throw new Error(`${spec.name} not healthy within ${String(spec.waitTimeout)} s`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Create, fill (uploads), connect and start one declared container. */
export async function startContainer(
  docker: Docker,
  spec: DeclaredContainer,
  image: string,
): Promise<Docker.Container> {
  const options = createOptions(spec, image);
  const container = await docker.createContainer({ ...options, Labels: SMOKE_LABEL });
  for (const upload of spec.uploads ?? []) {
    const dir = upload.file.slice(0, upload.file.lastIndexOf('/')) || '/';
    const base = upload.file.slice(upload.file.lastIndexOf('/') + 1);
    await container.putArchive(tarOf(base, upload.content, upload.executable ? 0o755 : 0o644), { path: dir });
  }
  for (const network of (spec.networksAdvanced ?? []).slice(1)) {
    await docker
      .getNetwork(network.name)
      .connect({ Container: container.id, EndpointConfig: { Aliases: network.aliases ?? [] } });
  }
  await container.start();
  if (spec.wait) await waitReady(docker, spec);
  return container;
}

/** Boot the declared stack: networks, volumes, then containers and commands by dependency. */
export async function boot(
  engine: Engine,
  resources: DeclaredResource[],
  images: { built: Map<string, BuiltImage>; bases: Map<string, BaseImage> },
  log: (l: string) => void,
): Promise<Booted> {
  const { docker } = engine;
  const imageOf = (declared: string): string => {
    const byResource = declared.startsWith('declared-image:')
      ? images.built.get(declared.slice('declared-image:'.length))
      : undefined;
    if (byResource) return byResource.id;
    const base = images.bases.get(declared);
    if (base) return base.use;
    throw new Error(`no image for ${declared}`);
  };
  for (const r of resources.filter((x) => x.type === 'docker:index/network:Network')) {
    await docker.createNetwork({
      Name: String(r.inputs.name),
      Driver: typeof r.inputs.driver === 'string' ? r.inputs.driver : 'bridge',
      Internal: r.inputs.internal === true,
      Labels: SMOKE_LABEL,
    });
  }
  for (const r of resources.filter((x) => x.type === 'docker:index/volume:Volume')) {
    await docker.createVolume({ Name: String(r.inputs.name), Labels: SMOKE_LABEL });
  }
  const booted: Booted = { containers: new Map(), imageOf };
  const steps = resources.filter((r) => r.type === CONTAINER || r.type === COMMAND);
  const keys = new Set(steps.map((r) => `${r.type}::${r.name}`));
  const done = new Set<string>();
  while (done.size < steps.length) {
    const wave = steps.filter(
      (r) => !done.has(`${r.type}::${r.name}`) && r.dependsOn.every((d) => !keys.has(d) || done.has(d)),
    );
    if (wave.length === 0) throw new Error('the declared dependencies have a cycle');
    await Promise.all(
      wave.map(async (r) => {
        if (r.type === COMMAND) {
          const env = reveal(r.inputs.environment) as Record<string, string> | undefined;
          // The image the command names is the mock's id of a declared image: the one built here.
          const create = String(r.inputs.create).replace(/declared-image:[\w-]+/g, imageOf);
          log(`running ${r.name}: ${create}`);
          const out = await sh(['sh', '-c', create], {
            env: { ...process.env, ...env },
            input: reveal(r.inputs.stdin) as string | undefined,
          });
          log(`${r.name}: ${out.trim().split('\n').slice(-2).join(' | ')}`);
        } else {
          const spec = reveal(r.inputs) as DeclaredContainer;
          const container = await startContainer(docker, spec, imageOf(spec.image));
          booted.containers.set(spec.name, { spec, container });
          log(`started ${spec.name}${spec.wait ? ' (healthy)' : ''}`);
        }
        done.add(`${r.type}::${r.name}`);
      }),
    );
  }
  return booted;
}

/** Remove every container, network and volume carrying the smoke's label. */
export async function removeAll(docker: Docker): Promise<void> {
  const filters = { label: ['trading-platform.smoke=1'] };
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker.getContainer(c.Id).remove({ force: true, v: true });
  }
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove();
  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? []) await docker.getVolume(v.Name).remove();
}

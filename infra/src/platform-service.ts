import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

import { HARDENED, LOG_ROTATION, STOP_GRACE_SECONDS } from './container-defaults.js';
import { FileVolume } from './file-volume.js';
import { SECRETS_DIR, type ServiceSettings } from './service-env.js';

/** Arguments of {@link PlatformService}. */
export interface PlatformServiceArgs {
  service: string;
  /** The image to run: its id, so a rebuilt image replaces the container. */
  image: pulumi.Input<string>;
  networks: docker.Network[];
  /** Plain settings and the credentials, which reach the container as files. */
  settings: ServiceSettings;
  memoryMb: number;
  /** The port its `/health` and `/metrics` answer on inside the container. */
  healthPort: number;
  /** Publish `healthPort` on this host port (the API only, by default). */
  publishPort?: number;
  /** Host address the published port binds to. */
  publishAddress?: string;
}

/**
 * Exec form, no shell: one short Node process asks `/health`. A loaded API may take seconds to
 * answer, so 10 s per try and three misses in a row (the old 5 s every 15 s marked it unhealthy).
 */
export function serviceHealthcheck(port: number): docker.types.input.ContainerHealthcheck {
  return {
    tests: [
      'CMD',
      'node',
      '-e',
      `fetch('http://127.0.0.1:${String(port)}/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
    ],
    interval: '30s',
    timeout: '10s',
    retries: 3,
    startPeriod: '60s',
  };
}

/** The uid:gid of the `node` user of the official Node images. */
export const NON_ROOT_USER = '1000:1000';

/**
 * One of the seven services as a container: non-root, no privileges or capabilities, read-only root
 * filesystem with a small /tmp, credentials as files in its own volume (never environment variables),
 * an init process as PID 1's reaper, memory and one CPU (spec 2-4), restarted unless stopped,
 * healthy only when its `/health` answers, on the internal and monitoring networks under its own
 * name, and given 40 s to drain on stop (the API drains for up to 30 s).
 */
export class PlatformService extends pulumi.ComponentResource {
  readonly container: docker.Container;
  /** The health URL inside the platform's networks. */
  readonly healthUrl: string;

  constructor(name: string, args: PlatformServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:PlatformService', name, {}, opts);
    this.healthUrl = `http://${args.service}:${String(args.healthPort)}/health`;
    const secrets = new FileVolume(
      `${args.service}-secrets`,
      { dir: SECRETS_DIR, files: args.settings.files },
      { parent: this },
    );
    this.container = new docker.Container(
      name,
      {
        name: args.service,
        image: args.image,
        envs: args.settings.envs,
        volumes: [secrets.mount],
        uploads: secrets.uploads,
        user: NON_ROOT_USER,
        ...HARDENED,
        init: true,
        memory: args.memoryMb,
        memorySwap: args.memoryMb,
        cpus: '1.0',
        restart: 'unless-stopped',
        networksAdvanced: args.networks.map((n) => ({ name: n.name, aliases: [args.service] })),
        ports: args.publishPort
          ? [
              {
                internal: args.healthPort,
                external: args.publishPort,
                ip: args.publishAddress ?? '127.0.0.1',
              },
            ]
          : [],
        healthcheck: serviceHealthcheck(args.healthPort),
        ...LOG_ROTATION,
        stopTimeout: STOP_GRACE_SECONDS,
        destroyGraceSeconds: STOP_GRACE_SECONDS,
        wait: true,
        waitTimeout: 180,
      },
      // The component's dependencies hold for the container itself (the migration must succeed first).
      { parent: this, dependsOn: opts?.dependsOn },
    );
    this.registerOutputs({ healthUrl: this.healthUrl });
  }
}

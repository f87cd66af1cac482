import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

import { HARDENED, LOG_ROTATION } from './container-defaults.js';
import { FileVolume } from './file-volume.js';
import { pinnedImage, retainedVolume } from './pinned-images.js';

/** Arguments of {@link Redis}. */
export interface RedisArgs {
  network: docker.Network;
  password: pulumi.Output<string>;
}

/** The Redis user the services log in as. */
export const REDIS_USER = 'trading';

/**
 * Redis' configuration: append-only file, refusing writes at 400 MB under its 512 MB limit (instead
 * of being OOM-killed), and two users: the platform's, with a password, and the default one, which
 * may only PING (the healthcheck, without a password on its command line).
 */
export function redisConf(password: string): string {
  return [
    // Reached over the internal network: protected mode would refuse every connection that is not
    // from loopback while the default user has no password (it may only PING).
    'protected-mode no',
    'appendonly yes',
    'appendfsync everysec',
    'dir /data',
    'maxmemory 400mb',
    'maxmemory-policy noeviction',
    'user default on nopass -@all +ping',
    `user ${REDIS_USER} on >${password} ~* &* +@all`,
    '',
  ].join('\n');
}

/**
 * Redis (streams, rate-limit counts) on the internal network only, its append-only file on a named
 * volume, a password (its configuration is a file in the container's own volume, never its command
 * line or environment), a read-only root filesystem. `url` (a secret) is how the services reach it.
 */
export class Redis extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:Redis', name, {}, opts);
    const volume = retainedVolume(`${name}-data`, this);
    const conf = new FileVolume(
      `${name}-config`,
      { dir: '/usr/local/etc/redis', files: { 'redis.conf': pulumi.secret(args.password.apply(redisConf)) } },
      { parent: this },
    );
    const image = pinnedImage(name, 'redis', this);
    this.container = new docker.Container(
      name,
      {
        name,
        image: image.repoDigest,
        command: ['redis-server', conf.paths['redis.conf'] ?? ''],
        volumes: [{ volumeName: volume.name, containerPath: '/data' }, conf.mount],
        uploads: conf.uploads,
        ...HARDENED,
        // The entrypoint starts as root to take /data for `redis`.
        capabilities: { drops: ['ALL'], adds: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETUID', 'SETGID'] },
        networksAdvanced: [{ name: args.network.name, aliases: ['redis'] }],
        healthcheck: { tests: ['CMD', 'redis-cli', 'ping'], interval: '10s', timeout: '5s', retries: 5 },
        restart: 'unless-stopped',
        ...LOG_ROTATION,
        stopTimeout: 30,
        memory: 512,
        cpus: '1.0',
        wait: true,
        waitTimeout: 60,
      },
      { parent: this },
    );
    this.url = pulumi.secret(
      args.password.apply((p) => `redis://${REDIS_USER}:${encodeURIComponent(p)}@redis:6379`),
    );
    this.registerOutputs({ container: this.container.name });
  }
}

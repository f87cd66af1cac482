import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

import { LOG_ROTATION } from './container-defaults.js';

/** Arguments of {@link Postgres} and {@link Redis}. */
export interface DataStoreArgs {
  network: docker.Network;
}

/** Pinned images of the data stores (Debian-based, as the services). */
export const POSTGRES_IMAGE = 'postgres:16.6-bookworm';
export const REDIS_IMAGE = 'redis:7.4.1-bookworm';

/**
 * PostgreSQL on the internal network only (no published port), its data on a named volume, user
 * and password from Pulumi secrets. `url` (a secret) is how the services reach it.
 */
export class Postgres extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly url: pulumi.Output<string>;

  constructor(
    name: string,
    args: DataStoreArgs & { user: pulumi.Output<string>; password: pulumi.Output<string>; database: string },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('trading:infra:Postgres', name, {}, opts);
    const volume = new docker.Volume(
      `${name}-data`,
      { name: `${name}-data` },
      { parent: this, retainOnDelete: true },
    );
    const image = new docker.RemoteImage(name, { name: POSTGRES_IMAGE, keepLocally: true }, { parent: this });
    this.container = new docker.Container(
      name,
      {
        name,
        image: image.imageId,
        envs: pulumi.secret(
          pulumi
            .all([args.user, args.password])
            .apply(([user, password]) => [
              `POSTGRES_USER=${user}`,
              `POSTGRES_PASSWORD=${password}`,
              `POSTGRES_DB=${args.database}`,
            ]),
        ),
        volumes: [{ volumeName: volume.name, containerPath: '/var/lib/postgresql/data' }],
        networksAdvanced: [{ name: args.network.name, aliases: ['postgres'] }],
        healthcheck: {
          tests: ['CMD-SHELL', 'pg_isready -U "$POSTGRES_USER" -d "$POSTGRES_DB"'],
          interval: '10s',
          timeout: '5s',
          retries: 5,
          startPeriod: '20s',
        },
        restart: 'unless-stopped',
        ...LOG_ROTATION,
        memory: 1024,
        cpus: '1.0',
        wait: true,
        waitTimeout: 120,
      },
      { parent: this },
    );
    this.url = pulumi.secret(
      pulumi
        .all([args.user, args.password, args.database])
        .apply(([user, password, database]) => postgresUrl(user, password, database)),
    );
    this.registerOutputs({ container: this.container.name });
  }
}

/**
 * The services' database URL. User, password and database are percent-encoded: a password made as
 * the README says (`openssl rand -base64 24`) holds `/`, `+` and `=`, and a raw `/` made the URL
 * unparseable (`Invalid URL`) in about 40 % of deploys.
 */
export function postgresUrl(user: string, password: string, database: string): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@postgres:5432/${encodeURIComponent(database)}`;
}

/** Redis (streams, rate-limit counts) on the internal network only, append-only file on a named volume. */
export class Redis extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: DataStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:Redis', name, {}, opts);
    const volume = new docker.Volume(
      `${name}-data`,
      { name: `${name}-data` },
      { parent: this, retainOnDelete: true },
    );
    const image = new docker.RemoteImage(name, { name: REDIS_IMAGE, keepLocally: true }, { parent: this });
    this.container = new docker.Container(
      name,
      {
        name,
        image: image.imageId,
        // Under its 512 MB limit Redis refuses writes at 400 MB instead of being OOM-killed.
        command: [
          'redis-server',
          '--appendonly',
          'yes',
          '--appendfsync',
          'everysec',
          '--maxmemory',
          '400mb',
          '--maxmemory-policy',
          'noeviction',
        ],
        volumes: [{ volumeName: volume.name, containerPath: '/data' }],
        networksAdvanced: [{ name: args.network.name, aliases: ['redis'] }],
        healthcheck: { tests: ['CMD', 'redis-cli', 'ping'], interval: '10s', timeout: '5s', retries: 5 },
        restart: 'unless-stopped',
        ...LOG_ROTATION,
        memory: 512,
        cpus: '1.0',
        wait: true,
        waitTimeout: 60,
      },
      { parent: this },
    );
    this.url = pulumi.output('redis://redis:6379');
    this.registerOutputs({ container: this.container.name });
  }
}

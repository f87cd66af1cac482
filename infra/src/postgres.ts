import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

import { HARDENED, LOG_ROTATION } from './container-defaults.js';
import { FileVolume } from './file-volume.js';
import { pinnedImage, retainedVolume } from './pinned-images.js';

/** Arguments of {@link Postgres}. */
export interface PostgresArgs {
  network: docker.Network;
  user: pulumi.Output<string>;
  password: pulumi.Output<string>;
  database: string;
}

/**
 * PostgreSQL on the internal network only (no published port), its data on a named volume kept when
 * the stack is destroyed, user and password as files (`POSTGRES_*_FILE`, as the official image
 * reads them), a read-only root filesystem. `url` (a secret) is how the services reach it.
 */
export class Postgres extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly image: docker.RemoteImage;
  readonly url: pulumi.Output<string>;
  readonly database: string;

  constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:Postgres', name, {}, opts);
    this.database = args.database;
    const volume = retainedVolume(`${name}-data`, this);
    const secrets = new FileVolume(
      `${name}-secrets`,
      { dir: '/run/secrets', files: { postgres_user: args.user, postgres_password: args.password } },
      { parent: this },
    );
    this.image = pinnedImage(name, 'postgres', this);
    this.container = new docker.Container(
      name,
      {
        name,
        image: this.image.repoDigest,
        envs: [
          `POSTGRES_USER_FILE=${secrets.paths.postgres_user}`,
          `POSTGRES_PASSWORD_FILE=${secrets.paths.postgres_password}`,
          `POSTGRES_DB=${args.database}`,
        ],
        volumes: [{ volumeName: volume.name, containerPath: '/var/lib/postgresql/data' }, secrets.mount],
        uploads: secrets.uploads,
        ...HARDENED,
        // The entrypoint starts as root to take the data directory for `postgres`.
        capabilities: { drops: ['ALL'], adds: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETUID', 'SETGID'] },
        tmpfs: { '/var/run/postgresql': 'rw,nosuid,size=1m', '/tmp': 'rw,noexec,nosuid,size=64m' },
        networksAdvanced: [{ name: args.network.name, aliases: ['postgres'] }],
        healthcheck: {
          // Exec form: pg_isready needs no shell and no password.
          tests: args.user.apply((user) => [
            'CMD',
            'pg_isready',
            '-h',
            '127.0.0.1',
            '-U',
            user,
            '-d',
            args.database,
          ]),
          interval: '10s',
          timeout: '5s',
          retries: 5,
          startPeriod: '30s',
        },
        restart: 'unless-stopped',
        ...LOG_ROTATION,
        // A fast shutdown (SIGINT) checkpoints first: give it time.
        stopTimeout: 60,
        memory: 1024,
        cpus: '1.0',
        wait: true,
        waitTimeout: 120,
      },
      { parent: this },
    );
    this.url = pulumi.secret(
      pulumi
        .all([args.user, args.password])
        .apply(([user, password]) => postgresUrl(user, password, args.database)),
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

import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';

import type { SshConnection } from './docker-host.js';

/** Arguments of {@link Migration}. */
export interface MigrationArgs {
  /** An image holding `migrations/dist` (every service image does), by id. */
  image: pulumi.Input<string>;
  /** Re-run when this changes (the image's id). */
  trigger: pulumi.Input<string>;
  network: pulumi.Input<string>;
  databaseUrl: pulumi.Input<string>;
  /** The Docker host over SSH: the command runs there, with the stack's key. Unset: locally. */
  ssh?: SshConnection;
  /** The local engine's endpoint (`unix://…`), when not over SSH. */
  dockerHost?: string;
}

/**
 * `docker run` of the one-shot migration, hardened as the services are. The database URL is
 * written to the container's standard input and read as `DATABASE_URL_FILE=/dev/stdin`: it is in
 * neither the command line nor the container's environment (`docker inspect`).
 */
export function migrationCommand(image: string, network: string): string {
  return [
    'docker run --rm -i',
    `--network ${network}`,
    '--read-only --tmpfs /tmp --user 1000:1000 --cap-drop ALL --security-opt no-new-privileges',
    '-e DATABASE_URL_FILE=/dev/stdin',
    image,
    'node migrations/dist/cli.js latest',
  ].join(' ');
}

/**
 * The one-shot migration step: `node migrations/dist/cli.js latest` in a throwaway container on the
 * internal network, which waits for PostgreSQL (about a minute) before it gives up. It runs on every
 * deploy whose image changed, and a failure (non-zero exit) fails the deploy before any service
 * starts: every service depends on it. On a remote host it runs there over SSH (the stack's
 * `sshPrivateKey`, no agent needed) against that host's own Docker engine.
 */
export class Migration extends pulumi.ComponentResource {
  readonly command: command.local.Command | command.remote.Command;

  constructor(name: string, args: MigrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:Migration', name, {}, opts);
    const create = pulumi
      .all([args.image, args.network])
      .apply(([image, network]) => migrationCommand(image, network));
    const stdin = pulumi.secret(pulumi.output(args.databaseUrl).apply((url) => `${url}\n`));
    // The component's dependencies are the command's: without them the migration could run
    // before PostgreSQL exists.
    const childOpts = { parent: this, dependsOn: opts?.dependsOn };
    this.command = args.ssh
      ? new command.remote.Command(
          name,
          { connection: args.ssh, create, stdin, triggers: [args.trigger] },
          childOpts,
        )
      : new command.local.Command(
          name,
          {
            create,
            stdin,
            environment: args.dockerHost ? { DOCKER_HOST: args.dockerHost } : undefined,
            triggers: [args.trigger],
          },
          childOpts,
        );
    this.registerOutputs({ stdout: this.command.stdout });
  }
}

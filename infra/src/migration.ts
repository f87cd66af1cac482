import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';

/** Arguments of {@link Migration}. */
export interface MigrationArgs {
  /** An image holding `migrations/dist` (every service image does). */
  image: pulumi.Input<string>;
  /** Re-run when this changes (the image's digest). */
  trigger: pulumi.Input<string>;
  network: pulumi.Input<string>;
  databaseUrl: pulumi.Input<string>;
  dockerHost: string;
}

/**
 * The one-shot migration step: `node migrations/dist/cli.js latest` in a throwaway container on the
 * internal network. It runs on every deploy whose image changed, and a failure (non-zero exit) fails
 * the deploy before any service starts: every service depends on it. The database URL reaches the
 * container as an environment variable of the docker CLI (`-e DATABASE_URL`), never in the command
 * line, so it stays a secret in the state.
 */
export class Migration extends pulumi.ComponentResource {
  readonly command: command.local.Command;

  constructor(name: string, args: MigrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:Migration', name, {}, opts);
    this.command = new command.local.Command(
      name,
      {
        create: pulumi.interpolate`docker run --rm --network ${args.network} -e DATABASE_URL ${args.image} node migrations/dist/cli.js latest`,
        environment: { DATABASE_URL: pulumi.secret(args.databaseUrl), DOCKER_HOST: args.dockerHost },
        triggers: [args.trigger],
      },
      // The component's dependencies are the command's: without them the migration could run
      // before PostgreSQL exists.
      { parent: this, dependsOn: opts?.dependsOn },
    );
    this.registerOutputs({ stdout: this.command.stdout });
  }
}

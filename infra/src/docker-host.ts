import { fileURLToPath } from 'node:url';

import * as command from '@pulumi/command';
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

/** Arguments of {@link DockerHost}. */
export interface DockerHostArgs {
  /** `unix:///var/run/docker.sock` or `ssh://user@host[:port]`. */
  dockerHost: string;
  sshPrivateKey?: pulumi.Input<string>;
  /** Directory for the platform's files on a remote host. */
  hostDir: string;
  /** The repository's `monitoring/` directory, copied to a remote host. */
  monitoringDir: URL;
}

/** `ssh://user@host:port` split for @pulumi/command; undefined for a local socket. */
export function parseSshHost(dockerHost: string): { user: string; host: string; port: number } | undefined {
  if (!dockerHost.startsWith('ssh://')) return undefined;
  const url = new URL(dockerHost);
  return {
    user: decodeURIComponent(url.username || 'root'),
    host: url.hostname,
    port: Number(url.port || 22),
  };
}

/**
 * The Docker host everything runs on, as a provider. A remote host (`ssh://…`) is prepared first
 * over SSH with @pulumi/command: the Docker engine must answer, the platform's directory is created,
 * and the monitoring configuration is copied there. Locally the repository's files are used as they are.
 */
export class DockerHost extends pulumi.ComponentResource {
  readonly provider: docker.Provider;
  /** Where the monitoring configuration is on the host (bind-mounted by Prometheus and Alertmanager). */
  readonly monitoringDir: pulumi.Output<string>;
  /** Resources that must exist before containers use the host's files. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:DockerHost', name, {}, opts);
    const ssh = parseSshHost(args.dockerHost);
    this.provider = new docker.Provider(
      `${name}-docker`,
      { host: args.dockerHost, sshOpts: ssh ? ['-o', 'StrictHostKeyChecking=accept-new'] : undefined },
      { parent: this },
    );
    if (!ssh) {
      this.monitoringDir = pulumi.output(fileURLToPath(args.monitoringDir).replace(/\/$/, ''));
      this.ready = [];
    } else {
      const connection = {
        host: ssh.host,
        port: ssh.port,
        user: ssh.user,
        privateKey: args.sshPrivateKey,
      };
      const prepare = new command.remote.Command(
        `${name}-prepare`,
        {
          connection,
          create: [
            'set -e',
            'docker version --format "{{.Server.Version}}" >/dev/null || { echo "no Docker engine answers on this host: install docker.io (or docker-ce) and add this user to the docker group" >&2; exit 1; }',
            `mkdir -p ${args.hostDir}/monitoring`,
          ].join('\n'),
        },
        { parent: this },
      );
      const copy = new command.remote.CopyToRemote(
        `${name}-monitoring-files`,
        {
          connection,
          source: new pulumi.asset.FileArchive(fileURLToPath(args.monitoringDir)),
          remotePath: args.hostDir,
        },
        { parent: this, dependsOn: [prepare] },
      );
      this.monitoringDir = pulumi.output(`${args.hostDir}/monitoring`);
      this.ready = [prepare, copy];
    }
    this.registerOutputs({ monitoringDir: this.monitoringDir });
  }
}

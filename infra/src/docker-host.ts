import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
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

/** How @pulumi/command reaches a remote Docker host. */
export interface SshConnection {
  host: string;
  port: number;
  user: string;
  privateKey?: pulumi.Input<string>;
}

/**
 * Writes the stack's SSH key where ssh can read it (0600, under ~/.ssh, named by its hash) and
 * returns the path: the Docker provider reaches an `ssh://` host through the ssh binary, which
 * otherwise only knows the agent's keys.
 */
export function writeSshKey(privateKey: string, dir = join(homedir(), '.ssh')): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(
    dir,
    `trading-platform-${createHash('sha256').update(privateKey).digest('hex').slice(0, 16)}`,
  );
  writeFileSync(path, privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`, { mode: 0o600 });
  return path;
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
  /** The SSH connection for commands run on a remote host; undefined for a local socket. */
  readonly ssh: SshConnection | undefined;

  constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:DockerHost', name, {}, opts);
    const ssh = parseSshHost(args.dockerHost);
    // With a key in the stack, the provider's ssh uses it (and only it); without one, the agent's.
    const key = args.sshPrivateKey;
    const sshOpts = !ssh
      ? undefined
      : key === undefined
        ? ['-o', 'StrictHostKeyChecking=accept-new']
        : pulumi
            .secret(key)
            .apply((k) => [
              '-o',
              'StrictHostKeyChecking=accept-new',
              '-o',
              'IdentitiesOnly=yes',
              '-i',
              writeSshKey(k),
            ]);
    this.provider = new docker.Provider(
      `${name}-docker`,
      { host: args.dockerHost, sshOpts },
      { parent: this },
    );
    this.ssh = ssh ? { ...ssh, privateKey: args.sshPrivateKey } : undefined;
    if (!ssh) {
      this.monitoringDir = pulumi.output(fileURLToPath(args.monitoringDir).replace(/\/$/, ''));
      this.ready = [];
    } else {
      const connection = { ...ssh, privateKey: args.sshPrivateKey };
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

import { readFileSync } from 'node:fs';

import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

import { HARDENED, LOG_ROTATION } from './container-defaults.js';
import { FileVolume } from './file-volume.js';
import { pinnedImage, retainedVolume } from './pinned-images.js';

const toArray = (deps: pulumi.ComponentResourceOptions['dependsOn']): pulumi.Input<pulumi.Resource>[] =>
  deps === undefined ? [] : Array.isArray(deps) ? deps : [deps as pulumi.Input<pulumi.Resource>];

/** A healthcheck without a shell: the images' own wget asks the server's `/-/healthy`. */
const healthy = (port: number) => ({
  tests: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${String(port)}/-/healthy`],
  interval: '15s',
  timeout: '5s',
  retries: 3,
  startPeriod: '20s',
});

/** Arguments of {@link MonitoringStack}. */
export interface MonitoringStackArgs {
  network: docker.Network;
  /** `monitoring/` on the Docker host (bind-mounted read-only). */
  monitoringDir: pulumi.Input<string>;
  /** The repository's `monitoring/alertmanager/alertmanager.yml`, read here to fill in the chat id. */
  alertmanagerConfig: URL;
  telegramChatId: string;
  telegramBotToken: pulumi.Output<string>;
  /** Publish 9090 and 9093 on the host. */
  publish: boolean;
  /** Host address the published ports bind to. */
  publishAddress?: string;
}

/**
 * Prometheus (scraping every service on the monitoring network, rules from `monitoring/prometheus/`) and
 * Alertmanager (routing to Telegram), each with its data on a named volume, a read-only root
 * filesystem and a healthcheck. Alertmanager's configuration and bot token are files in its own
 * volume (`bot_token_file`), the token a secret in the state, never in a config file on disk.
 */
export class MonitoringStack extends pulumi.ComponentResource {
  readonly prometheus: docker.Container;
  readonly alertmanager: docker.Container;

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:MonitoringStack', name, {}, opts);
    const promImage = pinnedImage(`${name}-prometheus`, 'prometheus', this);
    const amImage = pinnedImage(`${name}-alertmanager`, 'alertmanager', this);
    const promData = retainedVolume('prometheus-data', this);
    const amData = retainedVolume('alertmanager-data', this);
    const amConfig = readFileSync(args.alertmanagerConfig, 'utf8').replaceAll(
      // eslint-disable-next-line no-template-curly-in-string -- the placeholder in alertmanager.yml.
      '${TELEGRAM_CHAT_ID}',
      args.telegramChatId,
    );

    // alertmanager.yml names the token file at this path.
    const amFiles = new FileVolume(
      'alertmanager-files',
      {
        dir: '/etc/alertmanager/secrets',
        files: { 'alertmanager.yml': amConfig, telegram_bot_token: pulumi.secret(args.telegramBotToken) },
      },
      { parent: this },
    );
    this.alertmanager = new docker.Container(
      `${name}-alertmanager`,
      {
        name: 'alertmanager',
        image: amImage.repoDigest,
        command: [`--config.file=${amFiles.paths['alertmanager.yml'] ?? ''}`, '--storage.path=/alertmanager'],
        volumes: [{ volumeName: amData.name, containerPath: '/alertmanager' }, amFiles.mount],
        uploads: amFiles.uploads,
        ...HARDENED,
        healthcheck: healthy(9093),
        networksAdvanced: [{ name: args.network.name, aliases: ['alertmanager'] }],
        ports: args.publish
          ? [{ internal: 9093, external: 9093, ip: args.publishAddress ?? '127.0.0.1' }]
          : [],
        memory: 256,
        cpus: '0.5',
        restart: 'unless-stopped',
        ...LOG_ROTATION,
      },
      { parent: this, dependsOn: opts?.dependsOn },
    );
    this.prometheus = new docker.Container(
      `${name}-prometheus`,
      {
        name: 'prometheus',
        image: promImage.repoDigest,
        command: [
          '--config.file=/etc/prometheus/prometheus.yml',
          '--storage.tsdb.path=/prometheus',
          '--storage.tsdb.retention.time=15d',
        ],
        volumes: [
          { volumeName: promData.name, containerPath: '/prometheus' },
          {
            hostPath: pulumi.interpolate`${args.monitoringDir}/prometheus.yml`,
            containerPath: '/etc/prometheus/prometheus.yml',
            readOnly: true,
          },
          // Rules and their tests, at the relative path prometheus.yml names.
          {
            hostPath: pulumi.interpolate`${args.monitoringDir}/prometheus`,
            containerPath: '/etc/prometheus/prometheus',
            readOnly: true,
          },
        ],
        networksAdvanced: [{ name: args.network.name, aliases: ['prometheus'] }],
        ports: args.publish
          ? [{ internal: 9090, external: 9090, ip: args.publishAddress ?? '127.0.0.1' }]
          : [],
        ...HARDENED,
        healthcheck: healthy(9090),
        memory: 512,
        cpus: '1.0',
        restart: 'unless-stopped',
        ...LOG_ROTATION,
      },
      { parent: this, dependsOn: [this.alertmanager, ...toArray(opts?.dependsOn)] },
    );
    this.registerOutputs({});
  }
}

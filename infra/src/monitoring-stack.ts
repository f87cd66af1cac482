import { readFileSync } from 'node:fs';

import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

import { LOG_ROTATION } from './container-defaults.js';

const toArray = (deps: pulumi.ComponentResourceOptions['dependsOn']): pulumi.Input<pulumi.Resource>[] =>
  deps === undefined ? [] : Array.isArray(deps) ? deps : [deps as pulumi.Input<pulumi.Resource>];

/** Pinned images of the monitoring stack. */
export const PROMETHEUS_IMAGE = 'prom/prometheus:v2.55.1';
export const ALERTMANAGER_IMAGE = 'prom/alertmanager:v0.27.0';

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
 * Alertmanager (routing to Telegram). The bot token is uploaded into Alertmanager's container as a
 * file (`bot_token_file`), a secret in the state, never in a config file on disk.
 */
export class MonitoringStack extends pulumi.ComponentResource {
  readonly prometheus: docker.Container;
  readonly alertmanager: docker.Container;

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:MonitoringStack', name, {}, opts);
    const promImage = new docker.RemoteImage(
      `${name}-prometheus`,
      { name: PROMETHEUS_IMAGE, keepLocally: true },
      { parent: this },
    );
    const amImage = new docker.RemoteImage(
      `${name}-alertmanager`,
      { name: ALERTMANAGER_IMAGE, keepLocally: true },
      { parent: this },
    );
    const amConfig = readFileSync(args.alertmanagerConfig, 'utf8').replaceAll(
      // eslint-disable-next-line no-template-curly-in-string -- the placeholder in alertmanager.yml.
      '${TELEGRAM_CHAT_ID}',
      args.telegramChatId,
    );

    this.alertmanager = new docker.Container(
      `${name}-alertmanager`,
      {
        name: 'alertmanager',
        image: amImage.imageId,
        command: ['--config.file=/etc/alertmanager/alertmanager.yml', '--storage.path=/alertmanager'],
        uploads: [
          { file: '/etc/alertmanager/alertmanager.yml', content: amConfig },
          {
            file: '/etc/alertmanager/secrets/telegram_bot_token',
            content: pulumi.secret(args.telegramBotToken),
          },
        ],
        networksAdvanced: [{ name: args.network.name, aliases: ['alertmanager'] }],
        ports: args.publish
          ? [{ internal: 9093, external: 9093, ip: args.publishAddress ?? '127.0.0.1' }]
          : [],
        memory: 256,
        cpus: '0.5',
        restart: 'unless-stopped',
        ...LOG_ROTATION,
        privileged: false,
      },
      { parent: this, dependsOn: opts?.dependsOn },
    );
    this.prometheus = new docker.Container(
      `${name}-prometheus`,
      {
        name: 'prometheus',
        image: promImage.imageId,
        command: [
          '--config.file=/etc/prometheus/prometheus.yml',
          '--storage.tsdb.path=/prometheus',
          '--storage.tsdb.retention.time=15d',
        ],
        volumes: [
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
        memory: 512,
        cpus: '1.0',
        restart: 'unless-stopped',
        ...LOG_ROTATION,
        privileged: false,
      },
      { parent: this, dependsOn: [this.alertmanager, ...toArray(opts?.dependsOn)] },
    );
    this.registerOutputs({});
  }
}

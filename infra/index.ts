// The platform on one Docker host: `pulumi up` from the repository root (Pulumi.yaml points here).
// This file only composes the building blocks in src/; see infra/README.md for the steps.
import * as pulumi from '@pulumi/pulumi';

import { DockerHost, parseSshHost } from './src/docker-host.js';
import { readInfraConfig, type ServiceName, SERVICES } from './src/infra-config.js';
import { Migration } from './src/migration.js';
import { MonitoringStack } from './src/monitoring-stack.js';
import { PlatformNetworks } from './src/platform-networks.js';
import { PlatformService } from './src/platform-service.js';
import { Postgres } from './src/postgres.js';
import { PostgresBackup } from './src/postgres-backup.js';
import { Redis } from './src/redis.js';
import { serviceSettings } from './src/service-env.js';
import { ServiceImage } from './src/service-image.js';

const config = readInfraConfig();
const repo = new URL('../', import.meta.url);
const serviceNames = Object.keys(SERVICES) as ServiceName[];

const host = new DockerHost('host', {
  dockerHost: config.dockerHost,
  sshPrivateKey: config.sshPrivateKey,
  hostDir: config.hostDir,
  monitoringDir: new URL('monitoring/', repo),
});
const onHost: pulumi.ComponentResourceOptions = { providers: [host.provider] };

const images = Object.fromEntries(
  serviceNames.map((service) => [
    service,
    new ServiceImage(
      `image-${service}`,
      {
        service,
        tag: config.imageTag,
        context: repo,
        npmrc: config.build.npmrc,
        caFile: config.build.caFile,
      },
      onHost,
    ),
  ]),
) as Record<ServiceName, ServiceImage>;

const networks = new PlatformNetworks('trading', onHost);
const postgres = new Postgres(
  'postgres',
  {
    network: networks.internal,
    user: config.secrets.postgresUser,
    password: config.secrets.postgresPassword,
    database: 'trading',
  },
  onHost,
);
const backup = new PostgresBackup(
  'postgres-backup',
  {
    network: networks.internal,
    image: postgres.image.repoDigest,
    user: config.secrets.postgresUser,
    password: config.secrets.postgresPassword,
    database: postgres.database,
    ...config.backup,
  },
  { ...onHost, dependsOn: [postgres] },
);
const redis = new Redis(
  'redis',
  { network: networks.internal, password: config.secrets.redisPassword },
  onHost,
);

const migration = new Migration(
  'migrate',
  {
    image: images.api.imageId,
    trigger: images.api.imageId,
    network: networks.internal.name,
    databaseUrl: postgres.url,
    ssh: host.ssh,
    dockerHost: host.ssh ? undefined : config.dockerHost,
  },
  { dependsOn: [postgres, images.api] },
);

const services = Object.fromEntries(
  serviceNames.map((service) => {
    const api = service === 'api';
    return [
      service,
      new PlatformService(
        service,
        {
          service,
          image: images[service].imageId,
          networks: [networks.internal, networks.monitoring],
          settings: serviceSettings(service, config, { databaseUrl: postgres.url, redisUrl: redis.url }),
          memoryMb: SERVICES[service].memoryMb,
          healthPort: api ? 8000 : 8080,
          publishPort: api ? config.apiPort : undefined,
          publishAddress: config.publishAddress,
        },
        { ...onHost, dependsOn: [migration, redis] },
      ),
    ];
  }),
) as Record<ServiceName, PlatformService>;

const monitoring = new MonitoringStack(
  'monitoring',
  {
    network: networks.monitoring,
    monitoringDir: host.monitoringDir,
    alertmanagerConfig: new URL('monitoring/alertmanager/alertmanager.yml', repo),
    telegramChatId: config.telegramChatId,
    telegramBotToken: config.secrets.telegramBotToken,
    publish: config.publishMonitoring,
    publishAddress: config.publishAddress,
  },
  { ...onHost, dependsOn: host.ready },
);

const hostName = parseSshHost(config.dockerHost)?.host ?? 'localhost';
const published = (port: number, name: string) =>
  config.publishMonitoring
    ? `http://${hostName}:${String(port)}`
    : `http://${name}:${String(port)} (monitoring network only; set publishMonitoring to reach it from outside)`;

/** Where the API (and the dashboard) answers. */
export const apiUrl = `http://${hostName}:${String(config.apiPort)}`;
/** Each service's health URL: the API's on the host, the workers' inside the platform's networks. */
export const healthUrls = Object.fromEntries(
  serviceNames.map((s) => [s, s === 'api' ? `${apiUrl}/health` : services[s].healthUrl]),
);
export const prometheusUrl = published(9090, 'prometheus');
export const alertmanagerUrl = published(9093, 'alertmanager');
/** The image each service runs, by id. */
export const imageDigests = Object.fromEntries(serviceNames.map((s) => [s, images[s].imageId]));
/** The tag of each service's image (the hash of its sources, unless imageTag is set): for a rollback. */
export const imageTags = Object.fromEntries(serviceNames.map((s) => [s, images[s].imageName]));
/** Where the PostgreSQL dumps are (a volume on the host). */
export const backupVolume = backup.volume.name;
export const monitoringContainers = [monitoring.prometheus.name, monitoring.alertmanager.name];

// The platform on one Docker host: `pulumi up` from the repository root (Pulumi.yaml points here).
// This file only composes the building blocks in src/; see infra/README.md for the steps.
import * as pulumi from '@pulumi/pulumi';

import { Postgres, Redis } from './src/data-stores.js';
import { DockerHost, parseSshHost } from './src/docker-host.js';
import { readInfraConfig, type ServiceName, SERVICES } from './src/infra-config.js';
import { Migration } from './src/migration.js';
import { MonitoringStack } from './src/monitoring-stack.js';
import { PlatformNetworks } from './src/platform-networks.js';
import { PlatformService } from './src/platform-service.js';
import { serviceEnv } from './src/service-env.js';
import { ServiceImage } from './src/service-image.js';

const config = readInfraConfig();
const repo = new URL('../', import.meta.url);

const host = new DockerHost('host', {
  dockerHost: config.dockerHost,
  sshPrivateKey: config.sshPrivateKey,
  hostDir: config.hostDir,
  monitoringDir: new URL('monitoring/', repo),
});
const onHost: pulumi.ComponentResourceOptions = { providers: [host.provider] };

const images = Object.fromEntries(
  (Object.keys(SERVICES) as ServiceName[]).map((service) => [
    service,
    new ServiceImage(`image-${service}`, { service, tag: config.imageTag, context: repo }, onHost),
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
const redis = new Redis('redis', { network: networks.internal }, onHost);

const migration = new Migration(
  'migrate',
  {
    image: images.api.imageName,
    trigger: images.api.digest,
    network: networks.internal.name,
    databaseUrl: postgres.url,
    dockerHost: config.dockerHost,
  },
  { dependsOn: [postgres, images.api] },
);

const services = Object.fromEntries(
  (Object.keys(SERVICES) as ServiceName[]).map((service) => {
    const api = service === 'api';
    return [
      service,
      new PlatformService(
        service,
        {
          service,
          image: images[service].digest,
          networks: [networks.internal, networks.monitoring],
          envs: serviceEnv(service, config, { databaseUrl: postgres.url, redisUrl: redis.url }),
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
  (Object.keys(services) as ServiceName[]).map((s) => [
    s,
    s === 'api' ? `${apiUrl}/health` : services[s].healthUrl,
  ]),
);
export const prometheusUrl = published(9090, 'prometheus');
export const alertmanagerUrl = published(9093, 'alertmanager');
/** The image each service runs, by id. */
export const imageDigests = Object.fromEntries(
  (Object.keys(images) as ServiceName[]).map((s) => [s, images[s].digest]),
);
export const monitoringContainers = [monitoring.prometheus.name, monitoring.alertmanager.name];

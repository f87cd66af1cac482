import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

/**
 * The two bridge networks (spec 2-4): `internal` joins the services to PostgreSQL and Redis;
 * `monitoring` joins Prometheus and Alertmanager to what they scrape and to each other.
 */
export class PlatformNetworks extends pulumi.ComponentResource {
  readonly internal: docker.Network;
  readonly monitoring: docker.Network;

  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:PlatformNetworks', name, {}, opts);
    this.internal = new docker.Network(
      `${name}-internal`,
      { name: `${name}-internal`, driver: 'bridge' },
      { parent: this },
    );
    this.monitoring = new docker.Network(
      `${name}-monitoring`,
      { name: `${name}-monitoring`, driver: 'bridge' },
      { parent: this },
    );
    this.registerOutputs({ internal: this.internal.name, monitoring: this.monitoring.name });
  }
}

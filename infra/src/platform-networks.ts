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
      // No way out of `internal`: PostgreSQL and Redis reach nothing beyond it; the services reach
      // their providers through `monitoring`.
      { name: `${name}-internal`, driver: 'bridge', internal: true },
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

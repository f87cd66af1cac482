import { fileURLToPath } from 'node:url';

import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

/** Arguments of {@link ServiceImage}. */
export interface ServiceImageArgs {
  service: string;
  tag: string;
  /** The repository root (build context, where the Dockerfile is). */
  context: URL;
}

/**
 * One service's image, built on the Docker host from the repository's Dockerfile
 * (`--build-arg SERVICE=<name>`); kept on the host, never pushed. `digest` is the built image's id.
 */
export class ServiceImage extends pulumi.ComponentResource {
  readonly imageName: pulumi.Output<string>;
  readonly digest: pulumi.Output<string>;

  constructor(name: string, args: ServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:ServiceImage', name, {}, opts);
    const context = fileURLToPath(args.context);
    const image = new docker.Image(
      name,
      {
        imageName: `trading-platform/${args.service}:${args.tag}`,
        build: {
          context,
          dockerfile: `${context.replace(/\/$/, '')}/Dockerfile`,
          // Built for the engine's own architecture (no platform forced: an arm64 host builds arm64).
          args: { SERVICE: args.service },
        },
        skipPush: true,
      },
      { parent: this },
    );
    // The local image's id (sha256:…), read back from the host: a rebuild changes it.
    const local = new docker.RemoteImage(
      `${name}-local`,
      { name: image.imageName, keepLocally: true },
      { parent: this },
    );
    this.imageName = image.imageName;
    this.digest = local.imageId;
    this.registerOutputs({ imageName: this.imageName, digest: this.digest });
  }
}

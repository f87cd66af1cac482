import { fileURLToPath } from 'node:url';

import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

import { sourceHash } from './source-hash.js';

/** The production shared packages every service image is built from (as the Dockerfile copies). */
const SHARED_SOURCES = [
  'Dockerfile',
  '.dockerignore',
  'package.json',
  'package-lock.json',
  'tsconfig.base.json',
  'infra/image',
  'shared/domain',
  'shared/platform',
  'shared/messaging',
  'shared/store',
  'shared/providers',
  'shared/orders',
  'shared/runtime',
  'migrations',
];

/** The files a service's image is built from, relative to the repository root. */
export const imageSources = (service: string): string[] => [...SHARED_SOURCES, `services/${service}`];

/** Arguments of {@link ServiceImage}. */
export interface ServiceImageArgs {
  service: string;
  /** A fixed tag; by default the hash of the image's sources. */
  tag?: string;
  /** The repository root (build context, where the Dockerfile is). */
  context: URL;
  /** BuildKit secrets for `npm ci` (see infra/image/npm-ci.sh): an npm config file and a CA bundle. */
  npmrc?: string;
  caFile?: string;
}

/**
 * One service's image, built on the Docker host from the repository's Dockerfile
 * (`--build-arg SERVICE=<name>`, BuildKit) and kept there, never pushed. It is rebuilt whenever a
 * file it is built from changes (`triggers`), and tagged with that content's hash, so the previous
 * versions stay on the host (`keepLocally`) for a rollback. `imageId` (sha256:…) is what the
 * containers run: a rebuilt image replaces them.
 */
export class ServiceImage extends pulumi.ComponentResource {
  readonly imageName: string;
  readonly imageId: pulumi.Output<string>;
  readonly sourceHash: string;

  constructor(name: string, args: ServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('trading:infra:ServiceImage', name, {}, opts);
    const context = fileURLToPath(args.context).replace(/\/$/, '');
    this.sourceHash = sourceHash(context, imageSources(args.service));
    this.imageName = `trading-platform/${args.service}:${args.tag ?? this.sourceHash.slice(0, 12)}`;
    const secrets = [
      ...(args.npmrc ? [{ id: 'npmrc', src: args.npmrc }] : []),
      ...(args.caFile ? [{ id: 'ca', src: args.caFile }] : []),
    ];
    const image = new docker.RemoteImage(
      name,
      {
        name: this.imageName,
        build: {
          context,
          dockerfile: 'Dockerfile',
          // Built for the engine's own architecture (no platform forced: an arm64 host builds arm64).
          buildArgs: { SERVICE: args.service },
          secrets,
          label: { 'org.opencontainers.image.revision': this.sourceHash },
        },
        triggers: { sources: this.sourceHash },
        keepLocally: true,
      },
      { parent: this },
    );
    this.imageId = image.imageId;
    this.registerOutputs({ imageName: this.imageName, imageId: this.imageId });
  }
}

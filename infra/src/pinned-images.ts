import * as docker from '@pulumi/docker';
import type * as pulumi from '@pulumi/pulumi';

/**
 * The images the platform runs but does not build, pinned by digest (the multi-architecture index of
 * the tag named): a tag can be moved, a digest cannot. Containers run the image by that digest.
 * To upgrade, change tag and digest together (`docker buildx imagetools inspect <tag>` prints it).
 */
export const PINNED_IMAGES = {
  postgres: 'postgres:16.6-bookworm@sha256:557fea37a744d5f4c8faab304b0a90858b53ab119735a88c131fd19dab802f36',
  redis: 'redis:7.4.1-bookworm@sha256:6a692a76c2081888b589e26e6ec835743119fe453d67ecf03df7de5b73d69842',
  prometheus:
    'prom/prometheus:v2.55.1@sha256:2659f4c2ebb718e7695cb9b25ffa7d6be64db013daba13e05c875451cf51b0d3',
  alertmanager:
    'prom/alertmanager:v0.27.0@sha256:e13b6ed5cb929eeaee733479dce55e10eb3bc2e9c4586c705a4e8da41e5eacf5',
} as const;

/** A pinned image pulled onto the host and kept there; containers run its `repoDigest`. */
export function pinnedImage(
  resourceName: string,
  image: keyof typeof PINNED_IMAGES,
  parent: pulumi.Resource,
): docker.RemoteImage {
  return new docker.RemoteImage(resourceName, { name: PINNED_IMAGES[image], keepLocally: true }, { parent });
}

/** A named volume of data (databases, dumps, metrics), kept when the stack is destroyed. */
export function retainedVolume(name: string, parent: pulumi.Resource): docker.Volume {
  return new docker.Volume(name, { name }, { parent, retainOnDelete: true });
}

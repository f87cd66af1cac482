// Breaks the declaration on purpose, one thing at a time, and checks that the smoke's checks see
// it: a smoke that passes whatever is declared proves nothing.
import type Docker from 'dockerode';

import { startContainer } from './boot.js';
import { declaredHealthPasses, eventually, execIn } from './checks.js';
import type { DeclaredContainer } from './container-spec.js';

/** One deliberate mistake in a service's declaration. */
export interface Mutation {
  what: string;
  apply(spec: DeclaredContainer): DeclaredContainer;
}

const mapEnv = (spec: DeclaredContainer, f: (line: string) => string) => ({
  ...spec,
  envs: (spec.envs ?? []).map(f),
});

/** A wrong environment variable, port, alias and memory limit. */
export const MUTATIONS: Mutation[] = [
  {
    what: 'env: DATABASE_URL_FILE misspelt',
    apply: (s) => mapEnv(s, (l) => l.replace(/^DATABASE_URL_FILE=/, 'DATABASE_URL_FIEL=')),
  },
  {
    what: 'port: HEALTH_PORT is not the port the healthcheck and Prometheus use',
    apply: (s) => mapEnv(s, (l) => (l === 'HEALTH_PORT=8080' ? 'HEALTH_PORT=8081' : l)),
  },
  {
    what: 'alias: the service answers under another name than the one Prometheus scrapes',
    apply: (s) => ({
      ...s,
      name: `${s.name}-2`,
      networksAdvanced: (s.networksAdvanced ?? []).map((n) => ({ ...n, aliases: [`${s.name}-2`] })),
    }),
  },
  { what: 'limit: memory 24 MB', apply: (s) => ({ ...s, memory: 24, memorySwap: 24 }) },
];

/**
 * A service as the rest of the stack sees it: running, its declared healthcheck passing, and its
 * metrics reachable from Prometheus' container under the name prometheus.yml scrapes.
 */
export async function serviceWorks(
  docker: Docker,
  spec: DeclaredContainer,
  scrapeName: string,
  prometheus: Docker.Container,
): Promise<string> {
  await declaredHealthPasses(docker.getContainer(spec.name), spec);
  const { exitCode } = await execIn(prometheus, [
    'wget',
    '-q',
    '-O',
    '/dev/null',
    `http://${scrapeName}:8080/metrics`,
  ]);
  if (exitCode !== 0) throw new Error(`Prometheus cannot scrape ${scrapeName}:8080`);
  return 'healthy and scraped';
}

/**
 * Each mutation on `spec`'s container: replaced by the broken one, which must not pass
 * {@link serviceWorks} within `seconds`; then the declared one again, which must.
 */
export async function runMutations(
  docker: Docker,
  spec: DeclaredContainer,
  image: string,
  prometheus: Docker.Container,
  seconds = 40,
): Promise<{ what: string; detected: boolean; why: string }[]> {
  const results: { what: string; detected: boolean; why: string }[] = [];
  await docker.getContainer(spec.name).remove({ force: true });
  for (const mutation of MUTATIONS) {
    const broken = mutation.apply(spec);
    await startContainer(docker, { ...broken, wait: false }, image);
    try {
      await eventually(seconds, async () => serviceWorks(docker, broken, spec.name, prometheus));
      results.push({ what: mutation.what, detected: false, why: 'every check passed' });
    } catch (error) {
      results.push({
        what: mutation.what,
        detected: true,
        why: (error as Error).message.split('\n')[0] ?? '',
      });
    } finally {
      await docker.getContainer(broken.name).remove({ force: true });
    }
  }
  // The declared one again, awaited healthy as the deploy awaits it.
  await startContainer(docker, spec, image);
  await eventually(90, async () => serviceWorks(docker, spec, spec.name, prometheus));
  return results;
}

// New code reaches the running stack: the API's sources change (a new migration), so its image's
// tag and rebuild trigger change, the image is rebuilt, the declared migration command runs the new
// migration, and the API container is replaced by one running the new image.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { imageSources } from '../src/service-image.js';
import { SKIP_DIRS, sourceHash } from '../src/source-hash.js';
import { type DeclaredResource, reveal } from '../testing/declared-stack.js';
import { buildImage, type DeclaredBuild, startContainer } from './boot.js';
import type { DeclaredContainer } from './container-spec.js';
import { type Engine, sh } from './engine.js';

const PROBE = '999_smoke_upgrade';

/** A copy of the repository with one migration more. */
function withNewMigration(root: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'smoke-upgrade-'));
  cpSync(root, copy, {
    recursive: true,
    filter: (src) => !SKIP_DIRS.has(src.slice(src.lastIndexOf('/') + 1)),
  });
  writeFileSync(
    join(copy, `migrations/src/migrations/${PROBE}.ts`),
    [
      "import type { Knex } from 'knex';",
      '',
      'export async function up(knex: Knex): Promise<void> {',
      "  await knex.schema.createTable('smoke_upgrade', (t) => t.integer('id'));",
      '}',
      '',
      'export async function down(knex: Knex): Promise<void> {',
      "  await knex.schema.dropTable('smoke_upgrade');",
      '}',
      '',
      "export const drops = { tables: ['smoke_upgrade'] };",
      '',
    ].join('\n'),
  );
  const index = join(copy, 'migrations/src/index.ts');
  writeFileSync(
    index,
    readFileSync(index, 'utf8')
      .replace('const MIGRATIONS', `import * as probe from './migrations/${PROBE}.js';\n\nconst MIGRATIONS`)
      .replace(/\n};/, `\n  '${PROBE}': probe,\n};`),
  );
  return copy;
}

/**
 * Rebuild the API from changed sources as its declaration says, run the declared migration with the
 * new image, and replace the API container. Returns what changed.
 */
export async function newCodeIsDeployed(
  engine: Engine,
  resources: DeclaredResource[],
  api: DeclaredContainer,
  root: string,
): Promise<string> {
  const image = resources.find(
    (r) => r.name === 'image-api' && r.type === 'docker:index/remoteImage:RemoteImage',
  );
  const migrate = resources.find((r) => r.name === 'migrate' && r.type === 'command:local:Command');
  if (!image || !migrate) throw new Error('the program declares no API image or migration');
  const declaredHash = (image.inputs.triggers as { sources: string }).sources;
  const copy = withNewMigration(root);
  try {
    const hash = sourceHash(copy, imageSources('api'));
    if (hash === declaredHash) throw new Error('a new migration did not change the image’s source hash');
    const build = { ...(reveal(image.inputs.build) as DeclaredBuild), context: copy };
    const built = await buildImage(engine, `trading-platform/api:${hash.slice(0, 12)}`, build);
    const create = String(migrate.inputs.create).replace(/declared-image:[\w-]+/g, built.id);
    const out = await sh(['sh', '-c', create], { input: reveal(migrate.inputs.stdin) as string });
    if (!out.includes(`applied ${PROBE}`)) throw new Error(`the migration did not apply ${PROBE}: ${out}`);
    await engine.docker.getContainer(api.name).remove({ force: true });
    await startContainer(engine.docker, api, built.id);
    const running = (await engine.docker.getContainer(api.name).inspect()).Image;
    if (running !== built.id) throw new Error(`api runs ${running}, not the rebuilt ${built.id}`);
    return `new tag ${built.name}, ${PROBE} applied, api replaced and healthy`;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

// The images the deploy starts from: the official ones when the engine can pull them, else local
// stand-ins made from Debian's and npm's packages (stand-ins/make-stand-in.sh), tagged with the
// exact name the Dockerfile or the program uses so nothing is pulled.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type Docker from 'dockerode';

import { sourceHash } from '../src/source-hash.js';
import { sh } from './engine.js';

const STAND_INS = fileURLToPath(new URL('stand-ins/', import.meta.url));
const MAKE_STAND_IN = `${STAND_INS}make-stand-in.sh`;
/** The version of the stand-in recipes, as a label on every stand-in: an older one is made again. */
const STAND_IN_VERSION = sourceHash(STAND_INS, ['.']).slice(0, 16);
const STAND_IN_LABEL = 'trading-platform.stand-in';

/** The stand-in kind of a repository. */
const KINDS: Record<string, string> = {
  node: 'node',
  postgres: 'postgres',
  redis: 'redis',
  'prom/prometheus': 'prometheus',
  'prom/alertmanager': 'alertmanager',
};

/** npm as the official Node image of that version ships it. */
const NPM_OF_NODE: Record<string, string> = { '22.12.0': '10.9.0' };

/** `name:tag@sha256:…` → its parts. */
export function parseReference(ref: string): { repo: string; tag: string; digest?: string } {
  const [named = '', digest] = ref.split('@');
  const colon = named.lastIndexOf(':');
  return colon > named.lastIndexOf('/')
    ? { repo: named.slice(0, colon), tag: named.slice(colon + 1), digest }
    : { repo: named, tag: 'latest', digest };
}

/** The base image the Dockerfile names (`ARG NODE_IMAGE=…`). */
export function dockerfileBaseImage(dockerfile: string): string {
  const match = /^ARG NODE_IMAGE=(\S+)/m.exec(readFileSync(dockerfile, 'utf8'));
  if (!match?.[1]) throw new Error(`${dockerfile} declares no NODE_IMAGE`);
  return match[1];
}

async function present(docker: Docker, ref: string, label?: string): Promise<boolean> {
  try {
    const info = await docker.getImage(ref).inspect();
    return label === undefined || info.Config.Labels?.[STAND_IN_LABEL] === label;
  } catch {
    return false;
  }
}

async function pull(docker: Docker, ref: string): Promise<boolean> {
  try {
    const stream = await docker.pull(ref);
    await new Promise((resolve, reject) => {
      docker.modem.followProgress(stream, (err: Error | null) => {
        err ? reject(err) : resolve(undefined);
      });
    });
    return true;
  } catch {
    return false;
  }
}

/** How each image reference was satisfied. */
export interface BaseImage {
  ref: string;
  /** What to give the engine for it: the reference itself, or the stand-in's tag. */
  use: string;
  source: 'local' | 'pulled' | 'stand-in';
}

/** Make `ref` available: already there, pulled, or a stand-in tagged `repo:tag`. */
export async function ensureBaseImage(
  docker: Docker,
  ref: string,
  log: (l: string) => void,
): Promise<BaseImage> {
  const { repo, tag } = parseReference(ref);
  if (await present(docker, ref)) return { ref, use: ref, source: 'local' };
  if (await pull(docker, ref)) return { ref, use: ref, source: 'pulled' };
  const standInTag = `${repo}:${tag}`;
  if (await present(docker, standInTag, STAND_IN_VERSION))
    return { ref, use: standInTag, source: 'stand-in' };
  const kind = KINDS[repo];
  if (!kind) throw new Error(`${ref} cannot be pulled and there is no stand-in for ${repo}`);
  log(`${ref}: cannot be pulled; making a stand-in from Debian's and npm's packages`);
  const version = tag.split('-')[0] ?? tag;
  const args = kind === 'node' ? [version, NPM_OF_NODE[version] ?? 'latest'] : [];
  await sh(['bash', MAKE_STAND_IN, kind, standInTag, ...args], {
    env: { ...process.env, STAND_IN_VERSION },
  });
  return { ref, use: standInTag, source: 'stand-in' };
}

import { readFile } from 'node:fs/promises';

/**
 * A file reader that reads each file once and serves it from memory after: for the few static
 * files the API serves (docs assets, the dashboard), which do not change while it runs.
 */
export function readOnce(): (path: string | URL) => Promise<Buffer> {
  const cache = new Map<string, Buffer>();
  return async (path) => {
    const key = String(path);
    let content = cache.get(key);
    if (!content) {
      content = await readFile(path);
      cache.set(key, content);
    }
    return content;
  };
}

// Test helpers for the HTTP edge: every other spelling of a path, and requests sent with their path
// exactly as written.
import { request } from 'node:http';

/** An answer to a request sent with its path exactly as written (fetch would normalise `/./` and `//`). */
export async function rawRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string; allow: string | undefined }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    // One connection per request: an answer sent before a body was read must not poison the next.
    const req = request({ hostname, port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const { allow } = res.headers;
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), allow });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Every other way to spell a path: letter case, trailing slash, doubled slashes, dot segments, encodings. */
export function spellings(path: string): string[] {
  const rest = path.slice('/api/v1'.length);
  const [first = '', ...after] = rest.split('/').filter(Boolean);
  const upperFirst = `/api/v1/${[first.toUpperCase(), ...after].join('/')}`;
  return [
    `/API/V1${rest}`,
    `/Api/v1${rest}`,
    `/api/V1${rest}`,
    upperFirst,
    `${path}/`,
    `//api/v1${rest}`,
    `/api//v1${rest}`,
    `/api/v1/${rest}`,
    `/./api/v1${rest}`,
    `/api/v1/.${rest}`,
    `/api/v1/x/..${rest}`,
    `/api/v1${rest}/.`,
    `/%61pi/v1${rest}`,
    `/api/v1/%${first.charCodeAt(0).toString(16)}${first.slice(1)}${rest.slice(first.length + 1)}`,
    `${path}%2F`,
    `${path};`,
  ].filter((p) => p !== path);
}

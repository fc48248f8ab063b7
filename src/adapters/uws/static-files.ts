import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
  /** HTML is revalidated on every load so a deploy shows at once; assets are revalidated by ETag too (no build step, no hashed names). */
  readonly cacheControl: string;
}

/** Reads the page's files into memory once, keyed by URL path ("/" serves index.html). */
export async function loadStaticFiles(dir: string): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const type = TYPES[extname(entry.name).toLowerCase()];
    if (!type) continue;
    const body = await readFile(path);
    const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`;
    const cacheControl = type.startsWith('text/html') ? 'no-cache' : 'public, max-age=300, must-revalidate';
    const urlPath = '/' + relative(dir, path).split('\\').join('/');
    files.set(urlPath, { body, type, etag, cacheControl });
    if (urlPath.endsWith('/index.html')) files.set(urlPath.slice(0, -'index.html'.length), { body, type, etag, cacheControl });
  }
  return files;
}

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The app root (holding sql/ and web/), whether running from src/ with tsx or compiled to dist/. */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'sql')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

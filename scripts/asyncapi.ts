import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../src/util/app-root.js';
import { buildAsyncApi } from './asyncapi/document.js';

// npm run asyncapi            writes docs/asyncapi.yaml from the valibot schemas
// npm run asyncapi -- --check exits 1 when the file is not what the schemas give
const root = appRoot();
const file = join(root, 'docs', 'asyncapi.yaml');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const built = buildAsyncApi(version);
if (process.argv.includes('--check')) {
  const current = readFileSync(file, 'utf8');
  if (current !== built) {
    process.stderr.write('docs/asyncapi.yaml is out of date: run npm run asyncapi\n');
    process.exit(1);
  }
} else {
  writeFileSync(file, built);
  process.stdout.write(`wrote ${file}\n`);
}

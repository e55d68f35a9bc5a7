// What dist/ is made from, as one hash: `npm run build` records it in dist/.inputs-sha, setup rebuilds
// when it differs, and whatever runs the compiled processes refuses a dist/ older than the sources.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const SOURCE_DIRS = [
  'activities',
  'adapters',
  'api',
  'cli',
  'config',
  'contract',
  'dashboard',
  'domain-services',
  'stack',
  'temporal-config',
  'workers',
  'workflows',
];
const FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'web/dist/.inputs-sha'];

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

export function buildInputsSha(root) {
  const files = [...SOURCE_DIRS.flatMap((dir) => filesUnder(join(root, dir))), ...FILES.map((f) => join(root, f))]
    .filter((file) => existsSync(file))
    .sort();
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(`${relative(root, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  return hash.digest('hex');
}

/** The hash dist/ was built from, or undefined when it was never built. */
export function builtInputsSha(root) {
  const marker = join(root, 'dist/.inputs-sha');
  return existsSync(marker) ? readFileSync(marker, 'utf8') : undefined;
}

// `npm run build`: the platform compiled for its image (Dockerfile). TypeScript into dist/ in the layout
// of the sources, the files modules read at run time beside them (migrations, the built web app), then
// the workflow bundles made once from the compiled workflow code, so no process bundles at start.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInputsSha } from './build-inputs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const inputs = buildInputsSha(root);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`build: ${command} ${args.join(' ')} failed\n`);
    process.exit(1);
  }
}

rmSync(dist, { recursive: true, force: true });
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
for (const dir of ['adapters/cassandra/migrations', 'adapters/postgres/migrations'])
  cpSync(join(root, dir), join(dist, dir), { recursive: true });
// The API serves the web app from beside its own module; it is built by `npm run web:build`.
if (existsSync(join(root, 'web/dist'))) cpSync(join(root, 'web/dist'), join(dist, 'web/dist'), { recursive: true });
run(process.execPath, [join(dist, 'workers/write-bundles.js'), join(dist, 'workflow-bundles')]);
writeFileSync(join(dist, '.inputs-sha'), inputs);
process.stdout.write('build: dist/ ready\n');

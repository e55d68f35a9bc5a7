import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config/index.js';
import { stackPaths } from '../../stack/engine.js';

// Failure stack traces name files by absolute path; the repository's own location is no part of a history.
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Writes a workflow's history as the Temporal CLI shows it (the JSON the Web UI downloads too). */
export async function saveHistory(config: Config, file: URL, workflowId: string): Promise<void> {
  const temporal = join(stackPaths(config).bin, 'temporal');
  const { stdout: json } = await promisify(execFile)(
    temporal,
    [
      'workflow',
      'show',
      '--address',
      config.TEMPORAL_ADDRESS,
      '--namespace',
      config.TEMPORAL_NAMESPACE,
      '--workflow-id',
      workflowId,
      '--output',
      'json',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  writeFileSync(file, json.replaceAll(root, './'));
  console.log(`recorded ${fileURLToPath(file)} (${(JSON.parse(json) as { events: unknown[] }).events.length} events)`);
}

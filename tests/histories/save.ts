import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PayloadCodec } from '@temporalio/common';
import {
  isUserEncrypted,
  payloadFromJson,
  payloadToJson,
  type JsonPayload,
} from '../../adapters/temporal/user-payload-codec.js';
import type { Config } from '../../config/index.js';
import { stackPaths } from '../../stack/engine.js';

// Failure stack traces name files by absolute path; the repository's own location is no part of a history.
const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Writes a workflow's history as the Temporal CLI shows it (the JSON the Web UI downloads too), with
 * the payloads sealed with a user's key opened by `codec` (a user's workflows): the replay test runs
 * without keys, and a user's key may be erased long before the history stops being replayed.
 */
export async function saveHistory(config: Config, file: URL, workflowId: string, codec?: PayloadCodec): Promise<void> {
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
  const parsed = JSON.parse(json) as unknown;
  const history = (codec ? await openSealed(parsed, codec) : parsed) as { events: unknown[] };
  writeFileSync(file, `${JSON.stringify(history, null, 2)}\n`.replaceAll(root, './'));
  console.log(`recorded ${fileURLToPath(file)} (${history.events.length} events)`);
}

async function openSealed(value: unknown, codec: PayloadCodec): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((item) => openSealed(item, codec)));
  if (value === null || typeof value !== 'object') return value;
  const payload = value as JsonPayload;
  if (payload.metadata?.['encoding'] && isUserEncrypted(payloadFromJson(payload))) {
    const [opened] = await codec.decode([payloadFromJson(payload)]);
    return opened ? payloadToJson(opened) : payload;
  }
  const entries = await Promise.all(
    Object.entries(value).map(async ([key, child]) => [key, await openSealed(child, codec)] as const),
  );
  return Object.fromEntries(entries);
}

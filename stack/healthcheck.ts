import { probeTemporal } from '../adapters/engine-probes.js';

/**
 * A container's health check where the image has no curl: `node dist/stack/healthcheck.js <url>` exits 0
 * when the URL answers 2xx within its deadline, 1 otherwise (docker-compose.yml's healthcheck tests).
 * `temporal://host:port` asks a Temporal server's frontend for its system namespace instead.
 */
const DEADLINE_MS = 3_000;

const url = process.argv[2];
if (url === undefined) {
  process.stderr.write('usage: healthcheck <url>|temporal://<host:port>\n');
  process.exit(2);
}
try {
  if (url.startsWith('temporal://')) {
    await probeTemporal(url.slice('temporal://'.length), 'temporal-system');
    process.exit(0);
  }
  const response = await fetch(url, { signal: AbortSignal.timeout(DEADLINE_MS) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}

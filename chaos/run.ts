import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { stackPaths } from '../stack/engine.js';
import { missedTargets, runChaos, type ChaosReport } from './chaos.js';

/**
 * `npm run chaos [-- --full] [--only <part of a scenario's name>]`: faults one at a time on the platform with
 * replicas (chaos/chaos.ts),
 * a table of what each did to accepted changes, and the same as JSON in .stack/chaos/report.json.
 * Exits 1 when a change was lost or stranded, a cached read answered 5xx, or dashboards took longer
 * than the target to converge.
 */
const { values } = parseArgs({ options: { full: { type: 'boolean', default: false }, only: { type: 'string' } } });
const log = (line: string) => process.stdout.write(`[chaos] ${line}\n`);

function table(report: ChaosReport): string {
  const header = [
    'scenario',
    'accepted',
    'last accepted (s)',
    'refused',
    'lost',
    'unannounced',
    'streams reopened',
    'stranded',
    'converged (s)',
    'reads 5xx',
  ];
  const rows = report.results.map((r) =>
    [
      r.scenario,
      r.accepted,
      r.lastAcceptedAfterS,
      r.refused,
      r.lost,
      r.unannounced,
      r.streamReconnects,
      r.stranded,
      r.convergedAfterS ?? 'never',
      `${r.reads5xx} of ${r.reads}`,
    ].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows].map((cells) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

const report = await runChaos(
  values.full ? 'full' : 'quick',
  log,
  values.only === undefined ? {} : { only: values.only },
);
const dir = join(stackPaths(loadConfig()).dir, 'chaos');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`\n${table(report)}\n\nreport: .stack/chaos/report.json\n`);
const missed = missedTargets(report);
for (const line of missed) log(`missed: ${line}`);
process.exit(missed.length > 0 ? 1 : 0);

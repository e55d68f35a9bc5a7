import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const root = fileURLToPath(new URL('../..', import.meta.url));
const monitoring = join(root, 'deploy/monitoring');
const run = promisify(execFile);

/**
 * The metric names the platform's processes define with prom-client (the Temporal SDK's are checked on a live
 * worker).
 */
function definedMetricNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts'))
        for (const match of readFileSync(path, 'utf8').matchAll(/name: '([a-z_]+)'/g)) names.add(match[1] ?? '');
    }
  };
  for (const dir of ['api', 'workers', 'domain-services']) walk(join(root, dir));
  return names;
}

/** Names of the series an expression reads, without the histogram suffixes Prometheus adds. */
const seriesIn = (expr: string) =>
  [...expr.matchAll(/\b((?:dashboard|bridge|domain|outbox|http|sse)_[a-z_]+)\b/g)].map((m) =>
    (m[1] ?? '').replace(/_(bucket|count|sum)$/, ''),
  );

const rules = z
  .object({ groups: z.array(z.object({ rules: z.array(z.object({ alert: z.string(), expr: z.string() })) })) })
  .parse(parse(readFileSync(join(monitoring, 'alerts.yml'), 'utf8')));
const dashboard = z
  .object({
    panels: z.array(
      z.object({ type: z.string(), title: z.string(), targets: z.array(z.object({ expr: z.string() })).optional() }),
    ),
  })
  .parse(JSON.parse(readFileSync(join(monitoring, 'grafana-dashboard.json'), 'utf8')));

describe('deploy/monitoring', () => {
  it('has alert rules Prometheus accepts, and each fires exactly when its unit tests say (promtool)', async () => {
    await run('promtool', ['check', 'rules', 'alerts.yml'], { cwd: monitoring, timeout: 30_000 });
    const { stdout } = await run('promtool', ['test', 'rules', 'alerts.test.yml'], {
      cwd: monitoring,
      timeout: 30_000,
    });
    expect(stdout).toContain('SUCCESS');
    expect(rules.groups.flatMap((g) => g.rules.map((r) => r.alert))).toEqual(
      expect.arrayContaining([
        'BridgeLagGrowing',
        'DashboardRebuildsFailing',
        'DomainCircuitOpen',
        'DashboardUpdateLagAboveObjective',
        'OutboxNotDraining',
      ]),
    );
  });

  it('reads only series the processes export, in the alerts and in the Grafana dashboard', () => {
    const defined = definedMetricNames();
    const used = [
      ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ].flatMap(seriesIn);
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((name) => !defined.has(name))).toEqual([]);
    // Every graph shows something.
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row'))
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
  });
});

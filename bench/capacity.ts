import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_ASSUMPTIONS, MeasuredCosts, capacityModel, type Assumptions } from './capacity/model.js';
import { capacityReport } from './capacity/report.js';

/**
 * `npm run capacity [-- <bench result>] [--set name=value ...] [--out file]`: the capacity model
 * (bench/capacity/model.ts) from a bench result, newest in bench/results/ by default, written to
 * docs/capacity.md.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    set: { type: 'string', multiple: true, default: [] },
    out: { type: 'string', default: 'docs/capacity.md' },
  },
});

function newestResult(): string {
  const files = readdirSync('bench/results').filter((f) => f.endsWith('.json'));
  const newest = files.sort().at(-1);
  if (newest === undefined) throw new Error('no bench result in bench/results/: run `npm run bench` first');
  return join('bench/results', newest);
}

const Override = z.tuple([
  z.enum(Object.keys(DEFAULT_ASSUMPTIONS) as [keyof Assumptions]),
  z.coerce.number().positive(),
]);

function assumptions(sets: string[]): Assumptions {
  const changed: Record<string, number> = { ...DEFAULT_ASSUMPTIONS };
  for (const set of sets) {
    const parsed = Override.safeParse(set.split('='));
    if (!parsed.success)
      throw new Error(
        `--set ${set}: give name=value with a positive number, a name from ${Object.keys(DEFAULT_ASSUMPTIONS).join(', ')}`,
      );
    changed[parsed.data[0]] = parsed.data[1];
  }
  return changed as unknown as Assumptions;
}

try {
  const source = positionals[0] ?? newestResult();
  const measured = MeasuredCosts.parse(JSON.parse(readFileSync(source, 'utf8')));
  const chosen = assumptions(values.set);
  writeFileSync(values.out, capacityReport(capacityModel(measured, chosen), chosen, measured, source));
  process.stdout.write(`wrote ${values.out} from ${source}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

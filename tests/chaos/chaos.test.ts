import { describe, expect, it } from 'vitest';
import { runChaos } from '../../chaos/chaos.js';

/**
 * The quick chaos run (`npm run chaos` runs it, and `-- --full` adds long and more faults): the
 * platform with two API processes, two workers and two bridges under a steady load, each fault in
 * turn; afterwards every touched user's dashboard is compared with the domain truth and their
 * preferences. How fast they converge is reported by the run, not asserted here.
 */
describe('npm run chaos (quick)', () => {
  it('loses and strands no accepted change through any fault, and serves every cached read', async () => {
    const report = await runChaos('quick', () => {});
    expect(report.results.map((r) => r.scenario)).toEqual([
      'worker-1 killed',
      'bridge-1 frozen 10 s',
      'api-1 killed',
      'accounts service killed',
      'Redis frozen 10 s',
    ]);
    for (const result of report.results) {
      // Each scenario really changed dashboards under the fault, and read them.
      expect(result.accepted, result.scenario).toBeGreaterThan(0);
      expect(result.reads, result.scenario).toBeGreaterThan(0);
      expect(
        {
          scenario: result.scenario,
          lost: result.lost,
          stranded: result.stranded,
          reads5xx: result.reads5xx,
        },
        // Whose dashboard fell behind, to look into with `npm run ops -- view <userId>`.
        `behind: ${result.lostUsers.join(', ') || 'nobody'}`,
      ).toEqual({ scenario: result.scenario, lost: 0, stranded: 0, reads5xx: 0 });
      expect(result.convergedAfterS, result.scenario).toBeDefined();
    }
  }, 900_000);
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSUMPTIONS, MeasuredCosts, capacityModel } from '../../bench/capacity/model.js';
import { capacityReport } from '../../bench/capacity/report.js';

// A bench result with round figures (the fields the model reads, as `npm run bench` writes them).
const measured = MeasuredCosts.parse({
  mode: 'quick',
  startedAt: '2026-11-24T10:00:00.000Z',
  machine: { cores: 2 },
  cacheHit: { highest: { api: { requestsPerSecond: 10_000 } } },
  throughput: {
    rebuilds: { platform: { perSecond: 250 } },
    history: { workflows: 30, rebuilds: 1_500, eventsPerRebuild: 0.2 },
  },
  rebuildAll: { perSecond: 300 },
  capacity: { sseStreamsOpened: 2_000, apiRssBeforeMiB: 130, apiRssWithStreamsMiB: 170 },
  rssPeakMiB: { worker: 380 },
});

describe('the capacity model', () => {
  it('sizes a salary day of 3.6 million customers from the measured costs', () => {
    const figures = capacityModel(measured, { ...DEFAULT_ASSUMPTIONS, customers: 3_600_000 });
    // Every customer's posting within the hour on top of the ordinary busiest hour (10 % of 2 events each).
    expect(figures.peak.salaryEventsPerSecond).toBeCloseTo(1_000 + 200, 6);
    // 12 % of 3 opens each in the busiest hour; 5 % of them miss the cache.
    expect(figures.peak.readsPerSecond).toBeCloseTo(360, 6);
    expect(figures.peak.rebuildsPerSecond).toBeCloseTo(1_200 + 18, 6);
    // 1,218 rebuilds/s at half of 250 per worker: 10 workers; the reads need 2 APIs, the 72,000 streams 15.
    expect(figures.processes).toEqual({ workers: 10, apis: 15, bridges: 3, kafkaPartitions: 12 });
    // Two Temporal actions per batch of 50 users, three per miss.
    expect(figures.peak.temporalActionsPerSecond).toBeCloseTo(1_200 * 0.02 * 2 + 18 * 3, 6);
    expect(figures.measured.streamKiB).toBeCloseTo((40 * 1024) / 2_000, 6);
  });

  it('writes a document that names its source and every assumption', () => {
    const text = capacityReport(capacityModel(measured), DEFAULT_ASSUMPTIONS, measured, 'bench/results/x.json');
    expect(text).toContain('npm run capacity -- bench/results/x.json');
    expect(text).toContain('10,000,000 customers');
    expect(text).toMatch(/\| worker \| \d+ \|/);
    expect(text).not.toMatch(/NaN|undefined|Infinity/);
  });
});

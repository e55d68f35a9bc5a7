import type { BenchPlatform } from '../lib/platform.js';
import type { UserPool } from '../lib/users.js';

/** How big each scenario is: quick fits in about ten minutes, full measures longer and wider. */
export interface BenchSize {
  readonly seedUsers: number;
  readonly warmUsers: number;
  readonly rates: number[];
  readonly loadSeconds: number;
  /** Rounds of each cache-hit measurement, the API and the floor in turns; the median is reported. */
  readonly hitRounds: number;
  readonly missSamples: number;
  /** Domain writes per second in the background while misses are measured a second time. */
  readonly stormRate: number;
  readonly freshnessRates: number[];
  readonly freshnessSeconds: number;
  /** Longest wait after a freshness run's last write for the updates still pending. */
  readonly freshnessDrainSeconds: number;
  /** Distinct users rebuilt by the floor, and as many others through the platform's event path. */
  readonly rebuildUsers: number;
  readonly burstWrites: number;
  /** Users of the operators' bulk rebuild (`ops rebuild-all`), and its rate limit. */
  readonly rebuildAllUsers: number;
  readonly rebuildAllRate: number;
  readonly rebuildAllTimeoutSeconds: number;
  readonly sseStreams: number;
  /** Raw events of the one day the analytics rollup is timed on. */
  readonly rollupEvents: number;
}

/** What every scenario gets: the running platform, its size, the users left to take, a log line. */
export interface BenchRun {
  readonly platform: BenchPlatform;
  readonly size: BenchSize;
  readonly users: UserPool;
  readonly log: (line: string) => void;
}

import type { CanonicalDashboard } from '../dashboard/index.js';
import type { RebuildRequest, RebuildStatus, Trigger } from '../contract/workflows.js';

/** Failure reasons kept for callers still waiting on a failed build. */
const FAILURES_KEPT = 10;

/** What a caller who needs the dashboard back gets: a build's view at once, or the build to wait for. */
export type Admission = { readonly view: CanonicalDashboard } | { readonly ticket: number };
export type Answer = { readonly view: CanonicalDashboard } | { readonly failure: string };

/**
 * The bookkeeping of one user's rebuild run, without any Temporal call, so it is unit-tested on its own
 * (tests/workflows/build-queue.test.ts) and the workflow only waits and builds.
 * - Triggers wait in `pending`; the next build takes all of them: a burst costs one follow-up build.
 * - Builds are numbered as they start. A caller waiting for the dashboard holds a ticket, the number
 *   of the build that answers it: a cache miss joins the build under way (it reads the truth of a
 *   moment ago, so 50 misses cost one build), anyone else gets the next build, which starts after
 *   their request.
 * - A ticket is answered with the latest view once its build finished, or with that build's failure.
 */
export class BuildQueue {
  private readonly pending: RebuildRequest[];
  private started = 0;
  private completed = 0;
  /** Builds that ended, successfully or not. */
  private finished = 0;
  private readonly failures = new Map<number, string>();
  /** Set when a run from before 'one-step-build' fails: every waiting caller is answered with it. */
  private runFailure: string | undefined;
  private latestView: CanonicalDashboard | undefined;

  constructor(
    carriedOver: readonly RebuildRequest[] = [],
    /** How old a finished build may be for a cache miss to take it instead of a new build. */
    private readonly missReuseMs = 2_000,
  ) {
    this.pending = [...carriedOver];
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  get latest(): CanonicalDashboard | undefined {
    return this.latestView;
  }

  /** A trigger nobody waits on (signal, or a retry the run schedules itself). */
  add(request: RebuildRequest): void {
    this.pending.push(request);
  }

  /** A caller who waits for the dashboard (update), at workflow time `nowMs`. */
  admit(request: RebuildRequest, nowMs: number): Admission {
    const isMiss = request.trigger === 'miss';
    const idle = this.started === this.finished;
    if (isMiss && idle && this.latestView && nowMs - Date.parse(this.latestView.builtAt) < this.missReuseMs) {
      return { view: this.latestView };
    }
    if (isMiss && !idle) return { ticket: this.started };
    this.pending.push(request);
    return { ticket: this.started + 1 };
  }

  isAnswered(ticket: number): boolean {
    return this.finished >= ticket || this.runFailure !== undefined;
  }

  /** Only once isAnswered(ticket). */
  answer(ticket: number): Answer {
    const failure = this.failures.get(ticket) ?? this.runFailure;
    if (failure === undefined && this.latestView) return { view: this.latestView };
    return { failure: failure ?? 'rebuild failed' };
  }

  /** Starts the next build: the requests it serves and the trigger it is recorded under. */
  startBuild(): { readonly requests: RebuildRequest[]; readonly trigger: Trigger } {
    const requests = this.pending.splice(0);
    this.started++;
    return { requests, trigger: triggerOf(requests) };
  }

  /** The build produced `view` (fresh, or a newer one already stored). */
  buildSucceeded(view: CanonicalDashboard): void {
    this.latestView = view;
    this.completed++;
    this.finished++;
  }

  buildFailed(reason: string): void {
    this.failures.set(this.started, reason);
    this.failures.delete(this.started - FAILURES_KEPT);
    this.finished++;
  }

  /** Runs from before 'one-step-build' end at their first failure, answering every waiting caller with it. */
  runFailed(reason: string): void {
    this.runFailure = reason;
  }

  status(lastVersion: number): RebuildStatus {
    return { buildsStarted: this.started, buildsCompleted: this.completed, pending: this.pending.length, lastVersion };
  }
}

/** A waiting caller (cache miss) is what an operator most wants to see; otherwise the latest trigger. */
function triggerOf(batch: readonly RebuildRequest[]): Trigger {
  return batch.some((r) => r.trigger === 'miss') ? 'miss' : (batch.at(-1)?.trigger ?? 'event');
}

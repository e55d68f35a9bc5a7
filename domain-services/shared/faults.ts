import { setTimeout as sleep } from 'node:timers/promises';
import type { Hono, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { parseJsonBody } from './http.js';
import { problemResponse } from './problem.js';

/**
 * Fault injection, switchable at run time so tests and benchmarks can make a service slow, flaky or
 * down without restarting it. Only the domain API (/v1, /internal) is faulted: /admin must stay
 * reachable to switch faults off again, and /healthz reports the process, not the injected fault.
 */
export const FaultSettings = z.strictObject({
  latencyMs: z.number().int().min(0).max(120_000).default(0),
  errorRate: z.number().min(0).max(1).default(0),
  down: z.boolean().default(false),
});
export type FaultSettings = z.infer<typeof FaultSettings>;

export const NO_FAULTS: FaultSettings = { latencyMs: 0, errorRate: 0, down: false };

/** The mutable switch board; one per service instance. */
export class FaultSwitch {
  private current: FaultSettings;

  constructor(
    initial: FaultSettings = NO_FAULTS,
    /** Injectable so a test can pin the dice; error injection is not a workflow, Math.random is fine. */
    readonly random: () => number = Math.random,
  ) {
    this.current = { ...initial };
  }

  get(): FaultSettings {
    return { ...this.current };
  }

  set(settings: FaultSettings): void {
    this.current = { ...settings };
  }
}

const FAULTED_PATH = /^\/(v1|internal)(\/|$)/;

export function faultInjection(faults: FaultSwitch): MiddlewareHandler {
  return async function injectFaults(c, next) {
    if (!FAULTED_PATH.test(c.req.path)) return next();
    const { latencyMs, errorRate, down } = faults.get();
    if (down)
      return problemResponse(
        'FAULT_INJECTED_DOWN',
        503,
        'The service is switched down by fault injection.',
        undefined,
        { 'retry-after': '1' },
      );
    if (latencyMs > 0) await sleep(latencyMs);
    if (errorRate > 0 && faults.random() < errorRate) {
      return problemResponse('FAULT_INJECTED_ERROR', 503, `Injected error (error rate ${errorRate}).`, undefined, {
        'retry-after': '1',
      });
    }
    return next();
  };
}

/** GET shows the settings; PUT replaces them (fields left out are off, so `{}` clears every fault). */
export function mountFaultAdmin(app: Hono, faults: FaultSwitch): void {
  app.get('/admin/faults', (c) => c.json(faults.get()));
  app.put('/admin/faults', async (c) => {
    faults.set(await parseJsonBody(c, FaultSettings));
    return c.json(faults.get());
  });
}

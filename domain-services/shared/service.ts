import { join } from 'node:path';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { topics } from '../../config/topics.js';
import { systemClock, type EventClock, type ServiceName } from './events.js';
import { faultInjection, FaultSwitch, mountFaultAdmin } from './faults.js';
import { createBaseApp } from './http.js';
import { openJournal } from './journal.js';
import { registerOutboxMetrics } from './metrics.js';
import { createKafkaPublisher, type EventPublisher } from './kafka-publisher.js';
import { OutboxRelay } from './relay.js';
import { JournaledStore, type StoreModel } from './store.js';

/** What every domain service needs from the outside; the entry point fills it from config, tests by hand. */
export interface DomainServiceDeps {
  /** Root data folder; the service journals into `<dataDir>/<service>/`. */
  dataDir: string;
  /** Users 'u-1' .. 'u-<seedUsers>' exist. */
  seedUsers: number;
  logger: Logger;
  kafka: { brokers: string[]; clientId: string };
  /** Replaces the Kafka publisher built from `kafka` (e.g. one with other timeouts). */
  publisher?: EventPublisher;
  faults?: FaultSwitch;
  clock?: EventClock;
  /** Relay retry timing; defaults 100 ms doubling up to 5 s. */
  relay?: { initialBackoffMs?: number; maxBackoffMs?: number };
  /** Where /metrics reads from; the entry point's also has the process's own metrics. */
  registry?: Registry;
}

export interface DomainService {
  readonly name: ServiceName;
  readonly app: Hono;
  readonly outbox: OutboxRelay;
  readonly faults: FaultSwitch;
  /**
   * Publishes what it can within `flushDeadlineMs`, then stops the relay and closes the journal and
   * the producer. Anything unpublished stays in the journal for the next start.
   */
  close(flushDeadlineMs?: number): Promise<void>;
}

/** What a service's routes get: its store plus the shared settings. */
export interface RouteContext<State> {
  store: JournaledStore<State>;
  seedUsers: number;
  clock: EventClock;
  logger: Logger;
}

/**
 * Wires one service: journal -> store (replayed) -> relay to the service's topic, and an app with
 * health, fault admin, fault injection and then the service's own routes (order matters: Hono runs
 * middleware only for routes registered after it).
 */
export async function createDomainService<State>(
  name: ServiceName,
  deps: DomainServiceDeps,
  model: StoreModel<State>,
  mountRoutes: (app: Hono, ctx: RouteContext<State>) => void,
): Promise<DomainService> {
  const logger = deps.logger.child({ service: name });
  const dir = join(deps.dataDir, name);
  const publisher = deps.publisher ?? createKafkaPublisher({ ...deps.kafka, topic: topics[name], logger });
  const journal = await openJournal(dir);
  let outbox: OutboxRelay;
  let store: JournaledStore<State>;
  try {
    outbox = await OutboxRelay.open({ dir, publisher, logger, ...deps.relay }, journal.recovered);
    const relay = outbox;
    store = new JournaledStore(model, journal, (entry) => relay.enqueue(entry));
  } catch (error) {
    // A journal the model cannot replay (or an unreadable published.seq) must not leave the file open.
    await journal.close();
    throw error;
  }
  const faults = deps.faults ?? new FaultSwitch();

  const app = createBaseApp(logger);
  const registry = deps.registry ?? new Registry();
  registerOutboxMetrics(registry, name, outbox);
  app.get('/healthz', (c) => c.json({ status: 'ok', service: name, outbox: outbox.status() }));
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  mountFaultAdmin(app, faults);
  app.use('*', faultInjection(faults));
  mountRoutes(app, { store, seedUsers: deps.seedUsers, clock: deps.clock ?? systemClock, logger });

  outbox.start();
  logger.info({ dir, recovered: journal.recovered.length, outbox: outbox.status() }, 'domain service ready');

  return {
    name,
    app,
    outbox,
    faults,
    async close(flushDeadlineMs = 5_000) {
      const flushed = await outbox.flush(flushDeadlineMs);
      await outbox.stop(flushDeadlineMs);
      await journal.close();
      await publisher.close();
      if (!flushed)
        logger.warn(
          { outbox: outbox.status() },
          'stopped with unpublished events; they are published on the next start',
        );
    },
  };
}

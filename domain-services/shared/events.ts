import { randomUUID } from 'node:crypto';
import { traceCarrier } from '../../adapters/telemetry/trace-context.js';
import {
  eventSchema,
  SUPPORTED_SCHEMA_VERSION,
  type EventEnvelope,
  type EventPayload,
  type EventType,
} from '../../dashboard/index.js';

/** The services that own the data; also the envelope's `source`. */
export type ServiceName = 'accounts' | 'partners' | 'transactions' | 'offers';

/** Before the first journaled change, a user's data is "as of" this fixed instant, so reads are deterministic. */
export const SEED_EPOCH = '2026-01-01T00:00:00.000Z';

export interface EventClock {
  now(): Date;
}

export const systemClock: EventClock = { now: () => new Date() };

/**
 * Builds the envelope of a domain event and checks it against the contract before anything is
 * journaled: an event the platform could not parse must fail the request (500), not poison Kafka.
 * `data` may carry additive fields beyond the contract payload (the contract schemas are non-strict).
 */
// Building a typed envelope schema is not free; each type's is built once.
const schemas = new Map<EventType, ReturnType<typeof eventSchema>>();
const schemaOf = (type: EventType) => {
  let schema = schemas.get(type);
  if (schema === undefined) {
    schema = eventSchema(type);
    schemas.set(type, schema);
  }
  return schema;
};

export function createEvent<T extends EventType>(
  source: ServiceName,
  type: T,
  subject: string,
  data: EventPayload<T>,
  clock: EventClock = systemClock,
): EventEnvelope {
  const envelope: EventEnvelope = {
    id: randomUUID(),
    type,
    source,
    subject,
    time: clock.now().toISOString(),
    schemaVersion: SUPPORTED_SCHEMA_VERSION,
    data,
    // The write's trace travels with the event through the outbox to Kafka and the platform.
    ...traceCarrier(),
  };
  schemaOf(type).parse(envelope);
  return envelope;
}

import {
  EVENT_PAYLOADS,
  EventEnvelope,
  SUPPORTED_SCHEMA_VERSION,
  type DomainEvent,
  type EventType,
} from './contract/events.js';
import { toJsonPointer, uniqueIssues, type CoreIssue, type EventErrorCode, type Result } from './errors.js';
import type { z } from 'zod';

export type EventResult<T> = Result<T, EventErrorCode>;

/**
 * A valid envelope whose type or payload version this code does not know. Consumers count and skip
 * it (forward compatibility); only malformed messages go to the dead-letter topic.
 */
export interface UnknownEvent {
  ok: true;
  known: false;
  reason: 'unknown_type' | 'unsupported_schema_version';
  envelope: EventEnvelope;
}
export type ParsedEvent =
  { ok: true; known: true; event: DomainEvent } | UnknownEvent | { ok: false; errors: CoreIssue<EventErrorCode>[] };

export function parseEventEnvelope(input: unknown): EventResult<EventEnvelope> {
  const parsed = EventEnvelope.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: issuesOf('EVENT_INVALID_ENVELOPE', parsed.error.issues) };
}

/** Envelope first, then the payload by type; `errors[].path` points into the whole message. */
export function parseEvent(input: unknown): ParsedEvent {
  const envelope = parseEventEnvelope(input);
  if (!envelope.ok) return envelope;
  const { type, schemaVersion, data } = envelope.value;
  if (!isKnownType(type)) return { ok: true, known: false, reason: 'unknown_type', envelope: envelope.value };
  if (schemaVersion > SUPPORTED_SCHEMA_VERSION) {
    return { ok: true, known: false, reason: 'unsupported_schema_version', envelope: envelope.value };
  }
  const payload = EVENT_PAYLOADS[type].safeParse(data);
  if (!payload.success) {
    return { ok: false, errors: issuesOf('EVENT_INVALID_PAYLOAD', payload.error.issues, ['data']) };
  }
  // The payload schema for `type` produced `data`, which is exactly what DomainEvent pairs.
  return { ok: true, known: true, event: { ...envelope.value, type, data: payload.data } as DomainEvent };
}

function isKnownType(type: string): type is EventType {
  return Object.hasOwn(EVENT_PAYLOADS, type);
}

function issuesOf(
  code: EventErrorCode,
  issues: z.core.$ZodIssue[],
  prefix: PropertyKey[] = [],
): CoreIssue<EventErrorCode>[] {
  return uniqueIssues(
    issues.map((issue) => ({ code, path: toJsonPointer([...prefix, ...issue.path]), message: issue.message })),
  );
}

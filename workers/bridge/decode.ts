import { parseEvent, type ParsedEvent } from '../../dashboard/index.js';
import type { Trigger } from '../../contract/workflows.js';

/**
 * What the bridge does with one Kafka message. Only a malformed message is dead-lettered; a valid
 * envelope this code does not understand (a newer type or payload version) is skipped and counted,
 * so a producer that ships first never stalls or floods the dead-letter topic (forward compatibility).
 */
export type Decision =
  | {
      readonly action: 'trigger';
      readonly userId: string;
      readonly trigger: Trigger;
      readonly since: string;
      readonly type: string;
    }
  | { readonly action: 'skip'; readonly reason: SkipReason; readonly type: string }
  | { readonly action: 'dead-letter'; readonly code: DeadLetterCode; readonly reason: string };

export type SkipReason = 'unknown_type' | 'unsupported_schema_version' | 'not_a_trigger';
export type DeadLetterCode =
  'EVENT_EMPTY' | 'EVENT_NOT_JSON' | 'EVENT_INVALID_ENVELOPE' | 'EVENT_INVALID_PAYLOAD' | 'TEMPORAL_REJECTED';

/** Event types that describe the dashboard itself: rebuilding on them would loop. */
const NOT_TRIGGERS: ReadonlySet<string> = new Set([
  'DashboardUpdated',
  'DashboardRebuildFailed',
  'DashboardViewed',
  'DashboardViews',
]);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A message's bytes as an event: parsed, or why it belongs on the dead-letter topic. */
export type DecodedMessage =
  | { readonly ok: true; readonly parsed: Extract<ParsedEvent, { ok: true }> }
  | { readonly ok: false; readonly deadLetter: Extract<Decision, { action: 'dead-letter' }> };

/** UTF-8 JSON in the event envelope with a valid payload for its type; shared by every consumer. */
export function decodeMessage(value: Buffer | null): DecodedMessage {
  const refuse = (code: DeadLetterCode, reason: string) => ({
    ok: false as const,
    deadLetter: deadLetter(code, reason),
  });
  if (value === null || value.length === 0) return refuse('EVENT_EMPTY', 'message has no value');
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(value));
  } catch (error) {
    return refuse(
      'EVENT_NOT_JSON',
      `value is not UTF-8 JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = parseEvent(json);
  if (!parsed.ok) {
    const code = parsed.errors[0]?.code ?? 'EVENT_INVALID_ENVELOPE';
    return refuse(code, parsed.errors.map((e) => `${e.code} ${e.path || '/'}: ${e.message}`).join('; '));
  }
  return { ok: true, parsed };
}

export function decideMessage(value: Buffer | null): Decision {
  const decoded = decodeMessage(value);
  if (!decoded.ok) return decoded.deadLetter;
  const { parsed } = decoded;
  if (!parsed.known) return { action: 'skip', reason: parsed.reason, type: parsed.envelope.type };
  const { type, subject, time } = parsed.event;
  if (NOT_TRIGGERS.has(type)) return { action: 'skip', reason: 'not_a_trigger', type };
  // The search attribute Trigger tells operators why a rebuild ran: a preference change or a domain event.
  return {
    action: 'trigger',
    userId: subject,
    trigger: type === 'PreferencesChanged' ? 'preferences' : 'event',
    since: time,
    type,
  };
}

export function deadLetter(code: DeadLetterCode, reason: string): Extract<Decision, { action: 'dead-letter' }> {
  // Header values should stay readable in tools; a thousand characters name every problem that matters.
  return { action: 'dead-letter', code, reason: reason.slice(0, 1000) };
}

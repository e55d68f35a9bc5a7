import { describe, expect, it } from 'vitest';
import { deadLetterMessage } from '../../workers/bridge/dead-letter.js';
import { decideMessage } from '../../workers/bridge/decode.js';
import { failureCode } from '../../workers/bridge/retry.js';

const envelope = (overrides: Record<string, unknown> = {}) => ({
  id: 'evt-1',
  type: 'AccountClosed',
  source: 'accounts',
  subject: 'u-7',
  time: '2026-01-02T03:04:05.000Z',
  schemaVersion: 1,
  data: { accountId: 'acc-1', closedAt: '2026-01-02T03:04:05.000Z' },
  ...overrides,
});
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('decideMessage', () => {
  it('turns a domain event into a rebuild trigger for its subject', () => {
    expect(decideMessage(bytes(envelope()))).toEqual({
      action: 'trigger',
      userId: 'u-7',
      trigger: 'event',
      since: '2026-01-02T03:04:05.000Z',
      type: 'AccountClosed',
    });
  });

  it('marks a preference change as such, so operators can tell the rebuilds apart', () => {
    const changed = envelope({
      type: 'PreferencesChanged',
      data: { userId: 'u-7', version: 3, updatedAt: '2026-01-02T03:04:05.000Z' },
    });
    expect(decideMessage(bytes(changed))).toMatchObject({ action: 'trigger', userId: 'u-7', trigger: 'preferences' });
  });

  it('skips, without dead-lettering, a type or payload version it does not know', () => {
    expect(decideMessage(bytes(envelope({ type: 'LoyaltyPointsEarned', data: { points: 5 } })))).toEqual({
      action: 'skip',
      reason: 'unknown_type',
      type: 'LoyaltyPointsEarned',
    });
    expect(decideMessage(bytes(envelope({ schemaVersion: 2, data: { anything: true } })))).toMatchObject({
      action: 'skip',
      reason: 'unsupported_schema_version',
    });
  });

  it('never rebuilds on its own DashboardUpdated (that would loop)', () => {
    const updated = envelope({
      type: 'DashboardUpdated',
      data: { userId: 'u-7', version: 1, builtAt: '2026-01-02T03:04:05.000Z', trigger: 'event' },
    });
    expect(decideMessage(bytes(updated))).toMatchObject({ action: 'skip', reason: 'not_a_trigger' });
  });

  it('dead-letters what is not a valid envelope and payload, saying why', () => {
    expect(decideMessage(null)).toMatchObject({ action: 'dead-letter', code: 'EVENT_EMPTY' });
    expect(decideMessage(bytes('{not json'))).toMatchObject({ action: 'dead-letter', code: 'EVENT_NOT_JSON' });
    expect(decideMessage(Buffer.from([0x7b, 0xff, 0x7d]))).toMatchObject({
      action: 'dead-letter',
      code: 'EVENT_NOT_JSON',
    });
    expect(decideMessage(bytes({ hello: 'world' }))).toMatchObject({
      action: 'dead-letter',
      code: 'EVENT_INVALID_ENVELOPE',
    });
    const badPayload = decideMessage(bytes(envelope({ data: { accountId: 'acc-1' } })));
    expect(badPayload).toMatchObject({ action: 'dead-letter', code: 'EVENT_INVALID_PAYLOAD' });
    expect(badPayload.action === 'dead-letter' && badPayload.reason).toContain('/data/closedAt');
  });
});

describe('deadLetterMessage', () => {
  it('keeps the original key and bytes and says where they came from and why', () => {
    const value = Buffer.from([0x00, 0x01, 0xfe]);
    const letter = deadLetterMessage(
      { key: Buffer.from('u-7'), value, offset: '42' },
      { topic: 'domain.accounts', partition: 3 },
      { code: 'EVENT_NOT_JSON', reason: 'nope' },
      new Date('2026-01-02T03:04:05.000Z'),
    );
    expect(letter.value).toBe(value);
    expect(String(letter.key)).toBe('u-7');
    expect(letter.headers).toEqual({
      'reason-code': 'EVENT_NOT_JSON',
      reason: 'nope',
      'original-topic': 'domain.accounts',
      'original-partition': '3',
      'original-offset': '42',
      'failed-at': '2026-01-02T03:04:05.000Z',
    });
  });
});

describe('failureCode', () => {
  it('names the gRPC status a Temporal call failed with, also when wrapped', () => {
    const grpc = Object.assign(new Error('8 RESOURCE_EXHAUSTED: slow down'), { code: 8 });
    expect(failureCode(grpc)).toBe('RESOURCE_EXHAUSTED');
    expect(
      failureCode(new Error('service error', { cause: Object.assign(new Error('unavailable'), { code: 14 }) })),
    ).toBe('UNAVAILABLE');
    expect(failureCode(new TypeError('boom'))).toBe('TypeError');
  });
});

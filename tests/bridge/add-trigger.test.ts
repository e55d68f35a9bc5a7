import { describe, expect, it } from 'vitest';
import { addTrigger, type UserTrigger } from '../../workers/bridge/trigger-batcher.js';

describe('addTrigger', () => {
  it('keeps one trigger per user: a preference change wins, and the oldest event tells how long the user waited', () => {
    const users = new Map<string, UserTrigger>();
    addTrigger(users, { userId: 'u-1', trigger: 'event', since: '2026-01-01T00:00:02.000Z' });
    addTrigger(users, { userId: 'u-1', trigger: 'preferences', since: '2026-01-01T00:00:01.000Z' });
    addTrigger(users, { userId: 'u-1', trigger: 'event', since: '2026-01-01T00:00:03.000Z' });
    addTrigger(users, { userId: 'u-2', trigger: 'event' });
    addTrigger(users, { userId: 'u-2', trigger: 'event', since: '2026-01-01T00:00:05.000Z' });
    expect([...users.values()]).toEqual([
      { userId: 'u-1', trigger: 'preferences', since: '2026-01-01T00:00:01.000Z' },
      { userId: 'u-2', trigger: 'event', since: '2026-01-01T00:00:05.000Z' },
    ]);
  });

  it("keeps the trace of the user's first traced change: the later ones join that build", () => {
    const first = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const users = new Map<string, UserTrigger>();
    addTrigger(users, { userId: 'u-1', trigger: 'event' });
    addTrigger(users, { userId: 'u-1', trigger: 'event', traceparent: first, tracestate: 'bank=1' });
    addTrigger(users, {
      userId: 'u-1',
      trigger: 'preferences',
      traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`,
    });
    expect(users.get('u-1')).toEqual({
      userId: 'u-1',
      trigger: 'preferences',
      traceparent: first,
      tracestate: 'bank=1',
    });
  });
});

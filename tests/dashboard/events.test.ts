import { describe, expect, it } from 'vitest';
import type { EventType } from '../../dashboard/index.js';
import {
  EVENT_ERROR_CODES,
  EVENT_TYPES,
  parseEvent,
  parseEventEnvelope,
  viewRecordsOf,
} from '../../dashboard/index.js';
import { accounts, partners, widgets } from './fixtures.js';

const envelope = {
  id: 'evt-1',
  source: 'accounts-service',
  subject: 'user-4711',
  time: '2025-03-14T09:00:00+01:00',
  schemaVersion: 1,
};
const money = { amount: -42.5, currency: 'EUR' };

/** A valid payload per event type: what the reference services publish. */
const payloads: Record<EventType, unknown> = {
  AccountCreated: accounts[0],
  AccountUpdated: accounts[1],
  AccountClosed: { accountId: 'acc-old', closedAt: '2025-03-01T00:00:00Z' },
  PartnerAdded: partners[0],
  PartnerUpdated: partners[1],
  PartnerRemoved: { partnerId: 'p-zeit' },
  TransactionPosted: {
    accountId: 'acc-giro',
    transactionId: 'tx-1',
    amount: money,
    bookedAt: '2025-03-14T08:59:00Z',
    balanceAfter: money,
  },
  OfferPublished: { offerId: 'w-card-loan', widget: widgets[1] },
  OfferWithdrawn: { offerId: 'w-card-loan' },
  ContractPurchased: { contractId: 'c-1', offerId: 'w-card-loan', purchasedAt: '2025-03-14T09:00:00Z' },
  PreferencesChanged: { userId: 'user-4711', version: 8, updatedAt: '2025-03-14T09:00:00Z' },
  DashboardUpdated: { userId: 'user-4711', version: 1741944600000, builtAt: '2025-03-14T09:00:00Z', trigger: 'event' },
  DashboardRebuildFailed: { userId: 'user-4711', trigger: 'event', reason: 'no source answered and no view stored' },
  DashboardViewed: {
    userId: 'user-4711',
    platform: 'ios',
    appVersion: '4.1.0',
    profile: 'ios-v4',
    source: 'cache',
    latencyMs: 1.5,
    etagHit: false,
    offerIds: ['w-card-loan'],
  },
  DashboardViews: {
    firstAt: '2025-03-14T09:00:00Z',
    atMs: [0, 250],
    userIds: ['user-4711', 'user-42'],
    clients: [{ platform: 'android', appVersion: '3.2.0', profile: 'android-v3' }],
    client: [0, 0],
    sources: ['view', 'cache'],
    latencyMs: [12.25, 0.5],
    etagHits: [true, false],
    offerLists: [[], ['w-card-loan']],
    offers: [0, 1],
  },
};

/** DashboardViews as API versions before the columns form sent them: a record per view. */
const viewRecords = {
  views: [
    {
      id: '5f0c6a58-7d5e-4c1e-9a4b-0f6c2b7d9e11',
      time: '2025-03-14T09:00:00Z',
      userId: 'user-4711',
      platform: 'android',
      appVersion: '3.2.0',
      profile: 'android-v3',
      source: 'view',
      latencyMs: 12.25,
      etagHit: true,
      offerIds: [],
    },
  ],
};

describe('parseEvent', () => {
  it.each(EVENT_TYPES)('accepts a valid %s', (type) => {
    const result = parseEvent({ ...envelope, type, data: payloads[type] });
    expect(result).toEqual({ ok: true, known: true, event: { ...envelope, type, data: payloads[type] } });
  });

  it('types the payload by the event type', () => {
    const result = parseEvent({ ...envelope, type: 'TransactionPosted', data: payloads.TransactionPosted });
    if (result.ok && result.known && result.event.type === 'TransactionPosted')
      expect(result.event.data.amount.currency).toBe('EUR');
    else expect.unreachable();
  });

  it('drops fields a newer producer added, instead of dead-lettering the message', () => {
    const result = parseEvent({
      ...envelope,
      partitionKey: 'p-1',
      type: 'OfferWithdrawn',
      data: { offerId: 'o-1', reason: 'expired' },
    });
    expect(result).toEqual({
      ok: true,
      known: true,
      event: { ...envelope, type: 'OfferWithdrawn', data: { offerId: 'o-1' } },
    });
  });

  it('drops a malformed trace context instead of refusing the event, and keeps a valid one', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const withdrawn = { ...envelope, type: 'OfferWithdrawn', data: { offerId: 'o-1' } };
    expect(parseEvent({ ...withdrawn, traceparent: '00-abc', tracestate: 'x'.repeat(600) })).toMatchObject({
      ok: true,
      event: { traceparent: undefined, tracestate: undefined },
    });
    expect(parseEvent({ ...withdrawn, traceparent })).toMatchObject({ ok: true, event: { traceparent } });
  });

  it('tells an unknown type or payload version apart from a broken message, so consumers can skip it', () => {
    expect(parseEvent({ ...envelope, type: 'LoyaltyPointsEarned', data: { points: 10 } })).toMatchObject({
      ok: true,
      known: false,
      reason: 'unknown_type',
    });
    expect(parseEvent({ ...envelope, type: 'toString', data: {} })).toMatchObject({
      ok: false,
      errors: [{ code: 'EVENT_INVALID_ENVELOPE', path: '/type' }],
    });
    expect(parseEvent({ ...envelope, type: 'AccountClosed', schemaVersion: 2, data: {} })).toMatchObject({
      ok: true,
      known: false,
      reason: 'unsupported_schema_version',
    });
  });
});

describe('event error codes', () => {
  const examples = {
    EVENT_INVALID_ENVELOPE: {
      message: { ...envelope, subject: '', type: 'AccountClosed', data: {} },
      path: '/subject',
    },
    EVENT_INVALID_PAYLOAD: {
      message: {
        ...envelope,
        type: 'TransactionPosted',
        data: { ...(payloads.TransactionPosted as object), amount: { amount: 1, currency: 'euro' } },
      },
      path: '/data/amount/currency',
    },
  };

  it('has an example for every code', () => {
    expect(Object.keys(examples).sort()).toEqual([...EVENT_ERROR_CODES].sort());
  });

  it.each(Object.entries(examples))('%s', (code, { message, path }) => {
    expect(parseEvent(message)).toEqual({ ok: false, errors: [expect.objectContaining({ code, path })] });
  });

  it('rejects a message that is not an envelope at all', () => {
    expect(parseEventEnvelope('AccountCreated')).toMatchObject({
      ok: false,
      errors: [{ code: 'EVENT_INVALID_ENVELOPE', path: '' }],
    });
    expect(parseEventEnvelope({ ...envelope, type: 'AccountCreated', data: null })).toMatchObject({ ok: true });
  });
});

describe('DashboardViews', () => {
  const views = (data: unknown) => {
    const result = parseEvent({ ...envelope, type: 'DashboardViews', data });
    if (!result.ok || !result.known || result.event.type !== 'DashboardViews') throw new Error('not DashboardViews');
    return viewRecordsOf(result.event.id, result.event.data);
  };

  it('reads each view of the columns form with its own id, time, app and offers', () => {
    // The first view is the records example's own, which the columns example holds first.
    expect(views(payloads.DashboardViews)).toEqual([
      { ...viewRecords.views[0], id: 'evt-1:0', time: '2025-03-14T09:00:00.000Z' },
      {
        id: 'evt-1:1',
        time: '2025-03-14T09:00:00.250Z',
        userId: 'user-42',
        platform: 'android',
        appVersion: '3.2.0',
        profile: 'android-v3',
        source: 'cache',
        latencyMs: 0.5,
        etagHit: false,
        offerIds: ['w-card-loan'],
      },
    ]);
  });

  it('still reads the records form older API versions sent', () => {
    expect(views(viewRecords)).toEqual(viewRecords.views);
  });

  it('refuses columns that disagree on the number of views or refer past what the event names', () => {
    const columns = payloads.DashboardViews as Record<string, unknown>;
    expect(parseEvent({ ...envelope, type: 'DashboardViews', data: { ...columns, userIds: ['user-4711'] } })).toEqual({
      ok: false,
      errors: [{ code: 'EVENT_INVALID_PAYLOAD', path: '/data/userIds', message: 'has 1 entries for 2 views' }],
    });
    expect(parseEvent({ ...envelope, type: 'DashboardViews', data: { ...columns, offers: [0, 2] } })).toEqual({
      ok: false,
      errors: [{ code: 'EVENT_INVALID_PAYLOAD', path: '/data/offers/1', message: 'refers past the 2 entries' }],
    });
  });
});

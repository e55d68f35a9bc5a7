import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventMessage } from '../../adapters/kafka/event-producer.js';
import { createOfferIdsReader } from '../../api/offer-ids.js';
import { createViewEmitter, type DashboardView, type ViewEmitterDeps } from '../../api/view-events.js';
import { parseEvent, viewRecordsOf, type EventEnvelope, type EventPayload } from '../../dashboard/index.js';

/**
 * The view emitter's logic with a send of the test's choosing (no Kafka): reads never wait for it,
 * whatever Kafka does, and what it sends is what the analytics consumer accepts.
 */

const TOPIC = 'test.dashboard.viewed';
const quiet = { warn: () => undefined, info: () => undefined };

const body = (offerIds: string[]) =>
  JSON.stringify({
    userId: 'u-1',
    version: 3,
    builtAt: '2026-01-01T00:00:00.000Z',
    profile: 'ios-v4',
    layout: 'default',
    sections: {
      accounts: { freshness: { asOf: null, stale: false, reason: null }, pinned: [], items: [] },
      widgets: {
        freshness: { asOf: null, stale: false, reason: null },
        pinned: [],
        items: offerIds.map((id) => ({ widget_id: id, component_type: 'Card', priority: 1, data: {} })),
      },
    },
  });

const served = { etag: '"3-abc"', body: body(['offer-car-insurance', 'offer-travel-card']) };

const view = (i: number, overrides: Partial<DashboardView> = {}): DashboardView => ({
  userId: `u-${i}`,
  platform: 'ios',
  appVersion: '4.1.0',
  profile: 'ios-v4',
  source: 'cache',
  latencyMs: 1.23456,
  etagHit: false,
  served,
  ...overrides,
});

/** The views a send carried, as the analytics consumer reads them from its DashboardViews. */
const viewsOf = (events: readonly EventEnvelope[]) =>
  events.flatMap((e) => viewRecordsOf(e.id, e.data as EventPayload<'DashboardViews'>));

/** A send whose every call is answered (or not) by the test, recording how many were open at once. */
function controlledSend() {
  const calls: { topic: string; events: readonly EventEnvelope[]; resolve(): void; reject(error: Error): void }[] = [];
  let open = 0;
  let mostOpen = 0;
  const publishMany = vi.fn(
    (topic: string, events: readonly EventEnvelope[]) =>
      new Promise<void>((resolve, reject) => {
        open++;
        mostOpen = Math.max(mostOpen, open);
        const settle = (fn: () => void) => () => {
          open--;
          fn();
        };
        calls.push({
          topic,
          events,
          resolve: settle(resolve),
          reject: (error) => settle(() => reject(error))(),
        });
      }),
  );
  return { publishMany, calls, mostOpen: () => mostOpen };
}

const emitterWith = (producer: ViewEmitterDeps['producer'], options: Partial<ViewEmitterDeps> = {}) =>
  createViewEmitter({
    producer,
    topic: TOPIC,
    offerIdsOf: createOfferIdsReader(),
    logger: quiet,
    maxBuffered: 10_000,
    batchSize: 500,
    flushIntervalMs: 200,
    sendTimeoutMs: 2_000,
    closeDeadlineMs: 3_000,
    ...options,
  });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('view emitter', () => {
  it('never waits: with a send that never answers, 50,000 views are taken or dropped at once and the buffer stays bounded', async () => {
    const { publishMany } = controlledSend();
    const emitter = emitterWith({ publishMany });

    // emit is synchronous (nothing to await): all 50,000 are taken or dropped while the send never answers.
    const returned = new Set(Array.from({ length: 50_000 }, (_, i) => emitter.emit(view(i))));
    expect(returned).toEqual(new Set([undefined]));
    expect(emitter.counts()).toEqual({
      sent: 0,
      dropped: { buffer_full: 40_000, send_failed: 0, closed: 0 },
      buffered: 10_000,
    });

    // The flusher takes one batch, whose send hangs: the freed room takes 500 more views, no more.
    await vi.advanceTimersByTimeAsync(0);
    expect(publishMany).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 1_000; i++) emitter.emit(view(i));
    expect(emitter.counts().buffered).toBe(10_000);
    expect(emitter.counts().dropped.buffer_full).toBe(40_500);

    // The hung send is given up at its timeout, counted, and the next batch goes out.
    await vi.advanceTimersByTimeAsync(2_000);
    expect(emitter.counts().dropped.send_failed).toBe(500);
    expect(publishMany).toHaveBeenCalledTimes(2);
  });

  it('sends batches in order, one at a time, the views in the columns of DashboardViews of up to 100', async () => {
    const send = controlledSend();
    const emitter = emitterWith({ publishMany: send.publishMany });
    const emitViews = (from: number, to: number) => {
      for (let i = from; i < to; i++) emitter.emit(view(i, { etagHit: i % 2 === 0, source: 'view' }));
    };
    emitViews(0, 500);

    // A full batch goes at once; what arrives meanwhile (another full batch) waits for it to be answered,
    // however long that takes.
    await vi.advanceTimersByTimeAsync(0);
    expect(send.calls).toHaveLength(1);
    emitViews(500, 1_200);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(send.calls).toHaveLength(1);
    send.calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(send.calls).toHaveLength(2);
    send.calls[1]!.resolve();
    // 200 left: less than a batch, so they go after the flush interval.
    await vi.advanceTimersByTimeAsync(199);
    expect(send.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(send.calls).toHaveLength(3);
    send.calls[2]!.resolve();
    await vi.advanceTimersByTimeAsync(0);

    expect(send.mostOpen()).toBe(1);
    expect(send.calls.every((c) => c.topic === TOPIC)).toBe(true);
    // Each send: DashboardViews of at most 100 views each, which the analytics consumer accepts.
    const parsed = send.calls.map((c) =>
      c.events.map((e) => {
        const result = parseEvent(JSON.parse(eventMessage(e).value));
        if (!result.ok || !result.known || result.event.type !== 'DashboardViews')
          throw new Error('not DashboardViews');
        return result.event;
      }),
    );
    // Sent in columns, the smaller form.
    expect(parsed.flat().every((e) => 'atMs' in e.data)).toBe(true);
    expect(parsed.map((events) => events.map((e) => viewRecordsOf(e.id, e.data).length))).toEqual([
      [100, 100, 100, 100, 100],
      [100, 100, 100, 100, 100],
      [100, 100],
    ]);
    const views = parsed.flat().flatMap((e) => viewRecordsOf(e.id, e.data));
    expect(views.map((v) => v.userId)).toEqual(Array.from({ length: 1_200 }, (_, i) => `u-${i}`));
    expect(new Set(views.map((v) => v.id)).size).toBe(1_200);
    // Batches spread over partitions by their own ids; views need no order.
    const batches = parsed.flat();
    expect(new Set(batches.map((e) => e.subject)).size).toBe(batches.length);
    expect(emitter.counts()).toMatchObject({ sent: 1_200, buffered: 0 });

    expect(eventMessage(send.calls[0]!.events[0]!).headers.type).toBe('DashboardViews');
    expect(batches[0]).toMatchObject({ type: 'DashboardViews', source: 'dashboard-api' });
    expect(views[2]).toEqual({
      id: expect.any(String),
      time: expect.any(String),
      userId: 'u-2',
      platform: 'ios',
      appVersion: '4.1.0',
      profile: 'ios-v4',
      source: 'view',
      latencyMs: 1.235,
      etagHit: true,
      offerIds: ['offer-car-insurance', 'offer-travel-card'],
    });
  });

  it("keeps each view's own time, app and offers where views of one event differ", async () => {
    const sent: EventEnvelope[] = [];
    let clock = Date.parse('2026-11-20T09:00:00.000Z');
    const emitter = emitterWith(
      { publishMany: async (_topic, events) => void sent.push(...events) },
      { now: () => clock },
    );
    const android = { etag: '"7-def"', body: body(['offer-savings']) };
    const noOffers = { etag: '"8-ghi"', body: body([]) };
    const served = [
      view(0),
      view(1, { platform: 'android', appVersion: '3.2.0', profile: 'android-v3', served: android }),
      view(2, { appVersion: '4.2.0', served: noOffers, source: 'rebuild', latencyMs: 40.5 }),
      view(3, { platform: 'android', appVersion: '3.2.0', profile: 'android-v3', served: android, etagHit: true }),
      // Another dashboard (a newer version) showing the same offers as the first.
      view(4, { served: { etag: '"4-abd"', body: body(['offer-car-insurance', 'offer-travel-card']) } }),
    ];
    for (const v of served) {
      emitter.emit(v);
      clock += 1_500;
    }
    await emitter.close();

    const records = viewsOf(sent);
    expect(records.map((r) => r.time)).toEqual([
      '2026-11-20T09:00:00.000Z',
      '2026-11-20T09:00:01.500Z',
      '2026-11-20T09:00:03.000Z',
      '2026-11-20T09:00:04.500Z',
      '2026-11-20T09:00:06.000Z',
    ]);
    expect(records.map(({ id: _id, time: _time, ...rest }) => rest)).toEqual(
      served.map(({ served: shown, latencyMs, ...rest }) => ({
        ...rest,
        latencyMs: Math.round(latencyMs * 1_000) / 1_000,
        offerIds:
          shown === android
            ? ['offer-savings']
            : shown === noOffers
              ? []
              : ['offer-car-insurance', 'offer-travel-card'],
      })),
    );
    // What views share is named once per event: three app versions and three lists of offers for five views.
    const [event] = sent;
    expect(event!.data).toMatchObject({ clients: { length: 3 }, offerLists: { length: 3 } });
  });

  it('drops and counts a batch Kafka refused or never answered, and keeps sending', async () => {
    const send = controlledSend();
    const warned: unknown[] = [];
    const emitter = emitterWith(
      { publishMany: send.publishMany },
      { logger: { warn: (...args: unknown[]) => warned.push(args), info: () => undefined } },
    );
    for (let i = 0; i < 1_500; i++) emitter.emit(view(i));

    await vi.advanceTimersByTimeAsync(0);
    send.calls[0]!.reject(new Error('broker refused'));
    await vi.advanceTimersByTimeAsync(0);
    expect(emitter.counts().dropped.send_failed).toBe(500);
    // The second never answers: given up after the send timeout.
    expect(send.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(send.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(emitter.counts().dropped.send_failed).toBe(1_000);
    expect(send.calls).toHaveLength(3);
    send.calls[2]!.resolve();
    await vi.advanceTimersByTimeAsync(0);

    expect(emitter.counts()).toEqual({
      sent: 500,
      dropped: { buffer_full: 0, send_failed: 1_000, closed: 0 },
      buffered: 0,
    });
    // Nothing was sent twice: a failed batch is not retried.
    expect(send.calls.map((c) => viewsOf(c.events)[0]?.userId)).toEqual(['u-0', 'u-500', 'u-1000']);
    // One warning for the outage, not one per batch.
    expect(warned).toHaveLength(1);
  });

  it('close() sends everything buffered, and drops (counted) what arrives afterwards', async () => {
    const sent: EventEnvelope[] = [];
    const emitter = emitterWith({
      publishMany: async (_topic, events) => {
        sent.push(...events);
      },
    });
    for (let i = 0; i < 1_234; i++) emitter.emit(view(i));
    await emitter.close();
    expect(viewsOf(sent)).toHaveLength(1_234);
    emitter.emit(view(0));
    expect(emitter.counts()).toEqual({
      sent: 1_234,
      dropped: { buffer_full: 0, send_failed: 0, closed: 1 },
      buffered: 0,
    });
  });

  it('close() gives up at its deadline when Kafka does not answer, counting what it could not send', async () => {
    const { publishMany } = controlledSend();
    const emitter = emitterWith({ publishMany }, { closeDeadlineMs: 1_000 });
    for (let i = 0; i < 800; i++) emitter.emit(view(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(publishMany).toHaveBeenCalledTimes(1);

    let closed = false;
    const closing = emitter.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await closing;
    // 300 never left; the 500 in flight are counted when their send is given up.
    expect(emitter.counts().dropped.closed).toBe(300);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(emitter.counts().dropped.send_failed).toBe(500);
  });
});

describe('offer ids of a served dashboard', () => {
  it('are the ids of the offer widgets it showed, read once per ETag', () => {
    const offerIdsOf = createOfferIdsReader();
    let reads = 0;
    const counted = (etag: string, text: string) => ({
      etag,
      get body() {
        reads++;
        return text;
      },
    });
    const first = counted('"1-a"', body(['offer-a', 'offer-b']));
    expect(offerIdsOf(first)).toEqual(['offer-a', 'offer-b']);
    expect(offerIdsOf(first)).toEqual(['offer-a', 'offer-b']);
    expect(reads).toBe(1);
    expect(offerIdsOf(counted('"2-b"', body([])))).toEqual([]);
    // Transaction insights share the widgets section; they are not offers.
    expect(offerIdsOf(counted('"5-e"', body(['insight-money-in', 'offer-c'])))).toEqual(['offer-c']);
    // An app that cannot show widgets gets no widgets section: it was shown no offers.
    expect(offerIdsOf(counted('"3-c"', JSON.stringify({ sections: { accounts: {} } })))).toEqual([]);
    expect(offerIdsOf(counted('"4-d"', 'not json'))).toEqual([]);
  });
});

import { z } from 'zod';
import { Id, IsoDateTime, Money } from './common.js';
import { Account, Partner } from './items.js';
import { Preferences } from './preferences.js';
import { Widget } from './widget.js';

/**
 * The envelope every Kafka message carries (key = subject = userId). `type` is an open string so a
 * consumer can tell "a type I do not know yet" (skip, count) from "a broken message" (dead-letter).
 * `schemaVersion` is the payload's major version: additive changes keep it, breaking ones bump it.
 */
export const EventEnvelope = z.object({
  id: z.string().min(1).max(128),
  type: z.string().regex(/^[A-Z][A-Za-z0-9]{0,63}$/),
  source: z.string().min(1).max(100),
  subject: Id,
  time: IsoDateTime,
  schemaVersion: z.number().int().positive(),
  data: z.unknown(),
  /**
   * W3C trace context of the change behind the event (the CloudEvents distributed-tracing extension),
   * so a domain write and the dashboard update it causes are one trace, outbox and batching included.
   * Best effort, as W3C asks of a malformed traceparent: dropped, never a reason to refuse the event.
   */
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional()
    .catch(undefined),
  tracestate: z.string().max(512).optional().catch(undefined),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** Payload major version this code understands, per event type. */
export const SUPPORTED_SCHEMA_VERSION = 1;

export const DASHBOARD_TRIGGERS = ['event', 'miss', 'preferences', 'replay', 'admin'] as const;

/** Where the API found a served dashboard: its Redis cache, the stored view, or a rebuild on the request. */
export const DASHBOARD_SOURCES = ['cache', 'view', 'rebuild'] as const;

/** One dashboard served to an app (DashboardViewed); also a record of DashboardViews. */
const DashboardViewedData = z.object({
  userId: Id,
  platform: z.string().min(1).max(16),
  appVersion: z.string().min(1).max(32),
  /** The capability profile the dashboard was rendered for, e.g. "ios-v4". */
  profile: z.string().min(1).max(32),
  source: z.enum(DASHBOARD_SOURCES),
  latencyMs: z.number().nonnegative(),
  /** Answered 304: the app already had this version. */
  etagHit: z.boolean(),
  /** The offers the served dashboard showed, for the offer funnel. */
  offerIds: z.array(Id).max(100).default([]),
});

/**
 * Views per DashboardViews: at most 100 offer ids of at most 64 characters each keep a full event
 * under Kafka's default message size (1 MB).
 */
export const MAX_VIEWS_PER_EVENT = 100;

/** The records form of DashboardViews: each view with the id and time its own event would have. */
const DashboardViewRecords = z.object({
  views: z
    .array(DashboardViewedData.extend({ id: EventEnvelope.shape.id, time: IsoDateTime }))
    .min(1)
    .max(MAX_VIEWS_PER_EVENT),
});

const Index = z.number().int().nonnegative();
const perView = <T extends z.ZodType>(value: T) => z.array(value).min(1).max(MAX_VIEWS_PER_EVENT);

/**
 * The columns form of DashboardViews: an array per field with an entry per view, in the order served,
 * and what many views share (the app they came from, the offers they showed) named once per event and
 * referred to by index. View i's id is the event's id and i (`<event id>:<i>`), its time `firstAt` plus
 * `atMs[i]`. About 40 bytes a view against the records form's 260, and producing costs the API per byte.
 */
const DashboardViewColumns = z
  .object({
    firstAt: IsoDateTime,
    atMs: perView(Index),
    userIds: perView(Id),
    clients: perView(DashboardViewedData.pick({ platform: true, appVersion: true, profile: true })),
    client: perView(Index),
    sources: perView(DashboardViewedData.shape.source),
    latencyMs: perView(DashboardViewedData.shape.latencyMs),
    etagHits: perView(z.boolean()),
    /** Each distinct list of offer ids the event's views showed (an empty one for none). */
    offerLists: perView(z.array(Id).max(100)),
    offers: perView(Index),
  })
  .superRefine((columns, context) => {
    const views = columns.atMs.length;
    const perViewColumns = ['userIds', 'client', 'sources', 'latencyMs', 'etagHits', 'offers'] as const;
    for (const name of perViewColumns)
      if (columns[name].length !== views)
        context.addIssue({
          code: 'custom',
          path: [name],
          message: `has ${columns[name].length} entries for ${views} views`,
        });
    const references = [
      ['client', columns.clients.length],
      ['offers', columns.offerLists.length],
    ] as const;
    for (const [name, size] of references) {
      const at = columns[name].findIndex((index) => index >= size);
      if (at >= 0) context.addIssue({ code: 'custom', path: [name, at], message: `refers past the ${size} entries` });
    }
  });

/**
 * A value sealed with its user's key (AES-256-GCM: iv, tag and ciphertext, base64): readable only while
 * the key exists, so erasing the key erases what Kafka keeps of it (crypto-shredding).
 */
export const SealedValue = z.object({
  keyId: z.uuid(),
  data: z.base64().max(1_000_000),
});
export type SealedValue = z.infer<typeof SealedValue>;

// Everything a producer sends is forward compatible: an additive field from a newer producer is
// dropped, not an error (schemas are non-strict on purpose; only user input is strict).
export const EVENT_PAYLOADS = {
  AccountCreated: Account,
  AccountUpdated: Account,
  AccountClosed: z.object({ accountId: Id, closedAt: IsoDateTime }),
  PartnerAdded: Partner,
  PartnerUpdated: Partner,
  PartnerRemoved: z.object({ partnerId: Id }),
  TransactionPosted: z.object({
    accountId: Id,
    transactionId: Id,
    amount: Money,
    bookedAt: IsoDateTime,
    balanceAfter: Money.optional(),
  }),
  OfferPublished: z.object({ offerId: Id, widget: Widget }),
  OfferWithdrawn: z.object({ offerId: Id }),
  ContractPurchased: z.object({ contractId: Id, offerId: Id, purchasedAt: IsoDateTime }),
  PreferencesChanged: z.object({
    userId: Id,
    version: z.number().int().positive(),
    updatedAt: IsoDateTime,
    /** The document after the change (added later: older events lack it), so analytics see what was chosen. */
    preferences: Preferences.optional(),
    /** The same document sealed with the user's key, as the platform sends it since erasure shreds keys. */
    sealedPreferences: SealedValue.optional(),
  }),
  DashboardUpdated: z.object({
    userId: Id,
    version: z.number().int().nonnegative(),
    builtAt: IsoDateTime,
    trigger: z.enum(DASHBOARD_TRIGGERS),
    /** Milliseconds from the write that triggered the build to its announcement, when the trigger names one. */
    lagMs: z.number().int().nonnegative().optional(),
  }),
  /** A rebuild that gave up: its retries ran out with nothing new shown (what `ops failed` lists). */
  DashboardRebuildFailed: z.object({
    userId: Id,
    trigger: z.enum(DASHBOARD_TRIGGERS),
    reason: z.string().max(500),
  }),
  /** One dashboard served to an app: the raw fact behind usage insights (issue "Insights"). */
  DashboardViewed: DashboardViewedData,
  /**
   * Dashboards served, shipped together, each one a DashboardViewed the analytics store keeps as its
   * own event. The API sends views this way because producing one Kafka message cost it more CPU than
   * serving the read (bench/README.md). Subject: the batch's own id, which spreads batches over
   * partitions (views need no order). Two forms: columns, as the API sends them, and records, as API
   * versions before it did (accepted while such events can still be on the topic).
   */
  DashboardViews: z.union([DashboardViewColumns, DashboardViewRecords]),
} as const;

export type EventType = keyof typeof EVENT_PAYLOADS;
export const EVENT_TYPES = Object.keys(EVENT_PAYLOADS) as EventType[];
export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_PAYLOADS)[T]>;

/** A fully validated event of a known type: `data` is typed by `type`. */
export type DomainEvent = {
  [T in EventType]: Omit<EventEnvelope, 'type' | 'data'> & { type: T; data: EventPayload<T> };
}[EventType];

/** The envelope with a fixed type and typed payload, for the JSON Schema files other teams consume. */
export function eventSchema<T extends EventType>(type: T) {
  return EventEnvelope.extend({
    type: z.literal(type),
    schemaVersion: z.literal(SUPPORTED_SCHEMA_VERSION),
    data: EVENT_PAYLOADS[type],
  });
}

import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCassandraClient } from '../../adapters/cassandra/client.js';
import { createUserKeyStore, keyCopiesLastMs, userKeyCacheOptions } from '../../adapters/cassandra/user-key-store.js';
import { openJson } from '../../adapters/crypto/user-cipher.js';
import {
  SealedPayloadError,
  USER_ENCRYPTED_ENCODING,
  createUserPayloadCodec,
  payloadToJson,
} from '../../adapters/temporal/user-payload-codec.js';
import { TEMPORAL_CODEC_PATH } from '../../config/index.js';
import { topics } from '../../config/topics.js';
import { preferencesWorkflowId, rebuildWorkflowId } from '../../contract/workflows.js';
import { SealedValue } from '../../dashboard/index.js';
import { bearer, startApiHarness, type ApiHarness } from '../api/support.js';
import { account, partner } from '../support/fixtures.js';
import { collectTopic, type TopicCollector } from '../support/kafka.js';
import { unique } from '../support/unique.js';

/**
 * Erasure by crypto-shredding, on the real engines: what Temporal histories and Kafka keep of a user
 * is sealed with their key, opens while the key exists, and no longer opens once `eraseUser` deleted
 * it, in this process or a fresh one; another user's data is untouched.
 */
let api: ApiHarness;
let raw: Client;
let rawConnection: Connection;
let preferencesTopic: TopicCollector;
const cassandra = () => createCassandraClient(api.platform.config);
const secretWords = (userId: string) => [`Girokonto of ${userId}`, `Partner of ${userId}`];

beforeAll(async () => {
  api = await startApiHarness();
  rawConnection = await Connection.connect({ address: api.platform.config.TEMPORAL_ADDRESS });
  // A client without the codec sees histories as Temporal stores them.
  raw = new Client({ connection: rawConnection, namespace: api.platform.config.TEMPORAL_NAMESPACE });
  preferencesTopic = await collectTopic(api.platform.config, topics.preferences);
});
afterAll(async () => {
  await preferencesTopic?.stop();
  await rawConnection?.close();
  await api?.stop();
});

/** A user with a dashboard built and one preference change made, through the platform's workflows. */
async function personalise(userId: string): Promise<void> {
  const [accountName, partnerName] = secretWords(userId);
  api.platform.domain.setItems('accounts', userId, [account('acc-1', accountName ?? '')]);
  api.platform.domain.setItems('partners', userId, [partner('p-1', partnerName ?? '')]);
  await api.platform.workflows.rebuildNow(userId, 'admin', 30_000);
  await api.platform.workflows.changePreferences(
    { userId, requestKey: 'r1', expectedVersion: 0, change: { kind: 'patch', patch: { layout: 'grid' } } },
    30_000,
  );
}

/** Every payload of a workflow's history, as stored. */
async function storedPayloads(workflowId: string): Promise<Payload[]> {
  const history = await raw.workflow.getHandle(workflowId).fetchHistory();
  const found: Payload[] = [];
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
    const metadata = (value as Payload).metadata;
    if (metadata && typeof metadata === 'object' && metadata['encoding'] instanceof Uint8Array) {
      found.push(value as Payload);
      return;
    }
    for (const child of Object.values(value)) walk(child);
  };
  walk(history.events);
  return found;
}

const sealed = (payloads: Payload[]) =>
  payloads.filter((p) => new TextDecoder().decode(p.metadata?.['encoding']) === USER_ENCRYPTED_ENCODING);
const textOf = (payloads: Payload[]) =>
  payloads.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString()).join('\n');

async function sealedPreferencesEvent(userId: string): Promise<SealedValue> {
  const event = await preferencesTopic.waitFor((_, key) => key === userId);
  const data = event['data'] as Record<string, unknown>;
  // The document travels only sealed.
  expect(data['preferences']).toBeUndefined();
  return SealedValue.parse(data['sealedPreferences']);
}

async function decodeThroughApi(payloads: Payload[], token: string): Promise<Response> {
  return api.app().request(`${TEMPORAL_CODEC_PATH}/decode`, {
    method: 'POST',
    headers: { ...bearer(token), 'Content-Type': 'application/json' },
    body: JSON.stringify({ payloads: payloads.map(payloadToJson) }),
  });
}

const decodedText = async (response: Response) =>
  ((await response.json()) as { payloads: { data: string }[] }).payloads
    .map((p) => Buffer.from(p.data, 'base64').toString())
    .join('\n');

describe('erasure by crypto-shredding', () => {
  it("seals a user's Temporal payloads and events, opens them until erasure, and never after", async () => {
    const erased = unique('u');
    const kept = unique('u');
    await personalise(erased);
    await personalise(kept);
    const workflowIds = (userId: string) => [rebuildWorkflowId(userId), preferencesWorkflowId(userId, 'r1')];

    // As stored: the dashboard and the preference document are in sealed payloads only.
    const stored = new Map<string, Payload[]>();
    for (const userId of [erased, kept]) {
      const payloads = (await Promise.all(workflowIds(userId).map(storedPayloads))).flat();
      expect(sealed(payloads).length).toBeGreaterThanOrEqual(4);
      for (const word of secretWords(userId)) expect(textOf(payloads)).not.toContain(word);
      expect(textOf(payloads)).not.toContain('"grid"');
      stored.set(userId, sealed(payloads));
    }
    const erasedPayloads = stored.get(erased) ?? [];
    const keptPayloads = stored.get(kept) ?? [];
    const erasedEvent = await sealedPreferencesEvent(erased);
    const keptEvent = await sealedPreferencesEvent(kept);

    // Before: they open, here and for an operator through the codec endpoint.
    const codec = createUserPayloadCodec(api.platform.deps.keys);
    expect(textOf(await codec.decode(erasedPayloads))).toContain(secretWords(erased)[0]);
    const key = await api.platform.deps.keys.find(erased, erasedEvent.keyId);
    expect(key).toBeDefined();
    expect(openJson(key ?? never(), erasedEvent)).toMatchObject({ userId: erased, layout: 'grid' });
    const admin = await api.token('ops-1', { admin: true });
    const before = await decodeThroughApi(erasedPayloads, admin);
    expect(before.status).toBe(200);
    expect(await decodedText(before)).toContain(secretWords(erased)[0]);

    const receipt = await api.platform.workflows.eraseUser(erased, {
      keyCopiesLastMs: keyCopiesLastMs(userKeyCacheOptions(api.platform.config)),
      timeoutMs: 60_000,
    });
    expect(receipt.deleted.encryptionKeys).toBe(1);

    // After: nothing opens, in this process or a fresh one, even once the user has a key again.
    const fresh = cassandra();
    try {
      const freshKeys = createUserKeyStore(fresh);
      for (const keys of [api.platform.deps.keys, freshKeys]) {
        await expect(createUserPayloadCodec(keys).decode(erasedPayloads)).rejects.toBeInstanceOf(SealedPayloadError);
        expect(await keys.find(erased, erasedEvent.keyId)).toBeUndefined();
      }
      expect((await freshKeys.keyFor(erased)).keyId).not.toBe(erasedEvent.keyId);
      await expect(createUserPayloadCodec(freshKeys).decode(erasedPayloads)).rejects.toBeInstanceOf(SealedPayloadError);

      const after = await decodeThroughApi(erasedPayloads, admin);
      expect(after.status).toBe(200);
      const afterText = await decodedText(after);
      for (const word of secretWords(erased)) expect(afterText).not.toContain(word);
      expect(afterText).toContain('their key was erased');
      // Operators still list and describe the erased user's workflows; what was sealed says why it is gone.
      const described = await api.platform.client.workflow.getHandle(rebuildWorkflowId(erased)).describe();
      expect(described.memo?.['summary']).toMatch(/can no longer be read: their key was erased/);

      // The other user is untouched.
      const keptText = textOf(await createUserPayloadCodec(freshKeys).decode(keptPayloads));
      for (const word of secretWords(kept)) expect(keptText).toContain(word);
      const keptKey = await freshKeys.find(kept, keptEvent.keyId);
      expect(openJson(keptKey ?? never(), keptEvent)).toMatchObject({ userId: kept, layout: 'grid' });
    } finally {
      await fresh.shutdown();
    }
  });

  it('decodes for admin tokens only, with problem+json for everyone else', async () => {
    const response = await decodeThroughApi([], await api.token(unique('u')));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'FORBIDDEN' });
    const anonymous = await api.app().request(`${TEMPORAL_CODEC_PATH}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"payloads":[]}',
    });
    expect(anonymous.status).toBe(401);
    const invalid = await api.app().request(`${TEMPORAL_CODEC_PATH}/decode`, {
      method: 'POST',
      headers: { ...bearer(await api.token('ops-1', { admin: true })), 'Content-Type': 'application/json' },
      body: '{"payloads":[{"data":"not base64!"}]}',
    });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it("answers the Temporal UI's preflight from its origin without a token", async () => {
    const origin = new URL(api.platform.config.TEMPORAL_UI_URL).origin;
    const response = await api.app().request(`${TEMPORAL_CODEC_PATH}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });
});

function never(): never {
  throw new Error('expected a value');
}

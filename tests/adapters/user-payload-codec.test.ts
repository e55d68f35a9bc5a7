import { randomBytes, randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { UserKey, UserKeyStore } from '../../adapters/cassandra/user-key-store.js';
import { open, openJson, seal, sealJson } from '../../adapters/crypto/user-cipher.js';
import {
  SealedPayloadError,
  USER_ENCRYPTED_ENCODING,
  createUserPayloadCodec,
} from '../../adapters/temporal/user-payload-codec.js';
import {
  preferencesWorkflowId,
  rebuildBatchWorkflowId,
  rebuildWorkflowId,
  userOfWorkflowId,
} from '../../contract/workflows.js';

/** Pure logic: the cipher, the workflow ids' users and the codec, over keys held in a Map. */
const keyOf = (userId: string): UserKey => ({ userId, keyId: randomUUID(), secret: randomBytes(32) });

function mapKeys(): UserKeyStore & { held: Map<string, UserKey> } {
  const held = new Map<string, UserKey>();
  return {
    held,
    async keyFor(userId) {
      const key = held.get(userId) ?? keyOf(userId);
      held.set(userId, key);
      return key;
    },
    async find(userId, keyId) {
      const key = held.get(userId);
      return key?.keyId === keyId ? key : undefined;
    },
    async erase(userId) {
      return held.delete(userId) ? 1 : 0;
    },
  };
}

const workflow = (workflowId: string) => ({ type: 'workflow' as const, namespace: 'dashboard', workflowId });

describe('user cipher', () => {
  it('opens what it sealed with the same key only, and refuses an altered value', () => {
    const key = keyOf('u-1');
    const sealed = seal(key, Buffer.from('Girokonto'));
    expect(sealed.toString()).not.toContain('Girokonto');
    expect(open(key, sealed).toString()).toBe('Girokonto');
    expect(() => open(keyOf('u-1'), sealed)).toThrow();
    // The same secret under another user's name: the user is part of what is authenticated.
    expect(() => open({ ...key, userId: 'u-2' }, sealed)).toThrow();
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] = (altered.at(-1) ?? 0) ^ 1;
    expect(() => open(key, altered)).toThrow();
    expect(openJson(key, sealJson(key, { layout: 'grid' }))).toEqual({ layout: 'grid' });
  });
});

describe('userOfWorkflowId', () => {
  it("names the user of a user's workflows, also for ids holding ':', and nobody for batches", () => {
    expect(userOfWorkflowId(rebuildWorkflowId('u:42'))).toBe('u:42');
    expect(userOfWorkflowId(preferencesWorkflowId('u:42', 'key:1'))).toBe('u:42');
    expect(preferencesWorkflowId('u-42', 'r1')).toBe('preferences:u-42:r1');
    expect(userOfWorkflowId(rebuildBatchWorkflowId('bridge:1'))).toBeUndefined();
    expect(userOfWorkflowId('erase:u-42')).toBeUndefined();
  });
});

describe('user payload codec', () => {
  it("seals a user's workflow payloads with their key and opens them until the key is erased", async () => {
    const keys = mapKeys();
    const codec = createUserPayloadCodec(keys);
    const payload = defaultPayloadConverter.toPayload({ userId: 'u-1', name: 'Girokonto' });

    const [sealed] = await codec.encode([payload], workflow(rebuildWorkflowId('u-1')));
    expect(new TextDecoder().decode(sealed?.metadata?.['encoding'])).toBe(USER_ENCRYPTED_ENCODING);
    expect(Buffer.from(sealed?.data ?? []).toString()).not.toContain('Girokonto');
    // Encoding again (a payload passed through twice) leaves it as it is.
    expect(await codec.encode(sealed ? [sealed] : [], workflow(rebuildWorkflowId('u-1')))).toEqual([sealed]);

    const [opened] = await codec.decode(sealed ? [sealed] : []);
    expect(defaultPayloadConverter.fromPayload(opened ?? payload)).toEqual({ userId: 'u-1', name: 'Girokonto' });

    await keys.erase('u-1');
    await keys.keyFor('u-1');
    await expect(codec.decode(sealed ? [sealed] : [])).rejects.toBeInstanceOf(SealedPayloadError);
    // A client shows why instead, so an erased user's workflows can still be listed and described.
    const [shown] = await createUserPayloadCodec(keys, { unreadable: 'show' }).decode(sealed ? [sealed] : []);
    expect(defaultPayloadConverter.fromPayload(shown ?? payload)).toMatch(
      /u-1 can no longer be read: their key was erased/,
    );
  });

  it('leaves payloads of other workflows, and payloads without context, as they are', async () => {
    const codec = createUserPayloadCodec(mapKeys());
    const payload = defaultPayloadConverter.toPayload({ users: ['u-1', 'u-2'] });
    expect(await codec.encode([payload], workflow(rebuildBatchWorkflowId('b-1')))).toEqual([payload]);
    expect(await codec.encode([payload])).toEqual([payload]);
    expect(await codec.decode([payload])).toEqual([payload]);
  });
});

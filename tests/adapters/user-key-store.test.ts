import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createCassandraClient } from '../../adapters/cassandra/client.js';
import { createUserKeyStore } from '../../adapters/cassandra/user-key-store.js';
import { loadConfig } from '../../config/index.js';
import { unique } from '../support/unique.js';

/** The per-user key store on the stack's real Cassandra. */
const config = loadConfig();
const cassandra = createCassandraClient(config);
afterAll(() => cassandra.shutdown());

describe('user key store', () => {
  it("makes a new user's key once for a burst of requests, and every process gets that key", async () => {
    const userId = unique('u');
    const keys = createUserKeyStore(cassandra);
    // A burst in one process (a hundred signals for a new user) is one read and one transaction, not a
    // hundred contending on one partition.
    const execute = vi.spyOn(cassandra, 'execute');
    const burst = await Promise.all(Array.from({ length: 100 }, () => keys.keyFor(userId)));
    const statements = execute.mock.calls.map(([query]) => String(query).split(' ')[0]);
    execute.mockRestore();
    expect(statements).toEqual(['SELECT', 'INSERT']);
    expect(new Set(burst.map((k) => k.keyId)).size).toBe(1);
    // Another process, with nothing cached, finds the same key.
    const other = createUserKeyStore(cassandra);
    const [first] = burst;
    expect((await other.keyFor(userId)).keyId).toBe(first?.keyId);
    expect((await other.find(userId, first?.keyId ?? ''))?.secret.equals(first?.secret ?? Buffer.alloc(0))).toBe(true);
  });

  it('erases a key for good: a key made afterwards is another one', async () => {
    const userId = unique('u');
    const keys = createUserKeyStore(cassandra);
    const before = await keys.keyFor(userId);
    expect(await keys.erase(userId)).toBe(1);
    expect(await keys.erase(userId)).toBe(0);
    expect(await createUserKeyStore(cassandra).find(userId, before.keyId)).toBeUndefined();
    expect((await keys.keyFor(userId)).keyId).not.toBe(before.keyId);
  });

  it('goes on with its copy of a key while Cassandra cannot be read, for a bounded time only', async () => {
    const userId = unique('u');
    // This store's own connection, shut down to stand for Cassandra being away from this process.
    const reader = createCassandraClient(config);
    const keys = createUserKeyStore(reader, { cacheTtlMs: 100, staleIfErrorMs: 5_000 });
    const key = await keys.keyFor(userId);
    await reader.shutdown();
    await sleep(300);
    // Past its 100 ms the store reads the key again, the read fails, and it uses its copy.
    expect((await keys.find(userId, key.keyId))?.keyId).toBe(key.keyId);
    expect((await keys.keyFor(userId)).keyId).toBe(key.keyId);
    // Past the bound (5.1 s in all) the copy is gone and the failure shows.
    await sleep(5_000);
    await expect(keys.find(userId, key.keyId)).rejects.toThrow(/shutdown/);
  });

  it('drops its copy as soon as Cassandra answers that the key was erased', async () => {
    const userId = unique('u');
    const keys = createUserKeyStore(cassandra, { cacheTtlMs: 100, staleIfErrorMs: 60_000 });
    const key = await keys.keyFor(userId);
    expect(await createUserKeyStore(cassandra).erase(userId)).toBe(1);
    await sleep(300);
    expect(await keys.find(userId, key.keyId)).toBeUndefined();
  });
});

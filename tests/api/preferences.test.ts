import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account } from '../support/fixtures.js';
import { unique } from '../support/unique.js';
import { bearer, startApiHarness, type ApiHarness } from './support.js';

let harness: ApiHarness;
beforeAll(async () => {
  harness = await startApiHarness();
});
afterAll(async () => {
  await harness?.stop();
});

interface PreferencesBody {
  version: number;
  sections: { accounts: { order: string[] } };
}

const orderPatch = (order: string[]) => JSON.stringify({ sections: { accounts: { sort: 'custom', order } } });

async function client(userId = unique('u')) {
  const app = harness.app();
  const auth = bearer(await harness.token(userId));
  return {
    userId,
    get: () => app.request('/v1/preferences', { headers: auth }),
    patch: (body: string, headers: Record<string, string> = {}) =>
      app.request('/v1/preferences', {
        method: 'PATCH',
        body,
        headers: { ...auth, 'Content-Type': 'application/merge-patch+json', ...headers },
      }),
    put: (body: string, headers: Record<string, string> = {}) =>
      app.request('/v1/preferences', {
        method: 'PUT',
        body,
        headers: { ...auth, 'Content-Type': 'application/json', ...headers },
      }),
    restore: (version: number, headers: Record<string, string> = {}) =>
      app.request('/v1/preferences/restore', {
        method: 'POST',
        body: JSON.stringify({ version }),
        headers: { ...auth, 'Content-Type': 'application/json', ...headers },
      }),
    history: (query = '') => app.request(`/v1/preferences/history${query}`, { headers: auth }),
    dashboard: () => app.request('/v1/dashboard', { headers: auth }),
  };
}

describe('preferences', () => {
  it('reads the defaults with version 0 as the ETag, and replaces the document with If-Match', async () => {
    const user = await client();
    const initial = await user.get();
    expect(initial.status).toBe(200);
    expect(initial.headers.get('ETag')).toBe('"0"');
    const document = (await initial.json()) as PreferencesBody & { userId: string; updatedAt: string | null };
    expect(document).toMatchObject({ userId: user.userId, version: 0, updatedAt: null, layout: 'list' });

    const { userId: _u, version: _v, updatedAt: _t, ...editable } = document;
    const replaced = await user.put(JSON.stringify({ ...editable, layout: 'grid' }), { 'If-Match': '"0"' });
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get('ETag')).toBe('"1"');
    expect(await replaced.json()).toMatchObject({ version: 1, layout: 'grid' });
    expect((await user.get()).headers.get('ETag')).toBe('"1"');
  });

  it('requires If-Match on every write (428)', async () => {
    const user = await client();
    const {
      userId: _u,
      version: _v,
      updatedAt: _t,
      ...editable
    } = (await (await user.get()).json()) as Record<string, unknown>;
    for (const response of [
      await user.patch(orderPatch(['a'])),
      await user.put(JSON.stringify(editable)),
      await user.restore(1),
    ]) {
      expect(response.status).toBe(428);
      expect(await response.json()).toMatchObject({ code: 'PRECONDITION_REQUIRED' });
    }
  });

  it('refuses the second device writing on the old version with 412 and the current version', async () => {
    const phone = await client();
    const tablet = await client(phone.userId);
    const seen = (await phone.get()).headers.get('ETag')!;
    expect((await tablet.get()).headers.get('ETag')).toBe(seen);

    const first = await phone.patch(orderPatch(['a', 'b']), { 'If-Match': seen });
    expect(first.status).toBe(200);
    const second = await tablet.patch(orderPatch(['b', 'a']), { 'If-Match': seen });
    expect(second.status).toBe(412);
    expect(second.headers.get('Content-Type')).toBe('application/problem+json');
    expect(second.headers.get('ETag')).toBe('"1"');
    expect(await second.json()).toMatchObject({ status: 412, code: 'PREFERENCES_VERSION_CONFLICT', currentVersion: 1 });
    expect(((await (await phone.get()).json()) as PreferencesBody).sections.accounts.order).toEqual(['a', 'b']);

    // A bare number works as well as the quoted ETag.
    expect((await tablet.patch(orderPatch(['b', 'a']), { 'If-Match': '1' })).status).toBe(200);
  });

  it('applies the same Idempotency-Key once and answers a replay with the first result', async () => {
    const user = await client();
    const headers = { 'If-Match': '"0"', 'Idempotency-Key': 'phone-edit-1' };
    const first = await user.patch(orderPatch(['x', 'y']), headers);
    const replay = await user.patch(orderPatch(['x', 'y']), headers);
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(await first.json());
    expect(replay.headers.get('ETag')).toBe('"1"');

    const history = (await (await user.history()).json()) as { entries: unknown[] };
    expect(history.entries).toHaveLength(1);
    expect(((await (await user.get()).json()) as PreferencesBody).version).toBe(1);

    const badKey = await user.patch(orderPatch(['x']), {
      'If-Match': '"1"',
      'Idempotency-Key': 'spaces are not allowed',
    });
    expect(badKey.status).toBe(422);
  });

  it('refuses an Idempotency-Key sent again with a different body (422) and changes nothing', async () => {
    const user = await client();
    const headers = { 'If-Match': '"0"', 'Idempotency-Key': 'phone-edit-2' };
    expect((await user.patch(orderPatch(['x', 'y']), headers)).status).toBe(200);
    // Same key, same body with its keys in another order: the same request.
    const reordered = await user.patch(
      JSON.stringify({ sections: { accounts: { order: ['x', 'y'], sort: 'custom' } } }),
      headers,
    );
    expect(reordered.status).toBe(200);

    const other = await user.patch(orderPatch(['y', 'x']), headers);
    expect(other.status).toBe(422);
    expect(other.headers.get('Content-Type')).toContain('application/problem+json');
    expect(await other.json()).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    const current = (await (await user.get()).json()) as PreferencesBody;
    expect(current).toMatchObject({ version: 1, sections: { accounts: { order: ['x', 'y'] } } });
  });

  it('answers two devices sending one Idempotency-Key with different bodies at once: one change, the other 422', async () => {
    const user = await client();
    const headers = { 'If-Match': '"0"', 'Idempotency-Key': 'two-devices' };
    const answers = await Promise.all([
      user.patch(orderPatch(['x', 'y']), headers),
      user.patch(orderPatch(['y', 'x']), headers),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 422]);
    const refused = answers.find((a) => a.status === 422);
    expect(await refused?.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const history = (await (await user.history()).json()) as { entries: unknown[] };
    expect(history.entries).toHaveLength(1);
  });

  it('restores an earlier order as a new version, and the dashboard follows', async () => {
    const user = await client();
    harness.platform.domain.setItems('accounts', user.userId, [account('a', 'Alpha'), account('b', 'Beta')]);
    expect((await user.patch(orderPatch(['a', 'b']), { 'If-Match': '"0"' })).status).toBe(200);
    expect((await user.patch(orderPatch(['b', 'a']), { 'If-Match': '"1"' })).status).toBe(200);

    const restored = await user.restore(1, { 'If-Match': '"2"' });
    expect(restored.status).toBe(200);
    expect(restored.headers.get('ETag')).toBe('"3"');
    expect(((await restored.json()) as PreferencesBody).sections.accounts.order).toEqual(['a', 'b']);

    const history = (await (await user.history()).json()) as { entries: { version: number }[] };
    expect(history.entries.map((e) => e.version)).toEqual([3, 2, 1]);

    // The change rebuilt the dashboard: Alpha leads again.
    const accountIds = async () =>
      (
        (await (await user.dashboard()).json()) as { sections: { accounts: { items: { id: string }[] } } }
      ).sections.accounts.items.map((a) => a.id);
    await expect.poll(accountIds, { timeout: 20_000 }).toEqual(['a', 'b']);

    const missing = await user.restore(42, { 'If-Match': '"3"' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'PREFERENCES_VERSION_NOT_FOUND' });
  });

  it('pages the history with a cursor', async () => {
    const user = await client();
    for (let version = 0; version < 3; version++) {
      expect((await user.patch(orderPatch([`id-${version}`]), { 'If-Match': `"${version}"` })).status).toBe(200);
    }
    const first = (await (await user.history('?limit=2')).json()) as {
      entries: { version: number }[];
      nextCursor?: string;
    };
    expect(first.entries.map((e) => e.version)).toEqual([3, 2]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await (await user.history(`?limit=2&cursor=${first.nextCursor}`)).json()) as {
      entries: { version: number }[];
      nextCursor?: string;
    };
    expect(second.entries.map((e) => e.version)).toEqual([1]);
    expect(second.nextCursor).toBeUndefined();

    expect((await user.history('?limit=0')).status).toBe(422);
    expect((await user.history('?cursor=not-hex')).status).toBe(422);
    const forged = await user.history('?cursor=deadbeef');
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('lists each invalid field with its JSON Pointer and stable code (422)', async () => {
    const user = await client();
    const response = await user.patch(
      JSON.stringify({ layout: 'carousel', version: 7, sections: { accounts: { pinned: ['a', 'a'] } } }),
      { 'If-Match': '"0"' },
    );
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { code: string; errors: { code: string; path: string }[] };
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/layout', code: 'PREFERENCES_INVALID' }),
        expect.objectContaining({ path: '/version', code: 'PREFERENCES_READ_ONLY_FIELD' }),
        expect.objectContaining({ path: '/sections/accounts/pinned/1', code: 'PREFERENCES_DUPLICATE_ID' }),
      ]),
    );
    const tooLong = await user.patch(orderPatch(Array.from({ length: 201 }, (_, i) => `id-${i}`)), {
      'If-Match': '"0"',
    });
    expect(tooLong.status).toBe(422);
    expect(JSON.stringify(await tooLong.json())).toContain('PREFERENCES_LIST_TOO_LONG');
  });
});

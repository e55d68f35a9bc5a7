import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createDashboardBuilder } from '../../activities/build-dashboard.js';
import type { WriteViewResult } from '../../adapters/cassandra/view-store.js';
import type { DomainClient } from '../../adapters/domain/domain-client.js';
import type { CanonicalDashboard } from '../../dashboard/index.js';
import { builderStandIns } from './builder-stand-ins.js';

/**
 * Two builds of one user overlap: the first reads the accounts service before a rename and is slow to
 * finish, the second starts after the rename. Whatever order they finish in, the stored view must be
 * the second's: a build is ordered by when it started reading, not by when it got round to writing
 * (the view store keeps the highest version, as Cassandra's write timestamps do).
 */
describe('two overlapping builds of one user', () => {
  it('keep the view of the build that started last, also when the earlier one writes last', async () => {
    const { deps } = builderStandIns();
    let name = 'Before the rename';
    let holdFirstRead: Promise<void> | undefined;
    let releaseFirstRead = () => {};
    const accounts: DomainClient = {
      ...deps.domain.accounts,
      async getItems(_userId, _path, schema) {
        const answer = {
          asOf: new Date().toISOString(),
          items: [
            schema.parse({
              id: 'acc-1',
              name,
              type: 'current',
              balance: { amount: 1, currency: 'EUR' },
              maskedIban: 'DE89 **** **** **** **30 00',
              openedAt: '2020-01-01T00:00:00.000Z',
            }),
          ],
        };
        if (!holdFirstRead) {
          holdFirstRead = new Promise<void>((resolve) => (releaseFirstRead = resolve));
          await holdFirstRead;
        }
        return answer;
      },
    };
    let stored: CanonicalDashboard | undefined;
    const views = {
      load: async () => stored,
      write: async (view: CanonicalDashboard): Promise<WriteViewResult> => {
        if (stored && stored.version >= view.version) return { written: false, storedVersion: stored.version };
        stored = view;
        return { written: true };
      },
    };
    const builder = createDashboardBuilder({ ...deps, domain: { ...deps.domain, accounts }, views });

    const first = builder.build({ userId: 'u-1', trigger: 'event' });
    await sleep(5); // the clocks of the two builds' starts differ
    name = 'After the rename';
    await builder.build({ userId: 'u-1', trigger: 'event' });
    await sleep(5);
    releaseFirstRead();
    await first;

    expect(stored?.sections.accounts.items.map((a) => a.name)).toEqual(['After the rename']);
  });
});

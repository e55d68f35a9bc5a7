import {
  eraseWorkflowId,
  preferencesWorkflowId,
  rebuildBatchWorkflowId,
  rebuildWorkflowId,
} from '../../contract/workflows.js';
import { createUserPayloadCodec } from '../../adapters/temporal/user-payload-codec.js';
import { account, card, partner } from '../support/fixtures.js';
import { startTestPlatform } from '../support/platform.js';
import { unique } from '../support/unique.js';
import { saveHistory } from './save.js';
import { keyCopiesLastMs, userKeyCacheOptions } from '../../adapters/cassandra/user-key-store.js';

/**
 * Records histories of real runs of every workflow into tests/histories/, for the replay test.
 * Run it (`npx tsx tests/histories/record.ts`, stack up) after a deliberate workflow change, and
 * commit the new files beside the old ones: old histories must keep replaying (use patched() for that).
 */
const platform = await startTestPlatform();
const out = (name: string) => new URL(`./${name}.json`, import.meta.url);
const codec = createUserPayloadCodec(platform.deps.keys);
const save = (name: string, workflowId: string) => saveHistory(platform.config, out(name), workflowId, codec);

try {
  const userId = unique('u-hist');
  platform.domain.setItems('accounts', userId, [account('acc-1', 'Girokonto'), account('acc-2', 'Tagesgeld')]);
  platform.domain.setItems('partners', userId, [partner('p-1', 'Allianz')]);
  platform.domain.setItems('offers', userId, [card('w-1', 'Kfz-Versicherung')]);
  platform.domain.setMode('transactions', 'error');

  // A miss, a burst of triggers folded into follow-up builds, a failing source, then idle completion.
  await platform.workflows.rebuildNow(userId, 'miss', 30_000);
  await Promise.all(Array.from({ length: 10 }, () => platform.workflows.requestRebuild(userId, 'event')));
  const change = await platform.workflows.changePreferences(
    {
      userId,
      requestKey: 'record-1',
      expectedVersion: 0,
      change: {
        kind: 'patch',
        patch: { layout: 'grid', sections: { accounts: { sort: 'custom', order: ['acc-2'] } } },
      },
    },
    30_000,
  );
  const second = await platform.workflows.changePreferences(
    {
      userId,
      requestKey: 'record-1b',
      expectedVersion: change.version,
      change: { kind: 'patch', patch: { layout: 'compact' } },
    },
    30_000,
  );
  await platform.workflows.changePreferences(
    { userId, requestKey: 'record-2', expectedVersion: second.version, change: { kind: 'restore', version: 1 } },
    30_000,
  );
  await platform.workflows
    .changePreferences(
      { userId, requestKey: 'record-3', expectedVersion: 0, change: { kind: 'patch', patch: {} } },
      30_000,
    )
    .catch(() => undefined);
  // The failing source is tried again until it answers; then the run settles and completes.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  platform.domain.setMode('transactions', 'ok');
  await platform.client.workflow.getHandle(rebuildWorkflowId(userId)).result();
  await save('rebuildDashboard', rebuildWorkflowId(userId));
  await save('changePreferences-patch', preferencesWorkflowId(userId, 'record-1'));
  await save('changePreferences-restore', preferencesWorkflowId(userId, 'record-2'));
  await save('changePreferences-conflict', preferencesWorkflowId(userId, 'record-3'));

  // A batch of two users, one of whom nothing can be shown for: built, and handed to its own rebuild;
  // the other is built again once its failing source answers.
  const doomed = unique('u-hist');
  platform.domain.failUser(doomed, true);
  platform.domain.setMode('offers', 'error');
  const batchKey = unique('record');
  await platform.workflows.startRebuildBatch(batchKey, [
    { userId, trigger: 'event' },
    { userId: doomed, trigger: 'event' },
  ]);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  platform.domain.setMode('offers', 'ok');
  await platform.client.workflow.getHandle(rebuildBatchWorkflowId(batchKey)).result();
  await save('rebuildBatch', rebuildBatchWorkflowId(batchKey));
  await platform.client.workflow
    .getHandle(rebuildWorkflowId(doomed))
    .result()
    .catch(() => undefined);
  await save('rebuildDashboard-failed', rebuildWorkflowId(doomed));

  const many = unique('rebuild-many');
  await platform.workflows.startRebuildMany(many, {
    userIds: [userId, unique('u-hist')],
    ratePerSecond: 1,
    trigger: 'admin',
  });
  await platform.client.workflow.getHandle(many).result();
  await save('rebuildMany', many);

  await platform.workflows.eraseUser(userId, {
    keyCopiesLastMs: keyCopiesLastMs(userKeyCacheOptions(platform.config)),
    timeoutMs: 60_000,
  });
  await save('eraseUser', eraseWorkflowId(userId));
} finally {
  await platform.stop();
}

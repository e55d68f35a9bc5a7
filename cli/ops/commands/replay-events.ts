import { randomUUID } from 'node:crypto';
import { parseEventEnvelope } from '../../../dashboard/index.js';
import { bridgeTopics } from '../../../config/topics.js';
import { UsageError, flagOption, parseRate, rateOption, textOption, type OpsCommand } from '../command.js';
import type { OpsContext } from '../context.js';
import type { Output } from '../output.js';
import { runAndFollow } from './follow.js';

interface PartitionRange {
  readonly topic: string;
  readonly partition: number;
  readonly start: number;
  /** Exclusive: the high watermark when the replay began. Later events are the bridge's business. */
  readonly end: number;
}

/**
 * Users with events on the domain and preference topics from `from` up to now: the range per
 * partition is fixed at the start (offsets by timestamp up to the high watermark), read once with a
 * throwaway consumer group, so the bridge's own offsets are never touched.
 */
export async function usersWithEventsSince(
  ctx: OpsContext,
  from: Date,
  out: Output,
  timeoutMs = 5 * 60_000,
): Promise<string[]> {
  const kafka = ctx.kafka();
  const admin = kafka.admin();
  await admin.connect();
  const ranges: PartitionRange[] = [];
  try {
    for (const topic of bridgeTopics) {
      const starts = await admin.fetchTopicOffsetsByTimestamp(topic, from.getTime());
      const ends = await admin.fetchTopicOffsets(topic);
      for (const { partition, offset } of starts) {
        const end = Number(ends.find((e) => e.partition === partition)?.high ?? 0);
        // Kafka answers -1 when no message is that recent.
        const start = Number(offset) < 0 ? end : Number(offset);
        if (start < end) ranges.push({ topic, partition, start, end });
      }
    }
  } finally {
    await admin.disconnect();
  }
  const total = ranges.reduce((sum, r) => sum + (r.end - r.start), 0);
  const users = new Set<string>();
  if (total === 0) return [];

  const consumer = kafka.consumer({ groupId: `ops-replay-${randomUUID()}` });
  const bar = out.progress('reading events', total);
  const remaining = new Map(ranges.map((r) => [`${r.topic}/${r.partition}`, r]));
  let read = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(ranges.map((r) => r.topic))], fromBeginning: false });
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`replay-events: reading did not finish within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          const range = remaining.get(`${topic}/${partition}`);
          const offset = Number(message.offset);
          if (!range || offset < range.start) return;
          if (offset < range.end) {
            read++;
            const envelope = parseEnvelope(message.value);
            if (envelope) users.add(envelope);
            bar.update(read, `${users.size} users`);
          }
          if (offset >= range.end - 1) remaining.delete(`${topic}/${partition}`);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const r of ranges) consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.start) });
      });
    });
    await done;
  } finally {
    bar.stop();
    await consumer.disconnect();
  }
  return [...users].sort();
}

function parseEnvelope(value: Buffer | null): string | undefined {
  try {
    const parsed = parseEventEnvelope(JSON.parse(String(value)));
    return parsed.ok ? parsed.value.subject : undefined;
  } catch {
    return undefined;
  }
}

export const replayEvents: OpsCommand = {
  name: 'replay-events',
  summary: 'rebuild every user who had events since a time (after a fix in rebuild logic)',
  options: [
    { flags: '--from <time>', description: 'an ISO date-time, e.g. 2026-11-22T03:00:00Z' },
    rateOption(50),
    { flags: '--prefix <prefix>', description: 'only user ids that start with it', default: '' },
    { flags: '--dry-run', description: 'only list the users' },
  ],
  description: `Reads the domain and preference topics from the given time up to now, collects every user with an
event in that range, and rebuilds them (trigger "replay") at most N per second (default 50).
--prefix keeps only user ids that start with P. --dry-run only lists the users.
Exits 1 if any rebuild failed.`,
  example: 'npm run ops -- replay-events --from 2026-11-22T03:00:00Z',
  async run({ opts }, ctx, out) {
    const fromText = textOption(opts, 'from');
    const from = new Date(fromText ?? '');
    if (!fromText || Number.isNaN(from.getTime()))
      throw new UsageError('--from takes an ISO date-time, e.g. 2026-11-22T03:00:00Z');
    const rate = parseRate(textOption(opts, 'rate'));
    const prefix = textOption(opts, 'prefix') ?? '';
    const users = (await usersWithEventsSince(ctx, from, out)).filter((u) => u.startsWith(prefix));
    out.line(`${users.length} user${users.length === 1 ? '' : 's'} had events since ${from.toISOString()}`);
    if (flagOption(opts, 'dryRun')) {
      for (const userId of users) out.line(`  would rebuild ${userId}`);
      return 0;
    }
    if (users.length === 0) return 0;
    return runAndFollow(ctx, out, { userIds: users, ratePerSecond: rate, trigger: 'replay' }, 'replay-events');
  },
};

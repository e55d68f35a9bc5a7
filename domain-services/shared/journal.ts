import { mkdir, open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { EventEnvelope } from '../../dashboard/index.js';

/**
 * The write journal of one service, which is also its outbox: one JSON line per domain event,
 * `{seq, event}`, fsync'd before the write is acknowledged. State is rebuilt from it on start and the
 * relay publishes it to Kafka, so a write that got a 2xx can be neither lost nor left unpublished.
 */
export const JournalEntry = z.object({
  seq: z.number().int().positive(),
  event: EventEnvelope,
});
export type JournalEntry = z.infer<typeof JournalEntry>;

export class JournalCorruptError extends Error {
  override readonly name = 'JournalCorruptError';
}

export interface Journal {
  /** Everything journaled before this process started, in seq order: for replay and the relay backlog. */
  readonly recovered: readonly JournalEntry[];
  /** Appends and fsyncs; resolves once the entry is durable. Appends are serialised, so seq order = file order. */
  append(event: EventEnvelope): Promise<JournalEntry>;
  close(): Promise<void>;
}

export const JOURNAL_FILE = 'journal.jsonl';

export async function openJournal(dir: string): Promise<Journal> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, JOURNAL_FILE);
  const recovered = await recover(path);
  const handle = await open(path, 'a');
  // A new file's directory entry must be durable too, or the first fsync'd lines could vanish with it.
  await syncDirectory(dir);

  let lastSeq = recovered.at(-1)?.seq ?? 0;
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;

  const append = (event: EventEnvelope): Promise<JournalEntry> => {
    if (closed) return Promise.reject(new Error('journal is closed'));
    const run = async (): Promise<JournalEntry> => {
      const entry: JournalEntry = { seq: lastSeq + 1, event };
      await writeLine(handle, JSON.stringify(entry) + '\n');
      lastSeq = entry.seq;
      return entry;
    };
    const result = tail.then(run, run);
    tail = result.catch(() => undefined);
    return result;
  };

  return {
    recovered,
    append,
    async close() {
      closed = true;
      await tail;
      await handle.close();
    },
  };
}

async function writeLine(handle: FileHandle, line: string): Promise<void> {
  await handle.write(line);
  await handle.datasync();
}

/**
 * Reads the journal back. A torn last line is a write that crashed before its fsync returned, so it
 * was never acknowledged: it is cut off. A bad line anywhere else means the file was damaged: refuse
 * to start rather than serve and publish a wrong history.
 */
async function recover(path: string): Promise<JournalEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: JournalEntry[] = [];
  let offset = 0;
  while (offset < text.length) {
    const end = text.indexOf('\n', offset);
    const complete = end !== -1;
    const line = text.slice(offset, complete ? end : text.length);
    const entry = parseLine(line);
    const expectedSeq = (entries.at(-1)?.seq ?? 0) + 1;
    if (entry === null || entry.seq !== expectedSeq) {
      const isLast = !complete || end === text.length - 1;
      if (!isLast) throw new JournalCorruptError(`${path}: unreadable or out-of-order entry at byte ${offset}`);
      await truncate(path, Buffer.byteLength(text.slice(0, offset), 'utf8'));
      break;
    }
    entries.push(entry);
    offset = complete ? end + 1 : text.length;
  }
  return entries;
}

function parseLine(line: string): JournalEntry | null {
  try {
    const parsed = JournalEntry.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

import type { EventEnvelope } from '../../dashboard/index.js';
import { SEED_EPOCH } from './events.js';
import type { Journal, JournalEntry } from './journal.js';

/** A journal holds only the service's own event types; anything else means the wrong folder or a damaged file. */
export class UnexpectedEventError extends Error {
  override readonly name = 'UnexpectedEventError';
  constructor(service: string, event: EventEnvelope) {
    super(`the ${service} journal holds an unexpected ${event.type} event (${event.id})`);
  }
}

/** A user's current data and the time of the change that produced it. */
export interface UserView<State> {
  state: State;
  asOf: string;
}

export interface StoreModel<State> {
  /** The user's deterministic starting data; called lazily, once per user and process. */
  seed(userId: string): State;
  /** Applies one journaled event; must be pure, since the journal is replayed through it on every start. */
  apply(state: State, event: EventEnvelope): State;
}

/**
 * A write decides on the user's current state: it returns the event to journal, or throws a
 * DomainError (nothing is journaled then).
 */
export type Decision<State> = (state: State) => EventEnvelope;

/**
 * User state = seed + the journal replayed. Seeding is lazy, so 10,000 users cost nothing until
 * they are read. Writes are serialised: decide on the current state, fsync the event to the journal,
 * then apply it; a 2xx therefore always means "durable and visible to the next read".
 */
export class JournaledStore<State> {
  private readonly users = new Map<string, UserView<State>>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly model: StoreModel<State>,
    private readonly journal: Journal,
    private readonly onJournaled: (entry: JournalEntry) => void,
  ) {
    for (const entry of journal.recovered) this.applyEntry(entry);
  }

  read(userId: string): UserView<State> {
    let view = this.users.get(userId);
    if (view === undefined) {
      view = { state: this.model.seed(userId), asOf: SEED_EPOCH };
      this.users.set(userId, view);
    }
    return view;
  }

  write(userId: string, decide: Decision<State>): Promise<EventEnvelope> {
    const run = async (): Promise<EventEnvelope> => {
      const event = decide(this.read(userId).state);
      if (event.subject !== userId) throw new Error(`event for ${event.subject} written as ${userId}`);
      const entry = await this.journal.append(event);
      this.applyEntry(entry);
      this.onJournaled(entry);
      return event;
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private applyEntry(entry: JournalEntry): void {
    const userId = entry.event.subject;
    const view = this.read(userId);
    this.users.set(userId, { state: this.model.apply(view.state, entry.event), asOf: entry.event.time });
  }
}

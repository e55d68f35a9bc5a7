import { Preferences, type PreferencesPatch } from '../../../dashboard/contract/preferences.js';
import { isConflict } from '../api/errors';
import type { VersionedPreferences } from '../api/endpoints';
import { withNetworkRetries } from '../api/retry';
import { applyMergePatch } from './merge-patch';

export type SaveStatus = 'loading' | 'ready' | 'saving' | 'saved';

/** What happened to one change: stored, refused, overtaken by a conflict, or dropped with an earlier failure. */
export type ChangeOutcome = 'saved' | 'failed' | 'conflict' | 'cancelled';

export interface EditorSnapshot {
  /** The document as shown: the server's, with the changes still on their way applied. */
  readonly preferences: Preferences | null;
  readonly status: SaveStatus;
}

export interface PreferencesEditorDeps {
  readonly load: () => Promise<VersionedPreferences>;
  /** `quiet`: do not report a network failure yet, another attempt follows. */
  readonly patch: (
    patch: PreferencesPatch,
    version: number,
    idempotencyKey: string,
    quiet: boolean,
  ) => Promise<VersionedPreferences>;
  readonly newIdempotencyKey: () => string;
  /** The document changed elsewhere: say so and reload what depends on it (the editor reloads itself). */
  readonly onConflict: () => void;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * The personalise screen's preferences: each change is shown at once and sent as its own PATCH, one
 * after the other (each needs the version the previous one produced for If-Match). A failed change
 * rolls the screen back to what the server has, and drops the changes queued behind it, which were
 * made on top of it. A 412 is never sent again over the other device's change: it is reloaded.
 */
export class PreferencesEditor {
  private confirmed: VersionedPreferences | null = null;
  private state: EditorSnapshot = { preferences: null, status: 'loading' };
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  /** Bumped by a failure or a reload: queued changes of an older generation are dropped. */
  private generation = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: PreferencesEditorDeps) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  readonly snapshot = (): EditorSnapshot => this.state;

  async load(): Promise<void> {
    this.generation += 1;
    this.update({ status: 'loading' });
    try {
      this.confirmed = await this.deps.load();
      this.update({ preferences: this.confirmed.preferences, status: 'ready' });
    } catch {
      // The banner says why; what was shown stays.
      this.update({ status: 'ready' });
    }
  }

  /** Shows the change at once and queues it for the server. */
  change(patch: PreferencesPatch): Promise<ChangeOutcome> {
    const shown = this.state.preferences;
    // While reloading (after a conflict) the shown version is about to be replaced: no change on top of it.
    if (shown === null || this.confirmed === null || this.state.status === 'loading')
      return Promise.resolve('cancelled');
    const next = Preferences.safeParse(applyMergePatch(shown, patch));
    if (!next.success) return Promise.resolve('failed');

    this.pending += 1;
    this.update({ preferences: next.data, status: 'saving' });
    const generation = this.generation;
    const key = this.deps.newIdempotencyKey();
    const outcome = this.queue.then(() => this.send(patch, key, generation));
    this.queue = outcome;
    return outcome;
  }

  private async send(patch: PreferencesPatch, key: string, generation: number): Promise<ChangeOutcome> {
    if (generation !== this.generation || this.confirmed === null) {
      this.pending -= 1;
      return 'cancelled';
    }
    try {
      const version = this.confirmed.version;
      this.confirmed = await withNetworkRetries(
        (quiet) => this.deps.patch(patch, version, key, quiet),
        this.deps.sleep,
      );
      this.pending -= 1;
      // With more changes queued, the screen keeps showing them; the last answer is the whole truth.
      if (this.pending === 0) this.update({ preferences: this.confirmed.preferences, status: 'saved' });
      return 'saved';
    } catch (error) {
      this.pending -= 1;
      this.generation += 1;
      this.update({ preferences: this.confirmed.preferences, status: 'ready' });
      if (!isConflict(error)) return 'failed';
      this.deps.onConflict();
      await this.load();
      return 'conflict';
    }
  }

  private update(next: Partial<EditorSnapshot>): void {
    this.state = { ...this.state, ...next };
    for (const listener of this.listeners) listener();
  }
}

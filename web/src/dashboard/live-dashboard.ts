import type { ClientDashboard } from '../../../dashboard/contract/dashboard.js';
import { NetworkError, SessionEndedError } from '../api/errors';
import type { DashboardResponse } from '../api/endpoints';
import type { LiveState, LiveSubscription } from '../api/live';
import { loadLastKnown, saveLastKnown } from './cache';
import { loadItemNames, rememberItemNames, type ItemNames } from './item-names';

export type Connection = 'live' | 'reconnecting' | 'offline';

export interface DashboardState {
  readonly dashboard: ClientDashboard | null;
  /** When the dashboard shown was last confirmed by the server. */
  readonly fetchedAt: string | null;
  readonly connection: Connection;
  /** Nothing to show yet, and the first load is under way. */
  readonly loading: boolean;
  /** The last load failed for a reason other than the network (the banner says which). */
  readonly failed: boolean;
  /** Names of every item seen on this device, also of those hidden since (the personalise screen lists them). */
  readonly itemNames: ItemNames;
}

export interface LiveDashboardDeps {
  readonly userId: string;
  readonly fetchDashboard: (etag: string | null) => Promise<DashboardResponse>;
  readonly subscribe: (handlers: { onUpdate: () => void; onState: (state: LiveState) => void }) => LiveSubscription;
  readonly storage: Storage;
  /** `window` in the app: online/offline events and navigator.onLine. */
  readonly network: { readonly isOnline: () => boolean; readonly events: EventTarget };
  readonly now: () => Date;
}

/** While the API cannot be reached, it is asked again this often (besides the browser's "online" event). */
const UNREACHABLE_RETRY_MS = 10_000;
/** Without a live stream (a proxy that cuts it, a refused one), the dashboard is re-checked this often instead. */
const WITHOUT_STREAM_POLL_MS = 30_000;

/**
 * The signed-in user's dashboard, kept current: loaded with If-None-Match, re-checked on every
 * DashboardUpdated from the live stream, and kept in localStorage so an offline app still shows the
 * last one it had. A plain store (subscribe + snapshot) that React reads through useSyncExternalStore.
 */
export class LiveDashboard {
  private state: DashboardState;
  private etag: string | null = null;
  private streamState: LiveState = 'connecting';
  private unreachable = false;
  private subscription: LiveSubscription | null = null;
  private inFlight: Promise<void> | null = null;
  private again = false;
  private retryTimer: number | undefined;
  private pollTimer: number | undefined;
  /** Between start and stop; a load that finishes after stop must not set timers nobody clears. */
  private running = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: LiveDashboardDeps) {
    const lastKnown = loadLastKnown(deps.storage, deps.userId);
    this.etag = lastKnown?.etag ?? null;
    this.state = {
      dashboard: lastKnown?.dashboard ?? null,
      fetchedAt: lastKnown?.fetchedAt ?? null,
      connection: 'reconnecting',
      loading: true,
      failed: false,
      itemNames: loadItemNames(deps.storage, deps.userId),
    };
    this.state = { ...this.state, connection: this.connection() };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  readonly snapshot = (): DashboardState => this.state;

  start(): void {
    this.running = true;
    this.deps.network.events.addEventListener('online', this.onOnline);
    this.deps.network.events.addEventListener('offline', this.onOffline);
    this.subscription = this.deps.subscribe({
      onUpdate: () => void this.refresh(),
      onState: (state) => {
        this.streamState = state;
        this.pollWhileStreamIsDown();
        this.update({});
        // A (re)opened stream may have missed a build; the check is a cheap 304 when it did not.
        if (state === 'open') void this.refresh();
      },
    });
    this.pollWhileStreamIsDown();
    void this.refresh();
  }

  stop(): void {
    this.running = false;
    this.deps.network.events.removeEventListener('online', this.onOnline);
    this.deps.network.events.removeEventListener('offline', this.onOffline);
    this.subscription?.close();
    this.subscription = null;
    window.clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    window.clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private pollWhileStreamIsDown(): void {
    const down = this.streamState !== 'open';
    if (down && this.running && this.pollTimer === undefined) {
      this.pollTimer = window.setInterval(() => void this.refresh(), WITHOUT_STREAM_POLL_MS);
    } else if (!down && this.pollTimer !== undefined) {
      window.clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
  }

  /** Loads the dashboard now; calls while one load runs are folded into one more load after it. */
  refresh(): Promise<void> {
    if (this.inFlight !== null) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      do {
        this.again = false;
        await this.load();
      } while (this.again);
    })().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async load(): Promise<void> {
    try {
      const response = await this.deps.fetchDashboard(this.etag);
      this.setUnreachable(false);
      const fetchedAt = this.deps.now().toISOString();
      // Loads run one at a time (refresh), so an answer is never older than the one before it.
      if (response.kind === 'fresh') {
        this.etag = response.etag;
        const itemNames = rememberItemNames(this.deps.storage, this.deps.userId, response.dashboard);
        this.update({ dashboard: response.dashboard, fetchedAt, loading: false, failed: false, itemNames });
      } else {
        this.update({ fetchedAt, loading: false, failed: false });
      }
      if (this.state.dashboard !== null)
        saveLastKnown(this.deps.storage, this.deps.userId, {
          dashboard: this.state.dashboard,
          etag: this.etag,
          fetchedAt,
        });
    } catch (error) {
      if (error instanceof NetworkError) this.setUnreachable(true);
      this.update({
        loading: false,
        failed: !(error instanceof NetworkError) && !(error instanceof SessionEndedError),
      });
    }
  }

  private setUnreachable(unreachable: boolean): void {
    this.unreachable = unreachable;
    if (unreachable && this.running && this.retryTimer === undefined) {
      this.retryTimer = window.setInterval(() => void this.refresh(), UNREACHABLE_RETRY_MS);
    } else if (!unreachable && this.retryTimer !== undefined) {
      window.clearInterval(this.retryTimer);
      this.retryTimer = undefined;
    }
  }

  private readonly onOnline = () => {
    this.update({});
    // The old stream may have died silently while offline; a new one resumes from the last event id.
    this.subscription?.reconnect();
    void this.refresh();
  };

  private readonly onOffline = () => this.update({});

  private connection(): Connection {
    if (!this.deps.network.isOnline() || this.unreachable) return 'offline';
    return this.streamState === 'open' ? 'live' : 'reconnecting';
  }

  private update(next: Partial<DashboardState>): void {
    this.state = { ...this.state, ...next, connection: this.connection() };
    for (const listener of this.listeners) listener();
  }
}

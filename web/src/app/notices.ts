/**
 * What the person should know about the app's conversation with the server, in one place: the error
 * banner renders this, the API client and the screens report to it. A plain store (subscribe +
 * snapshot) so the API client, which is not React, can write to it.
 */
export interface Waiting {
  readonly reason: 'rate-limited' | 'busy';
  /** When the retry happens, in milliseconds since the epoch. */
  readonly until: number;
}

export interface Message {
  readonly id: number;
  readonly text: string;
}

export interface NoticesSnapshot {
  readonly waiting: Waiting | null;
  /** Retries are used up; requests wait for the person to press "Try again". */
  readonly gaveUp: boolean;
  readonly messages: readonly Message[];
}

export interface Notices {
  subscribe(listener: () => void): () => void;
  snapshot(): NoticesSnapshot;
  /** Shows the countdown and resolves when it is over. */
  wait(reason: Waiting['reason'], seconds: number): Promise<void>;
  /** Resolves when the person presses "Try again". */
  untilTryAgain(): Promise<void>;
  tryAgain(): void;
  /** A message the person can act on; the same text is shown once. */
  report(text: string): void;
  dismiss(id: number): void;
  clearMessages(): void;
}

export function createNotices(): Notices {
  let state: NoticesSnapshot = { waiting: null, gaveUp: false, messages: [] };
  let nextId = 1;
  const listeners = new Set<() => void>();
  let paused: (() => void)[] = [];
  const update = (next: Partial<NoticesSnapshot>) => {
    state = { ...state, ...next };
    for (const listener of listeners) listener();
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    snapshot: () => state,
    wait(reason, seconds) {
      const waiting = { reason, until: Date.now() + seconds * 1000 };
      update({ waiting });
      return new Promise((resolve) =>
        window.setTimeout(() => {
          // Another request may have started a countdown of its own meanwhile; that one stays.
          if (state.waiting === waiting) update({ waiting: null });
          resolve();
        }, seconds * 1000),
      );
    },
    untilTryAgain() {
      update({ gaveUp: true });
      return new Promise((resolve) => paused.push(resolve));
    },
    tryAgain() {
      const resume = paused;
      paused = [];
      update({ gaveUp: false });
      for (const each of resume) each();
    },
    report(text) {
      if (state.messages.some((message) => message.text === text)) return;
      update({ messages: [...state.messages, { id: nextId++, text }] });
    },
    dismiss(id) {
      update({ messages: state.messages.filter((message) => message.id !== id) });
    },
    clearMessages() {
      if (state.messages.length > 0) update({ messages: [] });
    },
  };
}

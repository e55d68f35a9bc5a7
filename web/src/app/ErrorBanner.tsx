import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Notices, Waiting } from './notices';

const WAITING_TEXT: Record<Waiting['reason'], (seconds: number) => string> = {
  'rate-limited': (seconds) => `Too many requests — trying again in ${seconds} s`,
  busy: (seconds) => `The service is busy — retrying in ${seconds} s`,
};

/** Seconds until `until`, ticking; mounted anew (keyed by `until`) for each countdown. */
function Countdown({ waiting }: { waiting: Waiting }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return <>{WAITING_TEXT[waiting.reason](Math.max(1, Math.ceil((waiting.until - now) / 1000)))}</>;
}

/**
 * The one place the app tells the person about problems they can act on or should wait out. The two
 * live regions are always in the page, so what is put into them is announced; waiting is polite
 * (role status), failures interrupt (role alert).
 */
export function ErrorBanner({ notices }: { notices: Notices }) {
  const { waiting, gaveUp, messages } = useSyncExternalStore(notices.subscribe, notices.snapshot);
  return (
    <div className="banner-area">
      <div role="status" className={waiting === null ? 'banner-slot' : 'banner banner-waiting'}>
        {waiting !== null && <Countdown key={waiting.until} waiting={waiting} />}
      </div>
      <div role="alert" className={gaveUp || messages.length > 0 ? 'banner banner-alert' : 'banner-slot'}>
        {gaveUp && (
          <p className="banner-line">
            <span>Please try again later</span>
            <button type="button" onClick={() => notices.tryAgain()}>
              Try again
            </button>
          </p>
        )}
        {messages.map((message) => (
          <p key={message.id} className="banner-line">
            <span>{message.text}</span>
            <button
              type="button"
              className="button-quiet"
              onClick={() => notices.dismiss(message.id)}
              aria-label={`Dismiss: ${message.text}`}
            >
              Dismiss
            </button>
          </p>
        ))}
      </div>
    </div>
  );
}

import type { ReactNode } from 'react';

/** Id of the one hidden "Opens in a new tab" text (rendered by the shell) that external links point at. */
export const NEW_TAB_DESCRIPTION_ID = 'opens-in-new-tab';

/**
 * Links that leave the app open in a new tab, without giving the new page a handle on this one
 * (noopener) or the address it came from (noreferrer). The name stays the visible text; the new tab
 * is said in the description so screen reader users are not surprised.
 */
export function ExternalLink({ href, className, children }: { href: string; className?: string; children: ReactNode }) {
  return (
    <a
      href={href}
      className={className}
      target="_blank"
      rel="noopener noreferrer"
      aria-describedby={NEW_TAB_DESCRIPTION_ID}
    >
      {children}
      <span aria-hidden="true" className="external-mark">
        {' ↗'}
      </span>
    </a>
  );
}

import { createContext, useContext, useEffect, useRef } from 'react';

/** True once the person has moved between screens: from then on each new screen takes the focus. */
export const FocusOnNavigate = createContext(false);

/**
 * A screen's h1. After a navigation it takes the focus, so keyboard and screen reader users start at
 * the new screen's top instead of somewhere in the old one's place; it also names the browser tab.
 */
export function PageHeading({ children }: { children: string }) {
  const focusOnMount = useContext(FocusOnNavigate);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${children} · Dashboard`;
    if (focusOnMount) heading.current?.focus();
  }, [children, focusOnMount]);
  return (
    <h1 ref={heading} tabIndex={-1} className="page-heading">
      {children}
    </h1>
  );
}

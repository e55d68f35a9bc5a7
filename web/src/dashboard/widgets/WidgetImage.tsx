import { useState } from 'react';

/** An offer's picture; one that does not load is left out rather than shown broken (its title says the same). */
export function WidgetImage({ src, alt }: { src: string; alt: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) return null;
  return <img className="widget-image" src={src} alt={alt} loading="lazy" onError={() => setFailed(true)} />;
}

import { lazy, Suspense } from 'react';

// The charting library is most of this page's weight and only admins open it: it comes in a chunk of
// its own, so a customer's dashboard never downloads it.
const InsightsPage = lazy(() => import('./InsightsPage').then((module) => ({ default: module.InsightsPage })));

export function LazyInsightsPage() {
  return (
    <Suspense fallback={<p className="muted">Loading insights…</p>}>
      <InsightsPage />
    </Suspense>
  );
}

import { useState } from 'react';
import type { InsightsQuery } from '../api/schemas';
import { PageHeading } from '../app/PageHeading';
import { defaultFilters, queryFrom, type InsightsFilters } from './filters';
import { InsightsFiltersForm } from './InsightsFiltersForm';
import { OffersSection } from './OffersSection';
import { PersonalisationSection } from './PersonalisationSection';
import { RebuildsSection } from './RebuildsSection';
import { UsageSection } from './UsageSection';

/**
 * For product teams (admin tokens): daily trends from the analytics roll-ups as charts, each with its
 * figures. The sections load on their own; a filter that does not make a valid query keeps the last
 * valid one on screen and says what is wrong.
 */
export function InsightsPage() {
  const [filters, setFilters] = useState<InsightsFilters>(() => defaultFilters());
  const [query, setQuery] = useState<InsightsQuery>(() => {
    const initial = queryFrom(filters);
    if (!initial.ok) throw new Error(initial.problem);
    return initial.query;
  });
  const [problem, setProblem] = useState<string | null>(null);

  const change = (next: InsightsFilters) => {
    setFilters(next);
    const parsed = queryFrom(next);
    setProblem(parsed.ok ? null : parsed.problem);
    if (parsed.ok) setQuery(parsed.query);
  };

  return (
    <>
      <PageHeading>Insights</PageHeading>
      <InsightsFiltersForm filters={filters} problem={problem} onChange={change} />
      <UsageSection query={query} />
      <PersonalisationSection query={query} />
      <OffersSection query={query} />
      <RebuildsSection query={query} />
    </>
  );
}

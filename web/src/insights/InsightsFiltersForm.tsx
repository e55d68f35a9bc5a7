import { useId } from 'react';
import { PLATFORM_CHOICES, type InsightsFilters, type PlatformChoice } from './filters';

/**
 * The date range (UTC days) and the platform. There is no submit button: each change is applied at
 * once, which is what "filter" means to the people using this page.
 */
export function InsightsFiltersForm({
  filters,
  problem,
  onChange,
}: {
  filters: InsightsFilters;
  problem: string | null;
  onChange: (filters: InsightsFilters) => void;
}) {
  const fromId = useId();
  const toId = useId();
  const platformId = useId();
  const problemId = useId();
  const described = problem === null ? undefined : problemId;
  return (
    <form className="panel" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
      <div className="profile-form">
        <div className="field">
          <label htmlFor={fromId}>From (UTC)</label>
          <input
            id={fromId}
            type="date"
            required
            value={filters.from}
            max={filters.to}
            aria-describedby={described}
            onChange={(event) => onChange({ ...filters, from: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={toId}>To (UTC)</label>
          <input
            id={toId}
            type="date"
            required
            value={filters.to}
            min={filters.from}
            aria-describedby={described}
            onChange={(event) => onChange({ ...filters, to: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={platformId}>Platform</label>
          <select
            id={platformId}
            value={filters.platform}
            onChange={(event) => onChange({ ...filters, platform: event.target.value as PlatformChoice })}
          >
            {PLATFORM_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p id={problemId} className="field-problem" role="status">
        {problem}
      </p>
    </form>
  );
}

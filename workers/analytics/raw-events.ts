import type { RawEvent } from '../../adapters/postgres/analytics-store.js';
import type { DomainEvent } from '../../dashboard/index.js';

/**
 * The raw events one consumed event stands for: itself, except a DashboardViews batch, which is the
 * DashboardViewed events it carries, each with its own id and time (so a view is stored once, whichever
 * batch or redelivery brings it, and rollups read views of one type).
 */
export function rawEventsOf(event: DomainEvent): RawEvent[] {
  if (event.type !== 'DashboardViews')
    return [{ eventId: event.id, type: event.type, userId: event.subject, occurredAt: event.time, data: event.data }];
  return event.data.views.map(({ id, time, ...view }) => ({
    eventId: id,
    type: 'DashboardViewed',
    userId: view.userId,
    occurredAt: time,
    data: view,
  }));
}

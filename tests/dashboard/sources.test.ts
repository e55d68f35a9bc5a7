import { describe, expect, it } from 'vitest';
import { mergeWidgetSources, type SourceResult, type Widget } from '../../dashboard/index.js';

const widget = (id: string): Widget => ({ widget_id: id, component_type: 'Card', priority: 1, data: { title: id } });
const fresh = (asOf: string, ...ids: string[]): SourceResult<Widget> => ({ status: 'fresh', asOf, items: ids.map(widget) });

describe('mergeWidgetSources (offers + transaction insights = one widgets section)', () => {
  it('is fresh when both parts are, with every item and the older asOf', () => {
    expect(mergeWidgetSources(fresh('2026-01-02T00:00:00Z', 'o1'), fresh('2026-01-01T00:00:00Z', 'i1'))).toEqual({
      status: 'fresh',
      asOf: '2026-01-01T00:00:00Z',
      items: [widget('o1'), widget('i1')],
    });
  });

  it('is stale with the reason when one part is stale or missing, keeping what is known', () => {
    const stale: SourceResult<Widget> = { status: 'stale', asOf: '2025-12-31T00:00:00Z', items: [widget('i0')], reason: 'transactions: answered 503' };
    expect(mergeWidgetSources(fresh('2026-01-02T00:00:00Z', 'o1'), stale)).toEqual({
      status: 'stale',
      asOf: '2025-12-31T00:00:00Z',
      items: [widget('o1'), widget('i0')],
      reason: 'transactions: answered 503',
    });
    expect(mergeWidgetSources({ status: 'missing', reason: 'offers: down' }, fresh('2026-01-02T00:00:00Z', 'i1'))).toMatchObject({ status: 'stale', items: [widget('i1')], reason: 'offers: down' });
  });

  it('is missing when both parts are, with both reasons', () => {
    expect(mergeWidgetSources({ status: 'missing', reason: 'a' }, { status: 'missing', reason: 'b' })).toEqual({ status: 'missing', reason: 'a; b' });
  });
});

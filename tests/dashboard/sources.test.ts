import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeWidgetSources, type SourceResult, type Widget } from '../../dashboard/index.js';

const widget = (id: string): Widget => ({ widget_id: id, component_type: 'Card', priority: 1, data: { title: id } });
const fresh = (asOf: string, ...ids: string[]): SourceResult<Widget> => ({
  status: 'fresh',
  asOf,
  items: ids.map(widget),
});

describe('mergeWidgetSources (offers + transaction insights = one widgets section)', () => {
  it('is fresh when both parts are, with every item and the older asOf', () => {
    expect(mergeWidgetSources(fresh('2026-01-02T00:00:00Z', 'o1'), fresh('2026-01-01T00:00:00Z', 'i1'))).toEqual({
      status: 'fresh',
      asOf: '2026-01-01T00:00:00Z',
      items: [widget('o1'), widget('i1')],
    });
  });

  it('is stale with the reason when one part is stale or missing, keeping what is known', () => {
    const stale: SourceResult<Widget> = {
      status: 'stale',
      asOf: '2025-12-31T00:00:00Z',
      items: [widget('i0')],
      reason: 'transactions: answered 503',
    };
    expect(mergeWidgetSources(fresh('2026-01-02T00:00:00Z', 'o1'), stale)).toEqual({
      status: 'stale',
      asOf: '2025-12-31T00:00:00Z',
      items: [widget('o1'), widget('i0')],
      reason: 'transactions: answered 503',
    });
    expect(
      mergeWidgetSources({ status: 'missing', reason: 'offers: down' }, fresh('2026-01-02T00:00:00Z', 'i1')),
    ).toMatchObject({ status: 'stale', items: [widget('i1')], reason: 'offers: down' });
  });

  it('is missing when both parts are, with both reasons', () => {
    expect(mergeWidgetSources({ status: 'missing', reason: 'a' }, { status: 'missing', reason: 'b' })).toEqual({
      status: 'missing',
      reason: 'a; b',
    });
  });

  it('takes the earlier instant as asOf, whatever offset or precision each part writes it in', () => {
    const instant = fc.date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2030-01-01T00:00:00Z'),
      noInvalidDate: true,
    });
    // An instant as a domain service may write it: UTC with or without milliseconds, or at +02:00.
    const written = instant.chain((date) =>
      fc.constantFrom(
        date.toISOString(),
        date.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        new Date(date.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00'),
      ),
    );
    fc.assert(
      fc.property(written, written, (a, b) => {
        const merged = mergeWidgetSources(fresh(a, 'o1'), fresh(b, 'i1'));
        expect(merged.status === 'missing' ? undefined : Date.parse(merged.asOf)).toBe(
          Math.min(Date.parse(a), Date.parse(b)),
        );
      }),
    );
  });
});

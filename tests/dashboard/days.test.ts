import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, utcDay } from '../../dashboard/days.js';

describe('UTC days', () => {
  it('name the UTC day of an instant, whatever the local time zone says', () => {
    expect(utcDay(Date.parse('2026-11-24T23:59:59.999Z'))).toBe('2026-11-24');
    expect(utcDay(Date.parse('2026-11-25T00:30:00+01:00'))).toBe('2026-11-24');
  });

  it('count across months, years and leap days', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-11-24', -35)).toBe('2026-10-20');
  });

  it('list a range in order with both ends, and nothing for a reversed one', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(daysBetween('2026-11-24', '2026-11-24')).toEqual(['2026-11-24']);
    expect(daysBetween('2026-11-25', '2026-11-24')).toEqual([]);
  });
});

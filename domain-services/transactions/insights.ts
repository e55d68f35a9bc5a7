import { INSIGHT_WIDGET_PREFIX, type Widget } from '../../dashboard/index.js';
import { roundMoney } from '../shared/prng.js';
import type { TransactionRecord } from './model.js';

/**
 * Server-driven InfoBox widgets computed from a user's transactions. "This month" is the month of the
 * user's latest transaction, not the wall clock, so the same data always gives the same insights
 * (and seeded users, whose activity ends in December 2025, still see something).
 */
export function computeInsights(transactions: readonly TransactionRecord[]): Widget[] {
  const latest = transactions.reduce<TransactionRecord | undefined>(
    (a, t) => (a === undefined || t.bookedAt > a.bookedAt ? t : a),
    undefined,
  );
  if (latest === undefined) return [];
  const month = latest.bookedAt.slice(0, 7);
  const currency = latest.amount.currency;
  const inMonth = transactions.filter((t) => t.bookedAt.startsWith(month) && t.amount.currency === currency);
  const spending = inMonth.filter((t) => t.amount.amount < 0);
  const income = inMonth.filter((t) => t.amount.amount > 0);
  const monthName = new Date(`${month}-01T00:00:00.000Z`).toLocaleString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const money = (amount: number) => new Intl.NumberFormat('en-IE', { style: 'currency', currency }).format(amount);
  const total = (list: readonly TransactionRecord[]) =>
    roundMoney(list.reduce((sum, t) => sum + Math.abs(t.amount.amount), 0));

  const widgets: Widget[] = [];
  if (spending.length > 0) {
    const spent = total(spending);
    widgets.push({
      widget_id: `${INSIGHT_WIDGET_PREFIX}spent-this-month`,
      component_type: 'InfoBox',
      priority: 300,
      data: {
        title: 'Spent this month',
        subtitle: monthName,
        content: `${money(spent)} across ${spending.length} ${spending.length === 1 ? 'payment' : 'payments'}`,
        attributes: { month, amount: spent, currency, count: spending.length },
      },
    });
    const byCategory = new Map<string, number>();
    for (const t of spending) byCategory.set(t.category, (byCategory.get(t.category) ?? 0) + Math.abs(t.amount.amount));
    const [topCategory, topAmount] = [...byCategory].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [
      'other',
      0,
    ];
    widgets.push({
      widget_id: `${INSIGHT_WIDGET_PREFIX}top-category`,
      component_type: 'InfoBox',
      priority: 290,
      data: {
        title: 'Where your money went',
        subtitle: monthName,
        content: `Most on ${topCategory}: ${money(roundMoney(topAmount))}`,
        attributes: { month, category: topCategory, amount: roundMoney(topAmount), currency },
      },
    });
  }
  if (income.length > 0) {
    const received = total(income);
    widgets.push({
      widget_id: `${INSIGHT_WIDGET_PREFIX}money-in`,
      component_type: 'InfoBox',
      priority: 280,
      data: {
        title: 'Money in this month',
        subtitle: monthName,
        content: `${money(received)} received`,
        attributes: { month, amount: received, currency },
      },
    });
  }
  return widgets;
}

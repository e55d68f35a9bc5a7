import type { Money } from '../../dashboard/contract/common.js';

/**
 * Numbers, money and times as the person's browser writes them. Formatters are built per call:
 * cheap at this app's scale, and a changed browser language is honoured without a reload.
 */
export function formatMoney(money: Money): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: money.currency }).format(money.amount);
}

function isSameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "10:42" today, "3 May, 10:42" on another day: how a person says when something happened. */
export function formatTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(date);
  if (isSameDay(date, now)) return time;
  const day = new Intl.DateTimeFormat(undefined, {
    day: 'numeric',
    month: 'short',
    ...(date.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  }).format(date);
  return `${day}, ${time}`;
}

/** A full date and time for tables and the history, where precision matters more than brevity. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}

/** "car_insurance" → "Car insurance", "savingsRate" → "Savings rate": codes and keys as words. */
export function humanise(code: string): string {
  const words = code
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replaceAll('_', ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

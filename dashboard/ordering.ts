import type { Account, Partner } from './contract/items.js';
import type { AccountSortMode, PartnerSortMode } from './contract/preferences.js';
import type { Widget } from './contract/widget.js';

/**
 * Orderings of section items. Every comparator ends with the id (code-unit order, not locale), so the
 * order is total and never depends on the input order.
 */
export type Comparator<T> = (a: T, b: T) => number;

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byTime = (a: string, b: string) => Date.parse(a) - Date.parse(b);

function chain<T>(...comparators: Comparator<T>[]): Comparator<T> {
  return (a, b) => {
    for (const compare of comparators) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return 0;
  };
}

/**
 * One collator per locale, made once: building an Intl.Collator took more of a build's CPU than the
 * sorting it serves (a compose makes four orders; bench/README.md round 20). A collator holds no
 * state between compares, so sharing one changes no order. The locales are the platform's own (today
 * only compose's default), never a caller's, so the map stays small.
 */
const collators = new Map<string, Intl.Collator>();

/** Locale-aware text order ("Ä" next to "A", "Konto 2" before "Konto 10"). */
export function textOrder(locale: string): Comparator<string> {
  let collator = collators.get(locale);
  if (collator === undefined) {
    collator = new Intl.Collator(locale, { numeric: true });
    collators.set(locale, collator);
  }
  // `compare` is a getter that returns a function bound to its collator.
  return collator.compare;
}

export function accountOrder(mode: AccountSortMode | 'default', locale: string): Comparator<Account> {
  const text = textOrder(locale);
  const byName = (a: Account, b: Account) => text(a.name, b.name);
  switch (mode) {
    case 'alphabetical':
      return chain<Account>(byName, byId);
    // Amounts are compared as numbers across currencies: converting needs rates, which the core has not.
    case 'balance_desc':
      return chain<Account>(
        (a, b) => b.balance.amount - a.balance.amount,
        (a, b) => text(a.balance.currency, b.balance.currency),
        byName,
        byId,
      );
    case 'opened_desc':
      return chain<Account>((a, b) => byTime(b.openedAt, a.openedAt), byName, byId);
    // The bank's default: oldest account (usually the main current account) first.
    case 'custom':
    case 'default':
      return chain<Account>((a, b) => byTime(a.openedAt, b.openedAt), byId);
  }
}

export function partnerOrder(mode: PartnerSortMode | 'default', locale: string): Comparator<Partner> {
  const text = textOrder(locale);
  const byName = (a: Partner, b: Partner) => text(a.name, b.name);
  switch (mode) {
    case 'category':
      return chain<Partner>((a, b) => text(a.category, b.category), byName, byId);
    case 'alphabetical':
    case 'custom':
    case 'default':
      return chain<Partner>(byName, byId);
  }
}

/** Widgets have one order (sort modes custom and priority both start from it): highest priority first. */
export function widgetOrder(): Comparator<Widget> {
  return (a, b) => b.priority - a.priority || (a.widget_id < b.widget_id ? -1 : a.widget_id > b.widget_id ? 1 : 0);
}

/**
 * Applies a custom order to items already in default order. Named items keep the user's relative
 * order; an item the order does not name (a new account, a new widget type) goes right after its
 * predecessor in the default order, so it appears where it would have been instead of vanishing.
 * Names of items that no longer exist are ignored.
 */
export function applyCustomOrder(defaultOrder: readonly string[], customOrder: readonly string[]): string[] {
  const present = new Set(defaultOrder);
  const named = new Set<string>();
  const result: string[] = [];
  for (const id of customOrder) {
    if (present.has(id) && !named.has(id)) {
      named.add(id);
      result.push(id);
    }
  }
  let previous: string | undefined;
  for (const id of defaultOrder) {
    if (!named.has(id)) {
      const at = previous === undefined ? 0 : result.indexOf(previous) + 1;
      result.splice(at, 0, id);
    }
    previous = id;
  }
  return result;
}

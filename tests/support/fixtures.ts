import {
  composeDashboard,
  defaultPreferences,
  type Account,
  type Partner,
  type Widget,
} from '../../dashboard/index.js';

export const account = (id: string, name: string, amount = 100): Account => ({
  id,
  name,
  type: 'current',
  balance: { amount, currency: 'EUR' },
  maskedIban: 'DE89 **** **** **** **30 00',
  openedAt: '2020-01-01T00:00:00Z',
});

export const partner = (id: string, name: string): Partner => ({
  id,
  name,
  category: 'insurance',
  logo: 'https://cdn.example.com/logo.png',
});

export const card = (id: string, title: string, priority = 100): Widget => ({
  widget_id: id,
  component_type: 'Card',
  priority,
  data: { title },
});

/** A view of the given version with no source answering: what stand-in builds return. */
export const emptyView = (userId: string, version: number) =>
  composeDashboard(
    {
      accounts: { status: 'missing', reason: 'stand-in' },
      partners: { status: 'missing', reason: 'stand-in' },
      widgets: { status: 'missing', reason: 'stand-in' },
    },
    defaultPreferences(userId),
    '2026-01-01T00:00:00.000Z',
    { version },
  );

import { z } from 'zod';
import { CanonicalDashboard, ClientDashboard, DashboardSources } from '../contract/dashboard.js';
import { EVENT_TYPES, EventEnvelope, eventSchema } from '../contract/events.js';
import { Account, Partner } from '../contract/items.js';
import { Preferences, PreferencesInput, PreferencesPatch } from '../contract/preferences.js';
import { Widget } from '../contract/widget.js';

/**
 * The JSON Schema files other teams consume, by file name. Pure, so a test can compare them with the
 * checked-in files; `npm run schemas` (generate.ts) writes them.
 */
export function jsonSchemaFiles(): Record<string, string> {
  const schemas: Record<string, z.ZodType> = {
    'widget.schema.json': Widget,
    'account.schema.json': Account,
    'partner.schema.json': Partner,
    'dashboard-sources.schema.json': DashboardSources,
    'canonical-dashboard.schema.json': CanonicalDashboard,
    'client-dashboard.schema.json': ClientDashboard,
    'preferences.schema.json': Preferences,
    'preferences-input.schema.json': PreferencesInput,
    'preferences-patch.schema.json': PreferencesPatch,
    'event-envelope.schema.json': EventEnvelope,
    ...Object.fromEntries(EVENT_TYPES.map((type) => [`event-${type}.schema.json`, eventSchema(type)])),
  };
  return Object.fromEntries(
    Object.entries(schemas).map(([file, schema]) => {
      // io 'input': what a producer may send (defaults and optional members as the parser accepts them).
      const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
      return [file, JSON.stringify({ $id: file, ...json }, null, 2) + '\n'];
    }),
  );
}

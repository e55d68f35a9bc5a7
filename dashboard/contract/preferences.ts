import { z } from 'zod';
import { ID_PATTERN, Id, IsoDateTime, LIMITS, Layout } from './common.js';

/**
 * Sort modes per section. `custom` means the user's own order; with an empty order it is the default
 * order, which is why it is the default mode.
 */
export const ACCOUNT_SORT_MODES = ['custom', 'alphabetical', 'balance_desc', 'opened_desc'] as const;
export const PARTNER_SORT_MODES = ['custom', 'alphabetical', 'category'] as const;
export const WIDGET_SORT_MODES = ['custom', 'priority'] as const;

// Duplicates would make "exactly once" ambiguous (which position counts?), so they are refused.
const IdList = z
  .array(Id)
  .max(LIMITS.listMaxLength)
  .superRefine((ids, ctx) => {
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `Duplicate id ${id}`,
          params: { code: 'PREFERENCES_DUPLICATE_ID' },
        });
      }
    });
  })
  .meta({ uniqueItems: true });

const sectionPreferences = <Mode extends string>(modes: readonly [Mode, ...Mode[]]) =>
  z.strictObject({
    sort: z.enum(modes),
    /** The user's order; ids that no longer exist are ignored, unnamed items merge in at their default position. */
    order: IdList,
    hidden: IdList,
    /** Pinned items lead, in this order. Hidden wins over pinned. */
    pinned: IdList,
  });

export const AccountSectionPreferences = sectionPreferences(ACCOUNT_SORT_MODES);
export const PartnerSectionPreferences = sectionPreferences(PARTNER_SORT_MODES);
export const WidgetSectionPreferences = sectionPreferences(WIDGET_SORT_MODES);
export type AccountSortMode = (typeof ACCOUNT_SORT_MODES)[number];
export type PartnerSortMode = (typeof PARTNER_SORT_MODES)[number];
export type WidgetSortMode = (typeof WIDGET_SORT_MODES)[number];
export type SectionPreferences<Mode extends string = string> = {
  sort: Mode;
  order: string[];
  hidden: string[];
  pinned: string[];
};

const SETTING_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
export const SettingKey = z.string().regex(SETTING_KEY_PATTERN);
// Said again as metadata: the OpenAPI generator drops a record's key schema (JSON Schema's
// propertyNames), and without it clients and the API fuzzer send keys the API then refuses.
const widgetIds = {
  propertyNames: { type: 'string', minLength: 1, maxLength: LIMITS.idMaxLength, pattern: ID_PATTERN.source },
};
const settingKeys = { propertyNames: { type: 'string', pattern: SETTING_KEY_PATTERN.source } };
export const SettingValue = z.union([z.string().max(LIMITS.settingValueMaxLength), z.number().finite(), z.boolean()]);

const maxEntries = (max: number) => (record: Record<string, unknown>) => Object.keys(record).length <= max;
const tooManyEntries = (max: number) => ({
  message: `At most ${max} entries`,
  params: { code: 'PREFERENCES_LIST_TOO_LONG' },
});

/** Per-widget settings for future personalisation (e.g. a chart period); stored, not yet applied by composition. */
export const WidgetSettings = z
  .record(
    Id,
    z
      .record(SettingKey, SettingValue)
      .refine(maxEntries(LIMITS.widgetSettingsMaxEntries), tooManyEntries(LIMITS.widgetSettingsMaxEntries))
      .meta({ maxProperties: LIMITS.widgetSettingsMaxEntries, ...settingKeys }),
  )
  .refine(maxEntries(LIMITS.widgetSettingsMaxWidgets), tooManyEntries(LIMITS.widgetSettingsMaxWidgets))
  .meta({ maxProperties: LIMITS.widgetSettingsMaxWidgets, ...widgetIds });

const editableShape = {
  layout: Layout,
  sections: z.strictObject({
    accounts: AccountSectionPreferences,
    partners: PartnerSectionPreferences,
    widgets: WidgetSectionPreferences,
  }),
  widgetSettings: WidgetSettings,
};

/** The stored preference document. `version` 0 = never changed; every applied change adds one. */
export const Preferences = z
  .strictObject({
    userId: Id,
    version: z.number().int().nonnegative(),
    updatedAt: IsoDateTime.nullable(),
    ...editableShape,
  })
  .meta({ description: `Serialized size at most ${LIMITS.preferencesMaxBytes} bytes (UTF-8 JSON).` });
export type Preferences = z.infer<typeof Preferences>;

/** What a client may replace in full (PUT): everything but the server-managed fields. */
export const PreferencesInput = z.strictObject(editableShape);
export type PreferencesInput = z.infer<typeof PreferencesInput>;

/**
 * A JSON merge patch (RFC 7396) over PreferencesInput: absent = unchanged, null = back to the default
 * (for a widget's settings or a single setting: removed). Lists are replaced whole, as RFC 7396 says.
 */
const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();
const sectionPatch = <Mode extends string>(modes: readonly [Mode, ...Mode[]]) =>
  z.strictObject({
    sort: nullable(z.enum(modes)),
    order: nullable(IdList),
    hidden: nullable(IdList),
    pinned: nullable(IdList),
  });
export const PreferencesPatch = z.strictObject({
  layout: nullable(Layout),
  sections: nullable(
    z.strictObject({
      accounts: nullable(sectionPatch(ACCOUNT_SORT_MODES)),
      partners: nullable(sectionPatch(PARTNER_SORT_MODES)),
      widgets: nullable(sectionPatch(WIDGET_SORT_MODES)),
    }),
  ),
  widgetSettings: nullable(
    z
      .record(Id, z.record(SettingKey, SettingValue.nullable()).meta(settingKeys).nullable())
      .refine(maxEntries(LIMITS.widgetSettingsMaxWidgets), tooManyEntries(LIMITS.widgetSettingsMaxWidgets))
      .meta(widgetIds),
  ),
});
export type PreferencesPatch = z.infer<typeof PreferencesPatch>;

/** Fields the server owns; a patch or replacement that names them is rejected, never silently ignored. */
export const READ_ONLY_PREFERENCE_FIELDS = ['userId', 'version', 'updatedAt'] as const;

/** A new user's preferences: default order everywhere, list layout, nothing hidden or pinned. */
export function defaultPreferences(userId: string): Preferences {
  const section = () => ({ sort: 'custom' as const, order: [], hidden: [], pinned: [] });
  return {
    userId,
    version: 0,
    updatedAt: null,
    layout: 'list',
    sections: { accounts: section(), partners: section(), widgets: section() },
    widgetSettings: {},
  };
}

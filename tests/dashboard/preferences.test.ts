import { describe, expect, it } from 'vitest';
import type { PreferencesErrorCode } from '../../dashboard/index.js';
import {
  DashboardCoreError,
  LIMITS,
  PREFERENCES_ERROR_CODES,
  defaultPreferences,
  mergePreferences,
  parsePreferences,
  parsePreferencesInput,
  parsePreferencesPatch,
  replacePreferences,
} from '../../dashboard/index.js';
import { richPreferences } from './fixtures.js';

const NOW = '2025-03-14T10:00:00.000Z';
const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);

/** One input per stable code, with the JSON Pointer the API will show. */
const examples: Record<PreferencesErrorCode, { patch: unknown; path: string }> = {
  PREFERENCES_INVALID: { patch: { layout: 'carousel' }, path: '/layout' },
  PREFERENCES_TOO_LARGE: {
    patch: { widgetSettings: { w1: { note: 'x'.repeat(LIMITS.preferencesMaxBytes) } } },
    path: '',
  },
  PREFERENCES_LIST_TOO_LONG: {
    patch: { sections: { accounts: { hidden: ids(LIMITS.listMaxLength + 1) } } },
    path: '/sections/accounts/hidden',
  },
  PREFERENCES_ID_TOO_LONG: {
    patch: { sections: { partners: { pinned: ['p'.repeat(LIMITS.idMaxLength + 1)] } } },
    path: '/sections/partners/pinned/0',
  },
  PREFERENCES_ID_INVALID: { patch: { sections: { widgets: { order: ['w 1'] } } }, path: '/sections/widgets/order/0' },
  PREFERENCES_DUPLICATE_ID: {
    patch: { sections: { accounts: { order: ['a', 'b', 'a'] } } },
    path: '/sections/accounts/order/2',
  },
  PREFERENCES_VALUE_TOO_LONG: {
    patch: { widgetSettings: { w1: { note: 'x'.repeat(LIMITS.settingValueMaxLength + 1) } } },
    path: '/widgetSettings/w1/note',
  },
  PREFERENCES_READ_ONLY_FIELD: { patch: { version: 99 }, path: '/version' },
};

describe('preference error codes', () => {
  it('has an example for every code', () => {
    expect(Object.keys(examples).sort()).toEqual([...PREFERENCES_ERROR_CODES].sort());
  });

  it.each(Object.entries(examples))('%s', (code, { patch, path }) => {
    const result = mergePreferences(richPreferences(), patch, NOW);
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ code, path })] });
  });

  it('lists every problem of one input, each with its path', () => {
    const result = parsePreferencesPatch({
      layout: 1,
      sections: { accounts: { sort: 'random', order: ['ok', 'not ok'] } },
      theme: 'dark',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.code, e.path])).toEqual([
      ['PREFERENCES_INVALID', '/layout'],
      ['PREFERENCES_INVALID', '/sections/accounts/sort'],
      ['PREFERENCES_ID_INVALID', '/sections/accounts/order/1'],
      ['PREFERENCES_INVALID', '/theme'],
    ]);
  });

  it('reports an empty id once, not once per broken rule', () => {
    const result = parsePreferencesPatch({ sections: { accounts: { order: [''] } } });
    expect(result).toEqual({
      ok: false,
      errors: [expect.objectContaining({ code: 'PREFERENCES_ID_INVALID', path: '/sections/accounts/order/0' })],
    });
  });

  it('checks widget ids, setting names and the number of settings', () => {
    const tooMany = Object.fromEntries(ids(LIMITS.widgetSettingsMaxEntries + 1).map((id, i) => [`k${i}`, id]));
    const result = parsePreferences({
      ...defaultPreferences('u'),
      widgetSettings: { ['w'.repeat(65)]: {}, 'bad id': {}, w2: { '1st': true }, w3: tooMany },
    });
    expect(result.ok ? [] : result.errors.map((e) => [e.code, e.path])).toEqual([
      ['PREFERENCES_ID_TOO_LONG', `/widgetSettings/${'w'.repeat(65)}`],
      ['PREFERENCES_ID_INVALID', '/widgetSettings/bad id'],
      ['PREFERENCES_INVALID', '/widgetSettings/w2/1st'],
      ['PREFERENCES_LIST_TOO_LONG', '/widgetSettings/w3'],
    ]);
  });

  it('rejects input that is not JSON and a number out of range', () => {
    expect(parsePreferencesPatch(undefined)).toEqual({
      ok: false,
      errors: [expect.objectContaining({ code: 'PREFERENCES_INVALID', path: '' })],
    });
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(parsePreferencesPatch(cyclic)).toMatchObject({ ok: false, errors: [{ code: 'PREFERENCES_INVALID' }] });
    expect(parsePreferences({ ...defaultPreferences('u'), version: -1 })).toMatchObject({
      ok: false,
      errors: [{ code: 'PREFERENCES_INVALID', path: '/version' }],
    });
  });

  it('counts the size in UTF-8 bytes, so multi-byte text reaches the limit sooner', () => {
    const note = '€'.repeat(200); // 600 bytes, 200 characters: well within the value limit
    const settings = Object.fromEntries(ids(19).map((_, i) => [`k${i}`, note]));
    const result = parsePreferencesInput({
      ...richPreferences(),
      userId: undefined,
      version: undefined,
      updatedAt: undefined,
      widgetSettings: { w1: settings, w2: settings },
    });
    expect(result).toMatchObject({ ok: false, errors: [{ code: 'PREFERENCES_TOO_LARGE' }] });
  });

  it('checks limits on the merged document, not only on the patch', () => {
    const current = richPreferences();
    current.widgetSettings = Object.fromEntries(ids(LIMITS.widgetSettingsMaxWidgets).map((id) => [id, { on: true }]));
    const result = mergePreferences(current, { widgetSettings: { 'one-more': { on: true } } }, NOW);
    expect(result).toMatchObject({
      ok: false,
      errors: [{ code: 'PREFERENCES_LIST_TOO_LONG', path: '/widgetSettings' }],
    });
  });
});

describe('mergePreferences', () => {
  it('applies a merge patch, bumps the version and stamps the time', () => {
    const current = richPreferences();
    const result = mergePreferences(current, { layout: 'compact', sections: { partners: { sort: 'category' } } }, NOW);
    expect(result).toEqual({
      ok: true,
      value: {
        ...current,
        version: current.version + 1,
        updatedAt: NOW,
        layout: 'compact',
        sections: { ...current.sections, partners: { ...current.sections.partners, sort: 'category' } },
      },
    });
  });

  it('resets to the default with null and removes settings with null', () => {
    const current = richPreferences();
    const result = mergePreferences(
      current,
      { layout: null, sections: { accounts: null }, widgetSettings: { 'w-live-stocks': { period: null } } },
      NOW,
    );
    expect(result.ok && result.value.layout).toBe('list');
    expect(result.ok && result.value.sections.accounts).toEqual(defaultPreferences('x').sections.accounts);
    expect(result.ok && result.value.widgetSettings).toEqual({ 'w-live-stocks': { showChart: true } });
    const cleared = mergePreferences(current, { widgetSettings: null }, NOW);
    expect(cleared.ok && cleared.value.widgetSettings).toEqual({});
  });

  it('returns the current document unchanged (same version) when nothing changes', () => {
    const current = richPreferences();
    expect(mergePreferences(current, { layout: current.layout }, NOW)).toEqual({ ok: true, value: current });
    expect(mergePreferences(current, {}, NOW)).toEqual({ ok: true, value: current });
  });

  it('keeps a "__proto__" member a plain, rejected key', () => {
    const result = mergePreferences(richPreferences(), JSON.parse('{"__proto__": {"layout": "grid"}}'), NOW);
    expect(result).toMatchObject({ ok: false, errors: [{ code: 'PREFERENCES_INVALID', path: '/__proto__' }] });
    expect(({} as Record<string, unknown>)['layout']).toBeUndefined();
  });

  it('throws on an invalid now: a caller bug, not user input', () => {
    expect(() => mergePreferences(richPreferences(), { layout: 'compact' }, 'now')).toThrow(DashboardCoreError);
  });
});

describe('replacePreferences', () => {
  it('replaces the editable part and keeps the server-managed fields', () => {
    const current = richPreferences();
    const { layout: _layout, ...rest } = defaultPreferences(current.userId);
    const input = { layout: 'grid', sections: rest.sections, widgetSettings: {} };
    expect(replacePreferences(current, input, NOW)).toEqual({
      ok: true,
      value: { ...defaultPreferences(current.userId), layout: 'grid', version: current.version + 1, updatedAt: NOW },
    });
  });

  it('requires the whole editable document and refuses server-managed fields', () => {
    expect(replacePreferences(richPreferences(), { layout: 'grid' }, NOW)).toMatchObject({
      ok: false,
      errors: [{ code: 'PREFERENCES_INVALID', path: '/sections' }, { path: '/widgetSettings' }],
    });
    const { layout, sections, widgetSettings } = richPreferences();
    expect(
      replacePreferences(richPreferences(), { layout, sections, widgetSettings, userId: 'someone-else' }, NOW),
    ).toMatchObject({
      ok: false,
      errors: [{ code: 'PREFERENCES_READ_ONLY_FIELD', path: '/userId' }],
    });
  });
});

describe('parsePreferences', () => {
  it('accepts the defaults and a rich document', () => {
    expect(parsePreferences(defaultPreferences('u-1'))).toEqual({ ok: true, value: defaultPreferences('u-1') });
    expect(parsePreferences(richPreferences())).toEqual({ ok: true, value: richPreferences() });
  });
});

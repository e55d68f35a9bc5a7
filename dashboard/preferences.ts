import type { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { IsoDateTime, LIMITS } from './contract/common.js';
import {
  Preferences,
  PreferencesInput,
  PreferencesPatch,
  READ_ONLY_PREFERENCE_FIELDS,
  defaultPreferences,
} from './contract/preferences.js';
import {
  DashboardCoreError,
  PREFERENCES_ERROR_CODES,
  toJsonPointer,
  uniqueIssues,
  type CoreIssue,
  type PreferencesErrorCode,
  type Result,
} from './errors.js';
import { applyMergePatch } from './merge-patch.js';

export type PreferencesResult<T> = Result<T, PreferencesErrorCode>;
type Issue = CoreIssue<PreferencesErrorCode>;

/** A stored or submitted full preference document (with userId, version, updatedAt). */
export function parsePreferences(input: unknown): PreferencesResult<Preferences> {
  return parseWith(Preferences, input);
}

/** A full replacement of the editable part (PUT). */
export function parsePreferencesInput(input: unknown): PreferencesResult<PreferencesInput> {
  return parseWith(PreferencesInput, input);
}

/** A JSON merge patch (RFC 7396) over the editable part (PATCH). */
export function parsePreferencesPatch(input: unknown): PreferencesResult<PreferencesPatch> {
  return parseWith(PreferencesPatch, input);
}

/**
 * Applies a merge patch. A null member resets that part to the default (or removes a widget's
 * settings). A patch that changes nothing returns `current` as it is, same version, so a retried
 * request does not count as a second change; any real change bumps the version by one.
 */
export function mergePreferences(current: Preferences, patch: unknown, now: string): PreferencesResult<Preferences> {
  const parsedPatch = parsePreferencesPatch(patch);
  if (!parsedPatch.ok) return parsedPatch;
  const defaults = editablePart(defaultPreferences(current.userId));
  const merged = applyMergePatch(editablePart(current), parsedPatch.value);
  // A second merge onto the defaults refills what a null removed.
  return applyChange(current, applyMergePatch(defaults, merged), now);
}

/** Replaces the editable part as a whole; the same version rules as mergePreferences. */
export function replacePreferences(current: Preferences, input: unknown, now: string): PreferencesResult<Preferences> {
  const parsedInput = parsePreferencesInput(input);
  if (!parsedInput.ok) return parsedInput;
  return applyChange(current, parsedInput.value, now);
}

function applyChange(current: Preferences, editable: unknown, now: string): PreferencesResult<Preferences> {
  if (!IsoDateTime.safeParse(now).success) {
    throw new DashboardCoreError('CORE_INVALID_ARGUMENT', `now must be an ISO date-time, got ${JSON.stringify(now)}`);
  }
  if (canonicalJson(editable) === canonicalJson(editablePart(current))) return { ok: true, value: current };
  // The result is checked as a whole: limits such as the total size apply to the merged document.
  const { userId, version } = current;
  return parsePreferences(Object.assign({ userId, version: version + 1, updatedAt: now }, editable));
}

function editablePart(preferences: Preferences): PreferencesInput {
  const { layout, sections, widgetSettings } = preferences;
  return { layout, sections, widgetSettings };
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown): PreferencesResult<T> {
  const size = serializedSize(input);
  if (size === null) return fail([{ code: 'PREFERENCES_INVALID', path: '', message: 'Not a JSON value' }]);
  if (size > LIMITS.preferencesMaxBytes) {
    return fail([
      {
        code: 'PREFERENCES_TOO_LARGE',
        path: '',
        message: `${size} bytes, at most ${LIMITS.preferencesMaxBytes} allowed`,
      },
    ]);
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return fail(uniqueIssues(parsed.error.issues.flatMap(toPreferencesIssues)));
}

function fail(errors: Issue[]): PreferencesResult<never> {
  return { ok: false, errors };
}

/** UTF-8 bytes of the JSON text, counted without TextEncoder (not available in every sandbox). */
function serializedSize(input: unknown): number | null {
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch {
    return null;
  }
  if (json === undefined) return null;
  let bytes = 0;
  for (const char of json) {
    const codePoint = char.codePointAt(0) ?? 0;
    bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Maps a zod issue to stable codes: the code says what kind of limit, the path says where. */
function toPreferencesIssues(issue: z.core.$ZodIssue): Issue[] {
  const path = issue.path;
  const at = (code: PreferencesErrorCode, message = issue.message): Issue => ({
    code,
    path: toJsonPointer(path),
    message,
  });
  switch (issue.code) {
    case 'custom': {
      const code: unknown = issue.params?.['code'];
      return [at(isPreferencesCode(code) ? code : 'PREFERENCES_INVALID')];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        code: isReadOnlyField(path, key) ? 'PREFERENCES_READ_ONLY_FIELD' : 'PREFERENCES_INVALID',
        path: toJsonPointer([...path, key]),
        message: isReadOnlyField(path, key) ? `${key} is managed by the server` : `Unknown field ${key}`,
      }));
    case 'invalid_key':
      // A bad record key (a widget id in widgetSettings, a setting name) is reported at the key's path.
      return issue.issues.flatMap((inner) => toPreferencesIssues({ ...inner, path }));
    case 'too_big':
      if (issue.origin === 'array') return [at('PREFERENCES_LIST_TOO_LONG')];
      if (issue.origin === 'string')
        return [at(isSettingPath(path) ? 'PREFERENCES_VALUE_TOO_LONG' : 'PREFERENCES_ID_TOO_LONG')];
      return [at('PREFERENCES_INVALID')];
    case 'too_small':
    case 'invalid_format': {
      // Strings with a length minimum or a pattern are ids, except setting names (the third level of widgetSettings).
      const idShaped = issue.code === 'invalid_format' ? issue.format === 'regex' : issue.origin === 'string';
      return [at(idShaped && !isSettingPath(path) ? 'PREFERENCES_ID_INVALID' : 'PREFERENCES_INVALID')];
    }
    default:
      return [at('PREFERENCES_INVALID')];
  }
}

const isSettingPath = (path: readonly PropertyKey[]) => path.length === 3 && path[0] === 'widgetSettings';
const isReadOnlyField = (path: readonly PropertyKey[], key: string) =>
  path.length === 0 && (READ_ONLY_PREFERENCE_FIELDS as readonly string[]).includes(key);
const isPreferencesCode = (code: unknown): code is PreferencesErrorCode =>
  (PREFERENCES_ERROR_CODES as readonly unknown[]).includes(code);

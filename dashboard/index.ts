/**
 * The dashboard core: contract, preferences, capability matrix, composition and rendering.
 * Pure: no I/O, no clock, no randomness, so workflows can call it and replays give the same result.
 */
export * from './contract/common.js';
export * from './contract/widget.js';
export * from './contract/items.js';
export * from './contract/preferences.js';
export * from './contract/dashboard.js';
export * from './contract/events.js';
export * from './contract/admin.js';
export * from './contract/insights.js';
export * from './errors.js';
export { canonicalize, canonicalJson, type JsonValue } from './canonical-json.js';
export { applyMergePatch } from './merge-patch.js';
export { composeDashboard, DEFAULT_LOCALE, type ComposeOptions } from './compose.js';
export { mergeWidgetSources } from './sources.js';
export {
  createProfileResolver,
  parseCapabilityMatrix,
  CapabilityMatrix,
  CONSERVATIVE_PROFILE_KEY,
  PLATFORMS,
  type ClientProfile,
  type ClientFeatures,
  type Platform,
} from './capabilities.js';
export { renderForClient, renderWidget, renderWidgets } from './render.js';
export {
  parsePreferences,
  parsePreferencesInput,
  parsePreferencesPatch,
  mergePreferences,
  replacePreferences,
  type PreferencesResult,
} from './preferences.js';
export { viewRecordsOf, type ViewRecord } from './dashboard-views.js';
export { parseEvent, parseEventEnvelope, type ParsedEvent, type UnknownEvent, type EventResult } from './events.js';
export { PROBLEM_CONTENT_TYPE, problemDocument, type Problem, type ProblemOptions } from './problem.js';
export { jsonSchemaFiles } from './schemas/index.js';

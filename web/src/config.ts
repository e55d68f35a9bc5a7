/**
 * How this app identifies itself to the API. The capability matrix (config/capabilities.json) maps
 * web 4.x to tier v4: every component type, custom layouts and live updates, all of which this app
 * renders. Raising the version is how the app claims newer capabilities, so it changes only together
 * with the renderers that can honour them.
 */
export const WEB_CLIENT = { platform: 'web', version: '4.0.0' } as const;

/** A request that has not answered by then is treated like a network failure. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** sessionStorage: the token lives only as long as the tab, and never in the address bar. */
export const TOKEN_STORAGE_KEY = 'dashboard.token';

import { TOKEN_STORAGE_KEY } from '../config';

const TOKEN_HASH = '#token=';

/**
 * The dev login link (`/app/#token=<jwt>`) hands the token over in the fragment, which never reaches
 * a server. It is moved into sessionStorage at once and the fragment replaced, so the token stays
 * neither in the address bar nor in the history (where back/forward or a shared URL would leak it).
 */
export function takeTokenFromAddress(location: Location, history: History, storage: Storage): string | null {
  if (!location.hash.startsWith(TOKEN_HASH)) return null;
  const token = decodeURIComponent(location.hash.slice(TOKEN_HASH.length));
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  storeToken(storage, token);
  return token;
}

export function storedToken(storage: Storage): string | null {
  return storage.getItem(TOKEN_STORAGE_KEY);
}

export function storeToken(storage: Storage, token: string): void {
  storage.setItem(TOKEN_STORAGE_KEY, token);
}

export function forgetToken(storage: Storage): void {
  storage.removeItem(TOKEN_STORAGE_KEY);
}

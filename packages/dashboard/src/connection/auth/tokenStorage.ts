/**
 * Tokens the person entered, one per endpoint origin (scheme, host and port), in the tab's
 * sessionStorage: they last as long as the tab, are never put in a URL, and are only ever read for a
 * request to the origin they were entered for, so a link naming another endpoint cannot obtain them.
 */
export type TokenStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const PREFIX = 'mlboard.token ';

/** The origin a request to `url` goes to, or null for something that is no http(s) URL. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** The token entered for the origin of `url`, if any. */
export function readToken(store: TokenStore | undefined, url: string): string | null {
  const origin = originOf(url);
  if (!origin || !store) return null;
  try {
    return store.getItem(PREFIX + origin);
  } catch {
    return null;
  }
}

/** Keeps `token` for the origin of `url` (an empty token forgets it). False when `url` is no endpoint. */
export function writeToken(store: TokenStore | undefined, url: string, token: string): boolean {
  const origin = originOf(url);
  if (!origin || !store) return false;
  try {
    if (token === '') store.removeItem(PREFIX + origin);
    else store.setItem(PREFIX + origin, token);
    return true;
  } catch {
    return false; // storage disabled: the token cannot be kept
  }
}

/** The `Authorization` header value for a request to `url`, when a token was entered for its origin. */
export function authorizationFor(store: TokenStore | undefined, url: string): string | null {
  const token = readToken(store, url);
  return token ? `Bearer ${token}` : null;
}

/**
 * The bus token for the browser: taken from the address's fragment (#token=..., which browsers
 * never send to the server), kept in localStorage for the next visit, and removed from the
 * address bar so it is not bookmarked or shared by accident.
 */
const KEY = 'dm-token';

export function takeToken(location: Location, history: History, storage: Storage): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    const token = decodeURIComponent(match[1]!);
    try { storage.setItem(KEY, token); } catch { /* private mode: the fragment still works this time */ }
    history.replaceState(null, '', location.pathname + location.search);
    return token;
  }
  try {
    return storage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(storage: Storage, token: string): void {
  try { storage.setItem(KEY, token); } catch { /* ignore */ }
}

export function forgetToken(storage: Storage): void {
  try { storage.removeItem(KEY); } catch { /* ignore */ }
}

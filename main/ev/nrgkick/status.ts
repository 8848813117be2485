import type { ChargerState } from '../charger.js';

/**
 * The NRGkick's /values general.status (nrgkick-api.md), as words or, with ?raw, as numbers:
 * STANDBY 1 (no car), CONNECTED 2, CHARGING 3, ERROR 6, WAKEUP 7 (car plugged, waking it).
 * Anything else is reported as an error with the charger's own words, never guessed.
 */
const BY_WORD = new Map<string, ChargerState>([
  ['STANDBY', 'unplugged'],
  ['CONNECTED', 'connected'],
  ['CHARGING', 'charging'],
  ['ERROR', 'error'],
  ['WAKEUP', 'connected'],
]);

const WORD_BY_CODE = new Map<number, string>([[1, 'STANDBY'], [2, 'CONNECTED'], [3, 'CHARGING'], [6, 'ERROR'], [7, 'WAKEUP']]);

export function mapNrgkickStatus(status: unknown): { state: ChargerState; words: string } {
  const word = typeof status === 'number' ? WORD_BY_CODE.get(status) ?? `status ${status}` : String(status ?? 'missing');
  const state = BY_WORD.get(word.toUpperCase());
  return state ? { state, words: word } : { state: 'error', words: `unknown status ${word}` };
}

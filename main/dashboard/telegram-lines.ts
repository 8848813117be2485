import type { TelegramLine } from '../../shared/dashboard/state.js';

/**
 * The data lines of a raw telegram for the dashboard's OBIS table: "1-0:1.8.1(001234.567*kWh)"
 * becomes { code: '1-0:1.8.1', value: '001234.567*kWh' }. Only frames the parser accepted come
 * here, so a simple split is enough; the header and the CRC line are left out.
 */
/** The meter's and the M-Bus devices' equipment ids (0-0:96.1.1, 0-n:96.1.0), sent as hex-encoded ASCII. */
const SERIALS = /^0-\d:96\.1\.[01]$/;

/** "3153414733313035303536363235" -> "1SAG3105056625"; left as it is unless that gives printable text. */
export function decodeSerial(hex: string): string {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(hex)) return hex;
  let text = '';
  for (let i = 0; i < hex.length; i += 2) {
    const code = parseInt(hex.slice(i, i + 2), 16);
    if (code < 0x20 || code > 0x7e) return hex;
    text += String.fromCharCode(code);
  }
  return text;
}

export function telegramLines(raw: Uint8Array): { header: string; lines: TelegramLine[] } {
  const text = new TextDecoder('latin1').decode(raw);
  const rows = text.split(/\r?\n/);
  const header = (rows[0] ?? '').replace(/^\//, '');
  const lines: TelegramLine[] = [];
  for (const row of rows.slice(1)) {
    const open = row.indexOf('(');
    if (open <= 0 || !row.endsWith(')')) continue;
    const code = row.slice(0, open);
    const groups = row.slice(open + 1, -1).split(')(');
    lines.push({ code, value: SERIALS.test(code) ? groups.map(decodeSerial).join(' ') : groups.join(' ') });
  }
  return { header, lines };
}

import type { TelegramLine } from '../../shared/dashboard/state.js';

/**
 * The data lines of a raw telegram for the dashboard's OBIS table: "1-0:1.8.1(001234.567*kWh)"
 * becomes { code: '1-0:1.8.1', value: '001234.567*kWh' }. Only frames the parser accepted come
 * here, so a simple split is enough; the header and the CRC line are left out.
 */
export function telegramLines(raw: Uint8Array): { header: string; lines: TelegramLine[] } {
  const text = new TextDecoder('latin1').decode(raw);
  const rows = text.split(/\r?\n/);
  const header = (rows[0] ?? '').replace(/^\//, '');
  const lines: TelegramLine[] = [];
  for (const row of rows.slice(1)) {
    const open = row.indexOf('(');
    if (open <= 0 || !row.endsWith(')')) continue;
    const groups = row.slice(open + 1, -1).split(')(');
    lines.push({ code: row.slice(0, open), value: groups.join(' ') });
  }
  return { header, lines };
}

/**
 * Calendar parsing, on the meter's event loop: (1) a 10 MB calendar of years of past single
 * events with a weekly series, read for the coming week (the usual large calendar); (2) a 1 MB
 * calendar of 300 recurring series, every one expanded across the week. Each is parsed 5 times;
 * the median is how long the meter loop waits for one calendar read.
 */
import { parseIcal } from '../../main/ev/trips/ical-parse.js';
import { median, nowMs } from './stats.js';

const ZONE = 'Europe/Brussels';
const WINDOW = { start: Date.parse('2026-03-23T00:00:00Z'), end: Date.parse('2026-03-31T00:00:00Z') };

function calendar(bytes: number, event: (i: number) => string): { text: string; events: number } {
  let body = '';
  let i = 0;
  while (body.length < bytes) body += event(i++);
  return { text: `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n${body}END:VCALENDAR\r\n`, events: i };
}

const pastSingle = (i: number) => `BEGIN:VEVENT\r\nUID:old${i}@bench\r\nDTSTAMP:20200101T000000Z\r\nDTSTART;TZID=Europe/Brussels:20${String(10 + (i % 15)).padStart(2, '0')}${String(1 + (i % 12)).padStart(2, '0')}15T073000\r\nDTEND;TZID=Europe/Brussels:20200115T083000\r\nSUMMARY:Meeting ${i} @car_tesla@\r\nDESCRIPTION:${'notes '.repeat(40)}\r\nEND:VEVENT\r\n`;
const series = (i: number) => `BEGIN:VEVENT\r\nUID:series${i}@bench\r\nDTSTAMP:20200101T000000Z\r\nDTSTART;TZID=Europe/Brussels:2024${String(1 + (i % 12)).padStart(2, '0')}0${1 + (i % 9)}T0${7 + (i % 3)}0000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR\r\nEXDATE;TZID=Europe/Brussels:20260325T070000\r\nSUMMARY:Series ${i} @car_tesla@ 80%\r\nDESCRIPTION:${'notes '.repeat(400)}\r\nEND:VEVENT\r\n`;

function time(text: string): { ms: number[]; found: number } {
  const ms: number[] = [];
  let found = 0;
  for (let n = 0; n < 5; n++) {
    const t0 = nowMs();
    found = parseIcal(text, WINDOW, { zone: ZONE }).length;
    ms.push(nowMs() - t0);
  }
  return { ms, found };
}

export async function bench(): Promise<void> {
  const big = calendar(10 * 1024 * 1024, pastSingle);
  const a = time(big.text);
  console.log(`10 MB calendar, ${big.events} past single events, one week read: median ${median(a.ms).toFixed(0)} ms (${a.found} occurrences in the week)`);
  const many = calendar(1024 * 1024, series);
  const b = time(many.text);
  console.log(`1 MB calendar, ${many.events} weekly series since 2024 expanded to the week: median ${median(b.ms).toFixed(0)} ms (${b.found} occurrences in the week)`);
}

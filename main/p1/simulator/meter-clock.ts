/**
 * The meter's notion of local time, cached per hour: Brussels offsets are whole hours, so the
 * date, hour, S/W flag and tariff register change only on UTC hour boundaries, and within an
 * hour minutes and seconds follow from the UTC time by arithmetic.
 */
import { brusselsParts, isSummerTime } from '../../../shared/time/brussels.js';
import { tariffRegister } from './tariff-register.js';
import { ascii, type ByteWriter } from './byte-writer.js';

const HOUR_MS = 3_600_000;

export class MeterClock {
  private hourStart = Number.NaN;
  /** "YYMMDDhh" of the cached hour */
  private readonly prefix = new Uint8Array(8);
  private flag = 0x57;
  register: 1 | 2 = 1;

  /** Make the cache cover utcMs; cheap when it already does. */
  update(utcMs: number): void {
    if (utcMs >= this.hourStart && utcMs < this.hourStart + HOUR_MS) return;
    this.hourStart = utcMs - (((utcMs % HOUR_MS) + HOUR_MS) % HOUR_MS);
    const p = brusselsParts(this.hourStart);
    const text = `${String(p.year % 100).padStart(2, '0')}${String(p.month).padStart(2, '0')}${String(p.day).padStart(2, '0')}${String(p.hour).padStart(2, '0')}`;
    this.prefix.set(ascii(text));
    this.flag = isSummerTime(this.hourStart) ? 0x53 : 0x57; // 'S' / 'W'
    this.register = tariffRegister(p.isoWeekday, p.hour);
  }

  /** Write the e-MUCS timestamp YYMMDDhhmmssX of utcMs (which must lie in the cached hour). */
  write(writer: ByteWriter, utcMs: number): void {
    const intoHour = Math.floor((utcMs - this.hourStart) / 1000);
    writer.bytes(this.prefix);
    writer.digits(Math.floor(intoHour / 60), 2);
    writer.digits(intoHour % 60, 2);
    writer.byte(this.flag);
  }
}

/** The e-MUCS timestamp of any instant, for values that change rarely (peaks, gas readings). */
export function encodeTimestamp(utcMs: number): Uint8Array {
  const p = brusselsParts(utcMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return ascii(`${two(p.year % 100)}${two(p.month)}${two(p.day)}${two(p.hour)}${two(p.minute)}${two(p.second)}${isSummerTime(utcMs) ? 'S' : 'W'}`);
}

/** "No data" timestamp that e-MUCS meters write, e.g. before the first quarter of a month closed. */
export const PLACEHOLDER_TIMESTAMP = ascii('632525252525W');

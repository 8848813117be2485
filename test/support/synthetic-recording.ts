import { brusselsParts, isSummerTime } from '../../shared/time/brussels.js';
import { telegramFromLines } from './crc-reference.js';

/** YYMMDDhhmmss + S/W as the meter writes its local time. */
export function meterTimestamp(utcMs: number): string {
  const p = brusselsParts(utcMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(p.year % 100)}${two(p.month)}${two(p.day)}${two(p.hour)}${two(p.minute)}${two(p.second)}${isSummerTime(utcMs) ? 'S' : 'W'}`;
}

const kwh = (wh: number) => `${(wh / 1000).toFixed(3).padStart(10, '0')}*kWh`;

/**
 * A recording written from the e-MUCS spec, one telegram per second from `startUtc`: import
 * on register 2 (night) with a deterministic wobbling load, some export on register 2, and a gas
 * reading every 5 minutes stamped with its own time, and a month peak (1-0:1.6.0) of 3.456 kW. Returns the bytes and the counters at the end.
 */
export function syntheticRecording(startUtc: number, seconds: number): { text: string; last: { importWh: number; exportWh: number; gasLitres: number } } {
  let importWh = 3_113_135;
  let exportWh = 149;
  let gasLitres = 1_581_788;
  let gasTime = startUtc - (startUtc % 300_000);
  let fractionalWh = 0;
  const parts: string[] = [];
  for (let i = 0; i < seconds; i++) {
    const time = startUtc + i * 1000;
    const watts = 800 + 600 * Math.sin(i / 97) + (i % 600 < 120 ? 2000 : 0);
    fractionalWh += watts / 3600;
    const whole = Math.floor(fractionalWh);
    fractionalWh -= whole;
    importWh += whole;
    if (i % 1800 === 900) exportWh += 1;
    if (time - gasTime >= 300_000) {
      gasTime += 300_000;
      gasLitres += 17 + (i % 7);
    }
    parts.push(telegramFromLines('FLU5\\253769484_A', [
      '0-0:96.1.4(50217)',
      '0-0:96.1.1(3153414733313030333438373435)',
      `0-0:1.0.0(${meterTimestamp(time)})`,
      `1-0:1.8.1(${kwh(3_594_884)})`,
      `1-0:1.8.2(${kwh(importWh)})`,
      `1-0:2.8.1(${kwh(304)})`,
      `1-0:2.8.2(${kwh(exportWh)})`,
      '0-0:96.14.0(0002)',
      `1-0:1.7.0(${(watts / 1000).toFixed(3).padStart(6, '0')}*kW)`,
      '1-0:2.7.0(00.000*kW)',
      // this month's peak so far, as the meter keeps it (10 January 18:30 local, 3.456 kW)
      '1-0:1.6.0(260110183000W)(03.456*kW)',
      '0-1:24.1.0(003)',
      '0-1:96.1.1(37464C4F32313231303630353130)',
      `0-1:24.2.3(${meterTimestamp(gasTime)})(${(gasLitres / 1000).toFixed(3).padStart(9, '0')}*m3)`,
    ]));
  }
  return { text: parts.join(''), last: { importWh, exportWh, gasLitres } };
}

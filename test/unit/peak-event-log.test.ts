import { describe, expect, it } from 'vitest';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import { logPeakUpdate } from '../../main/peak/peak-event-log.js';
import { ConditionLog } from '../../main/log/logger.js';
import { captureLog } from '../support/capture-log.js';
import { peakTelegram as tg } from '../support/peak-telegrams.js';

describe('peak events in the log', () => {
  it('logs telegrams without counters once, and once more when they are usable again', () => {
    const { log, lines } = captureLog();
    const conditions = new ConditionLog(log);
    const peaks = new PeakMonitor();
    const broken = (at: string) => ({ ...tg({ at, t1: 1 }), importKwh: null });
    logPeakUpdate(peaks.update(tg({ at: '2024-01-10T10:00:00Z', t1: 1 })), log, conditions);
    for (let s = 1; s <= 5; s++) logPeakUpdate(peaks.update(broken(`2024-01-10T10:00:0${s}Z`)), log, conditions);
    logPeakUpdate(peaks.update(tg({ at: '2024-01-10T10:00:06Z', t1: 1 })), log, conditions);
    logPeakUpdate(peaks.update(tg({ at: '2024-01-10T10:00:07Z', t1: 1 })), log, conditions);
    expect(lines.map((l) => l.msg)).toEqual([
      'quarter tracker: telegram at 2024-01-10T10:00:01.000Z not used (no-import-counters): telegram without both 1-0:1.8.1 and 1-0:1.8.2',
      'quarter tracker: telegrams usable again',
    ]);
    expect(lines[0]!.level).toBe(40); // warn
  });

  it('says what a month peak disagreement is about', () => {
    const { log, lines } = captureLog();
    const conditions = new ConditionLog(log);
    const peaks = new PeakMonitor();
    const mp = { time: Date.parse('2024-01-10T10:15:00Z'), kw: 2.52 };
    logPeakUpdate(peaks.update(tg({ at: '2024-01-10T10:00:00Z', t1: 100 })), log, conditions);
    logPeakUpdate(peaks.update(tg({ at: '2024-01-10T10:15:00Z', t1: 100.628, monthPeak: mp })), log, conditions);
    expect(lines.map((l) => l.msg)).toEqual([
      "month 2024-01: the meter's peak 2.52 kW (stamped 2024-01-10T10:15:00.000Z) differs from our quarter 2024-01-10T10:00:00.000Z at 2.512 kW by more than 0.004 kW",
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  brusselsLocalToUtc, brusselsLocalToUtcCandidates, brusselsOffsetMs, startOfBrusselsDay,
  startOfNextBrusselsDay, startOfBrusselsWeek, startOfBrusselsMonth, startOfBrusselsYear, brusselsDateKey,
} from '../../shared/time/brussels.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('Europe/Brussels time', () => {
  it('switches to summer time on the last Sunday of March at 01:00 UTC', () => {
    expect(brusselsOffsetMs(Date.parse('2024-03-31T00:59:59Z'))).toBe(3_600_000);
    expect(brusselsOffsetMs(Date.parse('2024-03-31T01:00:00Z'))).toBe(7_200_000);
  });

  it('switches back on the last Sunday of October at 01:00 UTC', () => {
    expect(brusselsOffsetMs(Date.parse('2024-10-27T00:59:59Z'))).toBe(7_200_000);
    expect(brusselsOffsetMs(Date.parse('2024-10-27T01:00:00Z'))).toBe(3_600_000);
  });

  it('gives both instants of the repeated autumn hour, summer first', () => {
    expect(brusselsLocalToUtcCandidates(2024, 10, 27, 2, 30).map(iso))
      .toEqual(['2024-10-27T00:30:00.000Z', '2024-10-27T01:30:00.000Z']);
  });

  it('has no instant for the skipped spring hour and reads it forward', () => {
    expect(brusselsLocalToUtcCandidates(2024, 3, 31, 2, 30)).toEqual([]);
    expect(iso(brusselsLocalToUtc(2024, 3, 31, 2, 30))).toBe('2024-03-31T01:30:00.000Z');
  });

  it('has 23- and 25-hour days', () => {
    const spring = startOfBrusselsDay(Date.parse('2024-03-31T12:00:00Z'));
    expect(iso(spring)).toBe('2024-03-30T23:00:00.000Z');
    expect(startOfNextBrusselsDay(spring) - spring).toBe(23 * 3_600_000);
    const autumn = startOfBrusselsDay(Date.parse('2024-10-27T12:00:00Z'));
    expect(iso(autumn)).toBe('2024-10-26T22:00:00.000Z');
    expect(startOfNextBrusselsDay(autumn) - autumn).toBe(25 * 3_600_000);
  });

  it('starts weeks on Monday, months and years at local midnight', () => {
    // Thursday 12 January 2024, 23:18 local = 22:18 UTC
    const t = Date.parse('2024-01-12T22:18:15Z');
    expect(iso(startOfBrusselsWeek(t))).toBe('2024-01-07T23:00:00.000Z');
    expect(iso(startOfBrusselsMonth(t))).toBe('2023-12-31T23:00:00.000Z');
    expect(iso(startOfBrusselsYear(t))).toBe('2023-12-31T23:00:00.000Z');
    // 23:30 UTC on 31 July is already 1 August in Brussels
    expect(brusselsDateKey(Date.parse('2024-07-31T23:30:00Z'))).toBe('2024-08-01');
    expect(iso(startOfBrusselsMonth(Date.parse('2024-07-31T23:30:00Z')))).toBe('2024-07-31T22:00:00.000Z');
  });
});

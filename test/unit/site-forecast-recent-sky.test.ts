/**
 * The recent sky in the base load forecast: where the sun is up, the forecast moves toward the
 * last day's anomaly at the same clock (half in the first 24 h, a quarter after). Expected values
 * worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { recentAnomaly, sunElevationDeg, withRecentSky } from '../../main/site/forecast/recent-sky.js';
import { brusselsLocalToUtc } from '../../shared/time/brussels.js';

describe('the sun over Brussels', () => {
  it('stands 62.6 degrees high at solar noon on the June solstice and below the horizon at midnight', () => {
    // 21 June 2026 is day 172: declination 23.44 x sin(2 pi (284 + 172) / 365) = 23.44 degrees;
    // at noon the elevation is 90 - 50.85 + 23.44 = 62.59. Solar noon at 4.35 E: 12:00 - 4.35 / 15 h
    // = 11:42:36 UTC.
    expect(sunElevationDeg(Date.UTC(2026, 5, 21, 11, 42, 36))).toBeCloseTo(62.59, 1);
    // 00:00 UTC: hour angle (0 + 4.35 / 15 - 12) x 15 = -175.65 degrees, cos = -0.99712;
    // sin(el) = sin 50.85 sin 23.44 + cos 50.85 cos 23.44 x -0.99712 = 0.30849 - 0.57750 = -0.26901:
    // -15.6 degrees, near the lowest it gets (50.85 + 23.44 - 90 = -15.7)
    expect(sunElevationDeg(Date.UTC(2026, 5, 21, 0, 0, 0))).toBeCloseTo(-15.6, 0);
  });
});

describe('recent anomaly', () => {
  it('is the last quarter less the average at its clock, averaged over an hour either side', () => {
    // clocks 40..42 (10:00-10:30): last day 0.0, -0.4, -0.2 kWh against an average of 0.2 each:
    // raw anomalies -0.2, -0.6, -0.4, within four clocks of each other, so each gets their mean,
    // -0.4. Clock 60 (15:00): 1.0 against 0.5, alone within four clocks: 0.5. Clock 43 has an
    // average but no last value: no anomaly.
    const latest = new Map([[40, 0.0], [41, -0.4], [42, -0.2], [60, 1.0]]);
    const mean = new Map([[40, 0.2], [41, 0.2], [42, 0.2], [43, 0.1], [60, 0.5]]);
    const a = recentAnomaly(latest, mean);
    expect(a.get(40)).toBeCloseTo(-0.4, 9);
    expect(a.get(41)).toBeCloseTo(-0.4, 9);
    expect(a.get(42)).toBeCloseTo(-0.4, 9);
    expect(a.get(60)).toBeCloseTo(0.5, 9);
    expect(a.has(43)).toBe(false);
  });
});

describe('forecast with the recent sky', () => {
  it('moves daylight quarters by half the anomaly in the first day, a quarter in the second, and leaves the night alone', () => {
    // from Wednesday 15 April 2026 12:00 Brussels (10:00 UTC, the sun about 47 degrees up), 97
    // quarters of 0.1 kWh, clock 48 at index 0 and index 96 (12:00 the next day), clock 0 at
    // index 48 (midnight). Anomaly -0.4 at clocks 48 and 0.
    const start = brusselsLocalToUtc(2026, 4, 15, 12, 0);
    const kwh = new Array<number>(97).fill(0.1);
    const clocks = kwh.map((_, i) => (48 + i) % 96);
    const out = withRecentSky(kwh, clocks, start, new Map([[48, -0.4], [0, -0.4]]));
    expect(out[0]).toBeCloseTo(0.1 + 0.5 * -0.4, 9); // -0.1: a sunny yesterday, more export
    expect(out[96]).toBeCloseTo(0.1 + 0.25 * -0.4, 9); // 0.0: 24 h on, persistence fades
    expect(out[48]).toBe(0.1); // midnight: the sun is down
    expect(out[1]).toBe(0.1); // clock 49: no anomaly known
    expect(kwh[0]).toBe(0.1); // the input is left as it was
  });
});

describe('the base load forecast with the recent sky', () => {
  it('gives a day after a sunny one more export than the weekday average does', async () => {
    const { forecastBaseLoad } = await import('../../main/site/forecast/base-load.js');
    // 12:00 on each of the 28 days 19 March - 15 April 2026: net 0.0 kWh, except Wednesday 15
    // April, sunny: -1.2 kWh. From Thursday 16 April 12:00: the Thursdays (19, 26 March, 2, 9
    // April) give 0.0; the average of 12:00 on any day is -1.2 / 28 = -0.042857, so yesterday's
    // anomaly is -1.2 + 0.042857 = -1.157143 (no neighbouring clocks to smooth with). 12:00
    // today: 0.0 + 0.5 x -1.157143 = -0.578571; 12:00 tomorrow (Friday, the Fridays give 0.0):
    // 0.0 + 0.25 x -1.157143 = -0.289286.
    const history = [];
    for (let day = 0; day < 28; day++) {
      const start = brusselsLocalToUtc(2026, 3, 19 + day, 12, 0);
      history.push({ start, importKwh: 0, exportKwh: day === 27 ? 1.2 : 0 });
    }
    const from = brusselsLocalToUtc(2026, 4, 16, 12, 0);
    const f = forecastBaseLoad(history, from, 97);
    expect(f.kwh[0]).toBeCloseTo(-0.578571, 5);
    expect(f.kwh[96]).toBeCloseTo(-0.289286, 5);
    // the weekday rule alone: 0.0
    expect(forecastBaseLoad(history, from, 1, 4, false).kwh[0]).toBe(0);
  });
});

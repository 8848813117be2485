/**
 * Today's sky (the nowcast): once the sun has been up a while, the last two hours' anomaly per
 * unit of sun moves the rest of the day's daylight quarters. Expected values worked out by hand
 * (the sun's elevation itself is checked against hand values in site-forecast-recent-sky.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { sunElevationDeg, todaySkyIndex, withTodaySky } from '../../main/site/forecast/recent-sky.js';
import { forecastBaseLoad } from '../../main/site/forecast/base-load.js';
import { brusselsLocalToUtc } from '../../shared/time/brussels.js';

const Q = 15 * 60_000;
const sine = (t: number) => Math.sin((sunElevationDeg(t) * Math.PI) / 180);

describe("today's sky index", () => {
  it('is the anomaly per unit of sun over the last two hours of daylight', () => {
    // 21 June 2026, the eight quarters before 11:35:06 UTC, each 0.5 kWh per unit of sun
    // less than the average (a sunnier morning than usual): the index is -0.5 whatever the sines
    const start = Date.UTC(2026, 5, 21, 11, 35, 6);
    const past = Array.from({ length: 8 }, (_, k) => {
      const s = start - (8 - k) * Q;
      return { start: s, anomalyKwh: -0.5 * sine(s + Q / 2) };
    });
    expect(todaySkyIndex(past, start)).toBeCloseTo(-0.5, 12);
    // quarters older than two hours, or at or after the start, are not today's sky
    expect(todaySkyIndex([{ start: start - 9 * Q, anomalyKwh: -3 }, ...past, { start, anomalyKwh: 5 }], start)).toBeCloseTo(-0.5, 12);
  });

  it('is unknown at dawn, when too little sun has shone to tell weather from an appliance', () => {
    // 04:00 UTC on 21 June: the sun rose around 03:30 UTC; the two hours before hold at most
    // a few quarters a few degrees up, far from the sine sum of 1.2 needed
    const start = Date.UTC(2026, 5, 21, 4, 0, 0);
    const past = Array.from({ length: 8 }, (_, k) => ({ start: start - (8 - k) * Q, anomalyKwh: 0.4 }));
    expect(todaySkyIndex(past, start)).toBeNull();
  });
});

describe('the forecast with today\'s sky', () => {
  it('moves the coming daylight quarters by 0.8 of the sky at once, 0.5 six hours on, and stops at sunset', () => {
    // quarter 0's middle is solar noon on 21 June (11:42:36 UTC): 62.59 degrees, sine 0.88785.
    // 0.1 + 0.8 x -0.5 x 0.88785 = -0.25514
    const start = Date.UTC(2026, 5, 21, 11, 35, 6);
    const plain = new Array<number>(97).fill(0.1);
    const recent = new Array<number>(97).fill(0.05);
    const out = withTodaySky(plain, recent, start, -0.5);
    expect(out[0]).toBeCloseTo(-0.25514, 4);
    // quarter 24 (six hours on, middle 17:42:36 UTC): weight 0.5
    expect(out[24]).toBeCloseTo(0.1 + 0.5 * -0.5 * sine(start + 24 * Q + Q / 2), 9);
    // quarter 12 (three hours on): weight 0.65
    expect(out[12]).toBeCloseTo(0.1 + 0.65 * -0.5 * sine(start + 12 * Q + Q / 2), 9);
    // after sunset (quarter 40, 21:35 UTC) and on the next day (quarter 96, the sun up again):
    // the last day's sky as it was
    expect(out[40]).toBe(0.05);
    expect(out[96]).toBe(0.05);
    // no index: the last day's sky everywhere
    expect(withTodaySky(plain, recent, start, null)).toEqual(recent);
  });

  it('turns a sunny noon forecast grey after an overcast morning', () => {
    // 28 days of history, 22 April - 20 May 2026 (no clock change inside), each quarter net
    // 0.1 kWh, -0.6 from 10:00 to 16:00 Brussels (the usual sun); today, Wednesday 20 May, the
    // quarters 10:00-12:00 import 0.5 (an overcast morning) and the day stops there.
    const history = [];
    for (let day = 0; day < 29; day++) {
      for (let q = 0; q < 96; q++) {
        const start = brusselsLocalToUtc(2026, 4, 22 + day, 0, 0) + q * Q;
        const today = day === 28;
        if (today && q >= 48) continue;
        const net = today && q >= 40 ? 0.5 : q >= 40 && q < 64 ? -0.6 : 0.1;
        history.push({ start, importKwh: Math.max(0, net), exportKwh: Math.max(0, -net) });
      }
    }
    const noon = brusselsLocalToUtc(2026, 5, 20, 12, 0);
    const f = forecastBaseLoad(history, noon, 16);
    // the Wednesdays (29 April, 6 and 13 May) give -0.6 at 12:00. The average at 10:00-12:00 over
    // the four weeks (23 April - 20 May, 28 days): (27 x -0.6 + 0.5) / 28 = -0.560714, so today's
    // anomaly is +1.060714 a quarter; the sun's sines at those quarters' middles (08:07:30 -
    // 09:52:30 UTC, day 140) add up to 5.676137: index 8 x 1.060714 / 5.676137 = 1.494981 per unit
    // of sine. 12:00-12:15 (sine 0.807420 at 10:07:30 UTC): -0.6 + 0.8 x 1.494981 x 0.807420 =
    // 0.365661: no export expected, where the weekday average alone says 0.6 kWh out
    expect(f.kwh[0]).toBeCloseTo(0.365661, 4);
    expect(forecastBaseLoad(history, noon, 1, 4, false).kwh[0]).toBeCloseTo(-0.6, 9);
  });
});

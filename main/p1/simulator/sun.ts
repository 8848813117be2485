/**
 * Sun elevation over Belgium from the date and time (NOAA's low-precision formulas: about
 * 0.5 degree, plenty for a PV curve). Works in UTC, so daylight saving time cannot bend it.
 */
const DEG = Math.PI / 180;

/** Brussels, roughly the middle of Belgium. */
export const BELGIUM = { latitudeDeg: 50.85, longitudeDeg: 4.35 } as const;

/** Solar elevation in degrees at an instant (negative below the horizon). */
export function sunElevationDeg(utcMs: number, latitudeDeg: number = BELGIUM.latitudeDeg, longitudeDeg: number = BELGIUM.longitudeDeg): number {
  const days = utcMs / 86_400_000 - 10_957.5; // days since J2000.0 (2000-01-01 12:00 UTC)
  const gamma = (2 * Math.PI / 365.25) * (days % 365.25);
  const declination = 0.006918 - 0.399912 * Math.cos(gamma) + 0.070257 * Math.sin(gamma)
    - 0.006758 * Math.cos(2 * gamma) + 0.000907 * Math.sin(2 * gamma)
    - 0.002697 * Math.cos(3 * gamma) + 0.00148 * Math.sin(3 * gamma);
  const equationOfTimeMin = 229.18 * (0.000075 + 0.001868 * Math.cos(gamma) - 0.032077 * Math.sin(gamma)
    - 0.014615 * Math.cos(2 * gamma) - 0.040849 * Math.sin(2 * gamma));
  const utcMinutes = (((utcMs % 86_400_000) + 86_400_000) % 86_400_000) / 60_000;
  const solarMinutes = utcMinutes + equationOfTimeMin + 4 * longitudeDeg;
  const hourAngle = (solarMinutes / 4 - 180) * DEG;
  const lat = latitudeDeg * DEG;
  const sinElevation = Math.sin(lat) * Math.sin(declination) + Math.cos(lat) * Math.cos(declination) * Math.cos(hourAngle);
  return Math.asin(Math.max(-1, Math.min(1, sinElevation))) / DEG;
}

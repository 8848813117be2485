/**
 * The Belgian day/night register: night (register 2) from 22:00 to 07:00 on weekdays and all
 * weekend, day (register 1) otherwise. Public holidays are night on many meters too; the
 * simulator does not model them.
 */
export const DAY_REGISTER = 1;
export const NIGHT_REGISTER = 2;

/** @param isoWeekday 1 = Monday … 7 = Sunday, @param hour local hour 0-23 */
export function tariffRegister(isoWeekday: number, hour: number): 1 | 2 {
  if (isoWeekday >= 6) return NIGHT_REGISTER;
  return hour >= 22 || hour < 7 ? NIGHT_REGISTER : DAY_REGISTER;
}

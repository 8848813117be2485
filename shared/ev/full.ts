/**
 * A car at or above this state of charge (%) counts as full: it asks for nothing more (a taper's
 * last tenths take hours) and a plan counts a trip that wants 100% as met there.
 */
export const FULL_PERCENT = 99.5;

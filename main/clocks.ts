/**
 * The process's two clocks, read here and handed to what needs them: the monotonic one for
 * timing (a wall-clock step never stretches or shrinks an interval) and the wall clock for stamps
 * that other processes must be able to compare with. Modules take one of these as an injected
 * `now`, so that tests and the backtest can drive time themselves.
 */
export const monotonicMs = (): number => performance.now();
export const wallMs = (): number => Date.now();

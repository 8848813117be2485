/**
 * Commands for a satellite's devices reach the meter too (its dashboard shows them, Home
 * Assistant may publish to them), but the meter does not command them: they are given on the
 * satellite. Refused with where to go, rather than run on nothing or called unknown.
 */
const SAID: Record<string, string> = {
  'ev.mode': 'set its mode', 'ev.soc': 'set its state of charge', 'ev.car': 'choose its car', 'battery.mode': 'set its mode',
};

export function satelliteCommandGuard(o: {
  /** the satellite that runs charger or battery `device`, if one does */
  satelliteOf: (device: string) => string | undefined;
  /** the battery the meter shows, when it is a satellite's: its device id */
  satelliteBattery: () => string | undefined;
}): (name: string, args: unknown) => string | null {
  return (name, args) => {
    const said = SAID[name];
    if (!said) return null;
    if (name === 'battery.mode') {
      const device = o.satelliteBattery();
      const satellite = device === undefined ? undefined : o.satelliteOf(device);
      return satellite === undefined ? null : `${satellite}'s battery ${device}: ${said} on that satellite (its own dashboard)`;
    }
    const charger = typeof args === 'object' && args !== null ? (args as { charger?: unknown }).charger : undefined;
    if (typeof charger !== 'string') return null;
    const satellite = o.satelliteOf(charger);
    return satellite === undefined ? null : `${satellite}'s charger ${charger.slice(0, 48)}: ${said} on that satellite (its own dashboard)`;
  };
}

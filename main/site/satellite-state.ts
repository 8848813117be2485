/**
 * The satellites' devices in the meter's state: each satellite reports its roles' `ev` and
 * `battery` sections (protocol 2 `device-state`), and the meter publishes its own chargers with
 * the satellites' appended, each marked with the satellite it runs on, so the plan service, the
 * dashboard and Home Assistant see every car and battery of the site in one place.
 *
 * A satellite whose link ended, or that said nothing for 10 s, has its devices kept but marked
 * offline (a charger: plug and SoC unknown, the problem in words; a battery: link error). Kept,
 * not removed, so the dashboard says why a car vanished from control rather than showing nothing;
 * marked so that nothing acts on old figures: the plan treats an unknown plug as away and plans no
 * battery whose link is not ok (main/site/plan/gather.ts), exactly as with no state at all.
 *
 * A device id belongs to one place: the meter's own chargers and battery first, then the
 * satellite that reported it first (or filed its demand: the demand book's rule). A report naming
 * a device another holds is refused as a whole, saying who holds it.
 */
import type { BatteryState } from '../../shared/battery/state.js';
import type { EvChargerState, EvState } from '../../shared/ev/state.js';

/** a satellite's devices are offline after this long without a report */
export const SATELLITE_STATE_STALE_MS = 10_000;

export interface SatelliteSection {
  ev?: EvState | null;
  battery?: BatteryState | null;
}

/** One satellite's latest report as the merge sees it. */
export interface SatelliteReport {
  name: string;
  section: SatelliteSection;
  /** why its devices are offline (link ended, silent), null while it reports */
  offline: string | null;
}

export type ReportOutcome = { ok: true } | { ok: false; message: string };

/** The device ids a section names: its chargers and its battery. */
export function sectionDevices(section: SatelliteSection): string[] {
  const ids = (section.ev?.chargers ?? []).map((c) => c.id);
  if (section.battery) ids.push(section.battery.device);
  return ids;
}

/**
 * Who already holds each of `devices`, other than satellite `name`: the meter's own devices,
 * another satellite's report, or another door of the demand book. The first clash, in words, or null.
 */
export function findClash(
  name: string, devices: readonly string[], local: SatelliteSection, others: readonly SatelliteReport[],
  filedBy: (device: string) => string | undefined = () => undefined,
): string | null {
  const own = new Set(sectionDevices(local));
  for (const device of devices) {
    if (own.has(device)) return `device ${device} is the meter's own; satellite ${name} cannot report it (give it another id)`;
    const holder = others.find((o) => o.name !== name && sectionDevices(o.section).includes(device));
    if (holder) return `device ${device} is already reported by satellite ${holder.name}, not ${name}`;
    const door = filedBy(device);
    if (door !== undefined && door !== `satellite:${name}`) return `device ${device} is already filed by ${door}, not satellite:${name}`;
  }
  return null;
}

function offlineCharger(charger: EvChargerState, why: string): EvChargerState {
  return {
    ...charger, plugged: false, state: 'unknown', soc: null, socPrompt: false, powerKw: null, phases: [],
    grantedKw: null, safe: true, problem: why,
    reason: { code: 'satellite-offline', text: why },
    // its verdicts on the car's trips are old too: the meter's trips show them unjudged
    trip: null, tripVerdicts: [],
  };
}

/**
 * The meter's `ev`: its own chargers, then each satellite's (marked with its name, offline ones
 * so marked). A charger id that is already in the list is skipped and reported in `skipped`.
 * Undefined when there is no charger anywhere and the meter has no `ev` of its own.
 */
export function mergeEv(local: EvState | null | undefined, satellites: readonly SatelliteReport[]): { ev: EvState | null | undefined; skipped: string[] } {
  const chargers = [...(local?.chargers ?? [])];
  const skipped: string[] = [];
  let any = false;
  for (const s of satellites) {
    for (const charger of s.section.ev?.chargers ?? []) {
      const holder = chargers.find((c) => c.id === charger.id);
      if (holder) {
        skipped.push(`charger ${charger.id} of satellite ${s.name} clashes with ${holder.satellite ? `satellite ${holder.satellite}'s` : 'the meter\'s own'}`);
        continue;
      }
      any = true;
      const marked = { ...charger, satellite: s.name };
      chargers.push(s.offline === null ? marked : offlineCharger(marked, s.offline));
    }
  }
  if (!any) return { ev: local, skipped };
  return { ev: { ...(local ?? {}), chargers }, skipped };
}

/**
 * The meter's `battery`: its own, else the first satellite's (the state holds one battery). A
 * second battery is skipped and reported in `skipped`.
 */
export function mergeBattery(local: BatteryState | null | undefined, satellites: readonly SatelliteReport[]): { battery: BatteryState | null | undefined; skipped: string[] } {
  let battery = local;
  const skipped: string[] = [];
  for (const s of satellites) {
    const b = s.section.battery;
    if (!b) continue;
    if (battery) {
      skipped.push(`battery ${b.device} of satellite ${s.name}: the meter shows one battery and has ${battery.satellite ? `satellite ${battery.satellite}'s` : 'its own'} (${battery.device})`);
      continue;
    }
    const marked = { ...b, satellite: s.name };
    battery = s.offline === null ? marked : { ...marked, powerKw: null, link: { state: 'error', message: s.offline } };
  }
  return { battery, skipped };
}

interface Held {
  report: SatelliteReport;
  /** the connection that sent it: an old socket ending after a reconnect does not mark the new one offline */
  connection: object;
  receivedAt: number;
}

/**
 * The one owner of the satellites' sections on the meter. The bus sessions feed it (`report`,
 * `ended`), a one-second `tick` notices silent satellites, and the hub composes its `ev` and
 * `battery` through `ev()` / `battery()`; `onChange` says when to compose again.
 */
export class SatelliteStates {
  private readonly held = new Map<string, Held>();
  private readonly listeners = new Set<() => void>();
  /** clashes already logged, so a satellite reporting each second logs one line, not one a second */
  private readonly logged = new Set<string>();

  constructor(private readonly o: {
    monoNow: () => number;
    /** the meter's own devices (its EV role's chargers, its battery) */
    local: () => SatelliteSection;
    /** the demand book's door of a device's demand, if any */
    filedBy?: (device: string) => string | undefined;
    warn: (message: string) => void;
    staleMs?: number;
  }) {}

  report(name: string, connection: object, section: SatelliteSection): ReportOutcome {
    const others = [...this.held.values()].map((h) => h.report);
    const clash = findClash(name, sectionDevices(section), this.o.local(), others, this.o.filedBy);
    if (clash) {
      this.warnOnce(clash);
      return { ok: false, message: clash };
    }
    const before = this.held.get(name);
    this.held.set(name, { report: { name, section, offline: null }, connection, receivedAt: this.o.monoNow() });
    // a report equal to the last (a heartbeat) changes nothing to publish
    if (!before || before.report.offline !== null || JSON.stringify(before.report.section) !== JSON.stringify(section)) this.changed();
    return { ok: true };
  }

  /** The satellite's connection ended: its devices go offline (unless a newer connection reports). */
  ended(name: string, connection: object): void {
    const held = this.held.get(name);
    if (!held || held.connection !== connection || held.report.offline !== null) return;
    held.report = { ...held.report, offline: `satellite ${name}: link to the meter lost` };
    this.changed();
  }

  /** Mark satellites silent for the stale time offline; call about once a second. */
  tick(): void {
    const now = this.o.monoNow();
    const staleMs = this.o.staleMs ?? SATELLITE_STATE_STALE_MS;
    for (const held of this.held.values()) {
      if (held.report.offline !== null || now - held.receivedAt <= staleMs) continue;
      held.report = { ...held.report, offline: `satellite ${held.report.name}: no state for ${Math.round((now - held.receivedAt) / 1000)} s` };
      this.changed();
    }
  }

  get reports(): SatelliteReport[] {
    return [...this.held.values()].map((h) => h.report);
  }

  ev(local: EvState | null | undefined): EvState | null | undefined {
    const merged = mergeEv(local, this.reports);
    for (const s of merged.skipped) this.warnOnce(`${s}: not shown`);
    return merged.ev;
  }

  battery(local: BatteryState | null | undefined): BatteryState | null | undefined {
    const merged = mergeBattery(local, this.reports);
    for (const s of merged.skipped) this.warnOnce(`${s}: not shown`);
    return merged.battery;
  }

  /** the satellite that holds `device` (a charger or a battery), if one does */
  satelliteOf(device: string): string | undefined {
    // the meter's own device of that id comes first (a satellite's is then not shown)
    if (sectionDevices(this.o.local()).includes(device)) return undefined;
    return this.reports.find((r) => sectionDevices(r.section).includes(device))?.name;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private warnOnce(message: string): void {
    if (this.logged.has(message)) return;
    if (this.logged.size > 100) this.logged.clear();
    this.logged.add(message);
    this.o.warn(message);
  }
}

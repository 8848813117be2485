import { createSocket } from 'node:dgram';
import { DnsFormatError, encodeQuery, parseRecords, TYPE_A, TYPE_PTR, TYPE_SRV, TYPE_TXT, type DnsRecord } from './dns.js';

/**
 * `_nrgkick._tcp` discovery (nrgkick-api.md): ask once on the mDNS group, collect the answers
 * for a few seconds, and turn each charger into the lines to paste into ev.chargers. The
 * transport is injected: the real one is a UDP socket on 224.0.0.251:5353; tests hand in
 * answer packets (loopback does not carry multicast).
 */
export const NRGKICK_SERVICE = '_nrgkick._tcp.local';

export interface MdnsTransport {
  send(packet: Buffer): void;
  onPacket(listener: (packet: Buffer) => void): void;
  close(): void;
}

export interface FoundCharger {
  /** the service instance, e.g. "NRGkick Garage._nrgkick._tcp.local" */
  instance: string;
  host: string | null;
  address: string | null;
  port: number | null;
  serial: string | null;
  model: string | null;
  deviceName: string | null;
  jsonApiEnabled: boolean | null;
}

export async function discoverNrgkicks(transport: MdnsTransport, listenMs: number): Promise<FoundCharger[]> {
  const records: DnsRecord[] = [];
  transport.onPacket((packet) => {
    try {
      records.push(...parseRecords(packet));
    } catch (error) {
      if (!(error instanceof DnsFormatError)) throw error;
      // someone else's malformed packet on the LAN: not ours to trust
    }
  });
  transport.send(encodeQuery(NRGKICK_SERVICE, TYPE_PTR));
  await new Promise((resolve) => setTimeout(resolve, listenMs));
  transport.close();
  return collect(records);
}

function collect(records: DnsRecord[]): FoundCharger[] {
  const lower = (s: string) => s.toLowerCase();
  const instances = new Set<string>();
  for (const r of records) if (r.type === TYPE_PTR && 'target' in r && lower(r.name) === NRGKICK_SERVICE) instances.add(r.target);
  const found: FoundCharger[] = [];
  for (const instance of instances) {
    const srv = records.find((r) => r.type === TYPE_SRV && lower(r.name) === lower(instance)) as Extract<DnsRecord, { port: number }> | undefined;
    const txt = records.find((r) => r.type === TYPE_TXT && lower(r.name) === lower(instance)) as Extract<DnsRecord, { entries: string[] }> | undefined;
    const host = srv?.target ?? null;
    const a = host ? records.find((r) => r.type === TYPE_A && lower(r.name) === lower(host)) as Extract<DnsRecord, { address: string }> | undefined : undefined;
    const fields = new Map<string, string>();
    for (const entry of txt?.entries ?? []) {
      const at = entry.indexOf('=');
      if (at > 0) fields.set(entry.slice(0, at).toLowerCase(), entry.slice(at + 1));
    }
    const enabled = fields.get('json_api_enabled');
    found.push({
      instance, host, address: a?.address ?? null, port: srv?.port ?? null,
      serial: fields.get('serial_number') ?? null, model: fields.get('model_type') ?? null, deviceName: fields.get('device_name') ?? null,
      jsonApiEnabled: enabled === undefined ? null : enabled === '1' || enabled.toLowerCase() === 'true',
    });
  }
  return found.sort((x, y) => x.instance.localeCompare(y.instance));
}

/** The ev.chargers entry to paste, with an id made from the device name. */
export function configLines(charger: FoundCharger, index: number): string {
  const where = charger.address ?? charger.host?.replace(/\.$/, '') ?? 'ADDRESS';
  const port = charger.port && charger.port !== 80 ? `:${charger.port}` : '';
  const base = (charger.deviceName ?? `nrgkick-${index + 1}`).toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+|-+$/g, '').slice(0, 48);
  return JSON.stringify({ id: base || `nrgkick-${index + 1}`, type: 'nrgkick', url: `http://${where}${port}` });
}

/** The real transport: one UDP socket joined to the mDNS group. */
export function udpMdnsTransport(): MdnsTransport {
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  const listeners: Array<(packet: Buffer) => void> = [];
  socket.on('message', (packet) => { for (const l of listeners) l(packet); });
  socket.on('error', () => { /* a LAN without multicast finds nothing; the caller says so */ });
  let ready = false;
  const pending: Buffer[] = [];
  socket.bind(5353, () => {
    try { socket.addMembership('224.0.0.251'); } catch { /* no multicast route: queries still go out */ }
    ready = true;
    for (const p of pending.splice(0)) socket.send(p, 5353, '224.0.0.251');
  });
  return {
    send: (packet) => { if (ready) socket.send(packet, 5353, '224.0.0.251'); else pending.push(packet); },
    onPacket: (listener) => { listeners.push(listener); },
    close: () => { try { socket.close(); } catch { /* already closed */ } },
  };
}

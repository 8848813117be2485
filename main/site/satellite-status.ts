/**
 * The satellite's own page: its link to the meter and each device's last grant, published as
 * `satellite` in its bus state twice a second and on every change of the link.
 */
import { grantIsFresh } from '../../shared/site/contract.js';
import type { SatelliteState } from '../../shared/site/state.js';
import type { BusClient } from '../bus/client.js';
import type { StateHub } from '../bus/state-hub.js';
import type { RemoteSiteLink } from './remote-link.js';

export function publishSatelliteStatus(o: {
  client: BusClient; link: RemoteSiteLink; hub: StateHub; name: string; meterUrl: string; monoNow: () => number;
}): () => void {
  let message: string | null = 'connecting to the meter';
  const publish = () => {
    const link: SatelliteState['link'] = !o.client.connected ? 'connecting' : o.client.stale ? 'stale' : 'connected';
    const now = o.monoNow();
    o.hub.update({
      satellite: {
        name: o.name, meterUrl: o.meterUrl, link, message,
        devices: o.link.list().map((d) => {
          const fresh = d.grant !== null && d.receivedAt !== null && grantIsFresh(d.receivedAt, d.grant, now);
          return {
            device: d.device, kind: d.demand.kind, grantKw: d.grant?.kw ?? null, reason: d.grant?.reason ?? null,
            safe: !fresh, drawKw: d.demand.measuredKw, grants: d.grants, duplicateGrants: d.duplicates,
          };
        }),
      },
    });
  };
  const on = (text: string | null) => () => { message = text; publish(); };
  const connected = on(null);
  const disconnected = (code: number, reason: string) => { message = `link lost (${code}${reason ? `: ${reason}` : ''}); reconnecting`; publish(); };
  const stale = (isStale: boolean) => { message = isStale ? 'no telegram from the meter for 3 s: devices safe' : null; publish(); };
  const refused = (error: { message: string }) => { message = `the meter refused: ${error.message}`; publish(); };
  o.client.on('connected', connected);
  o.client.on('disconnected', disconnected);
  o.client.on('stale', stale);
  o.client.on('refused', refused);
  const stopChanges = o.link.onChange(publish);
  const timer = setInterval(publish, 500);
  timer.unref();
  publish();
  return () => {
    clearInterval(timer);
    stopChanges();
    o.client.off('connected', connected);
    o.client.off('disconnected', disconnected);
    o.client.off('stale', stale);
    o.client.off('refused', refused);
  };
}

/**
 * `digital-meter discover`: NRGkick chargers on the LAN (mDNS `_nrgkick._tcp`), each with the
 * ev.chargers entry to paste into the configuration.
 */
import { configLines, discoverNrgkicks, udpMdnsTransport, type MdnsTransport } from '../ev/discovery/nrgkick-discovery.js';
import { parseCommandLine, UsageError } from './usage.js';

const HELP = `usage: digital-meter discover [--seconds N]

Asks the local network for NRGkick chargers (mDNS _nrgkick._tcp) and prints each one found with
the line to paste into "ev": {"chargers": [...]} in the configuration.
  --seconds N   how long to listen for answers (default 3)
`;

export async function run(args: string[], transport: MdnsTransport = udpMdnsTransport(), out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  let values: { seconds: string; help: boolean };
  try {
    ({ values } = parseCommandLine({ args, options: { seconds: { type: 'string', default: '3' }, help: { type: 'boolean', short: 'h', default: false } } }));
  } catch (error) {
    // the socket is open already (the default transport): a usage error must not keep the process alive
    transport.close();
    throw error;
  }
  if (values.help) {
    transport.close();
    out(HELP);
    return 0;
  }
  const seconds = Number(values.seconds);
  if (!(seconds > 0 && seconds <= 60)) {
    transport.close();
    throw new UsageError(`--seconds ${values.seconds}: expected a number of seconds from 0 to 60`);
  }
  const found = await discoverNrgkicks(transport, seconds * 1000);
  if (found.length === 0) {
    out(`No NRGkick answered within ${seconds} s. Is it on this network, with the JSON API enabled in its app (Extended -> Local API)? Some routers do not pass mDNS between Wi-Fi and cable.\n`);
    return 1;
  }
  found.forEach((c, i) => {
    const what = [c.deviceName, c.model, c.serial ? `serial ${c.serial}` : null].filter(Boolean).join(', ');
    out(`${what || c.instance} at ${c.address ?? c.host ?? 'an unknown address'}${c.jsonApiEnabled === false ? ' (JSON API off: enable it in the NRGkick app)' : ''}\n`);
    out(`  ${configLines(c, i)}\n`);
  });
  return 0;
}

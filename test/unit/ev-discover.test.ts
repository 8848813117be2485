import { describe, expect, it } from 'vitest';
import { run } from '../../main/cli/discover.js';
import { encodeResponse, parseRecords, TYPE_A, TYPE_PTR, TYPE_SRV, TYPE_TXT } from '../../main/ev/discovery/dns.js';
import type { MdnsTransport } from '../../main/ev/discovery/nrgkick-discovery.js';

/**
 * `digital-meter discover` with injected mDNS answers (loopback carries no multicast): what a
 * charger announces as _nrgkick._tcp (TXT fields as in nrgkick-api.md) becomes the line to paste.
 */
function injected(answers: Buffer[]): MdnsTransport & { sent: Buffer[] } {
  const listeners: Array<(p: Buffer) => void> = [];
  const sent: Buffer[] = [];
  return {
    sent,
    send: (packet) => { sent.push(packet); setTimeout(() => { for (const a of answers) for (const l of listeners) l(a); }, 5); },
    onPacket: (l) => { listeners.push(l); },
    close: () => {},
  };
}

const garage = encodeResponse([
  { name: '_nrgkick._tcp.local', type: TYPE_PTR, target: 'NRGkick Garage._nrgkick._tcp.local' },
  { name: 'NRGkick Garage._nrgkick._tcp.local', type: TYPE_SRV, priority: 0, weight: 0, port: 80, target: 'nrgkick-5a1b.local' },
  { name: 'NRGkick Garage._nrgkick._tcp.local', type: TYPE_TXT, entries: ['serial_number=123456', 'model_type=NRGkick Gen2 SC', 'device_name=Garage', 'json_api_enabled=1', 'json_api_version=v1'] },
  { name: 'nrgkick-5a1b.local', type: TYPE_A, address: '192.168.1.40' },
]);

describe('digital-meter discover', () => {
  it('asks for _nrgkick._tcp once and prints each charger with its ev.chargers line', async () => {
    const transport = injected([garage, Buffer.from([1, 2, 3])]);
    let out = '';
    const code = await run(['--seconds', '0.05'], transport, (t) => { out += t; });
    expect(code).toBe(0);
    // the query: one PTR question for _nrgkick._tcp.local
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]!.readUInt16BE(4)).toBe(1);
    expect(transport.sent[0]!.includes(Buffer.from('\x08_nrgkick\x04_tcp\x05local\x00', 'latin1'))).toBe(true);
    expect(out).toBe('Garage, NRGkick Gen2 SC, serial 123456 at 192.168.1.40\n  {"id":"garage","type":"nrgkick","url":"http://192.168.1.40"}\n');
  });

  it('says what to check when nothing answers', async () => {
    let out = '';
    expect(await run(['--seconds', '0.02'], injected([]), (t) => { out += t; })).toBe(1);
    expect(out).toMatch(/^No NRGkick answered within 0.02 s\. Is it on this network, with the JSON API enabled/);
  });

  it('reads compressed names in answers', () => {
    // header, one answer named "a.local" (at offset 12), a PTR whose target is a pointer back to offset 12
    const packet = Buffer.from([0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0x61, 5, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0, 0, 12, 0, 1, 0, 0, 0, 120, 0, 2, 0xc0, 12]);
    expect(parseRecords(packet)).toEqual([{ name: 'a.local', type: TYPE_PTR, target: 'a.local' }]);
  });
});

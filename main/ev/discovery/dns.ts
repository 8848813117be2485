/**
 * The little of DNS that mDNS discovery needs (RFC 1035 message format, RFC 6762/6763 for
 * multicast and service records): a one-question query, and reading answers with name
 * compression for PTR, SRV, TXT and A records. Anything else in a packet is skipped, never trusted:
 * a malformed packet throws a DnsFormatError that the caller drops.
 */
export const TYPE_A = 1;
export const TYPE_PTR = 12;
export const TYPE_TXT = 16;
export const TYPE_SRV = 33;

export class DnsFormatError extends Error {}

export type DnsRecord =
  | { name: string; type: typeof TYPE_PTR; target: string }
  | { name: string; type: typeof TYPE_SRV; priority: number; weight: number; port: number; target: string }
  | { name: string; type: typeof TYPE_TXT; entries: string[] }
  | { name: string; type: typeof TYPE_A; address: string }
  | { name: string; type: number };

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.');
  const bytes: number[] = [];
  for (const part of parts) {
    const label = Buffer.from(part, 'utf8');
    if (label.length === 0 || label.length > 63) throw new DnsFormatError(`bad label in ${name}`);
    bytes.push(label.length, ...label);
  }
  bytes.push(0);
  return Buffer.from(bytes);
}

/** A query with one question (class IN, unicast-response bit clear: answers come by multicast). */
export function encodeQuery(name: string, type: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(1, 4); // one question
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([header, encodeName(name), tail]);
}

function readName(buf: Buffer, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let offset = start;
  let next = -1;
  for (let jumps = 0; ; ) {
    if (offset >= buf.length) throw new DnsFormatError('name runs past the packet');
    const length = buf[offset]!;
    if (length === 0) { offset++; break; }
    if ((length & 0xc0) === 0xc0) {
      if (offset + 1 >= buf.length) throw new DnsFormatError('cut pointer');
      if (++jumps > 20) throw new DnsFormatError('pointer loop');
      if (next < 0) next = offset + 2;
      offset = ((length & 0x3f) << 8) | buf[offset + 1]!;
      continue;
    }
    if (offset + 1 + length > buf.length) throw new DnsFormatError('label runs past the packet');
    labels.push(buf.toString('utf8', offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  return { name: labels.join('.'), next: next >= 0 ? next : offset };
}

/** Every resource record in the answer, authority and additional sections. */
export function parseRecords(buf: Buffer): DnsRecord[] {
  if (buf.length < 12) throw new DnsFormatError('shorter than a DNS header');
  const questions = buf.readUInt16BE(4);
  const records = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
  let offset = 12;
  for (let i = 0; i < questions; i++) offset = readName(buf, offset).next + 4;
  const out: DnsRecord[] = [];
  for (let i = 0; i < records; i++) {
    const { name, next } = readName(buf, offset);
    if (next + 10 > buf.length) throw new DnsFormatError('record header runs past the packet');
    const type = buf.readUInt16BE(next);
    const length = buf.readUInt16BE(next + 8);
    const data = next + 10;
    if (data + length > buf.length) throw new DnsFormatError('record data runs past the packet');
    if (type === TYPE_PTR) out.push({ name, type, target: readName(buf, data).name });
    else if (type === TYPE_SRV) {
      out.push({ name, type, priority: buf.readUInt16BE(data), weight: buf.readUInt16BE(data + 2), port: buf.readUInt16BE(data + 4), target: readName(buf, data + 6).name });
    } else if (type === TYPE_TXT) {
      const entries: string[] = [];
      for (let p = data; p < data + length; ) {
        const n = buf[p]!;
        entries.push(buf.toString('utf8', p + 1, Math.min(p + 1 + n, data + length)));
        p += 1 + n;
      }
      out.push({ name, type, entries });
    } else if (type === TYPE_A && length === 4) {
      out.push({ name, type, address: [...buf.subarray(data, data + 4)].join('.') });
    } else out.push({ name, type });
    offset = data + length;
  }
  return out;
}

/** Build a response packet (for tests and simulators): records with plain (uncompressed) names. */
export function encodeResponse(records: DnsRecord[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(0x8400, 2); // response, authoritative
  header.writeUInt16BE(records.length, 6);
  const parts: Buffer[] = [header];
  for (const r of records) {
    let data: Buffer;
    if (r.type === TYPE_PTR && 'target' in r && !('port' in r)) data = encodeName(r.target);
    else if (r.type === TYPE_SRV && 'port' in r) {
      const fixed = Buffer.alloc(6);
      fixed.writeUInt16BE(r.priority, 0);
      fixed.writeUInt16BE(r.weight, 2);
      fixed.writeUInt16BE(r.port, 4);
      data = Buffer.concat([fixed, encodeName(r.target)]);
    } else if (r.type === TYPE_TXT && 'entries' in r) data = Buffer.concat(r.entries.map((e) => { const b = Buffer.from(e, 'utf8'); return Buffer.concat([Buffer.from([b.length]), b]); }));
    else if (r.type === TYPE_A && 'address' in r) data = Buffer.from(r.address.split('.').map(Number));
    else data = Buffer.alloc(0);
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(r.type, 0);
    fixed.writeUInt16BE(1, 2);
    fixed.writeUInt32BE(120, 4);
    fixed.writeUInt16BE(data.length, 8);
    parts.push(encodeName(r.name), fixed, data);
  }
  return Buffer.concat(parts);
}

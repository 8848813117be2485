/**
 * CRC-16/ARC as the P1 port uses it: polynomial 0x8005 reflected (0xA001), initial value 0,
 * no final XOR. Check value: "123456789" gives 0xBB3D.
 *
 * Every telegram's ~900 bytes go through this, so it reads 4 bytes a step with four tables
 * ("slicing by 4") instead of one byte a step: the same result, about twice as fast.
 */
const tables = buildTables();
const [t0, t1, t2, t3] = tables as [Uint16Array, Uint16Array, Uint16Array, Uint16Array];

function buildTables(): Uint16Array[] {
  const base = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    base[byte] = crc;
  }
  // tables[k][b]: the CRC contribution of byte b followed by k zero bytes
  const result = [base];
  for (let k = 1; k < 4; k++) {
    const previous = result[k - 1]!;
    const table = new Uint16Array(256);
    for (let byte = 0; byte < 256; byte++) table[byte] = (previous[byte]! >>> 8) ^ base[previous[byte]! & 0xff]!;
    result.push(table);
  }
  return result;
}

/** CRC of bytes[start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  let i = start;
  for (const last = end - 3; i < last; i += 4) {
    const low = crc ^ (bytes[i]! | (bytes[i + 1]! << 8));
    crc = t3[low & 0xff]! ^ t2[low >>> 8]! ^ t1[bytes[i + 2]!]! ^ t0[bytes[i + 3]!]!;
  }
  for (; i < end; i++) crc = (crc >>> 8) ^ t0[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** The CRC as a P1 telegram writes it: four uppercase hex digits. */
export function formatCrc(crc: number): string {
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

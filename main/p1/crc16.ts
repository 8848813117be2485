/**
 * CRC-16/ARC as the P1 port uses it: polynomial 0x8005 reflected (0xA001), initial value 0,
 * no final XOR. Check value: "123456789" gives 0xBB3D.
 */
const table = buildTable();

function buildTable(): Uint16Array {
  const entries = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    entries[byte] = crc;
  }
  return entries;
}

/** CRC of bytes[start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ table[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** The CRC as a P1 telegram writes it: four uppercase hex digits. */
export function formatCrc(crc: number): string {
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

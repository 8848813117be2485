/**
 * A deliberately different CRC-16/ARC implementation (bit by bit, no table) used by tests to
 * write telegrams, so a test never checks the product's CRC code against itself.
 */
export function referenceCrc16Arc(text: string): string {
  let crc = 0x0000;
  for (const byte of Buffer.from(text, 'latin1')) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >> 1) ^ 0xa001 : crc >> 1;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** Seal a telegram body (from '/' through the last data line's CRLF) with '!' and its CRC. */
export function sealTelegram(body: string): string {
  const withBang = body + '!';
  return `${withBang}${referenceCrc16Arc(withBang)}\r\n`;
}

/** Build a telegram from lines (header first, without '/'), CRLF line ends, sealed. */
export function telegramFromLines(header: string, lines: string[]): string {
  return sealTelegram(`/${header}\r\n\r\n${lines.map((l) => l + '\r\n').join('')}`);
}

/** The same CRC over bytes, one table lookup a byte (still not the product's slicing-by-4), for the fuzz's volume. */
const byteTable = Array.from({ length: 256 }, (_, byte) => {
  let crc = byte;
  for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >> 1) ^ 0xa001 : crc >> 1;
  return crc;
});
export function referenceCrc16ArcBytes(bytes: Uint8Array): string {
  let crc = 0;
  for (const byte of bytes) crc = (crc >> 8) ^ byteTable[(crc ^ byte) & 0xff]!;
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * What a UART set to the wrong speed hands the program: the sender's bytes as a line level in
 * time (8N1: a start bit 0, eight data bits least significant first, a stop bit 1; idle high,
 * bytes back to back), read by a receiver at another speed that waits for a falling edge, samples
 * each bit in its middle by its own clock, and on a framing error (stop bit low) delivers 0x00,
 * as Linux does without PARMRK, then waits for the line to go high again.
 * A pseudo-terminal ignores baud rates, so the fault suite writes these bytes instead.
 */
export function misreadAtBaud(bytes: Uint8Array, sentBaud: number, readBaud: number): Buffer {
  const sentBits = bytes.length * 10;
  // the line level at time t (seconds since the first start bit)
  const level = (t: number): 0 | 1 => {
    const bit = Math.floor(t * sentBaud);
    if (t < 0 || bit >= sentBits) return 1;
    const inFrame = bit % 10;
    if (inFrame === 0) return 0;
    if (inFrame === 9) return 1;
    return ((bytes[Math.floor(bit / 10)]! >> (inFrame - 1)) & 1) as 0 | 1;
  };
  const end = sentBits / sentBaud;
  // fine enough to see every edge of either clock
  const step = 1 / (16 * Math.max(sentBaud, readBaud));
  const readBit = 1 / readBaud;
  const out: number[] = [];
  let t = 0;
  let high = level(-step) === 1;
  while (t < end) {
    const now = level(t);
    if (!high) {
      if (now === 1) high = true;
      t += step;
      continue;
    }
    if (now === 1) { t += step; continue; }
    // a falling edge: a start bit as this receiver sees it
    let value = 0;
    for (let i = 0; i < 8; i++) value |= level(t + (1.5 + i) * readBit) << i;
    const stopAt = t + 9.5 * readBit;
    const framed = level(stopAt) === 1;
    out.push(framed ? value : 0x00);
    t = stopAt;
    high = framed;
  }
  return Buffer.from(out);
}

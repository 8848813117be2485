/**
 * Line faults on the simulated serial stream, for tests of framers and sources: corrupt or
 * drop the next bytes, positioned relative to the bytes not yet sent. Faults apply one after
 * another, in the order they were asked for.
 */
interface Fault {
  kind: 'corrupt' | 'drop';
  skip: number;
  count: number;
}

/**
 * Corruption flips bit 2 of each byte: every byte of a telegram changes, the CRC catches it,
 * and no telegram byte becomes '/' (only '+' would), so a corrupted frame never fakes the
 * start of a new one.
 */
const CORRUPT_MASK = 0x04;

export class FaultInjector {
  private readonly queue: Fault[] = [];
  private scratch = new Uint8Array(4096);

  corrupt(count: number, skip = 0): void {
    this.add('corrupt', count, skip);
  }

  drop(count: number, skip = 0): void {
    this.add('drop', count, skip);
  }

  get pending(): boolean {
    return this.queue.length > 0;
  }

  private add(kind: Fault['kind'], count: number, skip: number): void {
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(skip) || skip < 0) {
      throw new RangeError(`${kind}: count must be a positive integer and skip a non-negative one (got ${count}, ${skip})`);
    }
    this.queue.push({ kind, skip, count });
  }

  /** The bytes as they arrive at the reader; the result is valid until the next call. */
  apply(input: Uint8Array): Uint8Array {
    if (this.queue.length === 0) return input;
    if (this.scratch.length < input.length) this.scratch = new Uint8Array(input.length * 2);
    const out = this.scratch;
    let written = 0;
    let i = 0;
    while (i < input.length) {
      const fault = this.queue[0];
      if (!fault) {
        out.set(input.subarray(i), written);
        written += input.length - i;
        break;
      }
      if (fault.skip > 0) {
        const n = Math.min(fault.skip, input.length - i);
        out.set(input.subarray(i, i + n), written);
        written += n;
        i += n;
        fault.skip -= n;
        continue;
      }
      const n = Math.min(fault.count, input.length - i);
      if (fault.kind === 'corrupt') {
        for (let k = 0; k < n; k++) out[written++] = input[i + k]! ^ CORRUPT_MASK;
      }
      i += n;
      fault.count -= n;
      if (fault.count === 0) this.queue.shift();
    }
    return out.subarray(0, written);
  }
}

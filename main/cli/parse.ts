import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { TelegramDecoder } from '../p1/decoder.js';
import { frameResultJson } from '../p1/telegram-json.js';
import { parseCommandLine } from './usage.js';

const HELP = `usage: digital-meter parse [--summary] [--detail] [FILE...]

Finds every P1 telegram in the raw bytes of each FILE (stdin when none) and prints one JSON
object per line, in input order, for every frame found. Refused frames print
{"ok": false, "error": "crc-mismatch" | "no-crc" | "truncated" | "malformed" | "too-long", "offset": N}.
  --summary   print only {"ok": n, "refused": n} for all input together
  --detail    add "warnings" (lines that could not be read) to telegrams and a "detail" text to
              refused frames saying what was wrong
`;

/** Writes lines through a buffer so a million telegrams do not mean a million write calls. */
class LineWriter {
  private buffer: string[] = [];
  private size = 0;

  async write(line: string): Promise<void> {
    this.buffer.push(line);
    this.size += line.length;
    if (this.size > 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buffer.length) return;
    const text = this.buffer.join('\n') + '\n';
    this.buffer = [];
    this.size = 0;
    if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}

async function decodeStream(input: Readable, summary: boolean, detail: boolean, counts: { ok: number; refused: number }, out: LineWriter) {
  // Each file is read on its own: a frame never spans two files, and offsets are per file.
  const pending: string[] = [];
  const decoder = new TelegramDecoder((result) => {
    if (result.ok) counts.ok++; else counts.refused++;
    if (!summary) pending.push(JSON.stringify(frameResultJson(result, detail)));
  });
  for await (const chunk of input) {
    decoder.feed(chunk as Buffer);
    for (const line of pending.splice(0)) await out.write(line);
  }
  decoder.end();
  for (const line of pending.splice(0)) await out.write(line);
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: {
      summary: { type: 'boolean', default: false },
      detail: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const counts = { ok: 0, refused: 0 };
  const out = new LineWriter();
  const inputs = positionals.length ? positionals : ['-'];
  for (const name of inputs) {
    const input = name === '-' ? process.stdin : createReadStream(name, { highWaterMark: 1 << 16 });
    try {
      await decodeStream(input, values.summary, values.detail, counts, out);
    } catch (error) {
      await out.flush();
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file'
        : (error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (error as Error).message;
      process.stderr.write(`digital-meter parse: ${name === '-' ? 'stdin' : name}: ${reason}\n`);
      return 66;
    }
  }
  if (values.summary) await out.write(JSON.stringify(counts));
  await out.flush();
  return 0;
}

import { loadConfig } from '../config/load.js';
import { serveDataDir } from '../demo/demo.js';
import { loadOrCreateToken, rotateToken } from '../bus/token-store.js';
import { parseCommandLine } from './usage.js';

const HELP = `usage: digital-meter token [--rotate] [--config FILE]

Prints the bus token (creating it when there is none yet). Websocket clients, satellites and
the dashboard need it. --rotate replaces it: a running server notices within a second and
disconnects every client holding the old one.
`;

export interface TokenIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export async function tokenCommand(args: string[], io: TokenIo): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      rotate: { type: 'boolean', default: false },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  // the same directory `serve` uses with the same arguments (the demo has its own)
  const dataDir = serveDataDir(loadConfig(values.config, io.env));
  if (values.rotate) {
    const { token, file } = rotateToken(dataDir);
    io.out(token + '\n');
    io.err(`digital-meter: new token written to ${file}; clients holding the old one are disconnected\n`);
  } else {
    const { token, file, created } = loadOrCreateToken(dataDir);
    io.out(token + '\n');
    if (created) io.err(`digital-meter: created a token in ${file}\n`);
  }
  if (io.env.DM_TOKEN) io.err('digital-meter: note: DM_TOKEN is set; a server started with it uses that token, not this file\n');
  return 0;
}

export function run(args: string[]): Promise<number> {
  return tokenCommand(args, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
  });
}

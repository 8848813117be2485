import { loadConfig } from '../config/load.js';
import { serveDataDir } from '../demo/demo.js';
import { loadOrCreateToken, rotateToken } from '../bus/token-store.js';
import { issueNamedToken, namedTokensPath, readNamedTokens, revokeNamedToken } from '../bus/named-tokens.js';
import { parseCommandLine, UsageError } from './usage.js';

const HELP = `usage: digital-meter token [--rotate] [--satellite NAME | --viewer NAME | --revoke NAME | --list] [--config FILE]

Prints the dashboard token (creating it when there is none yet): people with it read everything
and change rates, modes and settings. --rotate replaces it: a running server notices within a
second and disconnects every client holding the old one.
  --satellite NAME  make (or replace) the token of satellite NAME: it files demands for its own
                    devices only, under that name (bus.meter.name on the satellite)
  --viewer NAME     make (or replace) a read-only token (a wall display, a guest)
  --revoke NAME     remove NAME's token: a running server drops its connections within a second
  --list            the viewer and satellite tokens' names (not the tokens)
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
      satellite: { type: 'string' },
      viewer: { type: 'string' },
      revoke: { type: 'string' },
      list: { type: 'boolean', default: false },
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
  const chosen = [values.rotate, values.satellite !== undefined, values.viewer !== undefined, values.revoke !== undefined, values.list].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('choose one of --rotate, --satellite, --viewer, --revoke, --list');
  if (values.satellite !== undefined || values.viewer !== undefined) {
    const access = values.satellite !== undefined ? 'satellite' : 'viewer';
    const entry = issueNamedToken(dataDir, access, (values.satellite ?? values.viewer)!);
    io.out(entry.token + '\n');
    io.err(`digital-meter: ${access} token for '${entry.name}' written to ${namedTokensPath(dataDir)}${access === 'satellite' ? `; on the satellite set bus.meter.name to "${entry.name}"` : ''}\n`);
    return 0;
  }
  if (values.revoke !== undefined) {
    if (!revokeNamedToken(dataDir, values.revoke)) {
      io.err(`digital-meter: no viewer or satellite token named '${values.revoke}'\n`);
      return 1;
    }
    io.err(`digital-meter: revoked '${values.revoke}'; a running server drops its connections within a second\n`);
    return 0;
  }
  if (values.list) {
    for (const t of readNamedTokens(namedTokensPath(dataDir))) io.out(`${t.access}\t${t.name}\n`);
    return 0;
  }
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

/**
 * The `digital-meter` command. Each subcommand lives in main/cli/<name>.ts and exports
 * `run(args): Promise<number>` (the exit code); they are loaded on demand so `parse` does not
 * pay for the database or the web server.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from './config/errors.js';
import { UsageError } from './cli/usage.js';

type CommandModule = { run(args: string[]): Promise<number> };

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  parse: { summary: 'parse P1 telegrams from files or stdin, one JSON line per frame', load: () => import('./cli/parse.js') },
  discover: { summary: 'find NRGkick chargers on the LAN (mDNS) and print their configuration lines', load: () => import('./cli/discover.js') },
  'simulate-charger': { summary: 'a simulated NRGkick charger with a car on a real HTTP port', load: () => import('./cli/simulate-charger.js') },
  simulate: { summary: 'simulate a Belgian home\'s meter: P1 telegrams on stdout or over TCP', load: () => import('./cli/simulate.js') },
  'simulate-battery': { summary: 'simulate a SunSpec home battery on Modbus TCP (models 1, 103, 124, 802)', load: () => import('./cli/simulate-battery.js') },
  replay: { summary: 'run a recording through the pipeline (ledger, quarters, store); prints a JSON summary', load: () => import('./cli/replay.js') },
  serve: { summary: 'run the core headless with the dashboard and the websocket on one port (the demo without configuration)', load: () => import('./cli/serve.js') },
  token: { summary: 'print the bus token (creating it); --rotate replaces it; --satellite/--viewer NAME, --list, --revoke', load: () => import('./cli/token.js') },
  cert: { summary: 'make a self-signed certificate for bus.tls and print its fingerprint for satellites', load: () => import('./cli/cert.js') },
  prices: { summary: 'day-ahead spot and consumer prices per quarter hour for a day (--date, --json)', load: () => import('./cli/prices.js') },
  calendar: { summary: 'trips from the calendar: authorize or revoke Google Calendar, print the coming trips', load: () => import('./cli/calendar.js') },
  backtest: { summary: 'compare plug-and-charge, a 30-s cap controller, ours and the optimum on a generated household', load: () => import('./cli/backtest.js') },
  secret: { summary: 'set (from stdin), delete or list secrets such as the entsoe-token', load: () => import('./cli/secret.js') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(17)} ${c.summary}`);
  return `usage: digital-meter <command> [options]\n       digital-meter --version\n\ncommands:\n${lines.join('\n')}\n\n'digital-meter <command> --help' shows a command's options.\n`;
}

/** The version in package.json (two folders up from dist/main/cli.js, one from main/cli.ts). */
function version(): string {
  for (const up of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'digital-meter' && pkg.version) return pkg.version;
    } catch { /* not there: the other layout */ }
  }
  return 'unknown';
}

/** the command being run, for the prefix of its error messages */
let running: string | null = null;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`digital-meter ${version()}\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 64;
  }
  if (!Object.hasOwn(commands, name)) {
    process.stderr.write(`digital-meter: unknown command '${name}'\n\n${usage()}`);
    return 64;
  }
  running = name;
  return (await commands[name]!.load()).run(rest);
}

// `digital-meter parse big.txt | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    if (error instanceof UsageError) {
      // one style for every command: what was wrong, then where the options are explained
      const message = error.message.endsWith('\n') ? error.message : `${error.message}\n`;
      process.stderr.write(`digital-meter ${running}: ${message}(see 'digital-meter ${running} --help')\n`);
      process.exitCode = 64;
    } else if (error instanceof ConfigError) {
      process.stderr.write(`digital-meter ${running}: ${error.message}\n`);
      process.exitCode = 78;
    } else {
      process.stderr.write(`digital-meter: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 70;
    }
  },
);

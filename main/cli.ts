/**
 * The `digital-meter` command. Each subcommand lives in main/cli/<name>.ts and exports
 * `run(args): Promise<number>` (the exit code); they are loaded on demand so `parse` does not
 * pay for the database or the web server.
 */
import { ConfigError } from './config/errors.js';
import { UsageError } from './cli/usage.js';

type CommandModule = { run(args: string[]): Promise<number> };

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  parse: { summary: 'parse P1 telegrams from files or stdin, one JSON line per frame', load: () => import('./cli/parse.js') },
  simulate: { summary: 'simulate a Belgian home\'s meter: P1 telegrams on stdout or over TCP', load: () => import('./cli/simulate.js') },
  replay: { summary: 'run a recording through the pipeline (ledger, quarters, store); prints a JSON summary', load: () => import('./cli/replay.js') },
  serve: { summary: 'run the core headless with the dashboard and the websocket on one port (the demo without configuration)', load: () => import('./cli/serve.js') },
  token: { summary: 'print the bus token (creating it); --rotate replaces it', load: () => import('./cli/token.js') },
  prices: { summary: 'day-ahead spot and consumer prices per quarter hour for a day (--date, --json)', load: () => import('./cli/prices.js') },
  calendar: { summary: 'trips from the calendar: authorize or revoke Google Calendar, print the coming trips', load: () => import('./cli/calendar.js') },
  secret: { summary: 'set (from stdin), delete or list secrets such as the entsoe-token', load: () => import('./cli/secret.js') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: digital-meter <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 64;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`digital-meter: unknown command '${name}'\n\n${usage()}`);
    return 64;
  }
  return (await command.load()).run(rest);
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
      process.stderr.write(`digital-meter: ${error.message}\n`);
      process.exitCode = 64;
    } else if (error instanceof ConfigError) {
      process.stderr.write(`digital-meter: ${error.message}\n`);
      process.exitCode = 78;
    } else {
      process.stderr.write(`digital-meter: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 70;
    }
  },
);

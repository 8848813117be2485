import { loadConfig } from '../config/load.js';
import { FileSecretStore } from '../secrets/file-secret-store.js';
import { isKnownSecretName, KNOWN_SECRETS, SecretError } from '../secrets/secret-store.js';
import { parseCommandLine, UsageError } from './usage.js';

const HELP = `usage: digital-meter secret set NAME      (reads the value from stdin)
       digital-meter secret delete NAME
       digital-meter secret list               (names only)
options: --config FILE

Secrets are kept in secrets.json in the data directory, readable by you only (0600); never in
the config file, never in a log. Known names:
${Object.entries(KNOWN_SECRETS).map(([n, d]) => `  ${n.padEnd(14)} ${d}`).join('\n')}

Example: digital-meter secret set entsoe-token < token.txt
         (at a terminal it asks for the value and does not echo it)
`;

/** Read a value typed at the terminal without echoing it (a token must not land on screen). */
async function readHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') { input.off('data', onData); resolve(value); return; }
          if (ch === '\u0003') { input.off('data', onData); reject(new UsageError('cancelled')); return; }
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else value += ch;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stderr.write('\n');
  }
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [action, name, ...extra] = positionals;
  // Never echo the extra word: it is most likely the secret itself.
  if (extra.length) throw new UsageError('too many arguments; the value is read from stdin, never from the command line (it would stay in the shell history)');
  const store = new FileSecretStore(loadConfig(values.config).dataDir);
  try {
    switch (action) {
      case 'list': {
        if (name) throw new UsageError('list takes no name');
        const names = await store.list();
        for (const n of names) process.stdout.write(`${n}\n`);
        // stdout stays empty for scripts; the person at the terminal is told why
        if (names.length === 0) process.stderr.write(`no secrets set (digital-meter secret set ${Object.keys(KNOWN_SECRETS)[0]} adds one)\n`);
        const mode = store.mode();
        if (mode !== null && (mode & 0o077) !== 0) {
          process.stderr.write(`digital-meter: warning: ${store.file} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it\n`);
        }
        return 0;
      }
      case 'set': {
        if (!name) throw new UsageError('set NAME: which secret?');
        if (!isKnownSecretName(name)) throw new UsageError(`set: unknown secret '${name}' (known: ${Object.keys(KNOWN_SECRETS).join(', ')})`);
        const raw = process.stdin.isTTY ? await readHidden(`${name}: `) : await readAll(process.stdin);
        // Tokens are one word; the newline of `echo` or of a file is not part of them.
        const value = raw.trim();
        if (!value) throw new UsageError(`set ${name}: no value on stdin`);
        if (/\s/.test(value)) throw new UsageError(`set ${name}: the value contains whitespace; expected one line with the token only`);
        await store.set(name, value);
        process.stderr.write(`${name} saved in ${store.file}\n`);
        return 0;
      }
      case 'delete': {
        if (!name) throw new UsageError('delete NAME: which secret?');
        const existed = await store.delete(name);
        process.stderr.write(existed ? `${name} deleted\n` : `${name} was not set\n`);
        return existed ? 0 : 1;
      }
      default:
        throw new UsageError(action ? `unknown action '${action}': expected set, delete or list` : 'expected an action: set NAME, delete NAME or list');
    }
  } catch (error) {
    if (error instanceof SecretError) {
      process.stderr.write(`digital-meter: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/**
 * The shell's own command-line flags, picked out of an argv that also holds Electron's binary,
 * the app path (unpackaged) and Chromium switches, which are left alone.
 */
export interface ShellArgs {
  kiosk: boolean | null;
  hideCursor: boolean | null;
  configFile: string | undefined;
  roles: ('meter' | 'ev' | 'battery')[] | undefined;
}

const ROLES = ['meter', 'ev', 'battery'] as const;

export function parseShellArgs(argv: readonly string[]): { args: ShellArgs; problems: string[] } {
  const args: ShellArgs = { kiosk: null, hideCursor: null, configFile: undefined, roles: undefined };
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i]!);
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--kiosk': args.kiosk = true; break;
      case '--desktop': args.kiosk = false; break;
      case '--hide-cursor': args.hideCursor = true; break;
      case '--config': {
        const file = value();
        if (!file) problems.push('--config needs a file');
        else args.configFile = file;
        break;
      }
      case '--roles': {
        const text = value() ?? '';
        const roles = text.split(',').map((r) => r.trim()).filter(Boolean);
        const wrong = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
        if (roles.length === 0 || wrong.length) problems.push(`--roles ${text}: expected a comma-separated list of ${ROLES.join(', ')}`);
        else args.roles = [...new Set(roles)] as ShellArgs['roles'];
        break;
      }
      default: break; // Electron's and Chromium's own switches, the app path
    }
  }
  return { args, problems };
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

import { readdir } from 'node:fs/promises';

/**
 * Words for what goes wrong with a serial P1 cable. Pure, apart from listing /dev, so that the
 * messages people see are tested with literal inputs.
 */
export type SerialOpenProblem = 'no-such-port' | 'permission-denied' | 'port-busy' | 'open-failed';

/** Classify an open error from serialport's bindings (they carry a message, not always a code). */
export function classifySerialOpenError(error: unknown): SerialOpenProblem {
  const code = typeof error === 'object' && error !== null ? String((error as { code?: unknown }).code ?? '') : '';
  const text = `${code} ${error instanceof Error ? error.message : String(error)}`;
  if (/ENOENT|ENODEV|no such (file|device)|does not exist/i.test(text)) return 'no-such-port';
  if (/EACCES|EPERM|permission denied|operation not permitted/i.test(text)) return 'permission-denied';
  if (/EBUSY|busy|cannot lock|locked|resource temporarily unavailable/i.test(text)) return 'port-busy';
  return 'open-failed';
}

export interface SerialProblemContext {
  path: string;
  /** serial ports that do exist (see listSerialPorts) */
  existingPorts: string[];
  /** the user this process runs as, for the dialout command */
  user: string;
  /** the underlying error text */
  detail: string;
}

export function serialOpenMessage(problem: SerialOpenProblem, context: SerialProblemContext): string {
  const { path, existingPorts, user, detail } = context;
  switch (problem) {
    case 'no-such-port':
      return existingPorts.length > 0
        ? `Serial port ${path} does not exist. Serial ports on this machine: ${existingPorts.join(', ')}. Set p1.port in the configuration to the one the P1 cable is on.`
        : `Serial port ${path} does not exist, and there is no /dev/ttyUSB*, /dev/ttyACM* or /dev/ttyAMA* port at all: is the P1 cable plugged into this machine?`;
    case 'permission-denied':
      return `No permission to open ${path}. Add your user to the dialout group: sudo usermod -a -G dialout ${user} — then log out and in again (or reboot) for it to take effect.`;
    case 'port-busy':
      return `${path} is in use by another program. Stop the other reader (another digital-meter, ser2net, ModemManager) and it will be picked up.`;
    case 'open-failed':
      return `Could not open ${path}: ${detail}`;
  }
}

export function serialLostMessage(path: string, detail: string): string {
  return `Lost ${path} while reading (${detail}): the cable was probably pulled out.`;
}

export function serialSilentMessage(path: string, seconds: number): string {
  return `${path} is open but the meter has sent nothing for ${seconds} s. Most often the P1 port is still closed: `
    + 'the grid operator must open it (in Flanders, log in to Mijn Fluvius and ask to open the user port of your digital meter; '
    + 'a closed port also gives no 5 V to the cable). Otherwise check that the cable sits firmly in the meter\'s P1 socket.';
}

/** The /dev/ttyUSB*, /dev/ttyACM* and /dev/ttyAMA* ports that exist, for "did you mean". */
export async function listSerialPorts(devDir = '/dev'): Promise<string[]> {
  try {
    const names = await readdir(devDir);
    return names
      .filter((name) => /^tty(USB|ACM|AMA)\d+$/.test(name))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .map((name) => `${devDir}/${name}`);
  } catch {
    return [];
  }
}

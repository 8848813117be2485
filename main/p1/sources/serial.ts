import { userInfo } from 'node:os';
import { ReconnectingSource, type Link, type LinkDriver, type LinkHandlers, type ReconnectingOptions } from './reconnecting.js';
import {
  classifySerialOpenError, listSerialPorts, serialLostMessage, serialOpenMessage, serialSilentMessage,
} from './serial-problems.js';
import { SourceFailure } from './types.js';

/**
 * The slice of a serialport binding we use (serialport 13's bindings-cpp, or
 * @serialport/binding-mock in tests). We read the binding directly rather than through the
 * SerialPort stream: one reused buffer, one pending read, and a read error *is* the unplug.
 */
export interface SerialPortHandle {
  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

export interface SerialBinding {
  open(options: {
    path: string; baudRate: number; dataBits: 8; parity: 'none'; stopBits: 1; lock: boolean;
  }): Promise<SerialPortHandle>;
}

export interface SerialSourceOptions extends ReconnectingOptions {
  path: string;
  baudRate?: number;
  /** default: serialport's own binding for this platform, loaded on first use */
  binding?: SerialBinding;
  /** default: the /dev/ttyUSB*, ttyACM*, ttyAMA* that exist */
  listPorts?: () => Promise<string[]>;
}

/** P1 over a serial cable: 115200 baud, 8N1 (e-MUCS), reopened when the cable comes back. */
export function createSerialSource(options: SerialSourceOptions): ReconnectingSource {
  return new ReconnectingSource(new SerialDriver(options), options);
}

class SerialDriver implements LinkDriver {
  readonly kind = 'serial';
  readonly description: string;
  private readonly baudRate: number;

  constructor(private readonly options: SerialSourceOptions) {
    this.description = options.path;
    this.baudRate = options.baudRate ?? 115200;
  }

  openedMessage(): string {
    return `Opened ${this.options.path} at ${this.baudRate} 8N1`;
  }

  silentMessage(seconds: number): string {
    return serialSilentMessage(this.options.path, seconds);
  }

  async open(handlers: LinkHandlers): Promise<Link> {
    const { path } = this.options;
    const binding = this.options.binding ?? await defaultBinding();
    let port: SerialPortHandle;
    try {
      // lock: a second reader on the same port would steal half of every telegram
      port = await binding.open({ path, baudRate: this.baudRate, dataBits: 8, parity: 'none', stopBits: 1, lock: true });
    } catch (error) {
      const problem = classifySerialOpenError(error);
      const existingPorts = problem === 'no-such-port' ? await (this.options.listPorts ?? listSerialPorts)() : [];
      const message = serialOpenMessage(problem, { path, existingPorts, user: currentUser(), detail: errorText(error) });
      throw new SourceFailure(problem, message);
    }
    let closing = false;
    readLoop(port, handlers, () => closing, path).catch(async (error: unknown) => {
      // a consumer threw inside data(): release the port and let the supervisor start over
      await port.close().catch(() => undefined);
      if (!closing) handlers.lost(new SourceFailure('read-failed', `Reading ${path} stopped: ${errorText(error)}`));
    });
    return {
      close: async () => {
        closing = true;
        await port.close().catch(() => undefined);
      },
    };
  }
}

async function readLoop(port: SerialPortHandle, handlers: LinkHandlers, closing: () => boolean, path: string): Promise<void> {
  // 4 KiB: a telegram is ~1 KB; one buffer for the life of the link, handed out as a view
  const buffer = Buffer.allocUnsafe(4096);
  for (;;) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await port.read(buffer, 0, buffer.length));
    } catch (error) {
      if (closing()) return;
      // the port is gone for us either way: release the descriptor before reopening
      await port.close().catch(() => undefined);
      handlers.lost(new SourceFailure('unplugged', serialLostMessage(path, errorText(error))));
      return;
    }
    if (closing()) return;
    if (bytesRead > 0) handlers.data(buffer.subarray(0, bytesRead));
  }
}

let loadedBinding: SerialBinding | null = null;

/** serialport's native binding, imported only when a serial source is used. */
async function defaultBinding(): Promise<SerialBinding> {
  if (!loadedBinding) {
    const { SerialPort } = await import('serialport');
    loadedBinding = SerialPort.binding;
  }
  return loadedBinding;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return '$USER';
  }
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^Error:\s*/, '');
}

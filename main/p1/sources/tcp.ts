import { connect, type Socket } from 'node:net';
import { ReconnectingSource, type Link, type LinkDriver, type LinkHandlers, type ReconnectingOptions } from './reconnecting.js';
import { SourceFailure } from './types.js';

export interface TcpSourceOptions extends ReconnectingOptions {
  host: string;
  port: number;
  /** give up on one connection attempt after this long; default 10 s */
  connectTimeoutMs?: number;
}

/**
 * P1 from the network: a P1 dongle or ser2net serving the raw telegrams on a TCP port.
 * Reconnects with backoff when the dongle reboots or the server restarts.
 */
export function createTcpSource(options: TcpSourceOptions): ReconnectingSource {
  return new ReconnectingSource(new TcpDriver(options), options);
}

class TcpDriver implements LinkDriver {
  readonly kind = 'tcp';
  readonly description: string;

  constructor(private readonly options: TcpSourceOptions) {
    this.description = `${options.host}:${options.port}`;
  }

  openedMessage(): string {
    return `Connected to the P1 dongle at ${this.description}`;
  }

  silentMessage(seconds: number): string {
    return `Connected to ${this.description} but it has sent nothing for ${seconds} s. Check that the dongle or ser2net is `
      + 'attached to the meter and passes raw telegrams, and that the meter\'s P1 port is opened by the grid operator (Mijn Fluvius).';
  }

  open(handlers: LinkHandlers): Promise<Link> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      let connected = false;
      let closing = false;
      socket.setTimeout(this.options.connectTimeoutMs ?? 10_000, () => {
        if (!connected) socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
      });
      socket.once('connect', () => {
        connected = true;
        socket.setTimeout(0);
        // a dongle that vanishes from WiFi sends no FIN: let the OS find the dead peer
        socket.setKeepAlive(true, 10_000);
        resolve({
          close: () => closeSocket(socket, () => { closing = true; }),
        });
      });
      socket.on('data', (chunk: Buffer) => handlers.data(chunk));
      // errors are reported once, through 'close' below
      let lastError: Error | null = null;
      socket.on('error', (error) => { lastError = error; });
      socket.once('close', () => {
        if (!connected) {
          reject(connectFailure(this.description, lastError));
        } else if (!closing) {
          const why = lastError ? `: ${lastError.message}` : '';
          handlers.lost(new SourceFailure('connection-lost', `The connection to ${this.description} was closed${why}.`));
        }
      });
    });
  }
}

function closeSocket(socket: Socket, markClosing: () => void): Promise<void> {
  markClosing();
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
    socket.destroy();
  });
}

function connectFailure(target: string, error: Error | null): SourceFailure {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return new SourceFailure('refused', `Nothing accepts connections at ${target} (connection refused): is the dongle or ser2net running, and is the port right?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SourceFailure('unknown-host', `Cannot find the host of ${target} (${code}): check p1.host in the configuration.`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new SourceFailure('unreachable', `Cannot reach ${target} (${code}): is the dongle powered and on the network?`);
    default:
      return new SourceFailure('connect-failed', `Could not connect to ${target}: ${error?.message ?? 'closed'}`);
  }
}

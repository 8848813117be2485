import modbusSerial from 'modbus-serial';
import { BatteryFailure } from '../battery.js';
import { ModbusException } from './chain.js';

/**
 * The thin I/O half of the SunSpec driver: one Modbus TCP connection (modbus-serial), read and
 * write holding registers, say when it is gone. Everything else (discovery, scaling, commands,
 * reconnecting) sits above it and is tested against the simulator.
 */
export interface ModbusLink {
  read(address: number, count: number): Promise<number[]>;
  write(address: number, values: number[]): Promise<void>;
  /** close without reporting it as lost */
  close(): Promise<void>;
}

export interface ModbusLinkDriver {
  readonly description: string;
  /** open one connection; `lost` is called once when it goes away by itself */
  open(lost: (failure: BatteryFailure) => void): Promise<ModbusLink>;
}

export interface ModbusTcpOptions {
  host: string;
  port: number;
  unitId: number;
  /** a request not answered within this is a dead or overloaded link */
  timeoutMs: number;
}

/** Modbus allows at most 125 registers per read. */
const MAX_READ = 125;

export function modbusTcpDriver(o: ModbusTcpOptions): ModbusLinkDriver {
  const where = `${o.host}:${o.port} unit ${o.unitId}`;
  return {
    description: `SunSpec battery at ${where}`,
    async open(lost) {
      // a CommonJS package: its class is the module itself, typed as its default export
      const client = new modbusSerial.default();
      let closing = false;
      try {
        await client.connectTCP(o.host, { port: o.port, timeout: o.timeoutMs } as never);
      } catch (error) {
        client.close(() => undefined);
        throw toFailure(error, where);
      }
      client.setID(o.unitId);
      client.setTimeout(o.timeoutMs);
      client.on('close', () => {
        if (!closing) lost(new BatteryFailure('closed', `The battery at ${where} closed the connection.`));
      });
      client.on('error', () => undefined);
      return {
        async read(address, count) {
          const out: number[] = [];
          for (let at = 0; at < count; at += MAX_READ) {
            const n = Math.min(MAX_READ, count - at);
            try {
              const result = await client.readHoldingRegisters(address + at, n);
              out.push(...result.data);
            } catch (error) {
              throw toFailure(error, where);
            }
          }
          return out;
        },
        async write(address, values) {
          try {
            await client.writeRegisters(address, values);
          } catch (error) {
            throw toFailure(error, where);
          }
        },
        async close() {
          closing = true;
          await new Promise<void>((resolve) => client.close(() => resolve()));
        },
      };
    },
  };
}

function toFailure(error: unknown, where: string): Error {
  const e = error as { modbusCode?: number; errno?: string; code?: string; message?: string };
  if (typeof e.modbusCode === 'number') return new ModbusException(e.modbusCode, `The battery at ${where} refused the request (Modbus exception ${e.modbusCode}).`);
  const code = e.errno ?? e.code ?? '';
  if (code === 'ETIMEDOUT') return new BatteryFailure('timeout', `The battery at ${where} did not answer in time.`);
  if (code === 'ECONNREFUSED') return new BatteryFailure('refused', `Nothing accepts Modbus TCP at ${where}: is the inverter on and Modbus TCP enabled?`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new BatteryFailure('unreachable', `${where} cannot be reached on the network.`);
  return new BatteryFailure('failed', `The battery at ${where}: ${e.message ?? String(error)}`);
}

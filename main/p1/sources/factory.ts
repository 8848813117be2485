import { isAbsolute, resolve } from 'node:path';
import type { P1SourceConfig } from '../../config/schema.js';
import type { Logger } from '../../log/logger.js';
import { ReplaySource } from './replay.js';
import { createSerialSource, type SerialBinding } from './serial.js';
import { createTcpSource } from './tcp.js';
import type { Timers } from './timers.js';
import type { P1Source } from './types.js';

export interface SourceDependencies {
  log?: Logger;
  timers?: Timers;
  /** a relative replay file is taken relative to this (the configuration's directory) */
  baseDir?: string;
  /** serial binding override (tests: @serialport/binding-mock) */
  serialBinding?: SerialBinding;
  /** builds the simulator source; supplied by the simulator module so this one stays small */
  simulator?: (config: Extract<P1SourceConfig, { type: 'simulator' }>) => P1Source;
}

/** The P1 source that `p1.type` in the configuration asks for. */
export function createP1Source(config: P1SourceConfig, deps: SourceDependencies = {}): P1Source {
  const { log, timers } = deps;
  switch (config.type) {
    case 'serial':
      return createSerialSource({
        path: config.port, baudRate: config.baudRate, silenceMs: config.silenceSeconds * 1000,
        log, timers, binding: deps.serialBinding,
      });
    case 'tcp':
      return createTcpSource({ host: config.host, port: config.port, silenceMs: config.silenceSeconds * 1000, log, timers });
    case 'replay': {
      const file = isAbsolute(config.file) || !deps.baseDir ? config.file : resolve(deps.baseDir, config.file);
      return new ReplaySource({ file, speed: config.speed, loop: config.loop, log, timers });
    }
    case 'simulator':
      if (!deps.simulator) throw new Error('p1.type "simulator" needs the simulator module, which was not supplied to createP1Source');
      return deps.simulator(config);
  }
}

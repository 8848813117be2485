import DatabaseConstructor, { type Database, type Options } from 'better-sqlite3';
import { sqliteBindingFor } from './native-build.js';

let binding: { file: string | undefined } | undefined;

/**
 * Open a SQLite connection with the native build that fits the running runtime: Node's own build
 * under Node, the one prepared for Electron's ABI under Electron (see native-build.ts). Every
 * connection in the program is opened here, so that one checkout serves `npm test` and `npm start`.
 */
export function openSqlite(file: string, options: Options = {}): Database {
  binding ??= { file: sqliteBindingFor() };
  return new DatabaseConstructor(file, binding.file ? { ...options, nativeBinding: binding.file } : options);
}

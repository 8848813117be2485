import { migrate } from '../../main/store/migrations.js';
import { openSqlite } from '../../main/store/sqlite.js';

/** A database with the store's migrations applied (the trips tables are migration 5), as the meter opens it. */
export function tripsDb(file = ':memory:'): ReturnType<typeof openSqlite> {
  const db = openSqlite(file);
  migrate(db);
  return db;
}

/**
 * Deltas between two states: only the top-level or second-level keys that changed, so a
 * telegram that moves the power but not the counters sends `meter.powerKw` and `meter.time`,
 * not the whole meter. Pure functions over plain JSON, shared by the server (diff) and every
 * client (apply).
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

export interface Changes {
  set: Record<string, Json>;
  unset: string[];
}

export function isPlainObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality for JSON values (numbers compared with ===, so NaN never occurs in JSON). */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a);
  const bo = b as JsonObject;
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) {
    if (!Object.hasOwn(bo, k) || !jsonEqual((a as JsonObject)[k], bo[k])) return false;
  }
  return true;
}

/**
 * What changed in `keys` between `before` and `after`. A key that is an object on both sides is
 * compared one level down (paths "key.sub"); anything else is replaced whole.
 */
export function diffKeys(before: JsonObject, after: JsonObject, keys: Iterable<string>): Changes {
  const changes: Changes = { set: {}, unset: [] };
  for (const key of keys) {
    const was = before[key];
    const now = after[key];
    if (!Object.hasOwn(after, key)) {
      if (Object.hasOwn(before, key)) changes.unset.push(key);
      continue;
    }
    if (isPlainObject(was) && isPlainObject(now) && !hasDottedKey(was) && !hasDottedKey(now)) {
      for (const sub of Object.keys(now)) {
        if (!Object.hasOwn(was, sub) || !jsonEqual(was[sub], now[sub])) changes.set[`${key}.${sub}`] = now[sub];
      }
      for (const sub of Object.keys(was)) if (!Object.hasOwn(now, sub)) changes.unset.push(`${key}.${sub}`);
    } else if (!jsonEqual(was, now)) {
      changes.set[key] = now;
    }
  }
  return changes;
}

/** A second-level key with a dot in it cannot be addressed as "key.sub": send its parent whole. */
function hasDottedKey(object: JsonObject): boolean {
  for (const k of Object.keys(object)) if (k.includes('.')) return true;
  return false;
}

export function isEmptyChanges(changes: Changes): boolean {
  return changes.unset.length === 0 && Object.keys(changes.set).length === 0;
}

/**
 * Fold changes into a state, returning a new object: the top level and each touched second
 * level are copied, so a consumer holding the old state sees it unchanged.
 */
export function applyChanges<T extends object>(state: T, changes: { set: Record<string, Json>; unset?: readonly string[] }): T {
  const next: JsonObject = { ...(state as JsonObject) };
  const copied = new Set<string>();
  const parentFor = (key: string): JsonObject => {
    if (!copied.has(key)) {
      next[key] = isPlainObject(next[key]) ? { ...(next[key] as JsonObject) } : {};
      copied.add(key);
    }
    return next[key] as JsonObject;
  };
  for (const [path, value] of Object.entries(changes.set)) {
    const dot = path.indexOf('.');
    if (dot < 0) {
      next[path] = value;
      copied.delete(path);
    } else {
      parentFor(path.slice(0, dot))[path.slice(dot + 1)] = value;
    }
  }
  for (const path of changes.unset ?? []) {
    const dot = path.indexOf('.');
    if (dot < 0) delete next[path];
    else if (isPlainObject(next[path.slice(0, dot)])) delete parentFor(path.slice(0, dot))[path.slice(dot + 1)];
  }
  return next as T;
}

/** The value at a dotted path ("meter.counters.importKwh.t1"), or undefined when absent. */
export function valueAtPath(state: Json, path: string): Json {
  let current: Json = state;
  for (const part of path.split('.')) {
    if (part === '') return undefined;
    if (Array.isArray(current) && /^\d+$/.test(part)) current = current[Number(part)];
    else if (isPlainObject(current) && Object.hasOwn(current, part)) current = current[part];
    else return undefined;
  }
  return current;
}

/** Does a change at `changedPath` touch the value at `watchedPath` (one contains the other)? */
export function pathsOverlap(changedPath: string, watchedPath: string): boolean {
  return changedPath === watchedPath
    || watchedPath.startsWith(changedPath + '.')
    || changedPath.startsWith(watchedPath + '.');
}

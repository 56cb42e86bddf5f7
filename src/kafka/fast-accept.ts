/**
 * A fast acceptor compiled from a zod schema: a plain function that says "this JSON value
 * certainly passes the schema" for the common, valid record, so the hot path skips zod's
 * general machinery. It never rejects: anything it does not accept (and anything it cannot
 * read off the schema) goes to zod, which stays the only judge of invalid input and the
 * only source of error messages. The schema stays the single source of truth — the checks
 * are read from it, not written again here.
 *
 * Supported: a discriminated union (or a single object) of strict objects whose fields are
 * strings (regex, min and max length), numbers (safe integer, bounds), literals and enums,
 * each possibly optional. A member with any other field kind or check, or with a check of
 * its own (a refinement across fields), gets no fast path (always zod).
 */
import type { ZodType } from 'zod';

export type Acceptor = (value: unknown) => boolean;

/** The zod 4 definitions this module reads (`schema._zod.def`, the introspection surface). */
interface CheckDef {
  readonly check?: string;
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly value?: number;
  readonly inclusive?: boolean;
}
interface SchemaDef {
  readonly type: string;
  /** Set on format schemas (`z.email()`, …): not read here. */
  readonly format?: string;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly shape?: Readonly<Record<string, Introspectable>>;
  readonly catchall?: Introspectable;
  readonly options?: readonly Introspectable[];
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
  /** Set on enums: value by name. */
  readonly entries?: Readonly<Record<string, unknown>>;
  /** Set on optional schemas: what the field is when present. */
  readonly innerType?: Introspectable;
}
interface Introspectable {
  readonly _zod: { readonly def: SchemaDef };
}

type FieldCheck = (value: unknown) => boolean;

/** Compiles the acceptor; one that accepts nothing if the schema has no supported shape. */
export function compileAcceptor(schema: ZodType): Acceptor {
  const def = (schema as unknown as Introspectable)._zod.def;
  if (def.type === 'object') return objectAcceptor(def) ?? rejectAll;
  if (def.type !== 'union' || def.discriminator === undefined || def.options === undefined) {
    return rejectAll;
  }
  const discriminator = def.discriminator;
  const byTag = new Map<unknown, Acceptor>();
  for (const option of def.options) {
    const optionDef = option._zod.def;
    const tagDef = optionDef.shape?.[discriminator]?._zod.def;
    const accept = optionDef.type === 'object' ? objectAcceptor(optionDef) : undefined;
    if (tagDef?.type !== 'literal' || tagDef.values?.length !== 1 || accept === undefined) continue;
    byTag.set(tagDef.values[0], accept);
  }
  return (value) => {
    if (typeof value !== 'object' || value === null) return false;
    const accept = byTag.get((value as Record<string, unknown>)[discriminator]);
    return accept?.(value) === true;
  };
}

function rejectAll(): boolean {
  return false;
}

/** A strict object: exactly its keys, each passing its field check. */
function objectAcceptor(def: SchemaDef): Acceptor | undefined {
  if (def.shape === undefined || def.catchall?._zod.def.type !== 'never') return undefined;
  // A refinement over the whole object is a check this module cannot read: zod judges.
  if ((def.checks?.length ?? 0) > 0) return undefined;
  const fields: [name: string, check: FieldCheck, optional: boolean][] = [];
  for (const [name, field] of Object.entries(def.shape)) {
    const fieldDef = field._zod.def;
    const optional = fieldDef.type === 'optional';
    const check = fieldCheck(optional ? fieldDef.innerType?._zod.def : fieldDef);
    if (check === undefined) return undefined;
    fields.push([name, check, optional]);
  }
  const count = fields.length;
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    // JSON.parse gives own, unique keys: when the fields found are as many as the keys,
    // every key is a field (a key that is none makes the counts differ).
    let keys = 0;
    for (const _ in record) keys++;
    if (keys > count) return false;
    let found = 0;
    for (let i = 0; i < count; i++) {
      const [name, check, optional] = fields[i] as [string, FieldCheck, boolean];
      if (!Object.hasOwn(record, name)) {
        if (optional) continue;
        return false;
      }
      if (!check(record[name])) return false;
      found++;
    }
    return found === keys;
  };
}

function fieldCheck(def: SchemaDef | undefined): FieldCheck | undefined {
  switch (def?.type) {
    case 'string':
      return def.format === undefined ? stringCheck(def.checks ?? []) : undefined;
    case 'number':
      return numberCheck(def.checks ?? []);
    case 'literal': {
      const values = def.values ?? [];
      return (value) => values.includes(value);
    }
    case 'enum': {
      if ((def.checks?.length ?? 0) > 0) return undefined;
      const values = Object.values(def.entries ?? {});
      return (value) => values.includes(value);
    }
    default:
      return undefined;
  }
}

function stringCheck(checks: SchemaDef['checks'] & object): FieldCheck | undefined {
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  const patterns: RegExp[] = [];
  for (const { _zod } of checks) {
    const check = _zod.def;
    if (check.check === 'min_length' && check.minimum !== undefined) {
      min = Math.max(min, check.minimum);
    } else if (check.check === 'max_length' && check.maximum !== undefined) {
      max = Math.min(max, check.maximum);
    } else if (
      check.check === 'string_format' &&
      check.format === 'regex' &&
      check.pattern instanceof RegExp &&
      !check.pattern.global &&
      !check.pattern.sticky
    ) {
      patterns.push(check.pattern);
    } else {
      return undefined;
    }
  }
  return (value) => {
    if (typeof value !== 'string' || value.length < min || value.length > max) return false;
    for (const pattern of patterns) if (!pattern.test(value)) return false;
    return true;
  };
}

function numberCheck(checks: SchemaDef['checks'] & object): FieldCheck | undefined {
  let safeInteger = false;
  let low = Number.NEGATIVE_INFINITY;
  let lowInclusive = true;
  let high = Number.POSITIVE_INFINITY;
  let highInclusive = true;
  for (const { _zod } of checks) {
    const check = _zod.def;
    if (check.check === 'number_format' && check.format === 'safeint') safeInteger = true;
    else if (
      check.check === 'greater_than' &&
      typeof check.value === 'number' &&
      low === Number.NEGATIVE_INFINITY
    ) {
      low = check.value;
      lowInclusive = check.inclusive === true;
    } else if (
      check.check === 'less_than' &&
      typeof check.value === 'number' &&
      high === Number.POSITIVE_INFINITY
    ) {
      high = check.value;
      highInclusive = check.inclusive === true;
    } else return undefined;
  }
  return (value) =>
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!safeInteger || Number.isSafeInteger(value)) &&
    (lowInclusive ? value >= low : value > low) &&
    (highInclusive ? value <= high : value < high);
}

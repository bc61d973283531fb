// Request body schemas, declared as data: `s.object({ name: s.string() }, { required: ['name'] })`.
// The builders return plain records (kind + constraints); `validate()` walks them and
// throws Matrix errors naming the failing path:
//   wrong JSON type / not an object          → 400 M_BAD_JSON
//   a required property is absent             → 400 M_MISSING_PARAM
//   right type, value not allowed (enum, range, length, pattern) → 400 M_INVALID_PARAM
// The TypeScript type of a schema's value is inferred (`Infer<typeof schema>`).

import { badJson, invalidParam, missingParam } from './errors.js';

interface Base<T> {
  /** phantom: the validated value's type (never set at run time) */
  readonly __type?: T;
  /** `null` is accepted as well as the declared type */
  readonly nullable?: boolean;
}
export interface StringSchema<T extends string = string> extends Base<T> {
  readonly kind: 'string'; readonly minLength?: number; readonly maxLength?: number; readonly pattern?: RegExp;
}
export interface IntSchema extends Base<number> { readonly kind: 'int'; readonly min?: number; readonly max?: number }
export interface NumberSchema extends Base<number> { readonly kind: 'number'; readonly min?: number; readonly max?: number }
export interface BoolSchema extends Base<boolean> { readonly kind: 'bool' }
export interface EnumSchema<T extends string | number | boolean = string> extends Base<T> { readonly kind: 'enum'; readonly values: readonly T[] }
export interface ArraySchema<T = unknown> extends Base<T[]> { readonly kind: 'array'; readonly items: Schema; readonly minItems?: number; readonly maxItems?: number }
export interface ObjectSchema<T = unknown> extends Base<T> {
  readonly kind: 'object';
  readonly properties: Readonly<Record<string, Schema>>;
  readonly required: readonly string[];
  /** schema for properties not listed (a map such as `content` or `m.push_rules`); unlisted ones are otherwise kept unchecked */
  readonly additional?: Schema;
}
export interface AnySchema<T = unknown> extends Base<T> { readonly kind: 'any' }

/** A schema whose validated value has type T. */
export type Schema<T = unknown> =
  | (StringSchema & Base<T>) | (IntSchema & Base<T>) | (NumberSchema & Base<T>) | (BoolSchema & Base<T>)
  | (EnumSchema<string | number | boolean> & Base<T>) | (ArraySchema & Base<T>) | (ObjectSchema & Base<T>) | (AnySchema & Base<T>);

export type Infer<S> = S extends Base<infer T> ? T : never;

type Props = Record<string, Schema<any>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ObjectOf<P extends Props, R extends keyof P> = Simplify<
  { [K in R]: Infer<P[K]> } & { [K in Exclude<keyof P, R>]?: Infer<P[K]> }
>;

export const s = {
  string<T extends string = string>(o: { minLength?: number; maxLength?: number; pattern?: RegExp } = {}): StringSchema<T> & Base<T> {
    return { kind: 'string', ...o };
  },
  int(o: { min?: number; max?: number } = {}): IntSchema { return { kind: 'int', ...o }; },
  number(o: { min?: number; max?: number } = {}): NumberSchema { return { kind: 'number', ...o }; },
  bool(): BoolSchema { return { kind: 'bool' }; },
  enum<const V extends readonly (string | number | boolean)[]>(values: V): EnumSchema<V[number]> & Base<V[number]> {
    return { kind: 'enum', values };
  },
  array<I extends Schema<any>>(items: I, o: { minItems?: number; maxItems?: number } = {}): ArraySchema<Infer<I>> & Base<Infer<I>[]> {
    return { kind: 'array', items, ...o };
  },
  object<P extends Props, R extends keyof P & string = never>(
    properties: P, o: { required?: readonly R[]; additional?: Schema } = {},
  ): ObjectSchema<ObjectOf<P, R> & Record<string, unknown>> {
    return { kind: 'object', properties, required: o.required ?? [], ...(o.additional ? { additional: o.additional } : {}) };
  },
  /** a JSON object with arbitrary keys whose values match `values` (e.g. event content maps) */
  record<V extends Schema<any>>(values: V): ObjectSchema<Record<string, Infer<V>>> {
    return { kind: 'object', properties: {}, required: [], additional: values };
  },
  any<T = unknown>(): AnySchema<T> { return { kind: 'any' }; },
  nullable<T>(schema: Schema<T>): Schema<T | null> {
    return { ...schema, nullable: true } as Schema<T | null>;
  },
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isInteger(v)) return 'a non-integer number';
  return `a ${typeof v}`;
}

function at(path: string): string {
  return path === '' ? 'body' : path;
}

function join(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/** Largest integer canonical JSON allows (spec: appendices#canonical-json). */
const MAX_SAFE = 2 ** 53 - 1;

/**
 * Checks `value` against `schema`; returns it typed. Throws M_BAD_JSON / M_MISSING_PARAM /
 * M_INVALID_PARAM naming the path (e.g. `initial_state[0].type`).
 */
export function validate<T>(schema: Schema<T>, value: unknown, path = ''): T {
  check(schema, value, path);
  return value as T;
}

function check(schema: Schema, v: unknown, path: string): void {
  if (v === null && schema.nullable) return;
  switch (schema.kind) {
    case 'any':
      return;
    case 'string':
      if (typeof v !== 'string') throw badJson(`${at(path)}: expected a string, got ${describe(v)}`);
      if (schema.minLength !== undefined && v.length < schema.minLength) throw invalidParam(`${at(path)}: shorter than ${schema.minLength} characters`);
      if (schema.maxLength !== undefined && v.length > schema.maxLength) throw invalidParam(`${at(path)}: longer than ${schema.maxLength} characters`);
      if (schema.pattern && !schema.pattern.test(v)) throw invalidParam(`${at(path)}: not in the expected format`);
      return;
    case 'int':
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw badJson(`${at(path)}: expected ${schema.kind === 'int' ? 'an integer' : 'a number'}, got ${describe(v)}`);
      if (schema.kind === 'int' && (!Number.isInteger(v) || Math.abs(v) > MAX_SAFE)) throw badJson(`${at(path)}: expected an integer, got ${describe(v)}`);
      if (schema.min !== undefined && v < schema.min) throw invalidParam(`${at(path)}: must be at least ${schema.min}`);
      if (schema.max !== undefined && v > schema.max) throw invalidParam(`${at(path)}: must be at most ${schema.max}`);
      return;
    case 'bool':
      if (typeof v !== 'boolean') throw badJson(`${at(path)}: expected a boolean, got ${describe(v)}`);
      return;
    case 'enum':
      if (!schema.values.includes(v as string)) {
        if (typeof v === 'object' && v !== null) throw badJson(`${at(path)}: expected one of ${schema.values.map((x) => JSON.stringify(x)).join(', ')}, got ${describe(v)}`);
        throw invalidParam(`${at(path)}: must be one of ${schema.values.map((x) => JSON.stringify(x)).join(', ')}`);
      }
      return;
    case 'array': {
      if (!Array.isArray(v)) throw badJson(`${at(path)}: expected an array, got ${describe(v)}`);
      if (schema.minItems !== undefined && v.length < schema.minItems) throw invalidParam(`${at(path)}: needs at least ${schema.minItems} items`);
      if (schema.maxItems !== undefined && v.length > schema.maxItems) throw invalidParam(`${at(path)}: at most ${schema.maxItems} items`);
      for (let i = 0; i < v.length; i++) check(schema.items, v[i], `${path}[${i}]`);
      return;
    }
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        throw badJson(path === '' ? 'Content must be a JSON object' : `${at(path)}: expected an object, got ${describe(v)}`);
      }
      const o = v as Record<string, unknown>;
      for (const key of schema.required) {
        if (o[key] === undefined) throw missingParam(join(path, key), `Missing parameter: ${join(path, key)}`);
      }
      for (const key of Object.keys(o)) {
        const sub = Object.hasOwn(schema.properties, key) ? schema.properties[key] : schema.additional;
        if (sub) check(sub, o[key], join(path, key));
      }
      return;
    }
  }
}

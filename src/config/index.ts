// Loading the configuration: defaults ← YAML file ← environment (MYELIN_*), then checked.
//
// Environment rule: MYELIN_<KEY PATH> in upper case, nesting joined by '_' and each key's
// own underscores kept, e.g. MYELIN_SERVER_NAME → server_name, MYELIN_LISTEN_PORT → listen.port,
// MYELIN_RATE_LIMITS_MESSAGE_BURST → rate_limits.message.burst, MYELIN_HTTP_ADAPTER → http.adapter.
// Values are parsed as the default's type (numbers, true/false). MYELIN_ACCEL is also the kernel choice.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DEFAULT_CONFIG } from './defaults.js';
import type { MyelinConfig } from './types.js';

export type { MyelinConfig, ConfigOverrides } from './types.js';
export { DEFAULT_CONFIG } from './defaults.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses YAML text into overrides; syntax errors name the file, line and column. */
export function parseConfigYaml(text: string, source = 'config'): Obj {
  // Loaded only when there is YAML to read: a server started without a config
  // file never pays its ~0.8 MB of resident memory.
  const { parseDocument } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    const where = pos ? `${source}:${pos.line}:${pos.col}` : source;
    throw new ConfigError(`${where}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const value = doc.toJS() as unknown;
  if (value === null || value === undefined) return {};
  if (!isObj(value)) throw new ConfigError(`${source}: the top level must be a mapping of keys (server_name: ..., listen: ...)`);
  return value;
}

/** Merges `over` into `base` key by key, rejecting keys that the defaults do not have and values of the wrong type. */
function merge(base: Obj, over: Obj, path: string, source: string): Obj {
  const out: Obj = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const full = path ? `${path}.${key}` : key;
    if (!Object.hasOwn(base, key)) throw new ConfigError(`${source}: unknown key ${full}`);
    const def = base[key];
    if (isObj(def)) {
      if (!isObj(value)) throw new ConfigError(`${source}: ${full} must be a mapping`);
      out[key] = merge(def, value, full, source);
    } else {
      if (typeof value !== typeof def) throw new ConfigError(`${source}: ${full} must be a ${typeof def}, got ${JSON.stringify(value as Json)}`);
      out[key] = value;
    }
  }
  return out;
}

/** Every leaf key path of the defaults, e.g. ['listen', 'port']. */
function leafPaths(o: Obj, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, v] of Object.entries(o)) {
    if (isObj(v)) out.push(...leafPaths(v, [...prefix, k]));
    else out.push([...prefix, k]);
  }
  return out;
}

export function envName(path: readonly string[]): string {
  return `MYELIN_${path.join('_').toUpperCase()}`;
}

/** The overrides given by MYELIN_* variables (see the rule at the top of this file). */
export function envOverrides(env: NodeJS.ProcessEnv = process.env): Obj {
  const out: Obj = {};
  for (const path of leafPaths(DEFAULT_CONFIG as unknown as Obj)) {
    const name = envName(path);
    const raw = env[name];
    if (raw === undefined) continue;
    let def: unknown = DEFAULT_CONFIG;
    for (const k of path) def = (def as Obj)[k];
    let value: unknown = raw;
    if (typeof def === 'number') {
      value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) throw new ConfigError(`${name}: expected a number, got ${JSON.stringify(raw)}`);
    } else if (typeof def === 'boolean') {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) value = true;
      else if (['0', 'false', 'no', 'off'].includes(v)) value = false;
      else throw new ConfigError(`${name}: expected true or false, got ${JSON.stringify(raw)}`);
    }
    let node = out;
    for (const k of path.slice(0, -1)) node = (node[k] ??= {}) as Obj;
    node[path[path.length - 1]!] = value;
  }
  return out;
}

/** Checks values the types alone do not (ranges, enums, server name grammar). */
export function checkConfig(c: MyelinConfig, source = 'config'): MyelinConfig {
  const fail = (m: string): never => { throw new ConfigError(`${source}: ${m}`); };
  // spec appendices#server-name: hostname or IP literal, optional :port
  if (!/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(c.server_name) || c.server_name.length > 255) {
    fail(`server_name ${JSON.stringify(c.server_name)} is not a valid server name (hostname or IP, optional :port)`);
  }
  if (!Number.isInteger(c.listen.port) || c.listen.port < 0 || c.listen.port > 65535) fail(`listen.port must be an integer 0–65535, got ${c.listen.port}`);
  if (!['auto', 'uws', 'node'].includes(c.http.adapter)) fail(`http.adapter must be auto, uws or node, got ${JSON.stringify(c.http.adapter)}`);
  if (!Number.isInteger(c.http.max_body_bytes) || c.http.max_body_bytes < 1024) fail(`http.max_body_bytes must be an integer ≥ 1024`);
  if (c.store.backend !== 'lmdb') fail(`store.backend must be lmdb, got ${JSON.stringify(c.store.backend)}`);
  if (!['process', 'disk'].includes(c.store.durability)) fail(`store.durability must be process or disk, got ${JSON.stringify(c.store.durability)}`);
  if (!Number.isInteger(c.store.flush_interval_ms) || c.store.flush_interval_ms < 1 || c.store.flush_interval_ms > 60_000) fail('store.flush_interval_ms must be an integer 1–60000');
  if (!['auto', 'native', 'wasm', 'js'].includes(c.accel)) fail(`accel must be auto, native, wasm or js, got ${JSON.stringify(c.accel)}`);
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(c.logging.level)) fail(`logging.level ${JSON.stringify(c.logging.level)} is not a pino level`);
  for (const cls of ['register', 'login', 'message', 'join', 'default'] as const) {
    const r = c.rate_limits[cls];
    if (!(r.per_second > 0) || !(r.burst >= 1)) fail(`rate_limits.${cls}: per_second must be > 0 and burst ≥ 1`);
  }
  if (!c.metrics.path.startsWith('/')) fail('metrics.path must start with /');
  if (!/^([1-9]|1[0-2])$/.test(c.rooms.default_room_version)) fail(`rooms.default_room_version must be one of 1–12`);
  if (c.public_baseurl && !/^https?:\/\//.test(c.public_baseurl)) fail('public_baseurl must start with http:// or https://');
  if (c.registration.token && !/^[A-Za-z0-9._~-]{1,64}$/.test(c.registration.token)) fail('registration.token must be 1–64 characters of [A-Za-z0-9._~-] (spec registration token grammar)');
  return c;
}

/** defaults ← each override in order (YAML file, env, test overrides). */
export function buildConfig(...layers: Array<{ source: string; values: Obj }>): MyelinConfig {
  let c = DEFAULT_CONFIG as unknown as Obj;
  for (const layer of layers) c = merge(c, layer.values, '', layer.source);
  return checkConfig(c as unknown as MyelinConfig);
}

/** The configuration for `myelin start [--config FILE]`: defaults ← FILE ← MYELIN_* env. */
export function loadConfig(file?: string, env: NodeJS.ProcessEnv = process.env): MyelinConfig {
  const layers: Array<{ source: string; values: Obj }> = [];
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    layers.push({ source: file, values: parseConfigYaml(text, file) });
  }
  layers.push({ source: 'environment', values: envOverrides(env) });
  return buildConfig(...layers);
}

/** The base URL clients use, with a trailing slash. */
export function publicBaseUrl(c: MyelinConfig): string {
  if (c.public_baseurl) return c.public_baseurl.endsWith('/') ? c.public_baseurl : `${c.public_baseurl}/`;
  const host = c.listen.host === '0.0.0.0' || c.listen.host === '::' ? 'localhost' : c.listen.host.includes(':') ? `[${c.listen.host}]` : c.listen.host;
  return `http://${host}:${c.listen.port}/`;
}

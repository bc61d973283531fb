// The shape of Myelin's configuration (one YAML file; see defaults.ts for every key,
// its default and what it does, and docs/config.md for the operator's view).
import type { AccelChoice } from '../accel/index.js';
import type { RateLimitClass } from '../api/route.js';

export interface RateLimitSetting {
  /** sustained requests per second per requester (user, or IP when unauthenticated) */
  readonly per_second: number;
  /** bucket size: requests allowed in a burst before limiting starts */
  readonly burst: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface MyelinConfig {
  readonly server_name: string;
  /** the URL clients reach us at; '' derives http://<listen.host>:<listen.port>/ */
  readonly public_baseurl: string;
  readonly listen: { readonly host: string; readonly port: number };
  readonly http: {
    readonly adapter: 'auto' | 'uws' | 'node';
    readonly max_body_bytes: number;
    /** header `X-Forwarded-For` is trusted for the client IP (behind a reverse proxy) */
    readonly trust_forwarded_for: boolean;
  };
  readonly store: {
    readonly backend: 'lmdb';
    readonly path: string;
    readonly map_size_mb: number;
    readonly durability: 'process' | 'disk';
    readonly flush_interval_ms: number;
  };
  readonly accel: AccelChoice;
  readonly registration: {
    readonly enabled: boolean;
    /** true: anyone may register without a registration token */
    readonly open: boolean;
    /** the token required when not open; '' → generated on first start, printed, stored in <store.path>/registration_token */
    readonly token: string;
    readonly allow_guests: boolean;
  };
  readonly rate_limits: { readonly enabled: boolean } & { readonly [K in Exclude<RateLimitClass, 'none'>]: RateLimitSetting };
  readonly logging: {
    readonly level: LogLevel;
    /** one info line per request (method, route, status, ms, user; never tokens or query strings) */
    readonly requests: boolean;
  };
  readonly metrics: { readonly enabled: boolean; readonly path: string };
  readonly well_known: {
    /** base_url in /.well-known/matrix/client; '' → public_baseurl */
    readonly client_base_url: string;
    /** `m.server` in /.well-known/matrix/server; '' → not served (404) */
    readonly server: string;
  };
  readonly rooms: { readonly default_room_version: string };
}

/** Deep partial, for YAML files, env overrides and test overrides. */
export type ConfigOverrides = { [K in keyof MyelinConfig]?: MyelinConfig[K] extends object ? Partial<{ [P in keyof MyelinConfig[K]]: MyelinConfig[K][P] extends object ? Partial<MyelinConfig[K][P]> : MyelinConfig[K][P] }> : MyelinConfig[K] };

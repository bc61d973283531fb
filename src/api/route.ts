// An endpoint declared as data. The router, access-token auth, rate limiting, body
// validation, metrics labels and the route listing are all derived from these records.
// One endpoint per file (STYLE.md); each file exports `route({...})` and is listed in
// src/api/client/index.ts.

import type { HttpRequest } from '../http/types.js';
import type { Services } from '../server/services.js';
import type { Schema } from './schema.js';

export type AuthKind = 'none' | 'access_token' | 'optional_access_token';
/** Buckets are configured per class in config `rate_limits.<class>`; 'none' is never limited. */
export type RateLimitClass = 'none' | 'register' | 'login' | 'message' | 'join' | 'default';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Requester {
  readonly userId: string;
  readonly deviceId: string;
  readonly accessTokenId: number | string;
  readonly isGuest: boolean;
}

export interface RouteContext<B = unknown> {
  readonly req: HttpRequest;
  /** path parameters, percent-decoded */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** parsed + validated JSON body; undefined when the route declares no body schema and none was sent */
  readonly body: B;
  /** the authenticated user. Set on 'access_token' routes; on other routes reading it throws M_MISSING_TOKEN. */
  readonly requester: Requester;
  /** the user when a valid token was given on 'optional_access_token' (and 'access_token') routes */
  readonly optionalRequester: Requester | undefined;
  readonly services: Services;
  /** also logged with every line about this request */
  readonly requestId: string;
  /** aborted when the client goes away or the server shuts down (long-polls stop early) */
  readonly signal: AbortSignal;
  /** the version segment the request used ('r0', 'v3', 'v1', ...), '' for unversioned paths */
  readonly version: string;
}

export type ApiResult =
  | { status?: number; body: unknown; headers?: Record<string, string> }
  | { status?: number; raw: Uint8Array | string; contentType: string; headers?: Record<string, string> };

export interface Route<B = unknown> {
  readonly method: HttpMethod;
  /** e.g. '/_matrix/client/{v}/rooms/{roomId}/send/{eventType}/{txnId}'; {v} is each of `versions` */
  readonly path: string;
  /** default ['r0', 'v3'] when the path contains {v} */
  readonly versions?: readonly string[];
  readonly auth: AuthKind;
  readonly rateLimit: RateLimitClass;
  /** request body schema (PUT/POST). Without one, a body is still parsed when sent and must be a JSON object. */
  readonly body?: Schema<B>;
  /** per-route body limit in bytes, below the server's http.max_body_bytes */
  readonly maxBodyBytes?: number;
  /**
   * Whether guest accounts may call this route (spec: client-server-api#guest-access lists
   * them): true, or a test of the path parameters (profile: the display name only). Absent:
   * a guest's request is refused with 403 M_GUEST_ACCESS_FORBIDDEN by the router.
   */
  readonly guests?: boolean | ((params: Readonly<Record<string, string>>) => boolean);
  /** spec section, e.g. 'client-server-api#put_matrixclientv3roomsroomidsendeventtypetxnid' */
  readonly spec: string;
  handler(ctx: RouteContext<B>): Promise<ApiResult> | ApiResult;
}

/** Identity function that gives `B` from the body schema to the handler. */
export function route<B = undefined>(r: Route<B>): Route<B> {
  return r;
}

/** A route of any body type, as the route table holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = Route<any>;

export const DEFAULT_VERSIONS: readonly string[] = ['r0', 'v3'];

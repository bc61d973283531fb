// The router, derived from the route table: matching (with {v} version expansion and
// percent-decoded params), CORS, 404/405 M_UNRECOGNIZED, body limits and JSON parsing,
// auth, rate limiting, validation, error rendering, request ids, access log and latency metrics.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { CORS_HEADERS } from '../http/cors.js';
import type { HttpRequest, HttpResponse, RequestHandler } from '../http/types.js';
import type { Metrics } from '../server/metrics.js';
import type { Services } from '../server/services.js';
import { authenticate } from './auth.js';
import { MatrixError, badJson, guestAccessForbidden, invalidParam, limitExceeded, missingToken, notJson, tooLarge, unrecognized } from './errors.js';
import type { RateLimiter } from './rate-limit.js';
import { DEFAULT_VERSIONS, type AnyRoute, type ApiResult, type Requester, type RouteContext } from './route.js';
import { validate } from './schema.js';

interface Endpoint {
  readonly route: AnyRoute;
  /** param names in segment order */
  readonly version: string;
}

interface Node {
  readonly literal: Map<string, Node>;
  param?: { readonly name: string; readonly node: Node };
  readonly methods: Map<string, Endpoint>;
}

const newNode = (): Node => ({ literal: new Map(), methods: new Map() });

export interface RouterOptions {
  readonly routes: readonly AnyRoute[];
  readonly services: Services;
  readonly rateLimiter: RateLimiter;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** the server-wide body limit (adapters enforce it too, while streaming) */
  readonly maxBodyBytes: number;
  /** take the client IP from X-Forwarded-For */
  readonly trustForwardedFor?: boolean;
  /** log one info line per request (else debug) */
  readonly accessLog?: boolean;
}

/** Concrete paths of a route: {v} replaced by each version. */
export function expandPaths(route: AnyRoute): { path: string; version: string }[] {
  if (!route.path.includes('{v}')) return [{ path: route.path, version: '' }];
  return (route.versions ?? DEFAULT_VERSIONS).map((v) => ({ path: route.path.replaceAll('{v}', v), version: v }));
}

const NO_PARAMS: readonly string[] = Object.freeze([]);

export class RouteTable {
  private readonly root = newNode();
  /**
   * Paths without parameters → their methods: one lookup answers most requests (/sync,
   * /versions) without splitting the path. The walk would find the same endpoint: it tries
   * literal segments before parameters, so the all-literal path is the first it completes.
   */
  private readonly exact = new Map<string, Map<string, Endpoint>>();

  constructor(routes: readonly AnyRoute[]) {
    for (const route of routes) {
      for (const { path, version } of expandPaths(route)) this.add(path, version, route);
    }
  }

  private add(path: string, version: string, route: AnyRoute): void {
    let node = this.root;
    for (const seg of path.split('/').slice(1)) {
      const m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(seg);
      if (m) {
        if (node.param && node.param.name !== m[1]) {
          throw new Error(`route table: ${route.method} ${route.path}: parameter {${m[1]}} conflicts with {${node.param.name}} at the same position`);
        }
        node.param ??= { name: m[1]!, node: newNode() };
        node = node.param.node;
      } else {
        let next = node.literal.get(seg);
        if (!next) { next = newNode(); node.literal.set(seg, next); }
        node = next;
      }
    }
    if (node.methods.has(route.method)) throw new Error(`route table: ${route.method} ${path} is declared twice`);
    node.methods.set(route.method, { route, version });
    if (!path.includes('{')) this.exact.set(path, node.methods);
  }

  /**
   * The endpoint for method + raw path; `methods` lists what the path allows when the
   * method does not match (405), empty when the path is unknown (404).
   */
  match(method: string, rawPath: string): { endpoint: Endpoint; rawParams: readonly string[] } | { endpoint: undefined; methods: string[] } {
    const exact = this.exact.get(rawPath)?.get(method);
    if (exact !== undefined) return { endpoint: exact, rawParams: NO_PARAMS };
    const segs = rawPath.split('/');
    if (segs[0] !== '') return { endpoint: undefined, methods: [] };
    const rawParams: string[] = [];
    let allowed: string[] = [];
    const walk = (node: Node, i: number): Endpoint | undefined => {
      if (i === segs.length) {
        const e = node.methods.get(method);
        if (e) return e;
        if (allowed.length === 0 && node.methods.size > 0) allowed = [...node.methods.keys()];
        return undefined;
      }
      const seg = segs[i]!;
      const lit = node.literal.get(seg);
      if (lit) {
        const e = walk(lit, i + 1);
        if (e) return e;
      }
      if (node.param) {
        rawParams.push(seg);
        const e = walk(node.param.node, i + 1);
        if (e) return e;
        rawParams.pop();
      }
      return undefined;
    };
    const endpoint = walk(this.root, 1);
    return endpoint ? { endpoint, rawParams } : { endpoint: undefined, methods: allowed };
  }

  paramNames(route: AnyRoute): string[] {
    return [...route.path.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!).filter((n) => n !== 'v');
  }
}

/** Frozen: shared by every JSON response (the uWS adapter keeps their header lines). */
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ ...CORS_HEADERS, 'content-type': 'application/json' });
/** fatal: invalid UTF-8 is not JSON (rather than silently becoming U+FFFD) */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const KNOWN_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD']);
const NO_BODY_METHODS = new Set(['GET', 'DELETE', 'HEAD']);

/** 405 with the Allow header RFC 9110 §15.5.6 requires; OPTIONS is answered on every path (CORS). */
function methodNotAllowed(method: string, methods: readonly string[]): MatrixError {
  const allow = [...methods, 'OPTIONS'].join(', ');
  return new MatrixError(405, 'M_UNRECOGNIZED', `${method} is not allowed here (use ${methods.join(', ')})`, undefined, { allow });
}

function render(e: MatrixError): HttpResponse {
  return { status: e.status, headers: e.headers ? { ...JSON_HEADERS, ...e.headers } : JSON_HEADERS, body: JSON.stringify(e.toJSON()) };
}

function toResponse(r: ApiResult): HttpResponse {
  const status = r.status ?? 200;
  if ('raw' in r) {
    const headers = r.headers === undefined && r.contentType === 'application/json' ? JSON_HEADERS : { ...CORS_HEADERS, 'content-type': r.contentType, ...(r.headers ?? {}) };
    return { status, headers, body: r.raw };
  }
  return { status, headers: r.headers ? { ...JSON_HEADERS, ...r.headers } : JSON_HEADERS, body: JSON.stringify(r.body ?? {}) };
}

function decodeParam(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidParam(`Path parameter ${name} is not valid percent-encoding`);
  }
}

const requestIdPrefix = randomBytes(3).toString('hex');
let requestCounter = 0;
/** A process-unique request id, made when something asks for it (logs, handlers): most requests never do. */
function newRequestId(): string {
  return `${requestIdPrefix}-${(++requestCounter).toString(36)}`;
}

/** The request's id in logs: the handler's, when it had one (a request unmatched or refused before its handler gets a new one). */
function requestIdOf(ctx: Context | undefined): string {
  return ctx !== undefined ? ctx.requestId : newRequestId();
}

export function createRouter(opts: RouterOptions): RequestHandler {
  const table = new RouteTable(opts.routes);
  const paramNames = new Map<AnyRoute, string[]>();
  for (const r of opts.routes) paramNames.set(r, table.paramNames(r));
  const { services, rateLimiter, log, metrics } = opts;
  const logLevel = opts.accessLog === false ? 'debug' : 'info';

  return async function handle(req: HttpRequest): Promise<HttpResponse> {
    const started = performance.now();
    let ctx: Context | undefined;
    let routeLabel = '<unmatched>';
    let userId: string | undefined;
    let response: HttpResponse;
    try {
      if (req.method === 'OPTIONS') {
        // CORS preflight, for every path (spec: client-server-api#web-browser-clients).
        response = { status: 204, headers: CORS_HEADERS };
      } else {
        const m = table.match(req.method, req.path);
        if (!m.endpoint) {
          throw m.methods.length > 0 ? methodNotAllowed(req.method, m.methods) : unrecognized(404);
        }
        const { route, version } = m.endpoint;
        routeLabel = route.path;
        const names = paramNames.get(route)!;
        const params: Record<string, string> = {};
        for (let i = 0; i < names.length; i++) params[names[i]!] = decodeParam(m.rawParams[i]!, names[i]!);

        const limit = Math.min(route.maxBodyBytes ?? opts.maxBodyBytes, opts.maxBodyBytes);
        if (req.body.length > limit) throw tooLarge(`Request body larger than ${limit} bytes`);

        // (LMDB answers synchronously: no await, so no microtask, when there is no promise)
        const found = authenticate(req, route.auth, services.users, () => clientIp(req, opts.trustForwardedFor ?? false));
        const requester = found instanceof Promise ? await found : found;
        userId = requester?.userId;
        if (requester !== undefined && requester.isGuest && !guestsMay(route, params)) {
          throw guestAccessForbidden(`Guest accounts cannot use ${route.method} ${route.path.replace('{v}', version)}`);
        }

        const wait = route.rateLimit === 'none' ? 0 : rateLimiter.take(route.rateLimit, requester?.userId ?? clientIp(req, opts.trustForwardedFor ?? false));
        if (wait > 0) {
          metrics.rateLimited.inc({ class: route.rateLimit });
          throw limitExceeded(wait);
        }

        const body = parseBody(route, req);
        ctx = new Context(req, params, body, requester, services, version);
        const result = route.handler(ctx);
        response = toResponse(result instanceof Promise ? await result : result);
      }
    } catch (err) {
      if (err instanceof MatrixError) {
        response = render(err);
      } else {
        log.error({ requestId: requestIdOf(ctx), route: routeLabel, method: req.method, err }, 'request failed');
        response = render(new MatrixError(500, 'M_UNKNOWN', 'Internal server error'));
      }
    }
    const seconds = (performance.now() - started) / 1e3;
    // Labels stay bounded: route patterns, known methods only.
    const methodLabel = KNOWN_METHODS.has(req.method) ? req.method : 'other';
    metrics.requestDuration.child(routeLabel, methodLabel, response.status).observe(seconds);
    // Never the query string (legacy access_token) nor headers (Authorization).
    if (log.isLevelEnabled(logLevel)) {
      log[logLevel]({ requestId: requestIdOf(ctx), method: req.method, route: routeLabel, status: response.status, ms: Math.round(seconds * 1e4) / 10, user: userId }, 'request');
    }
    return response;
  };
}

/** The route's `guests` declaration for these path parameters. */
function guestsMay(route: AnyRoute, params: Readonly<Record<string, string>>): boolean {
  const g = route.guests;
  return g === true || (typeof g === 'function' && g(params));
}

function clientIp(req: HttpRequest, trustForwardedFor: boolean): string {
  if (trustForwardedFor) {
    const fwd = req.headers['x-forwarded-for'];
    if (fwd) return fwd.split(',')[0]!.trim();
  }
  return req.remoteAddress;
}

function parseBody(route: AnyRoute, req: HttpRequest): unknown {
  const empty = req.body.length === 0;
  if (NO_BODY_METHODS.has(req.method) && empty) return undefined;
  let value: unknown;
  if (empty) {
    // POST/PUT without a body: an empty object, so the schema decides (missing fields → M_MISSING_PARAM).
    if (!route.body) return undefined;
    value = {};
  } else {
    try {
      value = JSON.parse(utf8.decode(req.body));
    } catch {
      throw notJson('Content not JSON');
    }
  }
  if (route.body) return validate(route.body, value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badJson('Content must be a JSON object');
  return value;
}

/** A handler's view of its request (a class: one shape, accessors on the prototype). */
class Context implements RouteContext<unknown> {
  /** the request id, once someone asked for it (the access log uses the same) */
  knownRequestId: string | undefined = undefined;

  constructor(
    readonly req: HttpRequest,
    readonly params: Record<string, string>,
    readonly body: unknown,
    readonly optionalRequester: Requester | undefined,
    readonly services: Services,
    readonly version: string,
  ) {}

  get requestId(): string {
    return (this.knownRequestId ??= newRequestId());
  }

  get query(): URLSearchParams {
    return this.req.query;
  }

  get signal(): AbortSignal {
    return this.req.signal;
  }

  get requester(): Requester {
    if (!this.optionalRequester) throw missingToken();
    return this.optionalRequester;
  }
}

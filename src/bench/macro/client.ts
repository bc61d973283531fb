// The load generator of the macro suites: a small client-server API client
// over our own HTTP/1.1 keep-alive connections (./http1.ts: one connection
// per request in flight, minimal parsing), with per-request latency. It
// registers users through the normal API (user-interactive auth with
// m.login.dummy or m.login.registration_token) or, given a shared secret,
// Synapse's admin registration endpoint. Measured loops use prepared requests
// (`prepare`, `timed`): the request bytes are built once and 2xx bodies are
// counted, not parsed.
import { createHmac } from 'node:crypto';
import type { Target } from '../suite.js';
import { Http1Pool } from './http1.js';

export const LOAD_GENERATOR = 'Myelin bench HTTP/1.1 client (node:net keep-alive, one connection per request in flight, in-process)';

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly bytes: number;
  /** request start to last byte of the response */
  readonly latencyNs: number;
}

export class MatrixApiError extends Error {
  override readonly name = 'MatrixApiError';
  constructor(readonly method: string, readonly path: string, readonly status: number, readonly body: unknown) {
    const err = (body as { errcode?: string; error?: string } | undefined);
    super(`${method} ${path.split('?')[0]} → ${status}${err?.errcode ? ` ${err.errcode}` : ''}${err?.error ? `: ${err.error}` : ''}`);
  }
}

export interface Session {
  readonly userId: string;
  readonly accessToken: string;
}

/** A request ready to write: its bytes are built once and may be sent many times. */
export interface PreparedRequest {
  readonly method: string;
  readonly path: string;
  readonly data: string | Buffer;
  /** the same request for another generator (wrk): path with the target's base path, headers, body */
  readonly parts: { readonly path: string; readonly headers: Readonly<Record<string, string>>; readonly body?: string };
}

/** 429 answers retried per request before giving up */
export const MAX_RATE_LIMIT_RETRIES = 8;

/** How long one request may take before it is abandoned (a bench never hangs). */
export const REQUEST_TIMEOUT_MS = 60_000;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

function parseBody(raw: Buffer | undefined): unknown {
  if (!raw || raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try { return JSON.parse(text); } catch { return text.slice(0, 200); }
}

export class MatrixClient {
  private readonly pool: Http1Pool;
  private readonly basePath: string;
  private readonly hostHeader: string;

  /** @param connections keep-alive connections at most (= requests in flight at once) */
  constructor(readonly target: Target, connections = 64) {
    const base = new URL(target.url);
    const tls = base.protocol === 'https:';
    const port = base.port ? Number(base.port) : tls ? 443 : 80;
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.hostHeader = base.host;
    this.pool = new Http1Pool({ host: base.hostname.replace(/^\[|\]$/g, ''), port, tls, timeoutMs: REQUEST_TIMEOUT_MS }, connections);
  }

  close(): void {
    this.pool.close();
  }

  /** TCP (or TLS) connections opened so far: one per request in flight when keep-alive holds */
  get connects(): number {
    return this.pool.connects;
  }

  /** Builds a request's bytes once (a JSON body, a bearer token). */
  prepare(method: string, path: string, body?: unknown, accessToken?: string): PreparedRequest {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const fullPath = this.basePath + path;
    let head = `${method} ${fullPath} HTTP/1.1\r\nHost: ${this.hostHeader}\r\nAccept: application/json\r\n`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (accessToken) { head += `Authorization: Bearer ${accessToken}\r\n`; headers.Authorization = `Bearer ${accessToken}`; }
    if (payload === undefined) {
      // a body-less POST/PUT still says so, as HTTP/1.1 asks
      if (method === 'POST' || method === 'PUT') head += 'Content-Length: 0\r\n';
      return { method, path, data: Buffer.from(head + '\r\n', 'latin1'), parts: { path: fullPath, headers } };
    }
    head += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n\r\n`;
    headers['Content-Type'] = 'application/json';
    return { method, path, data: Buffer.from(head + payload, 'utf8'), parts: { path: fullPath, headers, body: payload } };
  }

  /** One prepared request, any status (callers decide what is an error); the body is parsed when kept. */
  async exchange(req: PreparedRequest, keepBody = true): Promise<ApiResponse> {
    const r = await this.pool.request(req.data, { head: req.method === 'HEAD', keepBody, retryable: IDEMPOTENT.has(req.method) });
    return { status: r.status, body: r.body === undefined ? undefined : parseBody(r.body), bytes: r.bytes, latencyNs: r.latencyNs };
  }

  /** One request; resolves with any status (callers decide what is an error). */
  request(method: string, path: string, body?: unknown, accessToken?: string): Promise<ApiResponse> {
    return this.exchange(this.prepare(method, path, body, accessToken));
  }

  /** requests the server answered 429 (rate limited), and the time spent waiting as it asked */
  rateLimited = 0;
  rateLimitedWaitMs = 0;

  /**
   * A request, with 429 answers retried after the server's retry_after_ms (as
   * a client would); the latency then includes the waits, and they are counted.
   */
  async exchangeRetrying(req: PreparedRequest, keepBody = true, first?: ApiResponse): Promise<ApiResponse> {
    let waitedNs = 0;
    for (let attempt = 0; ; attempt++) {
      const r = attempt === 0 && first ? first : await this.exchange(req, keepBody);
      if (r.status !== 429 || attempt >= MAX_RATE_LIMIT_RETRIES) return waitedNs ? { ...r, latencyNs: r.latencyNs + waitedNs } : r;
      const advised = Number((r.body as { retry_after_ms?: unknown } | undefined)?.retry_after_ms);
      const waitMs = Math.min(Number.isFinite(advised) && advised > 0 ? advised : 1000, 5000);
      this.rateLimited++;
      this.rateLimitedWaitMs += waitMs;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waitedNs += r.latencyNs + waitMs * 1e6;
    }
  }

  requestRetrying(method: string, path: string, body?: unknown, accessToken?: string): Promise<ApiResponse> {
    return this.exchangeRetrying(this.prepare(method, path, body, accessToken));
  }

  /**
   * The measured loops' request: must succeed (2xx; 429s retried), the body
   * is counted but not parsed (kept only to report an error).
   */
  async timed(req: PreparedRequest): Promise<{ latencyNs: number; bytes: number }> {
    // fast path: one exchange with the pool, nothing parsed; 429s and errors take the slow one
    const raw = await this.pool.request(req.data, { head: req.method === 'HEAD', keepBody: false, retryable: IDEMPOTENT.has(req.method) });
    if (raw.status >= 200 && raw.status < 300) return raw;
    const answered = { ...raw, body: parseBody(raw.body) };
    const r = raw.status === 429 ? await this.exchangeRetrying(req, false, answered) : answered;
    if (r.status < 200 || r.status >= 300) throw new MatrixApiError(req.method, req.path, r.status, r.body);
    return { latencyNs: r.latencyNs, bytes: r.bytes };
  }

  /** A prepared request that must succeed (2xx), 429s retried; returns the parsed body and latency. */
  async callPrepared<T = Record<string, unknown>>(req: PreparedRequest): Promise<{ body: T; latencyNs: number; bytes: number }> {
    const r = await this.exchangeRetrying(req);
    if (r.status < 200 || r.status >= 300) throw new MatrixApiError(req.method, req.path, r.status, r.body);
    return { body: r.body as T, latencyNs: r.latencyNs, bytes: r.bytes };
  }

  /** A request that must succeed (2xx), 429s retried; returns the parsed body and latency. */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, accessToken?: string): Promise<{ body: T; latencyNs: number; bytes: number }> {
    return this.callPrepared<T>(this.prepare(method, path, body, accessToken));
  }

  /** Registers a user (or logs in when the name is taken) and returns a session. */
  async registerOrLogin(username: string, password: string): Promise<Session> {
    if (this.target.sharedSecret) return this.registerWithSharedSecret(username, password);
    let auth: Record<string, unknown> | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await this.requestRetrying('POST', '/_matrix/client/v3/register', { username, password, ...(auth ? { auth } : {}) });
      const body = (r.body ?? {}) as Record<string, unknown>;
      if (r.status === 200) return { userId: String(body.user_id), accessToken: String(body.access_token) };
      if (r.status === 400 && body.errcode === 'M_USER_IN_USE') return this.login(username, password);
      if (r.status !== 401 || !Array.isArray(body.flows)) throw new MatrixApiError('POST', '/_matrix/client/v3/register', r.status, r.body);
      auth = this.nextStage(body);
    }
    throw new Error(`registering ${username}: user-interactive auth did not complete in 5 steps`);
  }

  /** Picks the next stage of a flow this client can complete (dummy, registration token). */
  private nextStage(uia: Record<string, unknown>): Record<string, unknown> {
    const done = new Set((uia.completed as string[] | undefined) ?? []);
    const session = typeof uia.session === 'string' ? uia.session : undefined;
    const can = (s: string) => s === 'm.login.dummy' || (s === 'm.login.registration_token' && this.target.registrationToken !== undefined);
    const flows = (uia.flows as { stages?: string[] }[]).map((f) => f.stages ?? []);
    const flow = flows.find((stages) => stages.every(can));
    if (!flow) {
      const needs = flows.map((f) => f.join(' + ')).join(' | ');
      throw new Error(`the target's registration needs stages this bench cannot do (${needs}); give --shared-secret or --registration-token`);
    }
    const stage = flow.find((s) => !done.has(s)) ?? 'm.login.dummy';
    return { type: stage, ...(session ? { session } : {}), ...(stage === 'm.login.registration_token' ? { token: this.target.registrationToken } : {}) };
  }

  /** Synapse's shared-secret registration: GET a nonce, POST with an HMAC-SHA1 of nonce, user, password, admin flag. */
  async registerWithSharedSecret(username: string, password: string): Promise<Session> {
    const path = '/_synapse/admin/v1/register';
    const { body: n } = await this.call<{ nonce: string }>('GET', path);
    const mac = createHmac('sha1', this.target.sharedSecret!).update(`${n.nonce}\0${username}\0${password}\0notadmin`).digest('hex');
    const r = await this.requestRetrying('POST', path, { nonce: n.nonce, username, password, admin: false, mac });
    const body = (r.body ?? {}) as Record<string, unknown>;
    if (r.status === 200) return { userId: String(body.user_id), accessToken: String(body.access_token) };
    if (r.status === 400 && body.errcode === 'M_USER_IN_USE') return this.login(username, password);
    throw new MatrixApiError('POST', path, r.status, r.body);
  }

  async login(username: string, password: string): Promise<Session> {
    const { body } = await this.call<{ user_id: string; access_token: string }>('POST', '/_matrix/client/v3/login', {
      type: 'm.login.password', identifier: { type: 'm.id.user', user: username }, password,
    });
    return { userId: body.user_id, accessToken: body.access_token };
  }

  setDisplayName(s: Session, name: string) {
    return this.call('PUT', `/_matrix/client/v3/profile/${encodeURIComponent(s.userId)}/displayname`, { displayname: name }, s.accessToken);
  }

  async createRoom(s: Session, name: string, preset: 'public_chat' | 'private_chat' = 'public_chat'): Promise<string> {
    const { body } = await this.call<{ room_id: string }>('POST', '/_matrix/client/v3/createRoom', { preset, name }, s.accessToken);
    return body.room_id;
  }

  joinRequest(s: Session, roomId: string): PreparedRequest {
    return this.prepare('POST', `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {}, s.accessToken);
  }

  join(s: Session, roomId: string) {
    return this.callPrepared(this.joinRequest(s, roomId));
  }

  sendRequest(s: Session, roomId: string, txnId: string, body: string): PreparedRequest {
    return this.prepare('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${encodeURIComponent(txnId)}`, { msgtype: 'm.text', body }, s.accessToken);
  }

  send(s: Session, roomId: string, txnId: string, body: string) {
    return this.callPrepared<{ event_id: string }>(this.sendRequest(s, roomId, txnId, body));
  }

  syncRequest(s: Session, since?: string, filter = '{"room":{"timeline":{"limit":20}}}'): PreparedRequest {
    const q = new URLSearchParams({ timeout: '0', filter, ...(since ? { since } : {}) });
    return this.prepare('GET', `/_matrix/client/v3/sync?${q}`, undefined, s.accessToken);
  }

  sync(s: Session, since?: string, filter?: string) {
    return this.callPrepared<{ next_batch: string }>(this.syncRequest(s, since, filter));
  }

  messagesRequest(s: Session, roomId: string, from?: string, limit = 50): PreparedRequest {
    const q = new URLSearchParams({ dir: 'b', limit: String(limit), ...(from ? { from } : {}) });
    return this.prepare('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?${q}`, undefined, s.accessToken);
  }

  messages(s: Session, roomId: string, from?: string, limit = 50) {
    return this.callPrepared<{ chunk: unknown[]; end?: string }>(this.messagesRequest(s, roomId, from, limit));
  }
}

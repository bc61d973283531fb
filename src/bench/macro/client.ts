// The load generator of the macro suites: a small client-server API client
// over node:http keep-alive agents (one socket per concurrent request), with
// per-request latency. It registers users through the normal API (user-
// interactive auth with m.login.dummy or m.login.registration_token) or, given
// a shared secret, Synapse's admin registration endpoint.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Target } from '../suite.js';

export const LOAD_GENERATOR = 'node:http keep-alive agent (Myelin bench client, in-process)';

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

/** 429 answers retried per request before giving up */
export const MAX_RATE_LIMIT_RETRIES = 8;

/** How long one request may take before it is abandoned (a bench never hangs). */
export const REQUEST_TIMEOUT_MS = 60_000;

export class MatrixClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly lib: typeof http | typeof https;

  constructor(readonly target: Target, maxSockets = 64) {
    this.base = new URL(target.url);
    this.lib = this.base.protocol === 'https:' ? https : http;
    this.agent = new this.lib.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  close(): void {
    this.agent.destroy();
  }

  /** One request; resolves with any status (callers decide what is an error). */
  request(method: string, path: string, body?: unknown, accessToken?: string): Promise<ApiResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload) { headers['content-type'] = 'application/json'; headers['content-length'] = String(payload.length); }
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    const basePath = this.base.pathname.replace(/\/+$/, '');
    return new Promise((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const req = this.lib.request({
        protocol: this.base.protocol, hostname: this.base.hostname, port: this.base.port, method, path: basePath + path, headers, agent: this.agent,
        timeout: REQUEST_TIMEOUT_MS,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const latencyNs = Number(process.hrtime.bigint() - t0);
          const raw = Buffer.concat(chunks);
          let parsed: unknown = undefined;
          if (raw.length) {
            try { parsed = JSON.parse(raw.toString('utf8')); } catch { parsed = raw.toString('utf8').slice(0, 200); }
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, bytes: raw.length, latencyNs });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path.split('?')[0]}: no answer in ${REQUEST_TIMEOUT_MS / 1000}s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** requests the server answered 429 (rate limited), and the time spent waiting as it asked */
  rateLimited = 0;
  rateLimitedWaitMs = 0;

  /**
   * A request, with 429 answers retried after the server's retry_after_ms (as
   * a client would); the latency then includes the waits, and they are counted.
   */
  async requestRetrying(method: string, path: string, body?: unknown, accessToken?: string): Promise<ApiResponse> {
    let waitedNs = 0;
    for (let attempt = 0; ; attempt++) {
      const r = await this.request(method, path, body, accessToken);
      if (r.status !== 429 || attempt >= MAX_RATE_LIMIT_RETRIES) return waitedNs ? { ...r, latencyNs: r.latencyNs + waitedNs } : r;
      const advised = Number((r.body as { retry_after_ms?: unknown } | undefined)?.retry_after_ms);
      const waitMs = Math.min(Number.isFinite(advised) && advised > 0 ? advised : 1000, 5000);
      this.rateLimited++;
      this.rateLimitedWaitMs += waitMs;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waitedNs += r.latencyNs + waitMs * 1e6;
    }
  }

  /** A request that must succeed (2xx), 429s retried; returns the parsed body and latency. */
  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, accessToken?: string): Promise<{ body: T; latencyNs: number; bytes: number }> {
    const r = await this.requestRetrying(method, path, body, accessToken);
    if (r.status < 200 || r.status >= 300) throw new MatrixApiError(method, path, r.status, r.body);
    return { body: r.body as T, latencyNs: r.latencyNs, bytes: r.bytes };
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

  join(s: Session, roomId: string) {
    return this.call('POST', `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {}, s.accessToken);
  }

  send(s: Session, roomId: string, txnId: string, body: string) {
    return this.call<{ event_id: string }>('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${encodeURIComponent(txnId)}`, { msgtype: 'm.text', body }, s.accessToken);
  }

  sync(s: Session, since?: string, filter = '{"room":{"timeline":{"limit":20}}}') {
    const q = new URLSearchParams({ timeout: '0', filter, ...(since ? { since } : {}) });
    return this.call<{ next_batch: string }>('GET', `/_matrix/client/v3/sync?${q}`, undefined, s.accessToken);
  }

  messages(s: Session, roomId: string, from?: string, limit = 50) {
    const q = new URLSearchParams({ dir: 'b', limit: String(limit), ...(from ? { from } : {}) });
    return this.call<{ chunk: unknown[]; end?: string }>('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?${q}`, undefined, s.accessToken);
  }
}

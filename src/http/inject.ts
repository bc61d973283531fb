// inject(): run a request through a handler without sockets (handler tests).
import type { HttpRequest, HttpResponse, RequestHandler } from './types.js';

export interface InjectRequest {
  readonly method?: string;
  /** percent-encoded path; may carry a ?query, merged with `query` */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** bytes or text sent as is; any other value is JSON-encoded (with content-type application/json) */
  readonly body?: Uint8Array | string | object | null;
  readonly query?: Readonly<Record<string, string>> | URLSearchParams;
  readonly remoteAddress?: string;
  readonly signal?: AbortSignal;
  /** bearer token shorthand: sets `authorization: Bearer <token>` */
  readonly accessToken?: string;
}

/** The response with the body as text, and parsed JSON when it is JSON. */
export interface InjectedResponse extends HttpResponse {
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  /** JSON.parse(text), or undefined when the body is not JSON */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function inject(handler: RequestHandler, r: InjectRequest): Promise<InjectedResponse> {
  const q = r.path.indexOf('?');
  const path = q >= 0 ? r.path.slice(0, q) : r.path;
  const query = new URLSearchParams(q >= 0 ? r.path.slice(q + 1) : '');
  if (r.query) for (const [k, v] of r.query instanceof URLSearchParams ? r.query : Object.entries(r.query)) query.append(k, v);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
  if (r.accessToken !== undefined) headers.authorization = `Bearer ${r.accessToken}`;
  let body: Uint8Array;
  if (r.body === undefined) body = new Uint8Array(0);
  else if (r.body instanceof Uint8Array) body = r.body;
  else if (typeof r.body === 'string') body = Buffer.from(r.body, 'utf8');
  else {
    body = Buffer.from(JSON.stringify(r.body), 'utf8');
    headers['content-type'] ??= 'application/json';
  }
  if (body.length > 0) headers['content-length'] ??= String(body.length);
  const given = r.signal;
  let lazy: AbortSignal | undefined;
  const req: HttpRequest = {
    method: (r.method ?? 'GET').toUpperCase(),
    path,
    query,
    headers,
    body,
    remoteAddress: r.remoteAddress ?? '127.0.0.1',
    get signal() { return given ?? (lazy ??= new AbortController().signal); },
  };
  const res = await handler(req);
  const text = res.body === undefined ? '' : typeof res.body === 'string' ? res.body : Buffer.from(res.body).toString('utf8');
  let json: unknown;
  try { json = text === '' ? undefined : JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: { ...(res.headers ?? {}) }, body: res.body, text, json };
}

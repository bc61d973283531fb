// The uWebSockets.js adapter (STYLE.md): copy everything from the request before any
// await (uWS reuses it once the callback returns), register onAborted first, collect the
// body with onData while enforcing the size limit, and cork every write.
//
// 'uWebSockets.js' is an npm alias (package.json) so the binary source can be swapped.
// The @trufflesuite build silently falls back to a slow JS shim when its binary does not
// load; loadUws() detects that and reports it instead of using the shim.
import { createRequire } from 'node:module';
import type * as UwsModule from 'uWebSockets.js';
import { type Abortable, Inflight } from './inflight.js';
import { LazyAbort } from './lazy-abort.js';
import { RequestQuery } from './query.js';
import { reasonPhrase } from './status-text.js';
import { declaredLength, tooLargeResponse } from './too-large.js';
import type { HttpRequest, HttpResponse, HttpServer, ListenOptions, RequestHandler } from './types.js';

type Uws = typeof UwsModule;

let cached: Uws | Error | undefined;

/** The native uWS module, or an Error saying why it is unusable (binary missing, JS shim). */
export function loadUws(): Uws | Error {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  // The shim announces itself with console.warn/log; keep those lines for the error instead.
  const said: string[] = [];
  const { warn, log } = console;
  console.warn = (...a: unknown[]) => { said.push(a.map(String).join(' ')); };
  console.log = (...a: unknown[]) => { said.push(a.map(String).join(' ')); };
  try {
    const mod = require('uWebSockets.js') as Uws;
    const native = typeof mod.App === 'function' && Function.prototype.toString.call(mod.App).includes('[native code]');
    cached = native ? mod : new Error(`uWebSockets.js loaded its JavaScript fallback, not the native binary${said.length ? `: ${said.join(' ').replace(/\s+/g, ' ').trim().slice(0, 300)}` : ''}`);
  } catch (err) {
    cached = new Error(`uWebSockets.js did not load: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    console.warn = warn;
    console.log = log;
  }
  return cached;
}

/** uWS.js's LIBUS_LISTEN_EXCLUSIVE_PORT (exported at run time; the typings only have the enum). */
function exclusivePort(uws: Uws): number {
  return (uws as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT?: number }).LIBUS_LISTEN_EXCLUSIVE_PORT ?? 1;
}

/**
 * `200 OK`, made once per status, as bytes: uWS.js copies a JS string argument into a
 * temporary UTF-8 buffer on every call, and takes a Uint8Array's bytes as they are.
 */
const statusLines: Buffer[] = [];
function statusLine(status: number): Buffer {
  return (statusLines[status] ??= Buffer.from(`${status} ${reasonPhrase(status)}`, 'latin1'));
}

function internalError(): HttpResponse {
  return { status: 500, headers: { 'content-type': 'application/json' }, body: '{"errcode":"M_UNKNOWN","error":"Internal server error"}' };
}

const NO_BODY = new Uint8Array(0);

/** The headers req.forEach is copying into: one module-level callback, not a closure per request. */
let collecting: Record<string, string> = {};
function collectHeader(k: string, v: string): void {
  const prev = collecting[k];
  collecting[k] = prev === undefined ? v : `${prev}, ${v}`;
}

/**
 * A response's header lines as [name, value, ...], without those uWS writes itself
 * (content-length, connection). Kept for frozen header objects (the router's shared
 * ones) as bytes (see statusLine), so most responses write them without walking an
 * object or converting a string.
 */
const headerLines = new WeakMap<object, readonly (string | Buffer)[]>();
function linesOf(headers: Readonly<Record<string, string>>): readonly (string | Buffer)[] {
  const known = headerLines.get(headers);
  if (known !== undefined) return known;
  const frozen = Object.isFrozen(headers);
  const lines: (string | Buffer)[] = [];
  for (const k in headers) {
    if (k === 'content-length' || k === 'connection') continue;
    const v = headers[k]!;
    lines.push(frozen ? Buffer.from(k, 'utf8') : k, frozen ? Buffer.from(v, 'utf8') : v);
  }
  if (frozen) headerLines.set(headers, lines);
  return lines;
}

/** What writeCorked writes (cork runs it at once: no closure per response). */
let corkedRes: UwsModule.HttpResponse | undefined;
let corkedAnswer: HttpResponse | undefined;
let corkedClose = false;
function writeCorked(): void {
  const res = corkedRes!;
  const r = corkedAnswer!;
  corkedRes = undefined;
  corkedAnswer = undefined;
  res.writeStatus(statusLine(r.status));
  if (r.headers !== undefined) {
    const lines = linesOf(r.headers);
    for (let i = 0; i < lines.length; i += 2) res.writeHeader(lines[i]!, lines[i + 1]!);
  }
  res.end(r.body ?? '', corkedClose);
}

/**
 * One request and its answer: the request as handlers see it (HttpRequest), and the uWS
 * response it is answered on. One object per request instead of a closure per step.
 * The query string is parsed, the peer address read and the AbortSignal made only when
 * asked for (most requests need none: the token comes in a header, the rate limit is by user).
 * The AbortSignal part is LazyAbort, inherited (still one object per request).
 */
class UwsExchange extends LazyAbort implements HttpRequest, Abortable {
  method = '';
  path = '';
  headers: Readonly<Record<string, string>> = {};
  body: Uint8Array = NO_BODY;
  rawQuery = '';
  /** the client went away (uWS's response must not be touched again) */
  private gone = false;
  /** answered (same) */
  private done = false;
  private parsedQuery: URLSearchParams | undefined = undefined;
  private address: string | undefined = undefined;

  constructor(private readonly res: UwsModule.HttpResponse, private readonly inflight: Inflight) {
    super();
    // first, before anything can fail or wait (STYLE.md)
    res.onAborted(this.clientGone);
  }

  private readonly clientGone = (): void => {
    this.gone = true;
    this.abort(new Error('client disconnected'));
  };

  get query(): URLSearchParams {
    return (this.parsedQuery ??= new RequestQuery(this.rawQuery));
  }

  /**
   * Read from uWS on first use, while the request is being answered (the router asks, if at
   * all, before its first await; uWS makes a new ArrayBuffer for it, ~5 µs): '' once the
   * answer is written or the client is gone, unless it was read before.
   */
  get remoteAddress(): string {
    if (this.address === undefined) {
      if (this.gone || this.done) return '';
      this.address = Buffer.from(this.res.getRemoteAddressAsText()).toString('latin1');
    }
    return this.address;
  }

  dispatch(handler: RequestHandler, body: Uint8Array): void {
    this.body = body;
    this.inflight.add(this);
    handler(this).then(this.answer, this.failed);
  }

  private readonly answer = (r: HttpResponse): void => {
    this.settle(r);
  };

  private readonly failed = (): void => {
    this.settle(internalError());
  };

  /** The handler's promise settled: answer, and leave the in-flight set even if uWS refuses the write (nothing may reject unhandled). */
  private settle(r: HttpResponse): void {
    try {
      this.respond(r);
    } catch {
      // uWS threw on the write (a header it would not take): the connection is left to uWS
    } finally {
      this.inflight.delete(this);
    }
  }

  /** Writes the answer in one corked write (unless the client is gone or it was answered). */
  respond(r: HttpResponse, close = false): void {
    if (this.gone || this.done) return;
    this.done = true;
    corkedRes = this.res;
    corkedAnswer = r;
    corkedClose = close;
    this.res.cork(writeCorked);
  }

  /** The request body, collected with onData within the size limit. */
  readBody(handler: RequestHandler, maxBodyBytes: number): void {
    const chunks: Buffer[] = [];
    let size = 0;
    this.res.onData((chunk, isLast) => {
      if (this.done || this.gone) return;
      size += chunk.byteLength;
      if (size > maxBodyBytes) { this.respond(tooLargeResponse(maxBodyBytes), true); return; }
      // The ArrayBuffer is reused after this callback: copy it.
      chunks.push(Buffer.from(new Uint8Array(chunk)));
      if (isLast) this.dispatch(handler, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
  }
}

export async function listenUws(handler: RequestHandler, opts: ListenOptions): Promise<HttpServer> {
  const uws = loadUws();
  if (uws instanceof Error) throw uws;
  const inflight = new Inflight();
  const app = uws.App();

  app.any('/*', (res, req) => {
    const ex = new UwsExchange(res, inflight);
    // Copy what we need now: `req` is invalid after this callback returns.
    collecting = {};
    req.forEach(collectHeader);
    const headers = collecting;
    ex.headers = headers;
    ex.method = req.getCaseSensitiveMethod().toUpperCase();
    ex.path = req.getUrl();
    ex.rawQuery = req.getQuery() ?? '';

    const length = declaredLength(headers['content-length']);
    if (length > opts.maxBodyBytes) { ex.respond(tooLargeResponse(opts.maxBodyBytes), true); return; }
    const hasBody = length > 0 || (headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked');
    if (hasBody) ex.readBody(handler, opts.maxBodyBytes);
    else ex.dispatch(handler, NO_BODY);
  });

  // Exclusive port: uSockets otherwise sets SO_REUSEPORT, and a second server started on
  // the same port (another store!) would silently share its connections instead of failing.
  // uWS.js takes (host, port, options, cb); its typings only declare (port, options, cb).
  const listenExclusive = app.listen as unknown as (host: string, port: number, options: number, cb: (s: UwsModule.us_listen_socket | false) => void) => void;
  const listenSocket = await new Promise<UwsModule.us_listen_socket>((resolve, reject) => {
    listenExclusive.call(app, opts.host, opts.port, exclusivePort(uws), (s) => {
      if (s) resolve(s);
      else reject(new Error(`uWebSockets.js could not listen on ${opts.host}:${opts.port} (in use?)`));
    });
  });
  const port = uws.us_socket_local_port(listenSocket as unknown as UwsModule.us_socket);

  let closing: Promise<void> | undefined;
  return {
    adapter: 'uws',
    host: opts.host,
    port,
    close() {
      closing ??= (async () => {
        uws.us_listen_socket_close(listenSocket);
        await inflight.drain(5000);
        // The answers written by the drained handlers are flushed by uWS's own
        // loop; closing the sockets in the same tick resets them unsent.
        await new Promise<void>((resolve) => setTimeout(resolve, 20));
        // Closes the keep-alive connections too (else the event loop stays alive).
        (app as unknown as { close?: () => void }).close?.();
      })();
      return closing;
    },
  };
}

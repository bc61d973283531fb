// The uWebSockets.js adapter (STYLE.md): copy everything from the request before any
// await (uWS reuses it once the callback returns), register onAborted first, collect the
// body with onData while enforcing the size limit, and cork every write.
//
// 'uWebSockets.js' is an npm alias (package.json) so the binary source can be swapped.
// The @trufflesuite build silently falls back to a slow JS shim when its binary does not
// load; loadUws() detects that and reports it instead of using the shim.
import { createRequire } from 'node:module';
import type * as UwsModule from 'uWebSockets.js';
import { Inflight } from './inflight.js';
import { LazyAbort } from './lazy-abort.js';
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

const statusLines = new Map<number, string>();
function statusLine(status: number): string {
  let s = statusLines.get(status);
  if (s === undefined) { s = `${status} ${reasonPhrase(status)}`; statusLines.set(status, s); }
  return s;
}

function internalError(): HttpResponse {
  return { status: 500, headers: { 'content-type': 'application/json' }, body: '{"errcode":"M_UNKNOWN","error":"Internal server error"}' };
}

/**
 * A request as handlers see it. The query string is parsed and the peer
 * address decoded only when asked for (most requests need neither: the token
 * comes in a header, the rate limit is by user): each costs more than
 * routing a small request.
 */
class UwsRequest implements HttpRequest {
  private parsedQuery: URLSearchParams | undefined;
  private address: string | undefined;

  constructor(
    readonly method: string,
    readonly path: string,
    private readonly rawQuery: string,
    readonly headers: Readonly<Record<string, string>>,
    readonly body: Uint8Array,
    /** the peer address as uWS gave it (read in the request callback: the response may be gone later) */
    private readonly rawAddress: ArrayBuffer,
    private readonly controller: LazyAbort,
  ) {}

  get query(): URLSearchParams {
    return (this.parsedQuery ??= new URLSearchParams(this.rawQuery));
  }

  get remoteAddress(): string {
    return (this.address ??= Buffer.from(this.rawAddress).toString('latin1'));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }
}

export async function listenUws(handler: RequestHandler, opts: ListenOptions): Promise<HttpServer> {
  const uws = loadUws();
  if (uws instanceof Error) throw uws;
  const inflight = new Inflight();
  const app = uws.App();

  app.any('/*', (res, req) => {
    const state = { aborted: false, done: false };
    const controller = new LazyAbort();
    res.onAborted(() => {
      state.aborted = true;
      controller.abort(new Error('client disconnected'));
    });

    // Copy what we need now: `req` is invalid after this callback returns.
    const headers: Record<string, string> = {};
    req.forEach((k, v) => { headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`; });
    const method = req.getCaseSensitiveMethod().toUpperCase();
    const path = req.getUrl();
    const rawQuery = req.getQuery() ?? '';
    const rawAddress = res.getRemoteAddressAsText();

    const respond = (r: HttpResponse, close = false) => {
      if (state.aborted || state.done) return;
      state.done = true;
      res.cork(() => {
        res.writeStatus(statusLine(r.status));
        if (r.headers) for (const k in r.headers) {
          // uWS writes its own content-length and connection handling.
          if (k === 'content-length' || k === 'connection') continue;
          res.writeHeader(k, r.headers[k]!);
        }
        res.end(r.body ?? '', close);
      });
    };

    const dispatch = (body: Uint8Array) => {
      const request = new UwsRequest(method, path, rawQuery, headers, body, rawAddress, controller);
      inflight.track(controller, handler(request).then(respond, () => respond(internalError())));
    };

    const length = declaredLength(headers['content-length']);
    if (length > opts.maxBodyBytes) { respond(tooLargeResponse(opts.maxBodyBytes), true); return; }
    const hasBody = length > 0 || (headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked');
    if (!hasBody) { dispatch(new Uint8Array(0)); return; }

    const chunks: Buffer[] = [];
    let size = 0;
    res.onData((chunk, isLast) => {
      if (state.done || state.aborted) return;
      size += chunk.byteLength;
      if (size > opts.maxBodyBytes) { respond(tooLargeResponse(opts.maxBodyBytes), true); return; }
      // The ArrayBuffer is reused after this callback: copy it.
      chunks.push(Buffer.from(new Uint8Array(chunk)));
      if (isLast) dispatch(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
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

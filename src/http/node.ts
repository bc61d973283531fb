// The node:http adapter: same behaviour as the uWS one (src/http/uws.ts), used where the
// uWS binary does not load, when config http.adapter is 'node', and for TLS in Node later.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Inflight } from './inflight.js';
import { LazyAbort } from './lazy-abort.js';
import { RequestQuery } from './query.js';
import { declaredLength, tooLargeResponse } from './too-large.js';
import type { HttpRequest, HttpResponse, HttpServer, ListenOptions, RequestHandler } from './types.js';

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function send(res: ServerResponse, r: HttpResponse): void {
  if (res.headersSent || res.destroyed) return;
  const body = r.body === undefined ? undefined : typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
  const headers: Record<string, string | number> = { ...(r.headers ?? {}) };
  headers['content-length'] = body?.length ?? 0;
  res.writeHead(r.status, headers);
  res.end(body);
}

function internalError(): HttpResponse {
  return { status: 500, headers: { 'content-type': 'application/json' }, body: '{"errcode":"M_UNKNOWN","error":"Internal server error"}' };
}

export async function listenNode(handler: RequestHandler, opts: ListenOptions): Promise<HttpServer> {
  const inflight = new Inflight();
  const sockets = new Set<Socket>();

  const server = createServer({ keepAlive: true }, (req, res) => {
    const controller = new LazyAbort();
    // The client went away before we answered: abort the handler's signal.
    res.on('close', () => { if (!res.writableFinished) controller.abort(new Error('client disconnected')); });

    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const headers = headersOf(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = q >= 0 ? url.slice(0, q) : url;
    const query = new RequestQuery(q >= 0 ? url.slice(q + 1) : '');
    const remoteAddress = req.socket.remoteAddress ?? '';

    const tooLarge = () => {
      send(res, tooLargeResponse(opts.maxBodyBytes));
      // Stop reading; the rest of the body is discarded as the connection closes.
      req.removeAllListeners('data');
      req.resume();
    };
    if (declaredLength(headers['content-length']) > opts.maxBodyBytes) { tooLarge(); return; }

    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > opts.maxBodyBytes) { over = true; tooLarge(); return; }
      chunks.push(chunk);
    });
    req.on('error', () => controller.abort(new Error('request error')));
    req.on('end', () => {
      if (over) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const request: HttpRequest = { method, path, query, headers, body, remoteAddress, get signal() { return controller.signal; } };
      inflight.track(controller, handler(request).then(
        (r) => send(res, r),
        () => send(res, internalError()),
      ));
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.once('close', () => sockets.delete(s)); });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    adapter: 'node',
    host: opts.host,
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await inflight.drain(5000);
        // Keep-alive sockets that are idle now (or stuck) go.
        for (const s of sockets) s.destroy();
        await stopped;
      })();
      return closing;
    },
  };
}

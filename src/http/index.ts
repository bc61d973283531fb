// Listening: pick the adapter (config http.adapter: auto | uws | node). 'auto' takes uWS
// when its native binary loads and falls back to node:http, saying why. The node:http
// adapter is imported only when it serves: Node's HTTP stack costs ~1.5 MB RSS.
import { listenUws, loadUws } from './uws.js';
import type { HttpServer, ListenOptions, RequestHandler } from './types.js';

export type { HttpRequest, HttpResponse, HttpServer, ListenOptions, RequestHandler } from './types.js';
export { inject, type InjectRequest, type InjectedResponse } from './inject.js';
export { loadUws } from './uws.js';

export type AdapterChoice = 'auto' | 'uws' | 'node';

export interface ListenResult {
  readonly server: HttpServer;
  /** why uWS was not used when the choice was 'auto' and node:http serves instead */
  readonly fallbackReason?: string;
}

async function listenNode(handler: RequestHandler, opts: ListenOptions): Promise<HttpServer> {
  return (await import('./node.js')).listenNode(handler, opts);
}

export async function listen(handler: RequestHandler, opts: ListenOptions & { adapter: AdapterChoice }): Promise<ListenResult> {
  if (opts.adapter === 'node') return { server: await listenNode(handler, opts) };
  if (opts.adapter === 'uws') return { server: await listenUws(handler, opts) };
  const uws = loadUws();
  if (uws instanceof Error) return { server: await listenNode(handler, opts), fallbackReason: uws.message };
  return { server: await listenUws(handler, opts) };
}

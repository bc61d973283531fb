// The HTTP boundary as handlers see it: plain objects, no uWS or node:http.
// Both adapters (src/http/uws.ts, src/http/node.ts) and inject() produce these.

export interface HttpRequest {
  /** upper-case method */
  readonly method: string;
  /** the path as received, still percent-encoded, without the query string */
  readonly path: string;
  readonly query: URLSearchParams;
  /** header names lower-cased; repeated headers joined with ", " */
  readonly headers: Readonly<Record<string, string>>;
  /** the whole body (already bounded by the adapter's size limit) */
  readonly body: Uint8Array;
  /** the peer's address; read it while handling the request (uWS: '' once answered or the client is gone, unless read before) */
  readonly remoteAddress: string;
  /** aborted when the client goes away (long-polls stop early) */
  readonly signal: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** bytes are written as they are (canonical event bytes can be spliced in) */
  readonly body?: Uint8Array | string;
}

export type RequestHandler = (req: HttpRequest) => Promise<HttpResponse>;

export interface ListenOptions {
  readonly host: string;
  /** 0 picks a free port */
  readonly port: number;
  /** bodies larger than this are answered 413 M_TOO_LARGE without reaching the handler */
  readonly maxBodyBytes: number;
}

export interface HttpServer {
  readonly adapter: 'uws' | 'node';
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

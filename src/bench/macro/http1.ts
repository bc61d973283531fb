// The macro suites' own HTTP/1.1 client: one keep-alive connection per request
// in flight, requests written as one pre-built string or Buffer, responses
// parsed just enough (status line, Content-Length or chunked, Connection:
// close). node:http's client costs tens of µs of CPU per request, which on a
// 2-core machine starves the server under test and inflates latencies; this
// one costs a few µs (figure in bench/README.md). No pipelining.
import net from 'node:net';
import tls from 'node:tls';

export interface RawResponse {
  readonly status: number;
  /** body bytes received (after de-chunking) */
  readonly bytes: number;
  /** the body, when kept (asked for, or the status was not 2xx) */
  readonly body: Buffer | undefined;
  /** from writing the request to the last byte of the response */
  readonly latencyNs: number;
}

export class HttpProtocolError extends Error {
  override readonly name = 'HttpProtocolError';
}

const CRLF2 = Buffer.from('\r\n\r\n');
/** a response head bigger than this is not a Matrix server talking */
const MAX_HEAD_BYTES = 64 * 1024;

const enum State { Head, Length, ChunkSize, ChunkData, ChunkEnd, Trailers, UntilClose, Done }

/**
 * An incremental parser of one HTTP/1.1 response. Bytes arrive in any
 * split (a chunk-size line or a CRLF may straddle two TCP reads).
 */
export class ResponseParser {
  status = 0;
  /** the server asked to close the connection after this response */
  close = false;
  bytes = 0;
  /** bytes of the response seen so far (head included) */
  received = 0;
  private state: State = State.Head;
  private pendingHead: Buffer | undefined;
  private remaining = 0;
  private line = '';
  private parts: Buffer[] | undefined;

  /**
   * @param headRequest the request was HEAD (no body whatever the headers say)
   * @param keepBody keep the body (else it is only counted, and kept only for non-2xx answers)
   */
  constructor(private headRequest = false, private keepBody = true) {}

  /** Ready for the next response on the same connection (saves an allocation per request). */
  reset(headRequest: boolean, keepBody: boolean): this {
    this.headRequest = headRequest;
    this.keepBody = keepBody;
    this.status = 0;
    this.close = false;
    this.bytes = 0;
    this.received = 0;
    this.state = State.Head;
    this.pendingHead = undefined;
    this.remaining = 0;
    this.line = '';
    this.parts = undefined;
    return this;
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /** Until the connection closes, the body may still be growing (no length given). */
  get readsUntilClose(): boolean {
    return this.state === State.UntilClose;
  }

  /** The connection closed: completes a read-until-close body; false if the response is cut short. */
  finishOnClose(): boolean {
    if (this.state === State.UntilClose) { this.state = State.Done; return true; }
    return this.state === State.Done;
  }

  body(): Buffer | undefined {
    const p = this.parts;
    if (!p) return undefined;
    return p.length === 1 ? p[0]! : Buffer.concat(p);
  }

  /** Feeds bytes; returns how many were used (less than given only once done). */
  feed(chunk: Buffer): number {
    this.received += chunk.length;
    let at = 0;
    const n = chunk.length;
    while (at < n && this.state !== State.Done) {
      switch (this.state) {
        case State.Head: at = this.readHead(chunk, at); break;
        case State.Length: {
          const take = Math.min(this.remaining, n - at);
          this.take(chunk, at, take);
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.Done;
          break;
        }
        case State.ChunkSize: case State.Trailers: {
          const lf = chunk.indexOf(10, at);
          const end = lf < 0 ? n : lf;
          this.line += chunk.toString('latin1', at, end);
          if (this.line.length > 8192) throw new HttpProtocolError('chunk-size or trailer line too long');
          at = lf < 0 ? n : lf + 1;
          if (lf >= 0) this.endLine();
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, n - at);
          this.take(chunk, at, take);
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) { this.state = State.ChunkEnd; this.remaining = 2; }
          break;
        }
        case State.ChunkEnd: {
          // the CRLF after a chunk's data, possibly split across reads
          const c = chunk[at]!;
          if ((this.remaining === 2 && c !== 13) || (this.remaining === 1 && c !== 10)) throw new HttpProtocolError('chunk data not followed by CRLF');
          at++;
          if (--this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
        case State.UntilClose:
          this.take(chunk, at, n - at);
          at = n;
          break;
      }
    }
    this.received -= n - at;
    return at;
  }

  private take(chunk: Buffer, at: number, len: number): void {
    if (len <= 0) return;
    this.bytes += len;
    if (this.parts) this.parts.push(chunk.subarray(at, at + len));
  }

  private endLine(): void {
    const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
    this.line = '';
    if (this.state === State.Trailers) {
      if (line === '') this.state = State.Done;
      return;
    }
    const semi = line.indexOf(';'); // chunk extensions are ignored
    const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) throw new HttpProtocolError(`bad chunk size ${JSON.stringify(line.slice(0, 40))}`);
    const size = parseInt(hex, 16);
    if (size === 0) this.state = State.Trailers;
    else { this.remaining = size; this.state = State.ChunkData; }
  }

  private readHead(chunk: Buffer, at: number): number {
    let buf = chunk;
    let from = at;
    if (this.pendingHead) {
      buf = Buffer.concat([this.pendingHead, chunk.subarray(at)]);
      from = 0;
    }
    const searchFrom = this.pendingHead ? Math.max(0, this.pendingHead.length - 3) : from;
    const end = buf.indexOf(CRLF2, searchFrom);
    if (end < 0) {
      if (buf.length - from > MAX_HEAD_BYTES) throw new HttpProtocolError('response head too large');
      this.pendingHead = from === 0 ? buf : buf.subarray(from);
      return chunk.length;
    }
    const consumedOfChunk = this.pendingHead ? end + 4 - this.pendingHead.length + at : end + 4;
    this.pendingHead = undefined;
    this.parseHead(buf.toString('latin1', from, end));
    return consumedOfChunk;
  }

  private parseHead(head: string): void {
    if (!head.startsWith('HTTP/1.') || head.charCodeAt(8) !== 32) throw new HttpProtocolError(`not an HTTP/1.x response: ${JSON.stringify(head.slice(0, 40))}`);
    const status = ((head.charCodeAt(9) - 48) * 100) + ((head.charCodeAt(10) - 48) * 10) + (head.charCodeAt(11) - 48);
    if (!(status >= 100 && status <= 599)) throw new HttpProtocolError(`bad status line ${JSON.stringify(head.split('\r\n')[0])}`);
    const http10 = head.charCodeAt(7) === 48;
    let length = -1;
    let chunked = false;
    let connection = '';
    let i = head.indexOf('\r\n');
    while (i >= 0) {
      const start = i + 2;
      const next = head.indexOf('\r\n', start);
      const stop = next < 0 ? head.length : next;
      const colon = head.indexOf(':', start);
      if (colon > start && colon < stop) {
        const nameLen = colon - start;
        // only three headers matter; compare names only when the length fits
        if (nameLen === 14 || nameLen === 17 || nameLen === 10) {
          const name = head.slice(start, colon).toLowerCase();
          const value = head.slice(colon + 1, stop).trim();
          if (name === 'content-length') {
            if (!/^\d{1,15}$/.test(value)) throw new HttpProtocolError(`bad Content-Length ${JSON.stringify(value)}`);
            length = Number(value);
          } else if (name === 'transfer-encoding') chunked = /(^|,)\s*chunked\s*$/i.test(value);
          else if (name === 'connection') connection = value.toLowerCase();
        }
      }
      i = next;
    }
    if (status < 200) {
      // 100 Continue and other interim answers: the real response follows
      if (status === 101) throw new HttpProtocolError('the server switched protocols');
      return;
    }
    this.status = status;
    this.close = http10 ? !connection.includes('keep-alive') : connection.includes('close');
    if (this.keepBody || status < 200 || status >= 300) this.parts = [];
    if (this.headRequest || status === 204 || status === 304) this.state = State.Done;
    else if (chunked) this.state = State.ChunkSize;
    else if (length >= 0) {
      this.remaining = length;
      this.state = length === 0 ? State.Done : State.Length;
    } else {
      this.state = State.UntilClose;
      this.close = true;
    }
  }
}

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** TLS (https: targets); the certificate is checked as node:https would */
  readonly tls?: boolean;
  /** extra TLS options (e.g. `ca` for a test certificate) */
  readonly tlsOptions?: tls.ConnectionOptions;
  /** a request with no answer for this long fails (a bench never hangs) */
  readonly timeoutMs?: number;
}

interface Pending {
  readonly data: string | Buffer;
  readonly parser: ResponseParser;
  readonly resolve: (r: RawResponse) => void;
  readonly reject: (e: Error) => void;
  readonly retryable: boolean;
  t0: number;
  /** written on a connection that had answered before (the keep-alive race applies) */
  reused: boolean;
}

/** One keep-alive connection; one request at a time. Reconnects when the server closed it. */
export class Http1Connection {
  private socket: net.Socket | undefined;
  private pending: Pending | undefined;
  private answered = 0;
  private readonly parser = new ResponseParser();
  private lastError: Error | undefined;
  /** connections opened so far (1 for a connection kept alive throughout) */
  connects = 0;

  constructor(private readonly options: ConnectionOptions) {}

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Writes one request and resolves with its response. `retryable` (idempotent
   * requests) lets it be sent again once on a new connection when a kept-alive
   * one turns out to have been closed by the server before answering.
   */
  request(data: string | Buffer, options: { head?: boolean; keepBody?: boolean; retryable?: boolean } = {}): Promise<RawResponse> {
    if (this.pending) return Promise.reject(new Error('Http1Connection: one request at a time'));
    return new Promise<RawResponse>((resolve, reject) => {
      this.pending = {
        data, parser: this.parser.reset(options.head === true, options.keepBody !== false), resolve, reject,
        retryable: options.retryable === true, t0: 0, reused: false,
      };
      this.write();
    });
  }

  close(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
    this.failPending(new Error('connection closed by the client'));
  }

  private write(): void {
    const p = this.pending!;
    let s = this.socket;
    if (!s || s.destroyed || !s.writable) s = this.connect();
    p.reused = this.answered > 0;
    p.t0 = performance.now();
    s.write(p.data);
  }

  private connect(): net.Socket {
    this.connects++;
    this.answered = 0;
    this.lastError = undefined;
    const { host, port } = this.options;
    const s = this.options.tls ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...this.options.tlsOptions }) : net.connect({ host, port });
    s.setNoDelay(true);
    s.setTimeout(this.options.timeoutMs ?? 60_000);
    s.on('data', (chunk: Buffer) => this.onData(s, chunk));
    s.on('error', (err) => { if (this.socket === s) this.lastError = err; });
    s.on('close', () => this.onClose(s));
    s.on('timeout', () => {
      if (this.socket !== s) return;
      if (this.pending) this.lastError = new Error(`no answer in ${(this.options.timeoutMs ?? 60_000) / 1000}s`);
      this.socket = undefined;
      s.destroy();
      this.onClose(s);
    });
    this.socket = s;
    return s;
  }

  private onData(s: net.Socket, chunk: Buffer): void {
    if (this.socket !== s) return;
    const p = this.pending;
    if (!p) { // bytes nobody asked for: the connection is out of step
      this.socket = undefined;
      s.destroy();
      return;
    }
    let used: number;
    try {
      used = p.parser.feed(chunk);
    } catch (err) {
      this.socket = undefined;
      s.destroy();
      this.failPending(err as Error);
      return;
    }
    if (!p.parser.done) return;
    if (used < chunk.length || p.parser.close) { // extra bytes (no pipelining here) or Connection: close
      this.socket = undefined;
      s.destroy();
    }
    this.answered++;
    this.complete(p);
  }

  private complete(p: Pending): void {
    this.pending = undefined;
    const latencyNs = Math.round((performance.now() - p.t0) * 1e6);
    p.resolve({ status: p.parser.status, bytes: p.parser.bytes, body: p.parser.body(), latencyNs });
  }

  private onClose(s: net.Socket): void {
    if (this.socket === s) this.socket = undefined;
    else if (this.socket !== undefined) return; // an old socket; a new one serves the pending request
    const p = this.pending;
    if (!p || p.t0 === 0) return;
    if (p.parser.finishOnClose()) { this.complete(p); return; }
    if (p.parser.received === 0 && p.reused && p.retryable && !this.lastError?.message.startsWith('no answer')) {
      this.write(); // the server closed an idle kept-alive connection as we wrote: once more on a new one
      return;
    }
    const why = this.lastError ? this.lastError.message : p.parser.received === 0 ? 'the server closed the connection without answering' : `the server closed the connection mid-response (after ${p.parser.received} bytes)`;
    const err = new Error(why);
    if (this.lastError) (err as Error & { cause?: unknown }).cause = this.lastError;
    this.failPending(err);
  }

  private failPending(err: Error): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    p.reject(err);
  }
}

/** Keep-alive connections to one server, at most `max`; callers beyond that wait their turn. */
export class Http1Pool {
  private readonly idle: Http1Connection[] = [];
  private readonly waiting: { resolve: (c: Http1Connection) => void; reject: (e: Error) => void }[] = [];
  private readonly all: Http1Connection[] = [];
  private closed = false;

  constructor(private readonly options: ConnectionOptions, readonly max: number) {}

  /** connections opened over the pool's life (reconnects included) */
  get connects(): number {
    return this.all.reduce((n, c) => n + c.connects, 0);
  }

  async request(data: string | Buffer, options: { head?: boolean; keepBody?: boolean; retryable?: boolean } = {}): Promise<RawResponse> {
    const c = this.idle.pop() ?? this.open() ?? await new Promise<Http1Connection>((resolve, reject) => this.waiting.push({ resolve, reject }));
    try {
      return await c.request(data, options);
    } finally {
      this.release(c);
    }
  }

  close(): void {
    this.closed = true;
    for (const c of this.all) c.close();
    this.idle.length = 0;
    for (const w of this.waiting.splice(0)) w.reject(new Error('the HTTP client is closed'));
  }

  private open(): Http1Connection | undefined {
    if (this.closed) throw new Error('the HTTP client is closed');
    if (this.all.length >= this.max) return undefined;
    const c = new Http1Connection(this.options);
    this.all.push(c);
    return c;
  }

  private release(c: Http1Connection): void {
    const w = this.waiting.shift();
    if (w) w.resolve(c);
    else if (!this.closed) this.idle.push(c);
  }
}

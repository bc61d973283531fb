// startTestServer(): a whole Myelin on 127.0.0.1 (port 0) over a temp LMDB directory,
// for handler tests (inject, no socket) and over-the-wire tests (url).
// Defaults suited to tests: registration open, rate limits off, logs silent, no
// process metrics. Pass `config` to change any of those (e.g. { rate_limits: { enabled: true } }).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kernels } from '../../src/accel/types.js';
import { buildConfig, type ConfigOverrides, type MyelinConfig } from '../../src/config/index.js';
import { inject, type InjectRequest, type InjectedResponse } from '../../src/http/inject.js';
import { buildServer, startServer, type BuiltServer } from '../../src/server/index.js';
import type { Clock, Services } from '../../src/server/services.js';
import { createLogger } from '../../src/server/log.js';
import type { LogLevel } from '../../src/config/types.js';

export interface TestServerOptions {
  /** 'none' builds the server without a socket (inject only, url is '') */
  readonly adapter?: 'uws' | 'node' | 'auto' | 'none';
  /** config overrides, applied over the test defaults */
  readonly config?: ConfigOverrides;
  readonly clock?: Clock;
  readonly kernels?: Kernels;
  /** log level (default 'silent'; MYELIN_TEST_LOG=debug shows logs) */
  readonly log?: LogLevel;
  /** where log lines go (default stderr); e.g. `{ write: (line) => lines.push(line) }` to assert on logs */
  readonly logStream?: { write(line: string): void };
  /** keep using this store directory (restart tests); otherwise a fresh temp dir removed on close */
  readonly storePath?: string;
}

export interface TestServer {
  /** http://127.0.0.1:<port>, '' when adapter is 'none' */
  readonly url: string;
  readonly adapter: 'uws' | 'node' | 'none';
  readonly services: Services;
  readonly config: MyelinConfig;
  /** the server's handler without sockets; `accessToken` sets the Bearer header */
  inject(req: InjectRequest): Promise<InjectedResponse>;
  readonly server: BuiltServer;
  readonly storePath: string;
  close(): Promise<void>;
}

function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof prev === 'object' && prev !== null
      ? mergeDeep(prev as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const ownDir = opts.storePath === undefined;
  const storePath = opts.storePath ?? mkdtempSync(join(tmpdir(), 'myelin-test-'));
  const adapter = opts.adapter ?? 'auto';
  const defaults = {
    listen: { host: '127.0.0.1', port: 0 },
    http: { adapter: adapter === 'none' ? 'auto' : adapter },
    store: { path: storePath },
    registration: { open: true },
    rate_limits: { enabled: false },
    logging: { level: opts.log ?? ((process.env.MYELIN_TEST_LOG as LogLevel | undefined) ?? 'silent') },
  };
  const values = mergeDeep(defaults, (opts.config ?? {}) as Record<string, unknown>);
  const config = buildConfig({ source: 'test', values });
  const startOpts = {
    processMetrics: false,
    logger: createLogger(config.logging.level, (opts.logStream ?? process.stderr) as unknown as import('pino').DestinationStream),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.kernels ? { kernels: opts.kernels } : {}),
  };
  let built: BuiltServer;
  let url = '';
  let actual: 'uws' | 'node' | 'none' = 'none';
  try {
    if (adapter === 'none') {
      built = await buildServer(config, startOpts);
    } else {
      const running = await startServer(config, startOpts);
      built = running;
      url = running.url;
      actual = running.http.adapter;
    }
  } catch (err) {
    if (ownDir) rmSync(storePath, { recursive: true, force: true });
    throw err;
  }
  let closed: Promise<void> | undefined;
  return {
    url,
    adapter: actual,
    services: built.services,
    config: built.config,
    server: built,
    storePath,
    inject: (req) => inject(built.handler, req),
    close() {
      closed ??= (async () => {
        await built.close();
        if (ownDir) rmSync(storePath, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}

/**
 * A test server listening through `adapter`, or undefined after marking `t`
 * skipped when that adapter does not load on this machine (uWS).
 */
export async function startTestServerOn(t: { skip(message?: string): void }, adapter: 'node' | 'uws'): Promise<TestServer | undefined> {
  let server: TestServer;
  try {
    server = await startTestServer({ adapter });
  } catch (err) {
    if (adapter === 'uws') {
      t.skip(`uWS does not load here: ${(err as Error).message}`);
      return undefined;
    }
    throw err;
  }
  if (server.adapter !== adapter) {
    await server.close();
    t.skip(`${adapter} adapter not available (got ${server.adapter})`);
    return undefined;
  }
  return server;
}

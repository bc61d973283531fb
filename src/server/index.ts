// Composition: config → kernels → store → signing key → services → routes → router → adapter.
// Every service is constructed here, explicitly, with what it uses (no service locator).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DestinationStream, Logger } from 'pino';
import { selectKernels } from '../accel/index.js';
import type { Kernels } from '../accel/types.js';
import { clientRoutes } from '../api/client/index.js';
import { RateLimiter } from '../api/rate-limit.js';
import type { AnyRoute } from '../api/route.js';
import { createRouter } from '../api/router.js';
import { publicBaseUrl } from '../config/index.js';
import type { MyelinConfig } from '../config/types.js';
import { listen } from '../http/index.js';
import type { HttpServer, RequestHandler } from '../http/types.js';
import { domainOf } from '../matrix/ids.js';
import type { RoomEventSink } from '../rooms/pipeline/types.js';
import { RoomReaderImpl } from '../rooms/read/reader.js';
import { RoomServiceImpl } from '../rooms/room-service.js';
import { copyUserStateToReplacement } from '../users/room-upgrade-state.js';
import { openStore, type Store } from '../store/index.js';
import { SyncNotifier } from '../sync/notifier.js';
import { SyncServiceImpl } from '../sync/service.js';
import { createUserService } from '../users/index.js';
import type { UserService } from '../users/service.js';
import { createLogger } from './log.js';
import { Metrics } from './metrics.js';
import { opsRoutes } from './ops-routes.js';
import { registrationPolicy, type RegistrationPolicy } from './registration-token.js';
import type { Clock, Notifier, Services } from './services.js';
import { loadOrCreateSigningKey, type LoadedSigningKey } from './signing-key.js';

export interface StartOptions {
  /** a logger to use (else one is made from config.logging on stdout) */
  readonly logger?: Logger;
  readonly logDestination?: DestinationStream;
  readonly clock?: Clock;
  /** kernels to use (else config.accel chooses) */
  readonly kernels?: Kernels;
  /** collect Node process metrics (default true; tests running many servers turn it off) */
  readonly processMetrics?: boolean;
}

/** Everything but the listening socket: what inject() tests and the server share. */
export interface BuiltServer {
  readonly config: MyelinConfig;
  readonly services: Services;
  readonly handler: RequestHandler;
  readonly routes: readonly AnyRoute[];
  readonly signingKey: LoadedSigningKey;
  readonly registration: RegistrationPolicy;
  /** closes services and the store (not a listener) */
  close(): Promise<void>;
}

export interface RunningServer extends BuiltServer {
  readonly http: HttpServer;
  /** e.g. http://127.0.0.1:8008 (no trailing slash) */
  readonly url: string;
  /** why uWS is not serving when http.adapter is auto */
  readonly fallbackReason?: string;
}

export async function buildServer(config: MyelinConfig, opts: StartOptions = {}): Promise<BuiltServer> {
  const log = opts.logger ?? createLogger(config.logging.level, opts.logDestination);
  const clock: Clock = opts.clock ?? { now: () => Date.now() };
  const kernels = opts.kernels ?? selectKernels(config.accel);
  const metrics = new Metrics({ processMetrics: opts.processMetrics ?? true });

  const storePath = resolve(config.store.path);
  mkdirSync(storePath, { recursive: true });
  const store: Store = await openStore({
    backend: 'lmdb',
    path: storePath,
    mapSize: config.store.map_size_mb * 1024 * 1024,
    durability: config.store.durability,
    flushIntervalMs: config.store.flush_interval_ms,
  });
  try {
    const signingKey = await loadOrCreateSigningKey(store, kernels, config.server_name, clock.now());
    const registration = registrationPolicy(config);

    const notifier: Notifier = new SyncNotifier(metrics.syncWaiters);
    // RoomService is built below and reads profiles from UserService: reached lazily (S3).
    let roomService: RoomServiceImpl | undefined;
    const users: UserService = createUserService({
      store, clock, log, serverName: config.server_name, registration,
      rooms: () => roomService,
      events: notifier,
    });
    // Every persisted event passes through here: count it, then wake /sync.
    const sink: RoomEventSink = {
      roomEvent(event) {
        metrics.eventsPersisted.inc({ origin: domainOf(event.sender) === config.server_name ? 'local' : 'remote' });
        notifier.roomEvent(event);
      },
    };
    const rooms = new RoomServiceImpl({
      store, kernels, clock, signingKey, serverName: config.server_name,
      defaultRoomVersion: config.rooms.default_room_version,
      sink,
      profile: async (userId) => {
        try {
          const p = await users.getProfile(userId);
          return { ...(typeof p.displayname === 'string' ? { displayname: p.displayname } : {}), ...(typeof p.avatar_url === 'string' ? { avatar_url: p.avatar_url } : {}) };
        } catch {
          return undefined;
        }
      },
      joinedReplacement: (userId, oldRoomId, newRoomId) => copyUserStateToReplacement(users, userId, oldRoomId, newRoomId),
    });
    roomService = rooms;
    const sync = new SyncServiceImpl({ store, clock, log, serverName: config.server_name, notifier, users, rooms });
    const services: Services = {
      config, serverName: config.server_name, store, kernels, clock, log, metrics, signingKey, registration,
      users,
      rooms,
      roomReader: new RoomReaderImpl({ store, clock, serverName: config.server_name }),
      sync,
      notifier,
    };

    const routes: AnyRoute[] = [...clientRoutes, ...opsRoutes(config)];
    const handler = createRouter({
      routes, services, log, metrics,
      rateLimiter: new RateLimiter(config.rate_limits, clock),
      maxBodyBytes: config.http.max_body_bytes,
      trustForwardedFor: config.http.trust_forwarded_for,
      accessLog: config.logging.requests,
    });

    let closed: Promise<void> | undefined;
    return {
      config, services, handler, routes, signingKey, registration,
      close() {
        closed ??= (async () => {
          sync.close();
          await store.close();
          log.flush?.();
        })();
        return closed;
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

export async function startServer(config: MyelinConfig, opts: StartOptions = {}): Promise<RunningServer> {
  // Listen first (so port 0 resolves to the real port for public_baseurl); requests that
  // arrive before the services are built wait for them.
  let handler: RequestHandler | undefined;
  let resolveReady!: (h: RequestHandler | undefined) => void;
  const ready = new Promise<RequestHandler | undefined>((r) => { resolveReady = r; });
  const listened = await listen(async (req) => {
    const h = handler ?? (await ready);
    return h ? h(req) : { status: 503, headers: { 'content-type': 'application/json' }, body: '{"errcode":"M_UNKNOWN","error":"Server is starting"}' };
  }, {
    adapter: config.http.adapter,
    host: config.listen.host,
    port: config.listen.port,
    maxBodyBytes: config.http.max_body_bytes,
  });
  let built: BuiltServer;
  try {
    const actual = config.listen.port === 0 ? { ...config, listen: { ...config.listen, port: listened.server.port } } : config;
    built = await buildServer(actual, opts);
  } catch (err) {
    resolveReady(undefined);
    await listened.server.close();
    throw err;
  }
  handler = built.handler;
  resolveReady(handler);
  const { server, fallbackReason } = listened;
  const log = built.services.log;
  if (fallbackReason) log.warn({ adapter: 'node', reason: fallbackReason }, 'uWebSockets.js unavailable; serving with node:http');
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  const url = `http://${host}:${server.port}`;
  log.info({ adapter: server.adapter, url, server_name: config.server_name, kernels: built.services.kernels.path, public_baseurl: publicBaseUrl(built.config) }, 'listening');

  let closing: Promise<void> | undefined;
  return {
    ...built,
    config: built.config,
    http: server,
    url,
    ...(fallbackReason ? { fallbackReason } : {}),
    close() {
      closing ??= (async () => {
        await server.close();
        await built.close();
        log.info('stopped');
        log.flush?.();
      })();
      return closing;
    },
  };
}

// Every configuration key with its default. docs/config.md and myelin.example.yaml
// describe the same keys for operators; keep the three in step.
import type { MyelinConfig } from './types.js';

export const DEFAULT_CONFIG: MyelinConfig = {
  // The domain in user ids (@alice:<server_name>) and room ids. Cannot change after the first start.
  server_name: 'localhost',
  // The URL clients use to reach this server; '' → http://<listen.host>:<listen.port>/
  public_baseurl: '',
  listen: {
    // Interface to bind; 0.0.0.0 for all IPv4 interfaces.
    host: '127.0.0.1',
    // TCP port; 0 picks a free port (tests).
    port: 8008,
  },
  http: {
    // 'uws' (uWebSockets.js), 'node' (node:http), or 'auto': uws when its native binary loads, else node.
    adapter: 'auto',
    // Largest request body accepted; larger ones get 413 M_TOO_LARGE.
    max_body_bytes: 1_048_576,
    // Use the first address of X-Forwarded-For as the client IP (only behind a trusted reverse proxy).
    trust_forwarded_for: false,
  },
  store: {
    // Storage backend; 'lmdb' is the only one so far.
    backend: 'lmdb',
    // Directory of the LMDB environment (relative paths are relative to the working directory).
    path: './data',
    // Initial LMDB map size in MiB; the map doubles as the store grows (lmdb-js's LMDB),
    // and with process durability the data file's apparent size is the map size (sparse).
    map_size_mb: 64,
    // When a write is acknowledged: 'process' = in the OS page cache (survives kill -9 and crashes;
    // fsync in the background within flush_interval_ms; a power loss can lose the last interval and
    // may damage the store), 'disk' = after fsync (LMDB's crash-proof mode, survives power loss).
    durability: 'process',
    // 'process' durability: the longest a commit waits for its background flush to disk (ms).
    flush_interval_ms: 100,
  },
  // Kernel path for canonical JSON, hashes and signatures: 'auto' (native, else wasm, else js), 'native', 'wasm', 'js'.
  accel: 'auto',
  registration: {
    // Whether /register creates accounts at all.
    enabled: true,
    // true: anyone can register without a token. Keep false on a reachable server.
    open: false,
    // The registration token users must give (m.login.registration_token) when not open.
    // '' → one is generated on first start, printed, and kept in <store.path>/registration_token.
    token: '',
    // Whether guest accounts (kind=guest) may be created.
    allow_guests: false,
  },
  rate_limits: {
    // false turns every limit off (benchmarks).
    enabled: true,
    // Per requester (user id, or client IP when unauthenticated): sustained rate and burst.
    register: { per_second: 0.2, burst: 5 },
    login: { per_second: 0.5, burst: 5 },
    message: { per_second: 10, burst: 50 },
    join: { per_second: 1, burst: 10 },
    default: { per_second: 50, burst: 200 },
  },
  logging: {
    // pino level: fatal, error, warn, info, debug, trace, silent. Logs go to stdout as JSON lines.
    level: 'info',
    // One info line per request (method, route pattern, status, duration, user id). Off: those lines are debug.
    requests: true,
  },
  metrics: {
    // Serve Prometheus metrics on the main listener at `path`.
    enabled: true,
    path: '/_myelin/metrics',
  },
  well_known: {
    // m.homeserver.base_url in /.well-known/matrix/client; '' → public_baseurl.
    client_base_url: '',
    // m.server in /.well-known/matrix/server (federation delegation, host:port); '' → 404.
    server: '',
  },
  rooms: {
    // Room version for createRoom without room_version (any of 1–12 on request).
    default_room_version: '10',
  },
};

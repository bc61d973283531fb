// What the matrix-js-sdk end-to-end tests share: bounded waits, the SDK's long timers made
// non-blocking, its logs silenced, and a client with the Rust crypto (as Element) synced once.
import { ClientEvent, createClient, SyncState, type MatrixClient } from 'matrix-js-sdk';
import { logger as sdkLogger } from 'matrix-js-sdk/lib/logger.js';
import type { TestServer } from './server.js';
import type { TestUser } from './users.js';

type Probe<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

/** `until(what, probe[, ms])`: polls `probe` every `pollMs` until it gives a value; fails after `ms` (default `defaultMs`). */
export function untilWithin(defaultMs: number, pollMs: number) {
  return async function until<T>(what: string, probe: Probe<T>, ms = defaultMs): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
}

/**
 * matrix-js-sdk leaves timers armed after stopClient() (each request's local timeout, 80-110 s,
 * never cleared; the capabilities poll, 6 h; with the Rust crypto, retry sleeps of 1 s and more):
 * timers of `minMs` or longer are unref'd, so the test process exits when its tests end.
 */
export function unrefTimersFrom(minMs: number): void {
  const armTimer = globalThis.setTimeout;
  (globalThis as { setTimeout: unknown }).setTimeout = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = armTimer(fn, ms, ...args);
    if ((ms ?? 0) >= minMs) timer.unref();
    return timer;
  };
}

/** The SDK logs every request at info; keep test output readable unless MYELIN_TEST_LOG is set. */
export function silenceSdk(opts: { rustCrypto?: boolean } = {}): void {
  if (process.env.MYELIN_TEST_LOG) return;
  (sdkLogger as unknown as { setLevel(level: string): void }).setLevel('silent');
  // The Rust crypto's tracing writes straight to the console at debug level.
  if (opts.rustCrypto) for (const level of ['debug', 'info', 'log', 'trace'] as const) console[level] = () => {};
}

/** A client of `user` with the Rust crypto (no IndexedDB), started and past its first sync. */
export async function cryptoClient(server: TestServer, user: TestUser, waitMs: number): Promise<MatrixClient> {
  const client = createClient({ baseUrl: server.url, accessToken: user.accessToken, userId: user.userId, deviceId: user.deviceId });
  await client.initRustCrypto({ useIndexedDB: false });
  const prepared = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${user.userId}/${user.deviceId}: no PREPARED sync in ${waitMs} ms`)), waitMs);
    client.on(ClientEvent.Sync, (state: SyncState) => {
      if (state === SyncState.Prepared) { clearTimeout(timer); resolve(); }
    });
  });
  await client.startClient({ initialSyncLimit: 10 });
  await prepared;
  return client;
}

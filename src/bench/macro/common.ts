// Shared setup of the macro suites: the fits() rule, unique user names per
// run, and registering many users with a progress bar.
import { randomBytes } from 'node:crypto';
import type { SuiteContext, SuiteEnvironment } from '../suite.js';
import { LOAD_GENERATOR, MatrixClient, type Session } from './client.js';
import { drive } from './load.js';

export function fitsTarget(env: SuiteEnvironment): true | string {
  return env.target ? true : "needs --target URL of a running homeserver on this machine (Myelin's own server or another), or --self";
}

/** Names unique to this run, so runs against the same server never collide. */
export function runPrefix(): string {
  return `mb${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
}

export const PASSWORD = `bench-${randomBytes(9).toString('base64url')}`;

/** Time cap of one measured loop. */
export function capMs(ctx: SuiteEnvironment): number {
  return ctx.quick ? 20_000 : 120_000;
}

/** @param connections keep-alive connections at most (= requests in flight at once) */
export function openClient(ctx: SuiteContext, connections = 8): MatrixClient {
  if (!ctx.target) throw new Error('no --target');
  ctx.note(`load generator: ${LOAD_GENERATOR}`);
  return new MatrixClient(ctx.target, connections);
}

/** Closes the client, noting whether the server rate-limited the run (which skews its numbers). */
export function closeClient(ctx: SuiteContext, client: MatrixClient): void {
  if (client.rateLimited > 0) {
    ctx.note(`the server rate-limited ${client.rateLimited} requests (waited ${(client.rateLimitedWaitMs / 1000).toFixed(1)} s as asked): lift its rate limits for meaningful numbers`);
  }
  client.close();
}

/** Registers (or logs in) `names` users, four at a time; not measured. */
export async function registerUsers(ctx: SuiteContext, client: MatrixClient, names: readonly string[]): Promise<Session[]> {
  const sessions: Session[] = new Array(names.length);
  const ticker = ctx.progress(`registering ${names.length} users`, names.length);
  try {
    await drive(ctx, 'register', names.length, async (i) => {
      const t0 = process.hrtime.bigint();
      sessions[i] = await client.registerOrLogin(names[i]!, PASSWORD);
      return { latencyNs: Number(process.hrtime.bigint() - t0) };
    }, { concurrency: 4, ticker });
  } finally {
    ticker.done();
  }
  if (ctx.signal.aborted) throw new Error('interrupted during setup');
  return sessions;
}

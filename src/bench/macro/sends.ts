// Sequential PUT sends into one room from either load generator: wrk (a
// stream of sends with new transaction ids, ./wrk-scripts.ts) or our own
// client; and the warm-up that brings the server to its steady state first
// (./warmup.ts). Used by macro-send and, before its replay, macro-romeo-juliet.
import type { LatencyRecord, SuiteContext } from '../suite.js';
import type { MatrixClient, Session } from './client.js';
import { drive, type LoadOptions } from './load.js';
import { describeWarmup, QUICK_WARMUP_POLICY, WARMUP_POLICY, warmUp, windowOf, type WarmupResult } from './warmup.js';
import { findWrk, runWrkScript } from './wrk.js';
import { TXN_COUNTER, wrkSendStreamScript } from './wrk-scripts.js';

/** the body of every benchmark send (both generators send the same bytes) */
export const SEND_BODY = 'message from the send benchmark';

/**
 * wrk for the sequential cases: found on PATH or MYELIN_BENCH_WRK; quick runs
 * (tests, CI) use it only when MYELIN_BENCH_WRK names it explicitly.
 */
export function sequentialWrk(ctx: Pick<SuiteContext, 'quick'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (ctx.quick) return env.MYELIN_BENCH_WRK || undefined;
  return findWrk(env);
}

export interface SendTarget {
  readonly client: MatrixClient;
  readonly session: Session;
  readonly roomId: string;
  /** transaction ids are `${txnPrefix}-<n>`; unique to the run and the room */
  readonly txnPrefix: string;
}

/** wrk's -d for a stream of `seconds`: only a cap, the script ends the run (it may need 1 s more without LuaJIT's ffi clock) */
const streamCapSeconds = (seconds: number) => Math.ceil(seconds) + 10;

/**
 * Sends from wrk -t1 -c1 for `seconds` (or until `maxRequests` answers), each
 * with a new transaction id; the script ends the run on an answer, so the
 * server has done exactly the sends counted (none left in flight).
 */
export function wrkSends(ctx: SuiteContext, wrk: string, t: SendTarget, arm: string, seconds: number, maxRequests?: number): Promise<LatencyRecord> {
  const request = t.client.sendRequest(t.session, t.roomId, `${t.txnPrefix}-${TXN_COUNTER}`, SEND_BODY).data;
  const script = wrkSendStreamScript(request, { seconds, ...(maxRequests !== undefined ? { maxRequests } : {}) });
  return runWrkScript(arm, { wrk, target: ctx.target!, script, connections: 1, durationSeconds: streamCapSeconds(seconds), signal: ctx.signal });
}

/** `count` sends from our own client, one at a time (or until `maxMs`). */
export function clientSends(ctx: SuiteContext, t: SendTarget, arm: string, count: number, options: LoadOptions = {}): Promise<LatencyRecord> {
  let n = 0;
  return drive(ctx, arm, count, () => t.client.timed(t.client.sendRequest(t.session, t.roomId, `${t.txnPrefix}-${n++}`, SEND_BODY)), options);
}

/**
 * Brings the server to its steady state for sends (./warmup.ts) in a room of
 * its own, so the measured room is no bigger than it would be; then, when wrk
 * did the warm-up, 300 sends from our client so that its own code is compiled
 * too. Returns what it did, as a line for the results.
 */
export async function warmUpSends(ctx: SuiteContext, wrk: string | undefined, t: SendTarget): Promise<{ result: WarmupResult; requests: number; description: string }> {
  const policy = ctx.quick ? QUICK_WARMUP_POLICY : WARMUP_POLICY;
  const label = ctx.progress(`warm-up: sends until the server is steady (${wrk ? 'wrk' : 'this client'})`, Math.ceil(policy.maxMs / policy.windowMs));
  let result: WarmupResult;
  try {
    result = await warmUp(ctx.signal, policy, async (i, ms, max) => {
      const w = wrk
        ? await wrkSends(ctx, wrk, { ...t, txnPrefix: `${t.txnPrefix}-w${i}` }, 'warm-up', ms / 1000, max)
        : await clientSends(ctx, { ...t, txnPrefix: `${t.txnPrefix}-w${i}` }, 'warm-up', max, { maxMs: ms });
      label.tick();
      return windowOf(w);
    });
  } finally {
    label.done();
  }
  let requests = result.requests;
  let description = describeWarmup(result, policy, `warm-up (${wrk ? 'wrk' : 'this client'}, a room of its own)`);
  if (wrk && !ctx.signal.aborted) {
    const own = ctx.quick ? 2 : 300;
    await clientSends(ctx, { ...t, txnPrefix: `${t.txnPrefix}-wc` }, 'warm-up', own);
    requests += own;
    description += `; then ${own} sends from this client (its own JIT)`;
  }
  return { result, requests, description };
}

// Macro: /sync throughput. Initial syncs of a user in a busy room, and
// incremental syncs rotating through since-tokens taken while messages were
// sent (each request returns a different slice of the timeline).
import type { LatencyRecord, Suite } from '../suite.js';
import { capMs, closeClient, fitsTarget, openClient, registerUsers, runPrefix } from '../macro/common.js';
import { drive } from '../macro/load.js';
import { findWrk, runWrk, wrkRequestOf, wrkVersion } from '../macro/wrk.js';

/** Incremental sync loops: requests, connections, time bound. */
export function incrementalRuns(quick: boolean): { concurrency: number; n: number; maxMs: number }[] {
  return quick
    ? [{ concurrency: 8, n: 20, maxMs: 20_000 }]
    : [{ concurrency: 8, n: 50_000, maxMs: 5_000 }, { concurrency: 64, n: 1_000_000, maxMs: 10_000 }];
}

export const macroSyncSuite: Suite = {
  name: 'macro-sync',
  tier: 'macro',
  description: '/sync throughput: initial and incremental with rotating since-tokens (8, then 64 connections, 10 s; and from wrk when installed), against --target',
  fits: fitsTarget,
  async run(ctx) {
    const client = openClient(ctx, 64);
    try {
      const prefix = runPrefix();
      const [sender, reader] = await registerUsers(ctx, client, [`${prefix}_writer`, `${prefix}_reader`]);
      const room = await client.createRoom(sender!, 'bench sync');
      await client.join(reader!, room);
      const messages = ctx.quick ? 12 : 200;
      const tokens: string[] = [];
      const setup = ctx.progress('macro-sync: filling the room', messages);
      let since = (await client.sync(reader!)).body.next_batch;
      tokens.push(since);
      for (let i = 0; i < messages && !ctx.signal.aborted; i++) {
        await client.send(sender!, room, `${prefix}-${i}`, `line ${i} of the sync benchmark`);
        if (i % 4 === 3) { since = (await client.sync(reader!, since)).body.next_batch; tokens.push(since); }
        setup.tick();
      }
      setup.done();
      if (ctx.signal.aborted) return;

      const nInitial = ctx.quick ? 8 : 200;
      const initialRequest = client.syncRequest(reader!);
      const t1 = ctx.progress('macro-sync: initial', nInitial);
      const initial = await drive(ctx, 'initial, 4 at once', nInitial, () => client.timed(initialRequest), { concurrency: 4, maxMs: capMs(ctx), ticker: t1 });
      t1.done();
      ctx.latency('/sync initial (timeline limit 20)', [initial], { params: { requests: nInitial, roomMessages: messages } });
      if (ctx.signal.aborted) return;

      // Incremental: the request bytes for every since-token are built once;
      // answers are counted, not parsed. 8 at once (as earlier runs, to
      // compare), then enough connections to show the server's ceiling,
      // bounded in time rather than count.
      const requests = tokens.map((t) => client.syncRequest(reader!, t));
      const records: LatencyRecord[] = [];
      for (const { concurrency, n, maxMs } of incrementalRuns(ctx.quick)) {
        if (ctx.signal.aborted) break;
        const t2 = ctx.progress(`macro-sync: incremental, ${concurrency} at once`, n);
        records.push(await drive(ctx, `incremental, ${concurrency} at once`, n, (i) => client.timed(requests[i % requests.length]!), { concurrency, maxMs, ticker: t2 }));
        t2.done();
      }
      const wrk = ctx.quick ? undefined : findWrk();
      if (wrk && !ctx.signal.aborted) {
        // the same requests from wrk (C, epoll): the least generator CPU per request on this machine
        ctx.log('macro-sync: incremental, 64 connections from wrk (10 s)');
        ctx.note(`also load generator: ${await wrkVersion(wrk)} (arms marked wrk)`);
        records.push(await runWrk('incremental, 64 at once (wrk)', { wrk, target: ctx.target!, requests: requests.map(wrkRequestOf), connections: 64, durationSeconds: 10, signal: ctx.signal }));
      }
      ctx.latency('/sync incremental, rotating since-tokens', records, { params: { requests: records.reduce((n, r) => n + (r.requests ?? r.latenciesNs.length), 0), tokens: tokens.length }, baseline: records[0]?.arm });
    } finally {
      closeClient(ctx, client);
    }
  },
};

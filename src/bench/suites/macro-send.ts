// Macro: PUT /rooms/{roomId}/send latency, one request at a time (what a user
// feels), then with several clients sending into their own rooms at once.
// Sequential sends are measured after a warm-up to the server's steady state
// (../macro/warmup.ts), from wrk when it is installed (a round trip costs it
// ~15 µs; our Node client pays ~0.3–0.6 ms of wake-ups per request on a small
// VM, which is then most of the latency) and from our own client beside it.
import type { LatencyRecord, Suite } from '../suite.js';
import { capMs, closeClient, fitsTarget, openClient, registerUsers, runPrefix } from '../macro/common.js';
import { drive } from '../macro/load.js';
import { clientSends, sequentialWrk, SEND_BODY, warmUpSends, wrkSends } from '../macro/sends.js';
import { wrkVersion } from '../macro/wrk.js';

export const macroSendSuite: Suite = {
  name: 'macro-send',
  tier: 'macro',
  description: 'PUT send latency: sequential (median, p99; from wrk when installed, and this client) after a warm-up to steady state, then 4 clients at once, against --target',
  fits: fitsTarget,
  async run(ctx) {
    const client = openClient(ctx);
    try {
      const prefix = runPrefix();
      const users = await registerUsers(ctx, client, [0, 1, 2, 3].map((i) => `${prefix}_send${i}`));
      const rooms = await Promise.all(users.map((u, i) => client.createRoom(u, `bench send ${i}`)));
      const wrk = sequentialWrk(ctx);
      if (wrk) ctx.note(`also load generator: ${await wrkVersion(wrk)} (arms marked wrk)`);
      const me = users[0]!;
      // Every room exists before the warm-up: creating a room runs code the sends share
      // with other object shapes, and V8 deoptimises parts of the send path then
      // (--trace-deopt: "wrong map" in sendLocked, persist, parsePdu, ...); the measured
      // arms should not pay for re-optimising what the warm-up already compiled.
      const wrkRoom = wrk ? await client.createRoom(me, 'bench send (wrk)') : undefined;
      const warmRoom = await client.createRoom(me, 'bench send warm-up');
      const warm = await warmUpSends(ctx, wrk, { client, session: me, roomId: warmRoom, txnPrefix: `${prefix}-warm` });
      if (ctx.signal.aborted) return;

      const n = ctx.quick ? 20 : 2000;
      const records: LatencyRecord[] = [];
      if (wrk && wrkRoom) {
        // a room of its own, as fresh as the client arm's
        ctx.log('macro-send: sequential from wrk -t1 -c1');
        records.push(await wrkSends(ctx, wrk, { client, session: me, roomId: wrkRoom, txnPrefix: `${prefix}-wrk` }, 'sequential (wrk)', ctx.quick ? 1 : 3));
        if (ctx.signal.aborted) return;
      }
      const t1 = ctx.progress('macro-send: sequential (this client)', n);
      const seq = await clientSends(ctx, { client, session: me, roomId: rooms[0]!, txnPrefix: `${prefix}-seq` }, 'sequential', n, { maxMs: capMs(ctx), ticker: t1 });
      t1.done();
      records.push(seq);
      ctx.latency('PUT send, sequential', records, {
        params: { requests: n, warmupRequests: warm.requests },
        notes: [warm.description, ...(wrk ? ['the issue-5 target (median ≤ 0.5 ms) is judged on the wrk arm: the generator that is not the bottleneck'] : [])],
      });
      if (ctx.signal.aborted) return;
      // as many as in earlier recorded runs (comparable)
      const nConc = ctx.quick ? 20 : 500;
      let txn = 0;
      const send = (u: number) => client.timed(client.sendRequest(users[u]!, rooms[u]!, `${prefix}-c${txn++}`, SEND_BODY));
      const t2 = ctx.progress('macro-send: 4 clients', nConc);
      const conc = await drive(ctx, '4 clients, 4 rooms', nConc, (i) => send(i % 4), { concurrency: 4, maxMs: capMs(ctx), ticker: t2 });
      t2.done();
      ctx.latency('PUT send, 4 clients at once', [conc], { params: { requests: nConc, clients: 4 } });
    } finally {
      closeClient(ctx, client);
    }
  },
};

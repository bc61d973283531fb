// Macro: PUT /rooms/{roomId}/send latency, one request at a time (what a user
// feels), then with several clients sending into their own rooms at once.
import type { Suite } from '../suite.js';
import { capMs, closeClient, fitsTarget, openClient, registerUsers, runPrefix } from '../macro/common.js';
import { drive } from '../macro/load.js';

export const macroSendSuite: Suite = {
  name: 'macro-send',
  tier: 'macro',
  description: 'PUT send latency: sequential (median, p99), then 4 clients at once, against --target',
  fits: fitsTarget,
  async run(ctx) {
    const client = openClient(ctx);
    try {
      const prefix = runPrefix();
      const users = await registerUsers(ctx, client, [0, 1, 2, 3].map((i) => `${prefix}_send${i}`));
      const rooms = await Promise.all(users.map((u, i) => client.createRoom(u, `bench send ${i}`)));
      const n = ctx.quick ? 20 : 500;
      let txn = 0;
      const send = (u: number) => client.timed(client.sendRequest(users[u]!, rooms[u]!, `${prefix}-${txn++}`, `message ${txn} from the send benchmark`));
      // Warm-up: a JIT-compiled server (Node, and the JVM or PyPy alike) reaches its
      // steady state after a few hundred requests of a kind; the figure is that state.
      for (let i = 0; i < (ctx.quick ? 2 : 300); i++) await send(i % 4);
      if (ctx.signal.aborted) return;
      const t1 = ctx.progress('macro-send: sequential', n);
      const seq = await drive(ctx, 'sequential', n, () => send(0), { maxMs: capMs(ctx), ticker: t1 });
      t1.done();
      ctx.latency('PUT send, sequential', [seq], { params: { requests: n } });
      if (ctx.signal.aborted) return;
      const t2 = ctx.progress('macro-send: 4 clients', n);
      const conc = await drive(ctx, '4 clients, 4 rooms', n, (i) => send(i % 4), { concurrency: 4, maxMs: capMs(ctx), ticker: t2 });
      t2.done();
      ctx.latency('PUT send, 4 clients at once', [conc], { params: { requests: n, clients: 4 } });
    } finally {
      closeClient(ctx, client);
    }
  },
};

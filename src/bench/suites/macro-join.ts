// Macro: joins into a room that grows. Users join one by one; join latency is
// reported per slice of room size, so the growth chart shows how the cost of
// a join rises with the member count.
import type { Suite } from '../suite.js';
import { capMs, closeClient, fitsTarget, openClient, registerUsers, runPrefix } from '../macro/common.js';
import { drive } from '../macro/load.js';

export const macroJoinSuite: Suite = {
  name: 'macro-join',
  tier: 'macro',
  description: 'joins into a growing public room (latency by room size), against --target',
  fits: fitsTarget,
  async run(ctx) {
    const client = openClient(ctx);
    try {
      const prefix = runPrefix();
      const total = ctx.quick ? 6 : 300;
      const slices = ctx.quick ? 2 : 5;
      const users = await registerUsers(ctx, client, Array.from({ length: total + 1 }, (_, i) => `${prefix}_j${i}`));
      const room = await client.createRoom(users[0]!, 'bench join');
      const per = Math.ceil(total / slices);
      for (let s = 0; s < slices && !ctx.signal.aborted; s++) {
        const from = s * per;
        const n = Math.min(per, total - from);
        if (n <= 0) break;
        const ticker = ctx.progress(`macro-join: members ${from + 1}–${from + n}`, n);
        const rec = await drive(ctx, 'join', n, (i) => client.timed(client.joinRequest(users[1 + from + i]!, room)), { concurrency: 1, maxMs: capMs(ctx), ticker });
        ticker.done();
        ctx.latency(`join at ${from + 1}–${from + n} members`, [rec], { group: 'join latency', x: from + 1, xLabel: 'members before the join', params: { joins: n } });
      }
    } finally {
      closeClient(ctx, client);
    }
  },
};

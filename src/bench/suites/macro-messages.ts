// Macro: /messages throughput, paginating backwards from rotating tokens
// through a room of a few hundred messages.
import type { Suite } from '../suite.js';
import { capMs, closeClient, fitsTarget, openClient, registerUsers, runPrefix } from '../macro/common.js';
import { drive } from '../macro/load.js';

export const macroMessagesSuite: Suite = {
  name: 'macro-messages',
  tier: 'macro',
  description: '/messages throughput (50 per page, rotating from-tokens), against --target',
  fits: fitsTarget,
  async run(ctx) {
    const client = openClient(ctx);
    try {
      const prefix = runPrefix();
      const [user] = await registerUsers(ctx, client, [`${prefix}_historian`]);
      const room = await client.createRoom(user!, 'bench messages');
      const count = ctx.quick ? 30 : 600;
      const fill = ctx.progress('macro-messages: filling the room', count);
      await drive(ctx, 'fill', count, (i) => client.timed(client.sendRequest(user!, room, `${prefix}-${i}`, `history line ${i}`)), { concurrency: 1, ticker: fill });
      fill.done();
      if (ctx.signal.aborted) return;
      // walk back once to collect the pagination tokens
      const limit = ctx.quick ? 10 : 50;
      const tokens: (string | undefined)[] = [undefined];
      for (let from: string | undefined, i = 0; i < 100; i++) {
        const page = await client.messages(user!, room, from, limit);
        if (!page.body.end || page.body.chunk.length === 0) break;
        from = page.body.end;
        tokens.push(from);
      }
      const n = ctx.quick ? 20 : 2000;
      const t = ctx.progress('macro-messages', n);
      const pages = tokens.map((from) => client.messagesRequest(user!, room, from, limit));
      const rec = await drive(ctx, '8 at once', n, (i) => client.timed(pages[i % pages.length]!), { concurrency: 8, maxMs: capMs(ctx), ticker: t });
      t.done();
      ctx.latency(`/messages backwards, ${limit} per page`, [rec], { params: { requests: n, roomMessages: count, tokens: tokens.length } });
    } finally {
      closeClient(ctx, client);
    }
  },
};

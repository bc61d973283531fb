// Macro: /sync throughput. Initial syncs of a user in a busy room, and
// incremental syncs rotating through since-tokens taken while messages were
// sent (each request returns a different slice of the timeline).
import type { Suite } from '../suite.js';
import { capMs, closeClient, fitsTarget, openClient, registerUsers, runPrefix } from '../macro/common.js';
import { drive } from '../macro/load.js';

export const macroSyncSuite: Suite = {
  name: 'macro-sync',
  tier: 'macro',
  description: '/sync throughput: initial and incremental with rotating since-tokens, against --target',
  fits: fitsTarget,
  async run(ctx) {
    const client = openClient(ctx);
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
      const t1 = ctx.progress('macro-sync: initial', nInitial);
      const initial = await drive(ctx, 'initial, 4 at once', nInitial, () => client.sync(reader!), { concurrency: 4, maxMs: capMs(ctx), ticker: t1 });
      t1.done();
      ctx.latency('/sync initial (timeline limit 20)', [initial], { params: { requests: nInitial, roomMessages: messages } });
      if (ctx.signal.aborted) return;

      const nInc = ctx.quick ? 20 : 2000;
      const t2 = ctx.progress('macro-sync: incremental', nInc);
      const incremental = await drive(ctx, 'incremental, 8 at once', nInc, (i) => client.sync(reader!, tokens[i % tokens.length]), { concurrency: 8, maxMs: capMs(ctx), ticker: t2 });
      t2.done();
      ctx.latency('/sync incremental, rotating since-tokens', [incremental], { params: { requests: nInc, tokens: tokens.length } });
    } finally {
      closeClient(ctx, client);
    }
  },
};

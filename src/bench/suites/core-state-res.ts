// Core: state resolution on synthetic rooms of 1k, 10k, 100k and 200k state
// events with 2–10 forks and membership churn (src/matrix/stateres/synthetic-room.ts,
// fixed seeds), on every state-res kernel path with a persisted auth-chain
// index, and on js without one (the index built from the events each time);
// then the peak memory of one resolution per path; then auth checks per
// second on a send_join-sized batch (a room's state and auth chain, each
// event checked against its auth events). `npm run bench -- state-res`.
import { ACCEL_PATHS } from '../../accel/types.js';
import { tryStateResKernel } from '../../accel/stateres.js';
import { checkAuth } from '../../matrix/auth/index.js';
import { stateKeyOf, type StateMap } from '../../matrix/pdu.js';
import { roomVersion } from '../../matrix/room-versions.js';
import { ensureIndexed } from '../../matrix/stateres/auth-chain.js';
import { ChainIndex, resolveState } from '../../matrix/stateres/index.js';
import { syntheticRoom } from '../../matrix/stateres/synthetic-room.js';
import type { Arm, Suite } from '../suite.js';

const SIZES: readonly { events: number; forks: number }[] = [
  { events: 1_000, forks: 2 },
  { events: 10_000, forks: 4 },
  { events: 100_000, forks: 6 },
  { events: 200_000, forks: 10 },
];

/** Rough bytes of heap one synthetic state event costs while a resolution runs (measured: ~5 KB). */
const BYTES_PER_EVENT = 8 * 1024;

function sameState(a: StateMap, b: StateMap): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

export const coreStateResSuite: Suite = {
  name: 'state-res',
  tier: 'core',
  description: 'state resolution v2 on synthetic rooms of 1k–200k state events with forks and churn (native, wasm, js); auth checks/s on a send_join batch',
  fits: () => true,
  async run(ctx) {
    const rules = roomVersion('10')!;
    const sizes = ctx.quick ? [{ events: 1_000, forks: 3 }] : SIZES;
    for (const { events, forks } of sizes) {
      if (ctx.signal.aborted) return;
      if (events * BYTES_PER_EVENT > ctx.machine.freeMemoryBytes) {
        ctx.note(`skipped ${events} state events: needs about ${Math.round((events * BYTES_PER_EVENT) / 2 ** 20)} MiB free`);
        continue;
      }
      ctx.log(`building a synthetic room of ${events} state events, ${forks} forks`);
      const room = syntheticRoom({ stateEvents: events, forks, seed: 4297 + events });
      const index = new ChainIndex();
      ensureIndexed(index, room.events.map((e) => e.eventId), room.lookup);
      const params = {
        'state events': events, forks, 'state size': room.forkStates[0]!.size, chains: index.chainCount, links: index.totalLinks,
      };
      const reference = resolveState(rules, room.forkStates, room.lookup, { path: 'js' }, { authIndex: index });
      const arms: Arm[] = ACCEL_PATHS.map((path): Arm => {
        const k = tryStateResKernel(path);
        if (k instanceof Error) return { name: path, fn: () => undefined, skip: k.message };
        const result = resolveState(rules, room.forkStates, room.lookup, { path }, { authIndex: index });
        return {
          name: path,
          fn: () => resolveState(rules, room.forkStates, room.lookup, { path }, { authIndex: index }),
          ...(sameState(result, reference) ? {} : { note: 'DIFFERENT RESULT from the js reference' }),
        };
      });
      arms.push({ name: 'js, no index', fn: () => resolveState(rules, room.forkStates, room.lookup, { path: 'js' }) });
      const big = events >= 100_000;
      await ctx.compare(`resolve ${events} state events, ${forks} forks`, arms, {
        group: 'resolve', x: events, xLabel: 'state events', params, noisePair: !big,
        ...(big ? { samples: 3, maxCallsPerSample: 1, warmupMs: 0 } : events >= 10_000 ? { samples: 7, maxCallsPerSample: 2 } : {}),
      });
      for (const arm of arms) {
        if (ctx.signal.aborted) return;
        if (arm.skip !== undefined) continue;
        await ctx.measureOnce(`memory: resolve ${events} state events [${arm.name}]`, arm.fn, { group: `memory ${arm.name}`, x: events, xLabel: 'state events', params });
      }
    }

    // Auth checks on a send_join-sized batch: every event of a room's state and auth chain.
    if (ctx.signal.aborted) return;
    const batchRoom = syntheticRoom({ stateEvents: ctx.quick ? 500 : 20_000, forks: 2, forkShare: 0.01, seed: 7 });
    const batch = batchRoom.events;
    const authStates = batch.map((ev) => {
      const m = new Map(ev.authEvents.map((id) => { const a = batchRoom.lookup(id)!; return [stateKeyOf(a.type, a.stateKey ?? ''), a] as const; }));
      return (type: string, stateKey: string) => m.get(stateKeyOf(type, stateKey));
    });
    const allowed = batch.filter((ev, i) => checkAuth(rules, ev, authStates[i]!).allowed).length;
    await ctx.compare(`auth checks, send_join batch of ${batch.length} events`, [{
      name: 'checkAuth (js)',
      itemsPerOp: batch.length,
      fn: () => { for (let i = 0; i < batch.length; i++) checkAuth(rules, batch[i]!, authStates[i]!); },
      ...(allowed === batch.length ? {} : { note: `${batch.length - allowed} events rejected (expected none)` }),
    }], { params: { events: batch.length }, maxCallsPerSample: 1, samples: ctx.quick ? 3 : 7 });
  },
};

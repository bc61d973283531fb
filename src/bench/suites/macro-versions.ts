// Macro: GET /_matrix/client/versions, an HTTP round trip with no work behind
// it. Its point is the load generator's own CPU per request (driverCpuNsPerOp)
// next to the server's: the floor under every other macro figure, and whether
// the generator could be what limits them on this machine.
import type { LatencyRecord, Suite } from '../suite.js';
import { closeClient, fitsTarget, openClient } from '../macro/common.js';
import { drive } from '../macro/load.js';
import { findWrk, runWrk, wrkRequestOf, wrkVersion } from '../macro/wrk.js';
import { formatNs } from '../stats.js';

export const macroVersionsSuite: Suite = {
  name: 'macro-versions',
  tier: 'macro',
  description: "GET /versions round trips (1, then 32 connections; and from wrk when installed): the load generator's own CPU per request beside the server's, against --target",
  fits: fitsTarget,
  async run(ctx) {
    const client = openClient(ctx, 32);
    try {
      const req = client.prepare('GET', '/_matrix/client/versions');
      for (let i = 0; i < (ctx.quick ? 5 : 500); i++) await client.timed(req); // warm-up, connections open
      const records: LatencyRecord[] = [];
      for (const concurrency of [1, 32]) {
        if (ctx.signal.aborted) break;
        const n = ctx.quick ? 50 : 1_000_000;
        const t = ctx.progress(`macro-versions: ${concurrency} at once`, n);
        records.push(await drive(ctx, concurrency === 1 ? 'sequential' : `${concurrency} at once`, n, () => client.timed(req), { concurrency, maxMs: ctx.quick ? 5_000 : 5_000, ticker: t }));
        t.done();
      }
      const wrk = ctx.quick ? undefined : findWrk();
      if (wrk && !ctx.signal.aborted) {
        ctx.log('macro-versions: 32 connections from wrk (5 s)');
        ctx.note(`also load generator: ${await wrkVersion(wrk)} (arms marked wrk)`);
        records.push(await runWrk('32 at once (wrk)', { wrk, target: ctx.target!, requests: [wrkRequestOf(req)], connections: 32, durationSeconds: 5, signal: ctx.signal }));
      }
      const notes = records.map((r) => {
        const gen = Number(r.extra?.driverCpuNsPerOp);
        const n = r.requests ?? r.latenciesNs.length;
        const server = r.serverCpuNs !== undefined && n ? r.serverCpuNs / n : undefined;
        return `${r.arm}: load generator ${formatNs(gen)} of CPU per request${server !== undefined ? `, server ${formatNs(server)}` : ''}`;
      });
      ctx.latency('GET /versions', records, { params: { requests: records.reduce((n, r) => n + (r.requests ?? r.latenciesNs.length), 0) }, notes });
    } finally {
      closeClient(ctx, client);
    }
  },
};

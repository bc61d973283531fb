// Macro: the server's resident memory at rest. With --self it is the RSS
// sampled right after start (fresh store, before any load); against a
// --target with --server-pid it is sampled when this suite runs, which is
// before the load suites when the macro tier runs in registry order.
import type { Suite } from '../suite.js';
import { sampleProcess } from '../macro/server-sampler.js';

/** issue 5: idle RSS ≤ 60 MB (read as MiB, as /proc reports kB = KiB) */
export const IDLE_RSS_TARGET_BYTES = 60 * 1024 ** 2;

export const macroIdleSuite: Suite = {
  name: 'macro-idle',
  tier: 'macro',
  description: "the server's RSS at rest (right after start with --self), against --self or --target with --server-pid",
  fits: (env) => env.target?.serverPid !== undefined || 'needs --self, or --target with --server-pid (to read the server\'s RSS)',
  async run(ctx) {
    const pid = ctx.target!.serverPid!;
    let rss = ctx.target!.idleRssBytes;
    let how = 'sampled right after start, before any load (--self)';
    const t0 = performance.now();
    if (rss === undefined || rss === 0) {
      // the median of a few samples a moment apart, the server left alone
      const samples: number[] = [];
      for (let i = 0; i < (ctx.quick ? 2 : 5) && !ctx.signal.aborted; i++) {
        const s = sampleProcess(pid);
        if (s) samples.push(s.rssBytes);
        await new Promise((r) => setTimeout(r, ctx.quick ? 50 : 200));
      }
      if (samples.length === 0) throw new Error(`cannot read /proc/${pid}/status (is the server running on this machine? Linux only)`);
      rss = samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
      how = 'sampled when this suite ran, with no load from the bench';
    }
    const mib = rss / 1024 ** 2;
    ctx.latency('server RSS at rest', [{
      arm: 'idle', latenciesNs: [], wallNs: Math.round((performance.now() - t0) * 1e6), serverRssBytes: rss, extra: { rssMiB: Math.round(mib * 10) / 10 },
    }], { notes: [`${how}; issue-5 target ≤ 60 MB: ${rss <= IDLE_RSS_TARGET_BYTES ? 'met' : 'missed'} (${mib.toFixed(1)} MiB)`] });
  },
};

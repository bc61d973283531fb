// Macro: the "Romeo and Juliet" homeserver benchmark. Every character
// registers, logs in, sets a display name and joins one public room; then
// each spoken line is one PUT send by its speaker, in order. The published
// figure is the wall time of the whole play (setup + replay).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Suite } from '../suite.js';
import { repoRoot } from '../machine.js';
import { capMs, closeClient, fitsTarget, openClient, PASSWORD, runPrefix } from '../macro/common.js';
import { drive } from '../macro/load.js';
import { localpartOf, parsePlay } from '../macro/romeo-juliet.js';
import type { Session } from '../macro/client.js';
import { formatNs } from '../stats.js';

/** The play's text: MYELIN_BENCH_PLAY, else ../shared/bench/romeo_and_juliet.txt beside the checkout. */
export function playFile(): string {
  return process.env.MYELIN_BENCH_PLAY ?? path.resolve(repoRoot(), '..', 'shared', 'bench', 'romeo_and_juliet.txt');
}

export const macroRomeoJulietSuite: Suite = {
  name: 'macro-romeo-juliet',
  tier: 'macro',
  description: 'Romeo and Juliet replay: ~35 characters join one room, ~3,100 lines sent in order, against --target',
  fits: (env) => {
    const t = fitsTarget(env);
    if (t !== true) return t;
    return existsSync(playFile()) || `needs the play text at ${playFile()} (or set MYELIN_BENCH_PLAY)`;
  },
  async run(ctx) {
    const play = parsePlay(readFileSync(playFile(), 'utf8'));
    const lines = ctx.quick ? play.lines.slice(0, 40) : play.lines;
    const cast = [...new Set(lines.map((l) => localpartOf(l.speaker)))];
    const client = openClient(ctx);
    try {
      const prefix = runPrefix();
      const sessions = new Map<string, Session>();
      let room = '';
      // Setup, as the benchmark defines it: register + login, display name, join.
      const setup = await ctx.measureOnce(`setup: ${cast.length} characters register, log in, set a name, join`, async () => {
        const setupTicker = ctx.progress('romeo-juliet: the cast arrives', cast.length);
        const director = await client.registerOrLogin(`${prefix}_director`, PASSWORD);
        room = await client.createRoom(director, 'Verona');
        for (const name of cast) {
          if (ctx.signal.aborted) return;
          await client.registerOrLogin(`${prefix}_${name}`, PASSWORD);
          const s = await client.login(`${prefix}_${name}`, PASSWORD);
          const speaker = lines.find((l) => localpartOf(l.speaker) === name)!.speaker;
          await client.setDisplayName(s, speaker);
          await client.join(s, room);
          sessions.set(name, s);
          setupTicker.tick();
        }
        setupTicker.done();
      }, { runs: 1, items: cast.length, arm: 'cast', params: { characters: cast.length } });
      if (ctx.signal.aborted || sessions.size < cast.length) return;

      const ticker = ctx.progress('romeo-juliet: the play', lines.length);
      const replay = await drive(ctx, 'replay', lines.length, (i) => {
        const l = lines[i]!;
        return client.timed(client.sendRequest(sessions.get(localpartOf(l.speaker))!, room, `${prefix}-${i}`, l.text));
      }, { concurrency: 1, maxMs: ctx.quick ? capMs(ctx) : 15 * 60_000, ticker });
      ticker.done();
      const setupNs = setup.arms[0]?.medianNs ?? 0;
      const total = setupNs + replay.wallNs;
      ctx.latency(`replay: ${lines.length} lines, in order`, [replay], {
        params: { lines: lines.length, characters: cast.length },
        notes: [`whole play (setup + replay): ${formatNs(total)}; published 2022 figures: Synapse/PostgreSQL 3m51s, Dendrite 0m51s–8m24s, Conduit 0m28s–2m13s (other machines)`],
      });
      ctx.note(`whole play ${formatNs(total)} (setup ${formatNs(setupNs)}, replay ${formatNs(replay.wallNs)})`);
    } finally {
      closeClient(ctx, client);
    }
  },
};

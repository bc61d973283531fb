// Macro: the "Romeo and Juliet" homeserver benchmark. Every character
// registers, logs in, sets a display name and joins one public room; then
// each spoken line is one PUT send by its speaker, in order. The published
// figure is the wall time of the whole play (setup + replay).
//
// Setup runs on our own client (registration and login at the server's real
// password-hashing cost). The replay is served by wrk when it is installed
// (one connection, every line once, in order: ../macro/wrk-scripts.ts) and by
// our client beside it (another room), each after the server has been warmed
// to its steady state (the published servers are long-running; a --self
// server is fresh). Each replay is read back (/messages) and must hold every
// line, in order, from its speaker; otherwise the suite fails.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LatencyRecord, Suite } from '../suite.js';
import { repoRoot } from '../machine.js';
import { capMs, closeClient, fitsTarget, openClient, PASSWORD, runPrefix } from '../macro/common.js';
import { drive } from '../macro/load.js';
import { localpartOf, parsePlay } from '../macro/romeo-juliet.js';
import type { Session } from '../macro/client.js';
import { checkReplay } from '../macro/replay-check.js';
import { sequentialWrk, warmUpSends } from '../macro/sends.js';
import { runWrkScript, wrkVersion } from '../macro/wrk.js';
import { wrkSequenceScript } from '../macro/wrk-scripts.js';
import { formatNs } from '../stats.js';

/** The play's text: MYELIN_BENCH_PLAY, else ../shared/bench/romeo_and_juliet.txt beside the checkout. */
export function playFile(): string {
  return process.env.MYELIN_BENCH_PLAY ?? path.resolve(repoRoot(), '..', 'shared', 'bench', 'romeo_and_juliet.txt');
}

export const macroRomeoJulietSuite: Suite = {
  name: 'macro-romeo-juliet',
  tier: 'macro',
  description: 'Romeo and Juliet replay: ~35 characters join one room, ~3,100 lines sent in order (wrk when installed, and this client), read back, against --target',
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
      let director: Session | undefined;
      let room = '';
      // Setup, as the benchmark defines it: register + login, display name, join.
      const setup = await ctx.measureOnce(`setup: ${cast.length} characters register, log in, set a name, join`, async () => {
        const setupTicker = ctx.progress('romeo-juliet: the cast arrives', cast.length);
        director = await client.registerOrLogin(`${prefix}_director`, PASSWORD);
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
      if (ctx.signal.aborted || sessions.size < cast.length || !director) return;
      const speakerOf = (i: number) => sessions.get(localpartOf(lines[i]!.speaker))!;
      const expected = lines.map((l, i) => ({ sender: speakerOf(i).userId, body: l.text }));

      const wrk = sequentialWrk(ctx);
      if (wrk) ctx.note(`also load generator: ${await wrkVersion(wrk)} (arms marked wrk)`);
      // the client's replay goes to a second room (same cast), so both start from the same state
      const clientRoom = wrk ? await client.createRoom(director, 'Verona (this client)') : room;
      if (wrk) for (const s of sessions.values()) await client.join(s, clientRoom);

      // The servers of the published figures were long-running; warm this one to its steady state
      const rehearsal = await client.createRoom(director, 'Verona rehearsal');
      const warm = await warmUpSends(ctx, wrk, { client, session: director, roomId: rehearsal, txnPrefix: `${prefix}-rehearsal` });
      if (ctx.signal.aborted) return;

      const records: LatencyRecord[] = [];
      if (wrk) {
        ctx.log(`romeo-juliet: the play from wrk (${lines.length} lines, one connection, in order)`);
        const requests = lines.map((l, i) => client.sendRequest(speakerOf(i), room, `${prefix}-${i}`, l.text).data);
        const r = await runWrkScript('replay (wrk)', {
          wrk, target: ctx.target!, script: wrkSequenceScript(requests), connections: 1,
          durationSeconds: ctx.quick ? 120 : 15 * 60, expect: lines.length, signal: ctx.signal,
        });
        if (ctx.signal.aborted) return;
        await checkReplay(client, director, room, expected);
        records.push(r);
      }
      const ticker = ctx.progress(`romeo-juliet: the play${wrk ? ' (this client)' : ''}`, lines.length);
      const replay = await drive(ctx, 'replay', lines.length, (i) => client.timed(client.sendRequest(speakerOf(i), clientRoom, `${prefix}-c${i}`, lines[i]!.text)),
        { concurrency: 1, maxMs: ctx.quick ? capMs(ctx) : 15 * 60_000, ticker });
      ticker.done();
      if (ctx.signal.aborted) return;
      await checkReplay(client, director, clientRoom, expected);
      records.push(replay);

      const main = records[0]!;
      const setupNs = setup.arms[0]?.medianNs ?? 0;
      const total = setupNs + main.wallNs;
      ctx.latency(`replay: ${lines.length} lines, in order`, records, {
        params: { lines: lines.length, characters: cast.length, warmupRequests: warm.requests },
        notes: [
          `whole play (setup + replay${wrk ? ' from wrk' : ''}): ${formatNs(total)}; published 2022 figures: Synapse/PostgreSQL 3m51s, Dendrite 0m51s–8m24s, Conduit 0m28s–2m13s (other machines)`,
          `every replay read back through /messages: all ${lines.length} lines, in order, each from its speaker`,
          `before the replay, the server was warmed (the published servers were long-running) in another room: ${warm.description}`,
        ],
      });
      ctx.note(`whole play ${formatNs(total)} (setup ${formatNs(setupNs)}, replay ${formatNs(main.wallNs)}${wrk ? ` from wrk; from this client ${formatNs(replay.wallNs)}` : ''})`);
    } finally {
      closeClient(ctx, client);
    }
  },
};

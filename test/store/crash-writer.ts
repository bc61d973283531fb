// Child process of crash.test.ts: extends one room's chain of events for as
// long as it lives, and prints "ack <depth> <streamPos>" for each event only
// after its write promise resolved (i.e. after a durable commit). The parent
// kills it with SIGKILL at a random moment. Usage: node crash-writer.js <dir> <seed>

import { openStore } from '../../src/store/index.js';
import { EMPTY_SNAPSHOT } from '../../src/store/repositories/state.js';
import type { PersistEventInput } from '../../src/store/repositories/events.js';
import type { Store } from '../../src/store/index.js';

export const CRASH_ROOM = '!crash:example.org';
export const crashEventId = (depth: number): string => `$crash-${depth}`;

/** What event number `depth` looks like: every 3rd a member join, every 7th a topic, else a message. */
export function crashEvent(depth: number): Pick<PersistEventInput, 'type' | 'stateKey' | 'membership' | 'json'> {
  const json = Buffer.from(JSON.stringify({ event_id: crashEventId(depth), depth, pad: 'x'.repeat(200 + (depth % 50)) }));
  if (depth === 1) return { type: 'm.room.create', stateKey: '', json };
  if (depth % 3 === 0) return { type: 'm.room.member', stateKey: `@u${depth}:example.org`, membership: 'join', json };
  if (depth % 7 === 0) return { type: 'm.room.topic', stateKey: '', json };
  return { type: 'm.room.message', json };
}

/** One write: the next event on top of the room's single forward extremity, read inside the transaction. */
function appendNext(store: Store): Promise<{ depth: number; streamPos: number }> {
  return store.write(function* (tx) {
    const [tip] = yield* store.extremities.get(tx, CRASH_ROOM);
    const prev = tip === undefined ? undefined : yield* store.events.get(tx, tip);
    const depth = prev === undefined ? 1 : prev.depth + 1;
    const snapshot = yield* store.state.currentSnapshot(tx, CRASH_ROOM);
    const r = yield* store.events.persist(tx, {
      eventId: crashEventId(depth),
      roomId: CRASH_ROOM,
      sender: '@writer:example.org',
      depth,
      originServerTs: depth,
      prevEvents: prev === undefined ? [] : [prev.eventId],
      authEvents: [],
      status: 'timeline',
      stateBefore: { snapshot: prev === undefined ? EMPTY_SNAPSHOT : snapshot },
      currentState: 'after',
      ...crashEvent(depth),
    });
    return { depth, streamPos: r.streamPos! };
  });
}

async function main(): Promise<void> {
  const [dir, seedArg] = process.argv.slice(2);
  if (dir === undefined) throw new Error('usage: crash-writer <dir> <seed>');
  let seed = Number(seedArg ?? 1);
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  let phase = 'opening';
  // If the event loop drains while a write is pending (a promise nobody will
  // settle), node exits quietly with code 0: say so, so the parent can tell.
  process.on('exit', (code) => {
    if (code === 0) process.stderr.write(`crash-writer: event loop drained while ${phase}\n`);
  });
  const store = await openStore({ backend: 'lmdb', path: dir });
  phase = 'writing';
  process.stdout.write('ready\n');
  for (;;) {
    // Mix single writes and bursts issued in one turn (they share a commit).
    const burst = rand(3) === 0 ? 2 + rand(20) : 1;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < burst; i++) {
      writes.push(appendNext(store).then((a) => void process.stdout.write(`ack ${a.depth} ${a.streamPos}\n`)));
    }
    await Promise.all(writes);
  }
}

if (process.argv[1]?.endsWith('crash-writer.js')) {
  main().catch((err: unknown) => {
    process.stderr.write(`crash-writer: ${String(err)}\n`);
    process.exit(1);
  });
}

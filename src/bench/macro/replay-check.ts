// After a replay, the room must hold every line, in order, each from its
// speaker: a replay that lost, repeated or reordered lines is no replay, and
// its time must not be reported. Read back through the client API
// (/messages, backwards from the end of the room).
import type { MatrixClient, Session } from './client.js';

export interface ExpectedLine {
  readonly sender: string;
  readonly body: string;
}

interface RoomEvent { type?: string; sender?: string; content?: { body?: unknown } }

/** page size of the read-back */
const PAGE = 100;

/** The room's m.room.message events from `senders`, oldest first. */
export async function readMessages(client: MatrixClient, reader: Session, roomId: string, senders: ReadonlySet<string>, expected: number): Promise<ExpectedLine[]> {
  const found: ExpectedLine[] = [];
  let from: string | undefined;
  // bounded: a server whose tokens never end the walk cannot hang the bench
  const maxPages = Math.ceil(expected / PAGE) + 50;
  for (let page = 0; page < maxPages; page++) {
    const { body } = await client.messages(reader, roomId, from, PAGE);
    for (const e of body.chunk as RoomEvent[]) {
      if (e.type === 'm.room.message' && e.sender !== undefined && senders.has(e.sender)) found.push({ sender: e.sender, body: String(e.content?.body) });
    }
    if (!body.end || body.chunk.length === 0 || body.end === from) return found.reverse();
    from = body.end;
  }
  throw new Error(`replay check: /messages did not reach the start of the room in ${maxPages} pages`);
}

/** Throws, saying where, unless the room holds exactly `expected`, in order. */
export async function checkReplay(client: MatrixClient, reader: Session, roomId: string, expected: readonly ExpectedLine[]): Promise<void> {
  const got = await readMessages(client, reader, roomId, new Set(expected.map((l) => l.sender)), expected.length);
  const show = (l: ExpectedLine | undefined) => (l ? `${l.sender}: ${JSON.stringify(l.body.length > 80 ? `${l.body.slice(0, 80)}…` : l.body)}` : 'nothing');
  for (let i = 0; i < Math.max(got.length, expected.length); i++) {
    const a = expected[i], b = got[i];
    if (a && b && a.sender === b.sender && a.body === b.body) continue;
    throw new Error(`replay check FAILED: the room holds ${got.length} of ${expected.length} lines; line ${i + 1} should be ${show(a)}, the room has ${show(b)}`);
  }
}

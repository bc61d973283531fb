// End to end with a real client library: matrix-js-sdk (no crypto) drives a whole Myelin over
// HTTP on 127.0.0.1, once through node:http and once through uWS. The scenario is issue 5's:
// registration, a room with an invite and a join, messages both ways through /sync, typing,
// receipts, an edit and a reaction that aggregate, a leave, and a late joiner who sees only what
// history visibility allows. Every wait is bounded so a missing feature fails instead of hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createClient, ClientEvent, Direction, MatrixError, PendingEventOrdering, ReceiptType, RoomEvent, RoomMemberEvent, SyncState,
  type MatrixClient, type MatrixEvent, type Room, type RoomMember,
} from 'matrix-js-sdk';
import { startTestServer, type TestServer } from '../helpers/server.js';
import '../helpers/users.js'; // cheap password hashes (MYELIN_SCRYPT_LN)
import { silenceSdk, unrefTimersFrom, untilWithin } from '../helpers/sdk.js';

silenceSdk();
// matrix-js-sdk 37 leaves timers armed after stopClient(): unref long timers so this test
// process exits when its tests end instead of idling ~2 minutes (nothing here waits that long).
unrefTimersFrom(60_000);

/** How long any single condition may take on a loaded 2-core machine before the test fails. */
const WAIT_MS = 20_000;
const until = untilWithin(WAIT_MS, 25);

const PASSWORD = 'correct horse battery staple';

/** Register through the SDK's own registerRequest (UIA: the 401 names the flows, then m.login.dummy). */
async function register(baseUrl: string, username: string): Promise<MatrixClient> {
  const anonymous = createClient({ baseUrl });
  let session: string | undefined;
  try {
    await anonymous.registerRequest({ username, password: PASSWORD });
    assert.fail('registration without auth must answer 401 with UIA flows');
  } catch (err) {
    assert.ok(err instanceof MatrixError, String(err));
    assert.equal(err.httpStatus, 401);
    const flows = (err.data.flows ?? []) as { stages: string[] }[];
    assert.ok(flows.some((f) => f.stages.includes('m.login.dummy')), JSON.stringify(err.data));
    session = err.data.session as string;
  }
  const res = await anonymous.registerRequest({ username, password: PASSWORD, auth: { type: 'm.login.dummy', session } });
  assert.ok(res.access_token && res.device_id, JSON.stringify(res));
  return createClient({ baseUrl, accessToken: res.access_token, userId: res.user_id, deviceId: res.device_id });
}

/** startClient and wait for the first sync to be PREPARED (an ERROR state fails at once). */
async function startSyncing(client: MatrixClient): Promise<void> {
  const prepared = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${client.getUserId()}: no PREPARED sync in ${WAIT_MS} ms`)), WAIT_MS);
    const onSync = (state: SyncState, _prev: SyncState | null, data?: { error?: Error }): void => {
      if (state === SyncState.Prepared) { clearTimeout(timer); client.off(ClientEvent.Sync, onSync); resolve(); }
      if (state === SyncState.Error) {
        clearTimeout(timer); client.off(ClientEvent.Sync, onSync);
        reject(new Error(`${client.getUserId()}: sync error: ${data?.error?.message ?? 'unknown'}`));
      }
    };
    client.on(ClientEvent.Sync, onSync);
  });
  // Detached: the SDK keeps local echoes of our own sends apart, so the live
  // timeline holds exactly what the server's sync delivered, in its order.
  await client.startClient({ initialSyncLimit: 10, pendingEventOrdering: PendingEventOrdering.Detached });
  await prepared;
}

function liveEvents(client: MatrixClient, roomId: string): MatrixEvent[] {
  return client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];
}

function bodies(events: readonly { content?: object }[]): string[] {
  return events.map((e) => (e.content as { body?: unknown } | undefined)?.body).filter((b): b is string => typeof b === 'string');
}

/** Every message body the client may read via /messages, paging backwards from the live end. */
async function allMessageBodies(client: MatrixClient, roomId: string): Promise<string[]> {
  const out: string[] = [];
  let from: string | null = null;
  for (let page = 0; page < 50; page++) {
    const res = await client.createMessagesRequest(roomId, from, 50, Direction.Backward);
    out.push(...bodies(res.chunk));
    if (!res.end || res.chunk.length === 0) return out;
    from = res.end;
  }
  throw new Error('/messages did not end within 50 pages');
}

for (const adapter of ['node', 'uws'] as const) {
  test(`matrix-js-sdk scenario over ${adapter === 'node' ? 'node:http' : 'uWS'}`, async (t) => {
    const server: TestServer = await startTestServer({ adapter });
    const clients: MatrixClient[] = [];
    try {
      assert.equal(server.adapter, adapter);
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      let alice!: MatrixClient, bob!: MatrixClient, carol!: MatrixClient;
      let roomId = '';
      let aliceHello = '', bobHello = '', original = '', edit = '', reaction = '';

      await t.test('three users register through the SDK; two start syncing', async () => {
        alice = await register(server.url, 'alice');
        bob = await register(server.url, 'bob');
        carol = await register(server.url, 'carol');
        clients.push(alice, bob, carol);
        assert.equal(alice.getUserId(), `@alice:${server.config.server_name}`);
        await Promise.all([startSyncing(alice), startSyncing(bob)]);
      });

      await t.test('alice creates a room and invites bob; bob sees the invite and joins', async () => {
        const created = await alice.createRoom({ preset: 'private_chat' as never, name: 'e2e room', invite: [bob.getUserId()!] });
        roomId = created.room_id;
        assert.match(roomId, /^!/);
        await until('bob sees the invite through sync', () => bob.getRoom(roomId)?.getMyMembership() === 'invite');
        assert.equal(bob.getRoom(roomId)?.getDMInviter() ?? alice.getUserId(), alice.getUserId());
        await bob.joinRoom(roomId);
        await until('alice sees bob joined', () => alice.getRoom(roomId)?.getMember(bob.getUserId()!)?.membership === 'join');
        await until('bob\'s room is joined with its name', () => {
          const room = bob.getRoom(roomId);
          return room?.getMyMembership() === 'join' && room.name === 'e2e room';
        });
      });

      await t.test('both exchange messages and see them through sync', async () => {
        aliceHello = (await alice.sendTextMessage(roomId, 'hello bob')).event_id;
        bobHello = (await bob.sendTextMessage(roomId, 'hello alice')).event_id;
        const atBob = await until('bob receives alice\'s message', () => liveEvents(bob, roomId).find((e) => e.getId() === aliceHello));
        assert.equal(atBob.getSender(), alice.getUserId());
        assert.equal(atBob.getContent().body, 'hello bob');
        const atAlice = await until('alice receives bob\'s message', () => liveEvents(alice, roomId).find((e) => e.getId() === bobHello));
        assert.equal(atAlice.getSender(), bob.getUserId());
        assert.equal(atAlice.getContent().body, 'hello alice');
        // the server's order is the same for both
        const order = (c: MatrixClient): string[] => liveEvents(c, roomId).map((e) => e.getId()!).filter((id) => id === aliceHello || id === bobHello);
        await until('both timelines hold both messages', () => order(alice).length === 2 && order(bob).length === 2);
        assert.deepEqual(order(alice), [aliceHello, bobHello]);
        assert.deepEqual(order(bob), [aliceHello, bobHello]);
      });

      await t.test('typing notifications arrive and stop', async () => {
        const seen: boolean[] = []; // what the SDK emitted as RoomMember.typing for bob
        const onTyping = (_event: MatrixEvent, member: RoomMember): void => {
          if (member.roomId === roomId && member.userId === bob.getUserId()) seen.push(member.typing);
        };
        alice.on(RoomMemberEvent.Typing, onTyping);
        try {
          await bob.sendTyping(roomId, true, 30_000);
          await until('alice sees bob typing', () => alice.getRoom(roomId)?.getMember(bob.getUserId()!)?.typing === true);
          await bob.sendTyping(roomId, false, 0);
          await until('alice sees bob stop typing', () => alice.getRoom(roomId)?.getMember(bob.getUserId()!)?.typing === false);
          assert.deepEqual(seen, [true, false]);
        } finally {
          alice.off(RoomMemberEvent.Typing, onTyping);
        }
      });

      await t.test('read receipts arrive; private ones stay private', async () => {
        // receipt types the SDK emitted (Room.receipt) per reader, as each side saw them
        const receiptsAt = (client: MatrixClient, reader: MatrixClient): string[] => {
          const types: string[] = [];
          client.on(RoomEvent.Receipt, (event: MatrixEvent, room: Room) => {
            if (room.roomId !== roomId) return;
            for (const byType of Object.values(event.getContent() as Record<string, Record<string, Record<string, unknown>>>)) {
              for (const [type, users] of Object.entries(byType)) if (reader.getUserId()! in users) types.push(type);
            }
          });
          return types;
        };
        const bobsAtAlice = receiptsAt(alice, bob);
        const alicesAtBob = receiptsAt(bob, alice);

        // a fresh message: bob's own later message already counts as read up to there, and
        // clients ignore a receipt that moves backwards
        const please = (await alice.sendTextMessage(roomId, 'please read this')).event_id;
        const event = await until('bob holds alice\'s new message', () => bob.getRoom(roomId)?.findEventById(please));
        await bob.sendReadReceipt(event);
        await until('alice sees bob\'s m.read receipt on her message',
          () => alice.getRoom(roomId)?.getReadReceiptForUserId(bob.getUserId()!, true)?.eventId === please);
        const readers = alice.getRoom(roomId)!.getUsersReadUpTo(alice.getRoom(roomId)!.findEventById(please)!);
        assert.ok(readers.includes(bob.getUserId()!), `readers: ${readers.join(', ')}`);
        assert.ok(bobsAtAlice.includes('m.read'), `Room.receipt at alice: ${bobsAtAlice.join(', ')}`);

        // alice reads privately (only her own devices learn it), then publicly; bob gets only the public one
        const quiet = (await bob.sendTextMessage(roomId, 'read me privately')).event_id;
        const quietAtAlice = await until('alice holds bob\'s message', () => alice.getRoom(roomId)?.findEventById(quiet));
        await alice.sendReadReceipt(quietAtAlice, ReceiptType.ReadPrivate);
        await until('alice\'s own sync carries her private receipt',
          () => alice.getRoom(roomId)?.getReadReceiptForUserId(alice.getUserId()!, true, ReceiptType.ReadPrivate)?.eventId === quiet);
        const loud = (await bob.sendTextMessage(roomId, 'read me publicly')).event_id;
        const loudAtAlice = await until('alice holds bob\'s second message', () => alice.getRoom(roomId)?.findEventById(loud));
        await alice.sendReadReceipt(loudAtAlice, ReceiptType.Read);
        await until('bob sees alice\'s public receipt',
          () => bob.getRoom(roomId)?.getReadReceiptForUserId(alice.getUserId()!, true, ReceiptType.Read)?.eventId === loud);
        assert.ok(alicesAtBob.includes('m.read'));
        assert.ok(!alicesAtBob.includes('m.read.private'), `bob must never see alice's private receipt: ${alicesAtBob.join(', ')}`);
      });

      await t.test('an edit (m.replace) and a reaction (m.annotation) aggregate', async () => {
        original = (await alice.sendTextMessage(roomId, 'the original')).event_id;
        await until('bob has the original', () => bob.getRoom(roomId)?.findEventById(original));
        reaction = (await bob.sendEvent(roomId, 'm.reaction' as never, {
          'm.relates_to': { rel_type: 'm.annotation', event_id: original, key: '👍' },
        } as never)).event_id;
        edit = (await alice.sendEvent(roomId, 'm.room.message' as never, {
          msgtype: 'm.text', body: '* the edited',
          'm.new_content': { msgtype: 'm.text', body: 'the edited' },
          'm.relates_to': { rel_type: 'm.replace', event_id: original },
        } as never)).event_id;

        // the SDK applies both from what /sync delivered
        await until('bob\'s client shows the edit', () => bob.getRoom(roomId)?.findEventById(original)?.replacingEventId() === edit);
        assert.equal(bob.getRoom(roomId)!.findEventById(original)!.getContent().body, 'the edited');
        const annotations = await until('alice\'s client aggregates the reaction', () => alice.getRoom(roomId)?.relations
          .getChildEventsForEvent(original, 'm.annotation', 'm.reaction')?.getSortedAnnotationsByKey());
        assert.equal(annotations.length, 1);
        assert.equal(annotations[0]![0], '👍');
        assert.deepEqual([...annotations[0]![1]].map((e) => e.getId()), [reaction]);

        // the server bundles the edit on /event and /messages
        const fetched = await alice.fetchRoomEvent(roomId, original);
        const bundled = (fetched.unsigned as Record<string, any> | undefined)?.['m.relations']?.['m.replace'];
        assert.equal(bundled?.event_id, edit, JSON.stringify(fetched.unsigned));
        const page = await alice.createMessagesRequest(roomId, null, 20, Direction.Backward);
        const inPage = page.chunk.find((e) => e.event_id === original);
        assert.ok(inPage, 'the original is on the last page');
        assert.equal((inPage.unsigned as Record<string, any> | undefined)?.['m.relations']?.['m.replace']?.event_id, edit);

        // /relations lists the reaction (and, unfiltered, the edit too)
        const reactions = await alice.relations(roomId, original, 'm.annotation', 'm.reaction');
        assert.deepEqual(reactions.events.map((e) => e.getId()), [reaction]);
        assert.equal(reactions.events[0]!.getRelation()?.key, '👍');
        const edits = await alice.relations(roomId, original, 'm.replace', 'm.room.message');
        assert.deepEqual(edits.events.map((e) => e.getId()), [edit]);
      });

      let sharedEra = '', joinedEra: string[] = [], afterLeave = '', afterJoin = '';
      await t.test('bob leaves; alice sees it and bob reads nothing sent afterwards', async () => {
        // history before carol: one message while visibility is shared (private_chat's default),
        // then visibility joined and messages carol must never see (including while only invited)
        const hv = alice.getRoom(roomId)!.currentState.getStateEvents('m.room.history_visibility', '');
        assert.equal(hv?.getContent().history_visibility, 'shared');
        sharedEra = (await alice.sendTextMessage(roomId, 'shared-era: visible to later joiners')).event_id;
        await alice.sendStateEvent(roomId, 'm.room.history_visibility' as never, { history_visibility: 'joined' } as never, '');
        joinedEra.push((await alice.sendTextMessage(roomId, 'joined-era secret 1')).event_id);
        joinedEra.push((await alice.sendTextMessage(roomId, 'joined-era secret 2')).event_id);

        await bob.leave(roomId);
        await until('alice sees bob left', () => alice.getRoom(roomId)?.getMember(bob.getUserId()!)?.membership === 'leave');
        await until('bob\'s client shows the room as left', () => bob.getRoom(roomId)?.getMyMembership() === 'leave');
        afterLeave = (await alice.sendTextMessage(roomId, 'after bob left')).event_id;
        const bobCan = await allMessageBodies(bob, roomId);
        assert.ok(bobCan.includes('hello bob'), 'bob still reads what he was there for');
        assert.ok(!bobCan.includes('after bob left'), 'nothing after the leave');
        await assert.rejects(bob.fetchRoomEvent(roomId, afterLeave), (err: unknown) => err instanceof MatrixError && err.httpStatus === 404);
      });

      await t.test('a late joiner sees only what history visibility allows', async () => {
        await startSyncing(carol);
        await alice.invite(roomId, carol.getUserId()!);
        await until('carol sees the invite', () => carol.getRoom(roomId)?.getMyMembership() === 'invite');
        joinedEra.push((await alice.sendTextMessage(roomId, 'joined-era secret 3 (carol only invited)')).event_id);
        await carol.joinRoom(roomId);
        await until('carol is joined', () => carol.getRoom(roomId)?.getMyMembership() === 'join');
        afterJoin = (await alice.sendTextMessage(roomId, 'welcome carol')).event_id;
        await until('carol receives the message sent after her join', () => liveEvents(carol, roomId).find((e) => e.getId() === afterJoin));

        // the sync timeline and a scrollback through the SDK
        const room: Room = carol.getRoom(roomId)!;
        await carol.scrollback(room, 100);
        const seen = liveEvents(carol, roomId);
        const seenIds = new Set(seen.map((e) => e.getId()));
        for (const id of joinedEra) assert.ok(!seenIds.has(id), `carol's timeline must not hold ${id}`);
        assert.ok(!bodies(seen.map((e) => ({ content: e.getContent() }))).some((b) => b.startsWith('joined-era')));
        assert.ok(seenIds.has(sharedEra), 'the shared-era message is visible to carol');

        // /messages directly
        const carolCan = await allMessageBodies(carol, roomId);
        assert.ok(carolCan.includes('welcome carol'));
        assert.ok(carolCan.includes('shared-era: visible to later joiners'));
        assert.ok(carolCan.includes('hello bob'), 'shared history before the switch is visible');
        assert.deepEqual(carolCan.filter((b) => b.startsWith('joined-era')), []);
        assert.ok(!carolCan.includes('after bob left'), 'sent under joined before carol joined');

        // and by id
        for (const id of joinedEra) {
          await assert.rejects(carol.fetchRoomEvent(roomId, id), (err: unknown) => err instanceof MatrixError && err.httpStatus === 404, id);
        }
        assert.equal((await carol.fetchRoomEvent(roomId, sharedEra)).event_id, sharedEra);
      });
    } finally {
      for (const c of clients) c.stopClient();
      await server.close();
    }
  });
}


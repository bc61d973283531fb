// Send-to-device (spec: client-server-api#send-to-device-messaging): messages are queued
// per device (`*` = every device of the user), delivered by /sync and deleted once the
// next since token acknowledges them. Idempotent per (device, event type, txnId): spec v1.7
// "Transaction identifiers" scopes an id to one device and one endpoint (as Synapse). Local users only
// (no federation yet): messages for other servers are dropped.
import { invalidParam } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import { domainOf } from '../matrix/ids.js';
import type { SyncDeps } from './deps.js';

const encoder = new TextEncoder();

export async function sendToDevice(
  deps: SyncDeps, requester: Requester, eventType: string, txnId: string, messages: Record<string, Record<string, unknown>>,
): Promise<void> {
  const { store } = deps;
  const scope = `to_device\u0000${requester.userId}\u0000${requester.deviceId}\u0000${eventType}`;
  if ((await store.read((tx) => store.transactionIds.get(tx, scope, txnId))) !== undefined) return;
  for (const [userId, devices] of Object.entries(messages)) {
    if (!userId.startsWith('@') || !userId.includes(':')) throw invalidParam(`${JSON.stringify(userId)} is not a user id`);
    if (typeof devices !== 'object' || devices === null || Array.isArray(devices)) throw invalidParam(`messages[${userId}] must be an object`);
    for (const [d, content] of Object.entries(devices)) {
      if (typeof content !== 'object' || content === null || Array.isArray(content)) throw invalidParam(`messages[${userId}][${d}] must be an object`);
    }
  }
  const woken: [string, string][] = [];
  const ts = deps.clock.now();
  await store.write(function* (tx) {
    for (const [userId, devices] of Object.entries(messages)) {
      if (domainOf(userId) !== deps.serverName) continue;
      for (const [deviceId, content] of Object.entries(devices)) {
        const json = encoder.encode(JSON.stringify({ sender: requester.userId, type: eventType, content }));
        const targets = deviceId === '*' ? (yield* store.devices.list(tx, userId)).map((x) => x.deviceId) : [deviceId];
        for (const target of targets) yield* store.toDevice.enqueue(tx, userId, target, json);
        woken.push([userId, deviceId]);
      }
    }
    yield* store.transactionIds.put(tx, scope, txnId, { ts, response: encoder.encode('{}') });
  });
  for (const [u, d] of woken) deps.notifier.toDeviceChanged(u, d);
}

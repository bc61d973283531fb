// `myelin debug event-id` and `myelin debug redact`: one event in, one answer out.
import type { CliIo } from '../command.js';
import { computeEventId, computeRoomIdFromCreate, referenceHash } from '../../matrix/event-format/event-id.js';
import { redactEventBytes } from '../../matrix/redaction.js';
import { hasValidContentHash } from '../../matrix/signing.js';
import { isObject, kernelsFromOptions, type Options, readJsonInput, rulesFromOptions, UsageError } from './input.js';

async function readEvent(opts: Options, io: CliIo): Promise<Record<string, unknown>> {
  const input = await readJsonInput(opts._[0], io);
  if (!isObject(input)) throw new UsageError('the input must be one event (a JSON object)');
  return input;
}

export async function runEventId(opts: Options, io: CliIo): Promise<number> {
  const event = await readEvent(opts, io);
  const rules = rulesFromOptions(opts);
  const k = kernelsFromOptions(opts);
  let pdu = event;
  if (rules.eventFormat !== 'v1' && 'event_id' in event) {
    // v3+ ids are not part of the event; a copy with one (as in fixtures) is hashed without it.
    const { event_id: _id, ...rest } = event;
    pdu = rest;
    io.stderr.write('note: ignoring the event_id field (not part of the event in this room version)\n');
  }
  io.stdout.write(`event_id ${computeEventId(rules, pdu, k)}\n`);
  io.stdout.write(`reference_hash ${k.base64Encode(referenceHash(rules, pdu, k))}\n`);
  io.stdout.write(`content_hash ${hasValidContentHash(rules, pdu, k) ? 'matches' : 'does not match'} hashes.sha256\n`);
  if (rules.roomIdFromCreateEvent && pdu.type === 'm.room.create' && pdu.state_key === '') {
    io.stdout.write(`room_id ${computeRoomIdFromCreate(pdu, k, rules)}\n`);
  }
  return 0;
}

export async function runRedact(opts: Options, io: CliIo): Promise<number> {
  const event = await readEvent(opts, io);
  const rules = rulesFromOptions(opts);
  const k = kernelsFromOptions(opts);
  io.stdout.write(new TextDecoder().decode(redactEventBytes(rules, event, k)) + '\n');
  return 0;
}

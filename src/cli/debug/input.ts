// Shared input handling for `myelin debug ...`: JSON from a file or stdin, the kernels, the room version.
import { readFile } from 'node:fs/promises';
import type { CliIo } from '../command.js';
import { readAll } from '../command.js';
import { parseAccelChoice, selectKernels, type Kernels } from '../../accel/index.js';
import { roomVersion, KNOWN_ROOM_VERSIONS, type RoomVersionRules } from '../../matrix/room-versions.js';

export type Options = { _: string[]; [k: string]: string | boolean | string[] };

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** JSON from the named file, or stdin when the name is absent or `-`. */
export async function readJsonInput(file: string | undefined, io: CliIo): Promise<unknown> {
  const bytes = file === undefined || file === '-' ? await readAll(io.stdin) : await readFile(file);
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file ?? 'stdin'} is not JSON: ${(err as Error).message}`);
  }
}

export function kernelsFromOptions(opts: Options): Kernels {
  const accel = opts.accel;
  return selectKernels(parseAccelChoice(typeof accel === 'string' ? accel : undefined));
}

export function rulesFor(version: unknown): RoomVersionRules {
  const rules = typeof version === 'string' ? roomVersion(version) : undefined;
  if (rules === undefined) throw new UsageError(`unknown room version ${JSON.stringify(version)} (known: ${KNOWN_ROOM_VERSIONS.join(', ')})`);
  return rules;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `--room-version` / `--version` option, else the `room_version` of the input, else an error. */
export function rulesFromOptions(opts: Options, input?: unknown): RoomVersionRules {
  const v = opts['room-version'] ?? (isObject(input) ? input.room_version : undefined);
  if (v === undefined) throw new UsageError('say which room version: --room-version N');
  return rulesFor(v);
}
